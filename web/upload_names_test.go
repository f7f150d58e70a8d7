package web

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/url"
	"testing"

	"claimtrail/domain"
)

// TestUploadNameWithAControlCharacterIsNamed uploads, as a browser sends
// them, files whose names hold a control character, to every form that
// takes a file. Go's form parser drops such a file, or the whole form, so
// the person was told to choose a file they had chosen; they are now told
// what is wrong with its name, with everything else they typed shown back,
// and nothing is stored.
func TestUploadNameWithAControlCharacterIsNamed(t *testing.T) {
	env := newTestEnv(t)
	eddie, _ := env.signedIn("eddie@newsroom.example", domain.RoleEditor)
	article := []byte("Unemployment fell to 4.1% in the three months to March, the ONS said.")
	feed := []byte(`[{"@type":"ClaimReview","url":"https://checks.example/1","claimReviewed":"Bus fares rose by 14% last year.","reviewRating":{"alternateName":"True"}}]`)
	post := func(path, name string, content []byte, fields url.Values) *response {
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		for k, vs := range fields {
			for _, v := range vs {
				mw.WriteField(k, v)
			}
		}
		fw, _ := mw.CreateFormFile("file", name)
		fw.Write(content)
		mw.Close()
		req, _ := http.NewRequest(http.MethodPost, env.srv.URL+path, &buf)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		return eddie.do(req)
	}
	forms := []struct {
		path    string
		content []byte
		fields  url.Values
		kept    map[string]string // selector → what was typed, shown back
	}{
		{"/articles", article, url.Values{"source": {"upload"}, "source_shown": {"tabs"}, "title": {"Jobs figures"}, "outlet": {"Daily Bugle"}, "author": {"Ann Lee"}, "url": {"https://bugle.example/jobs"}, "published": {"2025-02-23"}, "body": {"Text typed in the paste tab."}, "address": {"https://typed.example/page"}},
			map[string]string{"#title": "Jobs figures", "#outlet": "Daily Bugle", "#author": "Ann Lee", "#url": "https://bugle.example/jobs", "#published": "2025-02-23", "#address": "https://typed.example/page", "#body": "Text typed in the paste tab."}},
		{"/articles/upload", article, url.Values{"upload-title": {"Jobs figures"}, "upload-outlet": {"Daily Bugle"}},
			map[string]string{"#title": "Jobs figures", "#outlet": "Daily Bugle"}},
		{"/import/checks", feed, nil, nil},
	}
	for _, f := range forms {
		for _, name := range []string{"notes\a.txt", "notes.tx\x01t", "jobs\x1b[1m.md", "no\ttes.txt", "rates\x7f.html"} {
			if f.path == "/import/checks" {
				name += ".json"
			}
			t.Run(f.path+"/"+name, func(t *testing.T) {
				res := post(f.path, name, f.content, f.fields)
				wantStatus(t, res, http.StatusUnprocessableEntity)
				if got := res.TestID(t, "error-file"); got != domain.UploadNameMessage {
					t.Errorf("the form says %q, want %q", got, domain.UploadNameMessage)
				}
				// The parser refused the whole form for the file's name
				// once: everything else typed is shown back.
				wantKept(t, res.Doc(t), f.kept)
			})
		}
	}
	if n := env.count(`SELECT count(*) FROM articles`) + env.count(`SELECT count(*) FROM imported_checks`); n != 0 {
		t.Errorf("%d articles and imported checks stored from refused uploads", n)
	}
	// An ordinary name still works.
	wantStatus(t, post("/articles/upload", "notes.txt", article, nil), http.StatusSeeOther)
}

// TestNameWatchReadsAnyBody feeds the watch bodies cut at every byte, with
// empty and short lines: it finds the unreadable name wherever the reads
// fall, and never fails on what it is given.
func TestNameWatchReadsAnyBody(t *testing.T) {
	body := "--b\r\n\r\n\n\nC\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nJobs\r\n--b\r\n" +
		"content-disposition: form-data; name=\"file\"; filename=\"a\x07.txt\"\r\n\r\nx\r\n--b--\r\n"
	for cut := range len(body) + 1 {
		w := &nameWatch{}
		w.scan([]byte(body[:cut]))
		w.scan([]byte(body[cut:]))
		if !w.unreadable["file"] || w.unreadable["title"] {
			t.Fatalf("cut at %d: unreadable %v, want file only", cut, w.unreadable)
		}
	}
}
