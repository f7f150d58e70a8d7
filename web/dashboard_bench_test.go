package web

import (
	"context"
	"database/sql"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"claimtrail/storage"
)

// BenchmarkDashboard measures the dashboard, and the claimant and outlet
// pages, over real HTTP against a database made by `claimtrail seed-bench`
// (a million claims), signed in as one of its editors. It needs
// CLAIMTRAIL_DASHBOARD_BENCH_DB (the database; it is opened in place, so
// sign-ins are recorded in it) and skips without it:
//
//	claimtrail seed-bench -db /var/tmp/bench.db
//	CLAIMTRAIL_DASHBOARD_BENCH_DB=/var/tmp/bench.db go test ./web -run '^$' -bench Dashboard -benchtime 200x
//
// Each case reports its median and 95th-percentile time per page; the
// healthz case is the floor of the same run, for comparing as ratios on a
// shared machine.
func BenchmarkDashboard(b *testing.B) {
	path := os.Getenv("CLAIMTRAIL_DASHBOARD_BENCH_DB")
	if path == "" {
		b.Skip("set CLAIMTRAIL_DASHBOARD_BENCH_DB to a database made by claimtrail seed-bench")
	}
	db, err := storage.Open(context.Background(), path)
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
	password := os.Getenv("CLAIMTRAIL_BENCH_PASSWORD")
	if password == "" {
		password = "bench-password"
	}
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/login", strings.NewReader(url.Values{"email": {storage.BenchEditorEmail(1)}, "password": {password}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", srv.URL)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	res, err := client.Do(req)
	if err != nil || res.StatusCode != http.StatusSeeOther {
		b.Fatalf("sign in as %s: %v %v", storage.BenchEditorEmail(1), err, res)
	}
	res.Body.Close()

	// The busiest and the quietest outlet, and the most quoted claimant.
	raw, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		b.Fatal(err)
	}
	var busiest, quietest, claimant string
	for q, into := range map[string]*string{
		`SELECT outlet FROM desk_states WHERE outlet NOT IN (' ', '') GROUP BY outlet ORDER BY sum(n) DESC LIMIT 1`:              &busiest,
		`SELECT outlet FROM desk_states WHERE outlet NOT IN (' ', '') GROUP BY outlet HAVING sum(n) > 0 ORDER BY sum(n) LIMIT 1`: &quietest,
		`SELECT substr(key, 1, instr(key, char(31)) - 1) FROM desk_counts WHERE outlet = ' ' AND metric = 'claimant_rating' AND period >= 'M'
			GROUP BY 1 ORDER BY sum(n) DESC LIMIT 1`: &claimant,
	} {
		if err := raw.QueryRow(q).Scan(into); err != nil {
			b.Fatal(err)
		}
	}
	raw.Close()

	today := time.Now().UTC()
	day := func(back int) string { return today.AddDate(0, 0, -back).Format("2006-01-02") }
	for _, bc := range []struct{ name, path string }{
		// The machine's floor under the same load: a page that reads nothing.
		{"baseline-healthz", "/healthz"},
		{"last-28-days", "/dashboard"},
		{"last-year", "/dashboard?from=" + day(364) + "&to=" + day(0)},
		{"two-years", "/dashboard?from=" + day(729) + "&to=" + day(0)},
		{"busiest-outlet-28-days", "/dashboard?outlet=" + url.QueryEscape(busiest)},
		{"quietest-outlet-year", "/dashboard?from=" + day(364) + "&outlet=" + url.QueryEscape(quietest)},
		{"chart-csv", "/dashboard/charts/claimants.csv?from=" + day(364)},
		{"outlet-page", "/outlets?name=" + url.QueryEscape(busiest)},
		{"claimant-page", "/claimants?name=" + url.QueryEscape(claimant)},
	} {
		b.Run(bc.name, func(b *testing.B) {
			var took []time.Duration
			for b.Loop() {
				start := time.Now()
				res, err := client.Get(srv.URL + bc.path)
				if err != nil {
					b.Fatal(err)
				}
				io.Copy(io.Discard, res.Body)
				res.Body.Close()
				if res.StatusCode != http.StatusOK {
					b.Fatalf("%s: status %d", bc.path, res.StatusCode)
				}
				took = append(took, time.Since(start))
			}
			slices.Sort(took)
			at := func(p float64) float64 {
				return float64(took[min(len(took)-1, int(p*float64(len(took))))]) / float64(time.Millisecond)
			}
			b.ReportMetric(at(0.5), "p50-ms")
			b.ReportMetric(at(0.95), "p95-ms")
		})
	}
}
