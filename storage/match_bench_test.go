package storage_test

import (
	"bufio"
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"claimtrail/storage"
	"claimtrail/storage/storagetest"
)

// The matcher benchmarks run over a database of accepted claims and imported
// checks worded with a broad vocabulary: sentences of the check-worthiness
// data (US debates, read from ../shared when present) with a third of their
// words swapped for others drawn by frequency and a figure added, so that
// most claims are distinct and common words are as common as in real text.
// CLAIMTRAIL_MATCH_BENCH_DB keeps the database between runs (it is built
// when missing); CLAIMTRAIL_BENCH_CLAIMS sets its size (imported checks are a
// tenth of it).

var (
	matchOnce    sync.Once
	matchDB      *storage.DB
	matchQueries []string
)

type vocabulary struct {
	sentences [][]string
	words     []string // one entry per occurrence, so drawing is by frequency
}

func loadVocabulary(b *testing.B) *vocabulary {
	v := &vocabulary{}
	f, err := os.Open("../../shared/claimdata/checkthat2024/train.tsv")
	if err != nil {
		b.Skip("the check-worthiness data is not beside the repository; it supplies the benchmark's vocabulary")
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for first := true; sc.Scan(); first = false {
		cols := strings.Split(sc.Text(), "\t")
		if first || len(cols) < 2 {
			continue
		}
		w := strings.Fields(strings.Trim(cols[1], `"`))
		if len(w) < 6 {
			continue
		}
		v.sentences = append(v.sentences, w)
		v.words = append(v.words, w...)
	}
	return v
}

var figures = []string{"£%dm", "%d%%", "%d,000 jobs", "$%d billion", "%d new nurses", "£%dbn", "%d per cent"}

// claim makes a claim from a random sentence.
func (v *vocabulary) claim(r *rand.Rand) string {
	s := slices.Clone(v.sentences[r.IntN(len(v.sentences))])
	for i := range s {
		if r.IntN(3) == 0 {
			s[i] = v.words[r.IntN(len(v.words))]
		}
	}
	if r.IntN(2) == 0 {
		s = append(s, "by", fmt.Sprintf(figures[r.IntN(len(figures))], 1+r.IntN(900)))
	}
	return strings.Join(s, " ")
}

// reworded drops a few words of a claim, as a repeat would.
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
		v := loadVocabulary(b)
		path := os.Getenv("CLAIMTRAIL_MATCH_BENCH_DB")
		if path == "" {
			dir := b.TempDir()
			path = filepath.Join(dir, "match.db")
		}
		n := benchClaims()
		r := rand.New(rand.NewPCG(1, 2))
		if _, err := os.Stat(path); err != nil {
			start := time.Now()
			if err := storagetest.Bulk(path, n); err != nil {
				b.Fatal(err)
			}
			raw, err := sql.Open("sqlite", "file:"+path+"?_pragma=synchronous(OFF)&_pragma=cache_size(-400000)")
			if err != nil {
				b.Fatal(err)
			}
			tx, _ := raw.Begin()
			upd, _ := tx.Prepare(`UPDATE claims SET text = ? WHERE id = ?`)
			for id := 1; id <= n; id++ {
				if _, err := upd.Exec(v.claim(r), id); err != nil {
					b.Fatal(err)
				}
			}
			imp, _ := tx.Prepare(`INSERT INTO imported_checks (url, claim, headline, publisher, rating, published_on, imported_at, updated_at)
				VALUES (?, ?, ?, ?, ?, '2025-01-01', '2025-01-01T00:00:00.000000Z', '2025-01-01T00:00:00.000000Z')`)
			for i := 1; i <= n/10; i++ {
				c := v.claim(r)
				if _, err := imp.Exec("https://checks.example/"+strconv.Itoa(i), c, "Fact check: "+reworded(r, c), "Checker "+strconv.Itoa(i%40), "False"); err != nil {
					b.Fatal(err)
				}
			}
			if err := tx.Commit(); err != nil {
				b.Fatal(err)
			}
			raw.Close()
			db, err := storage.Open(context.Background(), path)
			if err != nil {
				b.Fatal(err)
			}
			seeded := time.Since(start)
			start = time.Now()
			docs, err := db.Reindex(context.Background(), nil)
			if err != nil {
				b.Fatal(err)
			}
			b.Logf("seeded %d claims and %d imported checks in %s; indexed %d documents in %s", n, n/10, seeded.Round(time.Second), docs, time.Since(start).Round(time.Second))
			db.Close()
		}
		db, err := storage.Open(context.Background(), path)
		if err != nil {
			b.Fatal(err)
		}
		// Queries: half repeats of stored claims (reworded), half new text.
		var texts []string
		rows, err := queryTexts(path, 500)
		if err != nil {
			b.Fatal(err)
		}
		for i, t := range rows {
			if i%2 == 0 {
				texts = append(texts, reworded(r, t))
			} else {
				texts = append(texts, v.claim(r))
			}
		}
		matchDB, matchQueries = db, texts
	})
	if matchDB == nil {
		b.Fatal("benchmark database failed to seed")
	}
	return matchDB
}

func queryTexts(path string, n int) ([]string, error) {
	raw, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		return nil, err
	}
	defer raw.Close()
	rows, err := raw.Query(`SELECT text FROM claims WHERE id % 1999 = 7 LIMIT ?`, n)
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
