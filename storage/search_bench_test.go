package storage_test

import (
	"context"
	"database/sql"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"claimtrail/domain"
	"claimtrail/domain/match"
	"claimtrail/storage"
)

// BenchmarkReindexSearch rebuilds the search index of the database at
// CLAIMTRAIL_SEARCH_BENCH_DB (a copy: it is written to), once per run, and
// reports documents a second.
func BenchmarkReindexSearch(b *testing.B) {
	path := os.Getenv("CLAIMTRAIL_SEARCH_BENCH_DB")
	if path == "" {
		b.Skip("CLAIMTRAIL_SEARCH_BENCH_DB names a copy of a database to reindex")
	}
	ctx := domain.WithActor(context.Background(), domain.SystemActor)
	db, err := storage.Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	docs := 0
	for b.Loop() {
		if docs, err = db.ReindexSearch(ctx, nil); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(docs)*float64(b.N)/b.Elapsed().Seconds(), "docs/s")
}

// BenchmarkSearchEverything measures searches over the database at
// CLAIMTRAIL_SEARCH_BENCH_DB (a copy of a seed-bench database whose search
// index is built: claimtrail reindex -index search), with words taken from
// its approved claims as bench/load.sh takes them: one word, two words, a
// phrase, a prefix, and one word with each kind of filter, each read afresh
// (as a search never asked before: results kept between requests are left
// aside), and once more one word through what is kept ("one-word-again",
// the same 300 words asked again and again while nothing changes). Each
// case reports its p50, p95 and p99.
func BenchmarkSearchEverything(b *testing.B) {
	path := os.Getenv("CLAIMTRAIL_SEARCH_BENCH_DB")
	if path == "" {
		b.Skip("CLAIMTRAIL_SEARCH_BENCH_DB names a database with its search index built")
	}
	ctx := domain.WithActor(context.Background(), domain.SystemActor)
	db, err := storage.Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	raw, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		b.Fatal(err)
	}
	defer raw.Close()
	rows, err := raw.Query(`SELECT text FROM claims WHERE state = 'approved' AND id % 101 = 1 LIMIT 300`)
	if err != nil {
		b.Fatal(err)
	}
	var texts [][]string
	for rows.Next() {
		var s string
		rows.Scan(&s)
		if w := strings.Fields(strings.ToLower(s)); len(w) >= 6 {
			texts = append(texts, w)
		}
	}
	rows.Close()
	if len(texts) == 0 {
		b.Fatal("no approved claims to take words from")
	}
	word := func(w []string, i int) string {
		return strings.Trim(w[i], `.,;:'"“”?!()`)
	}
	var outlet string
	raw.QueryRow(`SELECT outlet FROM articles WHERE outlet <> '' LIMIT 1`).Scan(&outlet)
	year := func(y int) (time.Time, time.Time) {
		return time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(y, 12, 31, 0, 0, 0, 0, time.UTC)
	}
	from, to := year(2024)
	cases := []struct {
		name string
		q    func(w []string) string
		f    domain.SearchFilter
	}{
		{"one-word", func(w []string) string { return word(w, 2) }, domain.SearchFilter{}},
		{"two-words", func(w []string) string { return word(w, 2) + " " + word(w, 4) }, domain.SearchFilter{}},
		{"phrase", func(w []string) string { return `"` + word(w, 1) + " " + word(w, 2) + `"` }, domain.SearchFilter{}},
		{"prefix", func(w []string) string { return word(w, 2)[:min(4, len(word(w, 2)))] + "*" }, domain.SearchFilter{}},
		{"word+approved", func(w []string) string { return word(w, 2) }, domain.SearchFilter{State: domain.StateApproved}},
		{"word+articles", func(w []string) string { return word(w, 2) }, domain.SearchFilter{Kind: domain.SearchArticle}},
		{"word+outlet", func(w []string) string { return word(w, 2) }, domain.SearchFilter{Outlet: outlet}},
		{"word+year", func(w []string) string { return word(w, 2) }, domain.SearchFilter{From: from, To: to}},
		{"approved-only", func(w []string) string { return "" }, domain.SearchFilter{State: domain.StateApproved, Kind: domain.SearchVerdict}},
		{"one-word-again", func(w []string) string { return word(w, 2) }, domain.SearchFilter{}},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			var times []time.Duration
			found := 0
			if strings.HasSuffix(c.name, "-again") {
				// Asked once before: what is measured is asking again.
				for _, w := range texts {
					if _, err := db.SearchEverything(ctx, match.ParseQuery(c.q(w)), c.f, domain.DefaultSearchLimit); err != nil {
						b.Fatal(err)
					}
				}
			}
			for i := 0; b.Loop(); i++ {
				q := match.ParseQuery(c.q(texts[i%len(texts)]))
				search := func() ([]match.Hit, error) {
					return storage.SearchAfreshForTest(ctx, db, q, c.f, domain.DefaultSearchLimit)
				}
				if strings.HasSuffix(c.name, "-again") {
					search = func() ([]match.Hit, error) { return db.SearchEverything(ctx, q, c.f, domain.DefaultSearchLimit) }
				}
				start := time.Now()
				hits, err := search()
				if err != nil {
					b.Fatal(err)
				}
				times = append(times, time.Since(start))
				found += len(hits)
			}
			reportLatency(b, times)
			slices.Sort(times)
			b.ReportMetric(float64(times[int(0.99*float64(len(times)-1))].Microseconds())/1000, "p99-ms")
			b.ReportMetric(float64(found)/float64(len(times)), "results/op")
		})
	}
}
