package web

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"claimtrail/domain"
	"claimtrail/storage"
	"claimtrail/web/ingest"
)

// A short report written for these tests, with a donation appeal on top.
const testReport = `Support our journalism. Your donation keeps this site free to read; sign up to our newsletter and donate today.

The Chancellor told MPs the previous government had left a £22 billion black hole in the public finances.

Defence spending stands at 2.3% of GDP, and ministers have pledged to raise it to 2.5%.

It was a grey morning in Westminster.`

// allowLoopback is the explicit test-only allowance that lets the fetcher
// reach the tests' own httptest server on 127.0.0.1.
func allowLoopback(a netip.Addr) bool { return a.IsLoopback() }

// articleEnv is a test env whose fetcher may reach loopback servers and
// whose article size limit is small enough to exceed cheaply.
func articleEnv(t *testing.T) *testEnv {
	return newTestEnv(t, func(c *Config) {
		c.MaxUploadBytes = 64 << 10
		c.Fetcher = &ingest.Fetcher{AllowAddr: allowLoopback, Timeout: 2 * time.Second, MaxBytes: 64 << 10}
	})
}

// upload posts a file (and extra fields) as a browser's multipart form would.
func (c *client) upload(path, filename string, content []byte, fields url.Values) *response {
	c.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, vs := range fields {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	fw, _ := mw.CreateFormFile("file", filename)
	fw.Write(content)
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, c.env.srv.URL+path, &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Origin", c.env.srv.URL)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	return c.do(req)
}

// articleIDFrom reads the article id from a redirect to /articles/{id}.
func articleIDFrom(t *testing.T, res *response) string {
	t.Helper()
	wantStatus(t, res, http.StatusSeeOther)
	loc := res.Header.Get("Location")
	id, ok := strings.CutPrefix(loc, "/articles/")
	if !ok || id == "" || strings.Contains(id, "/") {
		t.Fatalf("redirect to %q, want an article", loc)
	}
	return id
}

// wantNothingStored asserts that no article, claim or their audit events exist.
func wantNothingStored(t *testing.T, db *storage.DB) {
	t.Helper()
	list, err := db.ListArticles(context.Background(), storage.ArticleFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 0 {
		t.Errorf("%d articles stored, want none", len(list))
	}
	for _, entity := range []string{"article", "claim"} {
		events, _ := db.ListAuditEvents(context.Background(), domain.AuditFilter{Entity: entity})
		if len(events) != 0 {
			t.Errorf("%d %s audit events written, want none", len(events), entity)
		}
	}
}

// pageServer serves test pages by path.
func pageServer(t *testing.T) (*httptest.Server, *atomic.Int32) {
	var hits atomic.Int32
	mux := http.NewServeMux()
	mux.HandleFunc("/report", func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(`<!DOCTYPE html><html><head><title>Chancellor blames predecessors | The Example Gazette</title>
<meta property="og:title" content="Chancellor blames predecessors for £22bn gap">
<meta property="og:site_name" content="The Example Gazette">
<meta name="author" content="Sam Writer">
<meta property="article:published_time" content="2025-02-23T08:00:00Z">
</head><body><nav><a href="/">Home</a> <a href="/politics">Politics</a> <a href="/sport">Sport</a></nav>
<article><h1>Chancellor blames predecessors for £22bn gap</h1>
<p>The Chancellor told MPs the previous government had left a £22 billion black hole in the public finances.</p>
<p>Defence spending stands at 2.3% of GDP, and ministers have pledged to raise it to 2.5% within this parliament.</p>
<p>Opposition members disputed the figure during a lively session in the Commons on Monday afternoon.</p>
</article><footer>Copyright The Example Gazette. All rights reserved. Privacy policy. Contact us.</footer></body></html>`))
	})
	mux.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(3 * time.Second):
		}
	})
	mux.HandleFunc("/missing", http.NotFound)
	mux.HandleFunc("/broken", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "oops", http.StatusInternalServerError) })
	mux.HandleFunc("/photo", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/png")
		w.Write(pngBytes)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv, &hits
}

var pngBytes = append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), bytes.Repeat([]byte{0}, 64)...)

