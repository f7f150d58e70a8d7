package web

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"claimtrail/domain"
	"claimtrail/storage"
	"claimtrail/storage/keyfile"
	"claimtrail/web/auth"
)

// testEnv is a running claimtrail over real HTTP on a real SQLite file.
type testEnv struct {
	t   *testing.T
	db  *storage.DB
	app *App
	srv *httptest.Server
}

// newTestEnv starts the application on an httptest server. Options may
// adjust the config before the app is built.
func newTestEnv(t *testing.T, opts ...func(*Config)) *testEnv {
	t.Helper()
	db, err := storage.Open(context.Background(), filepath.Join(t.TempDir(), "claimtrail.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	// As the server has from its key file: it seals the chat webhook.
	db.SetTwoFactorKey((&keyfile.Keys{Audit: keyfile.NewAuditKey()}).TwoFactorKey())
	cfg := Config{DB: db, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	for _, o := range opts {
		o(&cfg)
	}
	app, err := New(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(app.Handler())
	t.Cleanup(srv.Close)
	return &testEnv{t: t, db: db, app: app, srv: srv}
}

// searchIndexed runs the indexing pass the server runs every half second
// (storage/search_indexer.go), so what was just changed is searchable.
func (e *testEnv) searchIndexed() {
	e.t.Helper()
	if err := e.db.IndexSearchPending(context.Background()); err != nil {
		e.t.Fatal(err)
	}
}

// testPassword is every test account's password.
const testPassword = "a long test password"

// hashedTestPassword is computed once: argon2id is deliberately slow.
var hashedTestPassword, _ = auth.HashPassword(testPassword)

// createUser adds an account directly through storage.
func (e *testEnv) createUser(email string, role domain.Role) *domain.User {
	e.t.Helper()
	u := &domain.User{Email: email, Name: strings.Split(email, "@")[0], Role: role}
	if err := e.db.CreateUser(context.Background(), u, hashedTestPassword); err != nil {
		e.t.Fatalf("create %s: %v", email, err)
	}
	return u
}

// client is a browser-like HTTP client with its own cookie jar that does
// not follow redirects, so tests see each 303.
type client struct {
	t    *testing.T
	env  *testEnv
	http *http.Client
}

func (e *testEnv) newClient() *client {
	jar, _ := cookiejar.New(nil)
	return &client{t: e.t, env: e, http: &http.Client{
		Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}}
}

// signedIn returns a client signed in as a new user with the given role.
func (e *testEnv) signedIn(email string, role domain.Role) (*client, *domain.User) {
	e.t.Helper()
	u := e.createUser(email, role)
	c := e.newClient()
	res := c.postForm("/login", url.Values{"email": {email}, "password": {testPassword}})
	if res.StatusCode != http.StatusSeeOther {
		e.t.Fatalf("sign in as %s: status %d", email, res.StatusCode)
	}
	return c, u
}

// response is a finished HTTP response with its body read.
type response struct {
	*http.Response
	Body string
}

// Doc parses the body as HTML for selecting [data-testid] nodes.
func (r *response) Doc(t *testing.T) *goquery.Document {
	t.Helper()
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(r.Body))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// TestID returns the text of the first node with data-testid=id.
func (r *response) TestID(t *testing.T, id string) string {
	t.Helper()
	return strings.TrimSpace(r.Doc(t).Find(`[data-testid="` + id + `"]`).First().Text())
}

func (c *client) do(req *http.Request) *response {
	c.t.Helper()
	return send(c.t, c.http, req)
}

// send sends req with hc and reads the whole response body.
func send(t *testing.T, hc *http.Client, req *http.Request) *response {
	t.Helper()
	res, err := hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return &response{Response: res, Body: string(b)}
}

func (c *client) get(path string) *response {
	c.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, c.env.srv.URL+path, nil)
	return c.do(req)
}

// postForm sends a same-origin form post, as a browser would.
func (c *client) postForm(path string, form url.Values) *response {
	c.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, c.env.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", c.env.srv.URL)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	return c.do(req)
}

// htmx sends a request as htmx would, expecting a fragment back.
func (c *client) htmx(method, path string, form url.Values) *response {
	c.t.Helper()
	req, _ := http.NewRequest(method, c.env.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", c.env.srv.URL)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	req.Header.Set("HX-Request", "true")
	return c.do(req)
}

func wantStatus(t *testing.T, r *response, want int) {
	t.Helper()
	if r.StatusCode != want {
		t.Fatalf("%s %s: status %d, want %d\n%s", r.Request.Method, r.Request.URL.Path, r.StatusCode, want, snippet(r.Body))
	}
}

func snippet(s string) string {
	if len(s) > 2000 {
		return s[:2000] + "…"
	}
	return s
}
