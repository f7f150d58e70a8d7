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
	matchQueries map[string][]string // by kind
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
		// Queries of four kinds, 250 each.
		accepted, err := queryTexts(path, `state = 'approved' AND id % 7 = 3`, 250)
		if err != nil {
			b.Fatal(err)
		}
		fresh, err := queryTexts(path, `state = 'candidate' AND id % 7 = 3`, 250)
		if err != nil {
			b.Fatal(err)
		}
		imported, err := queryImported(path, 250)
		if err != nil {
			b.Fatal(err)
		}
		matchQueries = map[string][]string{}
		for _, t := range accepted {
			matchQueries["repeat"] = append(matchQueries["repeat"], reworded(r, t))
			matchQueries["social"] = append(matchQueries["social"], socialPost(r, t))
		}
		matchQueries["fresh"] = fresh
		for _, t := range imported {
			matchQueries["imported"] = append(matchQueries["imported"], reworded(r, t))
		}
		for _, t := range fresh {
			// An article's candidates: mostly new sentences, a few repeats.
			matchQueries["article"] = append(matchQueries["article"], t)
		}
		// The texts of earlier runs: repeats and candidates alternating.
		for i := range min(len(matchQueries["repeat"]), len(fresh)) {
			matchQueries["mixed"] = append(matchQueries["mixed"], matchQueries["repeat"][i], fresh[i])
		}
		for i, t := range matchQueries["repeat"] {
			if i%5 == 0 {
				matchQueries["article"][i] = t
			}
		}
		matchDB = db
	})
	if matchDB == nil {
		b.Fatal("benchmark database failed to seed")
	}
	return matchDB
}

// matchKinds are the kinds of text a match is asked about: a repeat of an
// accepted claim in other words, a sentence the archive has never seen, a
// short social-media post quoting an accepted claim, and another
// publisher's check of a claim (worded as an imported check, reworded).
var matchKinds = []string{"repeat", "fresh", "social", "imported"}

// socialPost cuts a claim down to a short post: its first eight to twelve
// words, lower case, a hashtag and a link.
func socialPost(r *rand.Rand, text string) string {
	w := strings.Fields(strings.ToLower(text))
	w = w[:min(len(w), 8+r.IntN(5))]
	return "BREAKING: " + strings.Join(w, " ") + " #" + w[len(w)-1] + " https://t.example/x" + strconv.Itoa(r.IntN(1000))
}

// queryImported reads up to n imported checks' claims spread over the table.
func queryImported(path string, n int) ([]string, error) {
	raw, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		return nil, err
	}
	defer raw.Close()
	rows, err := raw.Query(`SELECT claim FROM imported_checks WHERE id % 97 = 5 ORDER BY id LIMIT ?`, n)
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
// and imported check, for each kind of text.
func BenchmarkMatch(b *testing.B) {
	db := matchBenchDB(b)
	ctx := context.Background()
	for _, kind := range matchKinds {
		qs := matchQueries[kind]
		if len(qs) == 0 {
			continue
		}
		b.Run("kind="+kind, func(b *testing.B) {
			var times []time.Duration
			for i := 0; b.Loop(); i++ {
				start := time.Now()
				if _, err := db.Match(ctx, qs[i%len(qs)], 10); err != nil {
					b.Fatal(err)
				}
				times = append(times, time.Since(start))
			}
			reportLatency(b, times)
		})
	}
}

// BenchmarkMatchArticle measures matching the 40 candidates of one article
// (MatchMany, as the API does for a list of texts).
func BenchmarkMatchArticle(b *testing.B) {
	db := matchBenchDB(b)
	ctx := context.Background()
	qs := matchQueries["article"]
	var times []time.Duration
	for i := 0; b.Loop(); i++ {
		from := (i * 40) % len(qs)
		start := time.Now()
		if _, err := db.MatchMany(ctx, qs[from:min(from+40, len(qs))], 3); err != nil {
			b.Fatal(err)
		}
		times = append(times, time.Since(start))
	}
	reportLatency(b, times)
}

// BenchmarkArticleAdd measures adding an article of 40 candidate claims
// (mostly new sentences, one in five a reworded repeat) as the article form
// does: CreateArticle, which matches the candidates before it writes, then
// the article page's read of their matches. "matching-only" times the
// matching of the same texts alone (MatchMany, the same pass), what matching
// adds to adding an article.
func BenchmarkArticleAdd(b *testing.B) {
	db := matchBenchDB(b)
	ctx := domain.WithActor(context.Background(), domain.SystemActor)
	qs := matchQueries["article"]
	seq := time.Now().UnixNano()
	for _, name := range []string{"add", "matching-only"} {
		b.Run(name, func(b *testing.B) {
			var times []time.Duration
			for i := 0; b.Loop(); i++ {
				seq++
				from := (i * 40) % len(qs)
				texts := qs[from:min(from+40, len(qs))]
				a, cands := benchArticle(seq, texts)
				start := time.Now()
				if name == "add" {
					if err := db.CreateArticle(ctx, a, cands); err != nil {
						b.Fatal(err)
					}
					if _, err := db.ArticleMatches(ctx, a.ID); err != nil {
						b.Fatal(err)
					}
				} else if _, err := db.MatchMany(ctx, texts, 5); err != nil {
					b.Fatal(err)
				}
				times = append(times, time.Since(start))
			}
			reportLatency(b, times)
		})
	}
}

// benchArticle makes an article whose body is the given sentences, each a
// candidate claim.
func benchArticle(seq int64, sentences []string) (*domain.Article, []*domain.Claim) {
	var body strings.Builder
	var cands []*domain.Claim
	for i, s := range sentences {
		if i > 0 {
			body.WriteString(" ")
		}
		start := body.Len()
		body.WriteString(s)
		cands = append(cands, &domain.Claim{Sentence: s, Text: s, Start: start, End: body.Len(), Score: 0.9 - float64(i)/100, CheckWorthy: true})
	}
	return &domain.Article{Title: "Bench article " + strconv.FormatInt(seq, 10), Outlet: "The Bench", Body: body.String(),
		Fingerprint: "bench-" + strconv.FormatInt(seq, 10), Origin: domain.OriginPaste}, cands
}

// BenchmarkSearch measures one search of two or three words from the
// queries (a word, a figure, a phrase), over every accepted claim and
// imported check.
func BenchmarkSearch(b *testing.B) {
	db := matchBenchDB(b)
	ctx := context.Background()
	var searches []match.Query
	for i, t := range slices.Concat(matchQueries["repeat"], matchQueries["fresh"]) {
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