func TestAddArticleThreeWays(t *testing.T) {
	env := articleEnv(t)
	c, u := env.signedIn("rita@newsroom.example", domain.RoleReviewer)
	wantStatus(t, c.get("/articles/new"), http.StatusOK)

	// Paste, with typed metadata.
	id := articleIDFrom(t, c.postForm("/articles", url.Values{"body": {testReport}, "title": {"Chancellor's £22bn claim"},
		"outlet": {"The Example"}, "author": {"Sam Writer"}, "url": {"https://news.example/chancellor"}, "published": {"2025-02-23"}}))
	page := c.get("/articles/" + id)
	wantStatus(t, page, http.StatusOK)
	if page.TestID(t, "flash-success") == "" {
		t.Error("no success message after adding")
	}
	for testid, want := range map[string]string{"article-title": "Chancellor's £22bn claim", "article-outlet": "The Example",
		"article-author": "Sam Writer", "article-published": "23 Feb 2025", "article-added-by": u.Name} {
		if got := page.TestID(t, testid); got != want {
			t.Errorf("%s = %q, want %q", testid, got, want)
		}
	}
	a, _ := env.db.ArticleByID(context.Background(), mustID(t, id))
	if a.Origin != domain.OriginPaste || a.AddedBy != u.ID || a.URL != "https://news.example/chancellor" {
		t.Errorf("stored article = %+v", a)
	}

	// Upload a Markdown file; a title is found or made up.
	id = articleIDFrom(t, c.upload("/articles/upload", "report.md", []byte("# Budget row\n\nThe Treasury said borrowing reached £120 billion last year, the highest since 2020.\n"), nil))
	page = c.get("/articles/" + id)
	if got := page.TestID(t, "article-title"); got == "" {
		t.Error("uploaded article has no title")
	}
	a, _ = env.db.ArticleByID(context.Background(), mustID(t, id))
	if a.Origin != domain.OriginUpload {
		t.Errorf("origin = %q", a.Origin)
	}

	// From a web address: the page is reduced to its article, metadata detected.
	srv, _ := pageServer(t)
	id = articleIDFrom(t, c.postForm("/articles/fetch", url.Values{"url": {srv.URL + "/report"}}))
	a, _ = env.db.ArticleByID(context.Background(), mustID(t, id))
	if a.Origin != domain.OriginURL || a.URL != srv.URL+"/report" || a.PublishedAt.Format("2006-01-02") != "2025-02-23" || a.Author != "Sam Writer" {
		t.Errorf("fetched article = %+v", a)
	}
	if strings.Contains(a.Body, "Politics") || strings.Contains(a.Body, "All rights reserved") || !strings.Contains(a.Body, "£22 billion") {
		t.Errorf("menus or footer kept, or article lost: %q", a.Body)
	}

	list := c.get("/articles")
	wantStatus(t, list, http.StatusOK)
	if n := list.Doc(t).Find(`[data-testid="article-row"]`).Length(); n != 3 {
		t.Errorf("list shows %d articles, want 3", n)
	}
}

func TestBadArticleInputChangesNothing(t *testing.T) {
	srv, _ := pageServer(t)
	big := bytes.Repeat([]byte("The figure was 3% last year. "), 4000) // ~116 KB, over the 64 KB test limit
	tests := []struct {
		name    string
		send    func(c *client) *response
		status  int
		field   string
		message string
	}{
		{"empty text", func(c *client) *response { return c.postForm("/articles", url.Values{"body": {"  \n "}}) }, 422, "body", "empty"},
		{"invalid UTF-8 text", func(c *client) *response {
			return c.postForm("/articles", url.Values{"body": {"Inflation rose \xff\xfe to 3%."}})
		}, 422, "body", "characters"},
		{"NUL bytes in text", func(c *client) *response {
			res := c.postForm("/articles", url.Values{"body": {"Inflation rose\x00 to 3%."}})
			// What was typed comes back without the NUL, so the page stays valid HTML.
			if got := res.Doc(c.t).Find("textarea#body").Text(); got != "Inflation rose to 3%." {
				c.t.Errorf("echoed body %q", got)
			}
			return res
		}, 422, "body", "binary"},
		{"bad publication date", func(c *client) *response {
			return c.postForm("/articles", url.Values{"body": {testReport}, "published": {"23/02/2025"}})
		}, 422, "published", "date"},
		{"oversized upload", func(c *client) *response { return c.upload("/articles/upload", "big.txt", big, nil) }, 413, "file", "larger than"},
		{"binary upload", func(c *client) *response { return c.upload("/articles/upload", "photo.txt", pngBytes, nil) }, 422, "file", "not text"},
		{"invalid UTF-8 upload", func(c *client) *response {
			return c.upload("/articles/upload", "notes.txt", []byte("The budget rose by \xe9t\xe9 5% this year.\n"), nil)
		}, 422, "file", "UTF-8"},
		{"unsupported type", func(c *client) *response {
			return c.upload("/articles/upload", "report.docx", []byte("PK\x03\x04"), nil)
		}, 422, "file", "word-processor"},
		{"empty upload", func(c *client) *response { return c.upload("/articles/upload", "empty.txt", nil, nil) }, 422, "file", "empty"},
		{"not http", func(c *client) *response {
			return c.postForm("/articles/fetch", url.Values{"url": {"ftp://files.example/report.txt"}})
		}, 422, "url", ""},
		{"javascript URL", func(c *client) *response {
			return c.postForm("/articles/fetch", url.Values{"url": {"javascript:alert(1)"}})
		}, 422, "url", ""},
		{"timeout", func(c *client) *response {
			return c.postForm("/articles/fetch", url.Values{"url": {srv.URL + "/slow"}})
		}, 422, "url", ""},
		{"404 page", func(c *client) *response {
			return c.postForm("/articles/fetch", url.Values{"url": {srv.URL + "/missing"}})
		}, 422, "url", "404"},
		{"500 page", func(c *client) *response {
			return c.postForm("/articles/fetch", url.Values{"url": {srv.URL + "/broken"}})
		}, 422, "url", "500"},
		{"image", func(c *client) *response {
			return c.postForm("/articles/fetch", url.Values{"url": {srv.URL + "/photo"}})
		}, 422, "url", "image"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := newTestEnv(t, func(c *Config) {
				c.MaxUploadBytes = 64 << 10
				c.Fetcher = &ingest.Fetcher{AllowAddr: allowLoopback, Timeout: 300 * time.Millisecond}
			})
			c, _ := env.signedIn("rita@newsroom.example", domain.RoleReviewer)
			res := tt.send(c)
			wantStatus(t, res, tt.status)
			msg := res.TestID(t, "error-"+tt.field)
			if msg == "" || !strings.Contains(msg, tt.message) {
				t.Errorf("message beside %s = %q, want one mentioning %q", tt.field, msg, tt.message)
			}
			wantNothingStored(t, env.db)
		})
	}
}

