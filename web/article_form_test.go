package web

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"claimtrail/domain"
)

// addArticleForm posts the add-article page's one form as a browser sends
// it: multipart, with the file part only when a file was chosen.
func (c *client) addArticleForm(fields url.Values, filename string, content []byte) *response {
	c.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, vs := range fields {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	if filename != "" {
		fw, _ := mw.CreateFormFile("file", filename)
		fw.Write(content)
	}
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, c.env.srv.URL+"/articles", &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Origin", c.env.srv.URL)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	return c.do(req)
}

// TestAddArticleOneForm adds an article each way through the one form, with
// the same details fields whichever source is chosen.
func TestAddArticleOneForm(t *testing.T) {
	env := articleEnv(t)
	c, _ := env.signedIn("rita@newsroom.example", domain.RoleReviewer)
	srv, _ := pageServer(t)

	page := c.get("/articles/new")
	wantStatus(t, page, http.StatusOK)
	doc := page.Doc(t)
	if n := doc.Find(`form[data-testid="article-form"]`).Length(); n != 1 {
		t.Fatalf("%d add-article forms, want one", n)
	}
	if n := doc.Find(`input[name="title"]`).Length(); n != 1 {
		t.Errorf("%d headline fields, want one set of details", n)
	}
	if enc := doc.Find(`form[data-testid="article-form"]`).AttrOr("enctype", ""); enc != "multipart/form-data" {
		t.Errorf("form enctype %q", enc)
	}
	if _, ok := doc.Find(`[data-testid="source-paste"]`).Attr("checked"); !ok {
		t.Error("pasting is not chosen by default")
	}

	cases := []struct {
		source, filename string
		fields           url.Values
		origin           string
	}{
		{"paste", "", url.Values{"body": {testReport}}, domain.OriginPaste},
		{"upload", "budget.md", nil, domain.OriginUpload},
		{"fetch", "", url.Values{"address": {srv.URL + "/report"}}, domain.OriginURL},
	}
	for _, tt := range cases {
		t.Run(tt.source, func(t *testing.T) {
			fields := url.Values{"source": {tt.source}, "title": {"Headline by " + tt.source}, "outlet": {"The Example"}}
			for k, v := range tt.fields {
				fields[k] = v
			}
			// Text typed under another source is ignored, not mixed in.
			if tt.source != "paste" {
				fields.Set("body", "Typed under paste, then another source was chosen.")
			}
			var content []byte
			if tt.filename != "" {
				content = []byte("# Budget row\n\nThe Treasury said borrowing reached £120 billion last year, the highest since 2020.\n")
			}
			id := articleIDFrom(t, c.addArticleForm(fields, tt.filename, content))
			a, err := env.db.ArticleByID(context.Background(), mustID(t, id))
			if err != nil {
				t.Fatal(err)
			}
			if a.Origin != tt.origin || a.Title != "Headline by "+tt.source || a.Outlet != "The Example" {
				t.Errorf("stored %q/%q/%q, want origin %q with the typed details", a.Origin, a.Title, a.Outlet, tt.origin)
			}
			if strings.Contains(a.Body, "Typed under paste") {
				t.Error("text from the paste tab went into an article from another source")
			}
		})
	}
}

// TestAddArticleOneFormRefusalKeepsTyping: a refused add comes back with
// every field as typed, the chosen source still chosen, and the message
// beside the field it is about.
func TestAddArticleOneFormRefusalKeepsTyping(t *testing.T) {
	env := articleEnv(t)
	c, _ := env.signedIn("rita@newsroom.example", domain.RoleReviewer)
	srv, _ := pageServer(t)

	details := url.Values{"title": {"Kept headline"}, "outlet": {"Kept outlet"}, "author": {"Kept author"}, "url": {"https://kept.example/a"}, "published": {"2025-02-23"}}
	cases := []struct {
		name, source, filename string
		content                []byte
		extra                  url.Values
		status                 int
		field                  string // data-testid error-<field>
		beside                 string // the input the message describes
	}{
		{"empty paste", "paste", "", nil, url.Values{"body": {"  \n "}}, 422, "body", "#body"},
		{"fetch fails", "fetch", "", nil, url.Values{"address": {srv.URL + "/missing"}}, 422, "url", "#address"},
		{"fetch internal", "fetch", "", nil, url.Values{"address": {"http://10.1.2.3/report"}}, 422, "url", "#address"},
		{"no file", "upload", "", nil, nil, 422, "file", "#file"},
		{"file too large", "upload", "big.txt", bytes.Repeat([]byte("Inflation rose to 3%. "), 4000), nil, 413, "file", "#file"},
		{"bad date", "paste", "", nil, url.Values{"body": {testReport}, "published": {"23/02/2025"}}, 422, "published", "#published"},
	}
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			// Posted from the tabs, where the chosen source is the one meant.
			fields := url.Values{"source": {tt.source}, "source_shown": {"tabs"}, "body": {"Text typed in the paste tab."}, "address": {"https://typed.example/page"}}
			for k, v := range details {
				fields[k] = v
			}
			for k, v := range tt.extra {
				fields[k] = v
			}
			res := c.addArticleForm(fields, tt.filename, tt.content)
			wantStatus(t, res, tt.status)
			doc := res.Doc(t)
			if res.TestID(t, "error-"+tt.field) == "" {
				t.Fatalf("no message for %s", tt.field)
			}
			if got := doc.Find(tt.beside).AttrOr("aria-describedby", ""); got != tt.field+"-error" {
				t.Errorf("%s is described by %q, want the message %s-error", tt.beside, got, tt.field)
			}
			if _, ok := doc.Find(`[data-testid="source-` + tt.source + `"]`).Attr("checked"); !ok {
				t.Errorf("source %s is no longer chosen", tt.source)
			}
			if n := doc.Find(`input[name="source"][checked]`).Length(); n != 1 {
				t.Errorf("%d sources chosen", n)
			}
			for name, want := range map[string]string{"title": "Kept headline", "outlet": "Kept outlet", "author": "Kept author", "url": "https://kept.example/a", "address": fields.Get("address")} {
				if got := doc.Find(`input[name="`+name+`"]`).AttrOr("value", ""); got != want {
					t.Errorf("%s = %q, want %q kept", name, got, want)
				}
			}
			if want := fields.Get("published"); doc.Find(`#published`).AttrOr("value", "") != want {
				t.Errorf("publication date not kept")
			}
			if got := doc.Find(`#body`).Text(); got != fields.Get("body") {
				t.Errorf("pasted text = %q, want %q kept", got, fields.Get("body"))
			}
			if tt.field == "url" && doc.Find(`#url`).AttrOr("aria-invalid", "") != "" {
				t.Error("the address to fetch's message was put on the article's web address")
			}
		})
	}
	wantNothingStored(t, env.db)
}

