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
	// A dashboard is kept while nothing changes, so each "afresh" case asks
	// for a period ending one day earlier at every request: the time of a
	// reading from the counters, as after a change. "kept" repeats one.
	for _, bc := range []struct {
		name string
		path func(i int) string
	}{
		// The machine's floor under the same load: a page that reads nothing.
		{"baseline-healthz", func(int) string { return "/healthz" }},
		{"last-28-days-kept", func(int) string { return "/dashboard" }},
		{"last-28-days-afresh", func(i int) string { return "/dashboard?from=" + day(27+i) + "&to=" + day(i) }},
		{"last-year-afresh", func(i int) string { return "/dashboard?from=" + day(364+i) + "&to=" + day(i) }},
		{"two-years-afresh", func(i int) string { return "/dashboard?from=" + day(729+i) + "&to=" + day(i) }},
		{"busiest-outlet-28-days-afresh", func(i int) string {
			return "/dashboard?from=" + day(27+i) + "&to=" + day(i) + "&outlet=" + url.QueryEscape(busiest)
		}},
		{"quietest-outlet-year-afresh", func(i int) string {
			return "/dashboard?from=" + day(364+i) + "&to=" + day(i) + "&outlet=" + url.QueryEscape(quietest)
		}},
		{"chart-csv", func(int) string { return "/dashboard/charts/claimants.csv?from=" + day(364) }},
		{"outlet-page", func(int) string { return "/outlets?name=" + url.QueryEscape(busiest) }},
		{"claimant-page", func(int) string { return "/claimants?name=" + url.QueryEscape(claimant) }},
	} {
		b.Run(bc.name, func(b *testing.B) {
			var took []time.Duration
			for i := 0; b.Loop(); i++ {
				start := time.Now()
				path := bc.path(i % 300)
				res, err := client.Get(srv.URL + path)
				if err != nil {
					b.Fatal(err)
				}
				io.Copy(io.Discard, res.Body)
				res.Body.Close()
				if res.StatusCode != http.StatusOK {
					b.Fatalf("%s: status %d", path, res.StatusCode)
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