func TestFetchRefusesInternalAddresses(t *testing.T) {
	srv, hits := pageServer(t)
	env := newTestEnv(t) // production fetcher: no allowance
	c, _ := env.signedIn("rita@newsroom.example", domain.RoleReviewer)
	for _, address := range []string{
		srv.URL + "/report",                  // loopback (the test server itself)
		"http://10.1.2.3/report",             // private
		"http://169.254.169.254/latest/meta", // link-local (cloud metadata)
		"http://[::1]/report",                // IPv6 loopback
		"http://localhost:" + srv.URL[len("http://127.0.0.1:"):] + "/report", // a name resolving to loopback
	} {
		res := c.postForm("/articles/fetch", url.Values{"url": {address}})
		wantStatus(t, res, http.StatusUnprocessableEntity)
		if res.TestID(t, "error-url") == "" {
			t.Errorf("%s: no message beside the address", address)
		}
		if got := res.Doc(t).Find(`#address`).AttrOr("value", ""); got != address {
			t.Errorf("%s: address not kept in the form: %q", address, got)
		}
	}
	if hits.Load() != 0 {
		t.Errorf("the internal server was reached %d times", hits.Load())
	}
	wantNothingStored(t, env.db)
}

func TestDuplicateArticlesTakeYouToTheFirst(t *testing.T) {
	env := articleEnv(t)
	srv, hits := pageServer(t)
	c, _ := env.signedIn("rita@newsroom.example", domain.RoleReviewer)

	first := articleIDFrom(t, c.postForm("/articles/fetch", url.Values{"url": {srv.URL + "/report"}}))
	c.get("/articles/" + first) // use up the success flash
	// The same address, with tracking and a fragment, is not fetched again.
	res := c.postForm("/articles/fetch", url.Values{"url": {srv.URL + "/report?utm_source=mail#top"}})
	if got := articleIDFrom(t, res); got != first {
		t.Errorf("duplicate URL went to %s, want %s", got, first)
	}
	if hits.Load() != 1 {
		t.Errorf("page fetched %d times, want 1", hits.Load())
	}
	page := c.get("/articles/" + first)
	if msg := page.TestID(t, "flash-info"); !strings.Contains(msg, "already in claimtrail") {
		t.Errorf("info flash = %q", msg)
	}

	// The same text pasted, with different quotes and spacing.
	second := articleIDFrom(t, c.postForm("/articles", url.Values{"body": {testReport}}))
	c.get("/articles/" + second)
	again := strings.ReplaceAll(strings.ReplaceAll(testReport, "'", "\u2019"), "\n\n", "\n\n\n")
	if got := articleIDFrom(t, c.postForm("/articles", url.Values{"body": {again}, "title": {"Another title"}})); got != second {
		t.Errorf("duplicate text went to %s, want %s", got, second)
	}
	// And the same text uploaded as a file.
	if got := articleIDFrom(t, c.upload("/articles/upload", "same.txt", []byte(testReport), nil)); got != second {
		t.Errorf("duplicate upload went to %s, want %s", got, second)
	}
	list, _ := env.db.ListArticles(context.Background(), storage.ArticleFilter{})
	if len(list) != 2 {
		t.Errorf("%d articles stored, want 2", len(list))
	}
}
