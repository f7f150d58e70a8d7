package web

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"claimtrail/domain"
)

// TestOversizedUploadKeepsTheFieldsAfterTheFile: a browser sends the
// add-article form's parts in the page's order, the file before the
// headline, outlet, author, address and date. A file far over the article
// limit (more than the room the body has around an article) is refused as
// too large beside the file, with every field typed after it shown back;
// the same without a file name's help on the older upload address. Past
// what is read at all, the form ends there and what came before the file
// is still shown. Nothing is stored.
func TestOversizedUploadKeepsTheFieldsAfterTheFile(t *testing.T) {
	env := articleEnv(t) // 64 KB articles: the body's room is 64 KB + 1 MB
	c, _ := env.signedIn("rita@newsroom.example", domain.RoleReviewer)
	limit := int64(64 << 10)
	type part struct{ name, value string }
	post := func(path string, before []part, file []byte, after []part) *response {
		t.Helper()
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		for _, p := range before {
			mw.WriteField(p.name, p.value)
		}
		fw, _ := mw.CreateFormFile("file", "report.txt")
		fw.Write(file)
		for _, p := range after {
			mw.WriteField(p.name, p.value)
		}
		mw.Close()
		req, _ := http.NewRequest(http.MethodPost, c.env.srv.URL+path, &buf)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		req.Header.Set("Origin", c.env.srv.URL)
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		return c.do(req)
	}
	text := func(n int64) []byte { return bytes.Repeat([]byte("Inflation rose to 3% last year. "), int(n/32)+1)[:n] }
	before := []part{{"source_shown", "tabs"}, {"source", "upload"}, {"body", "Text typed in the paste tab."}}
	details := []part{{"title", "Kept headline"}, {"outlet", "Kept outlet"}, {"author", "Kept author"},
		{"url", "https://kept.example/a"}, {"published", "2025-02-23"}}
	kept := func(t *testing.T, res *response, want map[string]string) {
		t.Helper()
		wantStatus(t, res, http.StatusRequestEntityTooLarge)
		if msg := res.TestID(t, "error-file"); msg == "" {
			t.Error("no message beside the file")
		}
		wantKept(t, res.Doc(t), want)
	}
	all := map[string]string{"#title": "Kept headline", "#outlet": "Kept outlet", "#author": "Kept author", "#url": "https://kept.example/a",
		"#published": "2025-02-23", "#body": "Text typed in the paste tab."}

	t.Run("a file over the body's room", func(t *testing.T) {
		kept(t, post("/articles", before, text(limit+1<<20+200<<10), details), all)
	})
	t.Run("the older upload address", func(t *testing.T) {
		var prefixed []part
		for _, p := range details {
			prefixed = append(prefixed, part{"upload-" + p.name, p.value})
		}
		kept(t, post("/articles/upload", nil, text(limit+1<<20+200<<10), prefixed), map[string]string{"#title": "Kept headline", "#outlet": "Kept outlet"})
	})
	t.Run("a file past what is read at all", func(t *testing.T) {
		res := post("/articles", before, text(uploadReadLimit(limit)+1<<20), details)
		kept(t, res, map[string]string{"#body": "Text typed in the paste tab."})
		if !strings.Contains(res.Body, "more than we accept") && !strings.Contains(res.TestID(t, "error-file"), "larger than") {
			t.Errorf("the refusal does not say the file is too large: %q", res.TestID(t, "error-file"))
		}
	})
	wantNothingStored(t, env.db)
}

// TestUploadTrimCutsOnlyFiles: the parts handed on are those sent, in
// order, with the same values; a file's content is cut after its limit
// plus one byte, whatever its size, so a file far too large costs the
// server no more than one just too large.
func TestUploadTrimCutsOnlyFiles(t *testing.T) {
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("before", "typed before")
	fw, _ := mw.CreateFormFile("file", "big.txt")
	fw.Write(bytes.Repeat([]byte("x"), 5000))
	small, _ := mw.CreateFormFile("other", "small.txt")
	small.Write([]byte("short"))
	mw.WriteField("after", strings.Repeat("long typed text ", 500))
	mw.Close()
	r, _ := http.NewRequest(http.MethodPost, "/articles", &body)
	r.Header.Set("Content-Type", mw.FormDataContentType())
	trimUploads(r, 100)
	defer r.Body.Close()
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		t.Fatal(err)
	}
	if got := r.PostForm.Get("before"); got != "typed before" {
		t.Errorf("before = %q", got)
	}
	if got := r.PostForm.Get("after"); got != strings.Repeat("long typed text ", 500) {
		t.Errorf("after is %d bytes, want it whole", len(got))
	}
	for field, size := range map[string]int64{"file": 101, "other": 5} {
		if hs := r.MultipartForm.File[field]; len(hs) != 1 || hs[0].Size != size {
			t.Errorf("%s: %v, want one file of %d bytes", field, hs, size)
		}
	}
	if uploadEnded(r) {
		t.Error("a whole body taken for one cut short")
	}
}