// TestAddArticleTakesTheOnlySourceGiven: without JavaScript the three
// sources show one under another with "Paste text" chosen; someone who
// only gives a web address, or only a file, and presses Add gets that
// article, not "paste the article's text". With text in two places the
// chosen source still decides.
func TestAddArticleTakesTheOnlySourceGiven(t *testing.T) {
	env := articleEnv(t)
	c, _ := env.signedIn("rita@newsroom.example", domain.RoleReviewer)
	srv, _ := pageServer(t)

	fetched := articleIDFrom(t, c.addArticleForm(url.Values{"source": {"paste"}, "body": {""}, "address": {srv.URL + "/report"}}, "", nil))
	uploaded := articleIDFrom(t, c.addArticleForm(url.Values{"source": {"paste"}, "address": {"  "}}, "budget.md",
		[]byte("# Budget row\n\nThe Treasury said borrowing reached £120 billion last year, the highest since 2020.\n")))
	for id, want := range map[string]string{fetched: domain.OriginURL, uploaded: domain.OriginUpload} {
		a, err := env.db.ArticleByID(context.Background(), mustID(t, id))
		if err != nil {
			t.Fatal(err)
		}
		if a.Origin != want {
			t.Errorf("article %s came from %q, want %q", id, a.Origin, want)
		}
	}
	res := c.addArticleForm(url.Values{"source": {"paste"}, "title": {"Kept headline"}}, "", nil)
	wantStatus(t, res, http.StatusUnprocessableEntity)
	if res.TestID(t, "error-body") == "" {
		t.Error("nothing given anywhere: no message beside the chosen source")
	}
}

// TestAddArticleFromTabsKeepsTheChosenSource: with the script on, the
// sources are tabs and only the chosen one shows, so an empty paste tab
// chosen over an address typed in another is asked for its text.
func TestAddArticleFromTabsKeepsTheChosenSource(t *testing.T) {
	env := articleEnv(t)
	c, _ := env.signedIn("rita@newsroom.example", domain.RoleReviewer)
	srv, _ := pageServer(t)
	res := c.addArticleForm(url.Values{"source": {"paste"}, "source_shown": {"tabs"}, "address": {srv.URL + "/report"}}, "", nil)
	wantStatus(t, res, http.StatusUnprocessableEntity)
	if res.TestID(t, "error-body") == "" {
		t.Error("an empty paste tab was not asked for its text")
	}
}
