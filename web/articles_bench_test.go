package web

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"claimtrail/domain"
	"claimtrail/storage"
	"claimtrail/web/ingest"
)

// BenchmarkArticlePage renders the page of an article with about 200
// candidate claims over real HTTP, the triage page's worst everyday case.
func BenchmarkArticlePage(b *testing.B) {
	env := newBenchEnv(b)
	var sb strings.Builder
	for i := range 200 {
		fmt.Fprintf(&sb, "The minister said spending on schools rose by %d%% to £%d billion in %d. ", i%40+1, i+3, 2000+i%25)
		if i%5 == 4 {
			sb.WriteString("\n\n")
		}
	}
	a, cands, err := PrepareArticle(ingest.Article{Title: "Long report", Text: sb.String()}, domain.OriginAPI)
	if err != nil {
		b.Fatal(err)
	}
	if err := env.db.CreateArticle(context.Background(), a, cands); err != nil {
		b.Fatal(err)
	}
	if len(cands) < 150 {
		b.Fatalf("only %d candidates", len(cands))
	}
	path := env.srv.URL + "/articles/" + itoa(a.ID)
	b.ResetTimer()
	for b.Loop() {
		req, _ := http.NewRequest(http.MethodGet, path, nil)
		res, err := env.client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			b.Fatalf("status %d", res.StatusCode)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "requests/s")
	b.ReportMetric(float64(len(cands)), "claims")
}

// benchEnv is a signed-in reviewer's client against a running app.
type benchEnv struct {
	db     *storage.DB
	srv    *httptest.Server
	client *http.Client
}

func newBenchEnv(b *testing.B) *benchEnv {
	db, err := storage.Open(context.Background(), filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	app, err := New(context.Background(), Config{DB: db, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(app.Handler())
	b.Cleanup(srv.Close)
	u := &domain.User{Email: "rita@newsroom.example", Name: "Rita", Role: domain.RoleReviewer}
	if err := db.CreateUser(context.Background(), u, hashedTestPassword); err != nil {
		b.Fatal(err)
	}
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/login", strings.NewReader(url.Values{"email": {u.Email}, "password": {testPassword}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", srv.URL)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	res, err := client.Do(req)
	if err != nil || res.StatusCode != http.StatusSeeOther {
		b.Fatalf("sign in: %v %v", err, res)
	}
	res.Body.Close()
	return &benchEnv{db: db, srv: srv, client: client}
}
