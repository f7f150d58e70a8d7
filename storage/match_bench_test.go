package storage_test

import (
	"context"
	"database/sql"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"claimtrail/domain"
	"claimtrail/domain/match"
	"claimtrail/storage"
)

// The matcher benchmarks run over the benchmark newsroom of SeedBench (a
// broad vocabulary, claims in every state) plus imported checks, a tenth as
// many as claims, added through ImportChecks: half of them other publishers'
// rewordings of accepted claims, half of new claims. CLAIMTRAIL_MATCH_BENCH_DB
// keeps the database between runs (built when missing); CLAIMTRAIL_BENCH_CLAIMS
// sets its size.

var (
	matchOnce    sync.Once
	matchDB      *storage.DB
	matchQueries []string
)

// reworded drops a fifth of a claim's words, as a repeat would.
func reworded(r *rand.Rand, text string) string {
	w := strings.Fields(text)
	out := w[:0:0]
	for _, x := range w {
		if r.IntN(5) != 0 {
			out = append(out, x)
		}
	}
	return strings.Join(out, " ")
}

func matchBenchDB(b *testing.B) *storage.DB {
	matchOnce.Do(func() {
		ctx := domain.WithActor(context.Background(), domain.SystemActor)
		path := os.Getenv("CLAIMTRAIL_MATCH_BENCH_DB")
		if path == "" {
			path = filepath.Join(b.TempDir(), "match.db")
		}
		n := benchClaims()
		r := rand.New(rand.NewPCG(1, 2))
		if _, err := os.Stat(path); err != nil {
			start := time.Now()
			if _, err := storage.SeedBench(ctx, path, storage.BenchSeed{Claims: n, PasswordHash: "x"}); err != nil {
				b.Fatal(err)
			}
			seeded := time.Since(start)
			db, err := storage.Open(ctx, path)
			if err != nil {
				b.Fatal(err)
			}
			accepted, err := queryTexts(path, `state <> 'candidate' AND state <> 'dismissed'`, n/20)
			if err != nil {
				b.Fatal(err)
			}
			fresh, err := queryTexts(path, `state = 'candidate'`, n/20)
			if err != nil {
				b.Fatal(err)
			}
			start = time.Now()
			texts := append(accepted, fresh...)
			var checks []domain.ImportedCheck
			for i, t := range texts {
				c := reworded(r, t)
				checks = append(checks, domain.ImportedCheck{URL: "https://checks.example/" + strconv.Itoa(i), Claim: c,
					Headline: "Fact check: " + reworded(r, c), Publisher: "Checker " + strconv.Itoa(i%40), Rating: "False",
					PublishedOn: time.Date(2025, 1, 1+i%365, 0, 0, 0, 0, time.UTC)})
				if len(checks) == 1000 || i == len(texts)-1 {
					if _, err := db.ImportChecks(ctx, checks); err != nil {
						b.Fatal(err)
					}
					checks = checks[:0]
				}
			}
			b.Logf("seeded %d claims in %s; imported %d checks in %s", n, seeded.Round(time.Second), len(texts), time.Since(start).Round(time.Second))
			db.Close()
		}
		db, err := storage.Open(ctx, path)
		if err != nil {
			b.Fatal(err)
		}
		// Queries: half repeats of accepted claims (reworded), half candidates.
		accepted, err := queryTexts(path, `state = 'approved' AND id % 7 = 3`, 250)
		if err != nil {
			b.Fatal(err)
		}
		fresh, err := queryTexts(path, `state = 'candidate' AND id % 7 = 3`, 250)
		if err != nil {
			b.Fatal(err)
		}
		for i := range min(len(accepted), len(fresh)) {
			matchQueries = append(matchQueries, reworded(r, accepted[i]), fresh[i])
		}
		matchDB = db
	})
	if matchDB == nil {
		b.Fatal("benchmark database failed to seed")
	}
	return matchDB
}

// queryTexts reads up to n claim texts spread over the table.
func queryTexts(path, where string, n int) ([]string, error) {
	raw, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		return nil, err
	}
	defer raw.Close()
	rows, err := raw.Query(`SELECT text FROM claims WHERE `+where+` ORDER BY id LIMIT ?`, n)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// reportLatency adds the 50th and 95th percentile of per-call times.
func reportLatency(b *testing.B, times []time.Duration) {
	slices.Sort(times)
	q := func(p float64) float64 { return float64(times[int(p*float64(len(times)-1))].Microseconds()) / 1000 }
	b.ReportMetric(q(0.5), "p50-ms")
	b.ReportMetric(q(0.95), "p95-ms")
}

// BenchmarkMatch measures one match of a text against every accepted claim
// and imported check.
func BenchmarkMatch(b *testing.B) {
	db := matchBenchDB(b)
	ctx := context.Background()
	var times []time.Duration
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		start := time.Now()
		if _, err := db.Match(ctx, matchQueries[i%len(matchQueries)], 10); err != nil {
			b.Fatal(err)
		}
		times = append(times, time.Since(start))
	}
	reportLatency(b, times)
}

// BenchmarkMatchArticle measures matching the 40 candidates of one new
// article, what adding an article costs on top of extracting its claims.
func BenchmarkMatchArticle(b *testing.B) {
	db := matchBenchDB(b)
	ctx := context.Background()
	var times []time.Duration
	for i := 0; b.Loop(); i++ {
		start := time.Now()
		if _, err := db.MatchMany(ctx, matchQueries[(i*40)%len(matchQueries):][:min(40, len(matchQueries)-(i*40)%len(matchQueries))], 3); err != nil {
			b.Fatal(err)
		}
		times = append(times, time.Since(start))
	}
	reportLatency(b, times)
}

// BenchmarkSearch measures one search of two or three words from the
// queries (a word, a figure, a phrase), over every accepted claim and
// imported check.
func BenchmarkSearch(b *testing.B) {
	db := matchBenchDB(b)
	ctx := context.Background()
	var searches []match.Query
	for i, t := range matchQueries {
		w := strings.Fields(t)
		if len(w) < 6 {
			continue
		}
		s := w[len(w)/2] + " " + w[len(w)/2+2]
		if i%3 == 0 {
			s = `"` + w[1] + " " + w[2] + `"`
		}
		searches = append(searches, match.ParseQuery(s))
	}
	var times []time.Duration
	for i := 0; b.Loop(); i++ {
		start := time.Now()
		if _, err := db.SearchEverything(ctx, searches[i%len(searches)], domain.SearchFilter{}, 20); err != nil {
			b.Fatal(err)
		}
		times = append(times, time.Since(start))
	}
	reportLatency(b, times)
}
