package storage

import (
	"cmp"
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"claimtrail/domain"
	"claimtrail/domain/match"
)

// matchAll is the straightforward matcher the index stands in for: every
// indexed document (and every changed-but-unindexed claim) compared with
// the query, with the same weights, best first.
func matchAll(ctx context.Context, tx *Tx, q match.Text, exclude int64, limit int) ([]match.Found, error) {
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT docs FROM match_stats WHERE id = 1`).Scan(&n); err != nil {
		return nil, err
	}
	df := map[string]int{}
	if err := weights(ctx, tx, q.Terms, df); err != nil {
		return nil, err
	}
	pending, err := pendingDocs(ctx, tx, 0)
	if err != nil {
		return nil, err
	}
	for _, d := range pending {
		if err := weights(ctx, tx, d.Text.Terms, df); err != nil {
			return nil, err
		}
	}
	p := &queryPlan{matchQuery: matchQuery{text: q, exclude: exclude, limit: limit}}
	type entry struct {
		doc  int64
		data string
	}
	all, err := queryAll(ctx, tx, func(r scanner) (entry, error) {
		var e entry
		return e, r.Scan(&e.doc, &e.data)
	}, `SELECT doc, data FROM match_docs`)
	if err != nil {
		return nil, err
	}
	for _, e := range all {
		if _, stale := pending[e.doc]; stale || e.doc == exclude {
			continue
		}
		d, err := decodeDoc(e.data)
		if err != nil {
			return nil, err
		}
		compareByName(p, e.doc, d, df, n)
	}
	for doc, d := range pending {
		if doc != exclude && d.Text.Terms != nil {
			compareByName(p, doc, d, df, n)
		}
	}
	res := keepBest(p.results, limit)
	if err := describeFound(ctx, tx, res); err != nil {
		return nil, err
	}
	slices.SortFunc(res, match.Better)
	return res[:min(len(res), limit)], nil
}

// compareByName is what the matcher's compare does, written plainly: each
// term's weight looked up by name (today's count for the query's terms, the
// document's stored count scaled to today's size for the others, a looked
// up count for a document without stored counts) and match.Compare. The
// matcher works the same weights out by place (CompareWeighed); comparing
// every document this way checks that it finds the same.
func compareByName(p *queryPlan, doc int64, d docData, df map[string]int, n int) {
	terms := d.terms()
	weight := func(t string) float64 {
		if _, ok := slices.BinarySearch(p.text.Terms, t); ok || d.N == 0 {
			return match.IDF(df[t], n)
		}
		if i, ok := slices.BinarySearch(terms, t); ok && i < len(d.DF) {
			return match.IDF(int(float64(d.DF[i])*float64(n)/float64(d.N)+0.5), n)
		}
		return match.IDF(1, n)
	}
	c := match.Compare(p.text, d.Text, weight)
	if d.Headline != nil {
		if h := match.Compare(p.text, *d.Headline, weight); h.Score > c.Score {
			c = h
		}
	}
	if c.Tier == match.TierNone {
		return
	}
	f := match.Found{Kind: match.KindClaim, ID: doc, Score: c.Score, Tier: c.Tier}
	if doc < 0 {
		f.Kind, f.ID = match.KindImported, -doc
	}
	p.results = append(p.results, f)
}

// sameFound reports whether two lists name the same documents in the same
// order with the same scores and tiers.
func sameFound(a, b []match.Found) bool {
	return slices.EqualFunc(a, b, func(x, y match.Found) bool {
		return x.Kind == y.Kind && x.ID == y.ID && x.Tier == y.Tier && cmp.Compare(x.Score, y.Score) == 0
	})
}

// TestFastMatchSameAsExhaustive checks the index's bounded matching against
// comparing every document, on a generated newsroom (the benchmark seeder's
// broad vocabulary) with imported checks: repeats in other words, short
// lower-case posts, sentences never accepted, other publishers' checks, a
// claim's own matches (itself left out), and an article's candidates matched
// together in one pass.
func TestFastMatchSameAsExhaustive(t *testing.T) {
	if testing.Short() {
		t.Skip("seeds a database")
	}
	ctx := domain.WithActor(context.Background(), domain.SystemActor)
	path := filepath.Join(t.TempDir(), "m.db")
	if _, err := SeedBench(ctx, path, BenchSeed{Claims: 3000, PasswordHash: "x"}); err != nil {
		t.Fatal(err)
	}
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	r := rand.New(rand.NewPCG(3, 4))
	type row struct {
		id             int64
		text, claimant string
		state          string
	}
	rows, err := db.read.QueryContext(ctx, `SELECT id, text, claimant, state FROM claims ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	var accepted, fresh []row
	for rows.Next() {
		var c row
		if err := rows.Scan(&c.id, &c.text, &c.claimant, &c.state); err != nil {
			t.Fatal(err)
		}
		if slices.Contains(searchedStates, domain.ClaimState(c.state)) {
			accepted = append(accepted, c)
		} else {
			fresh = append(fresh, c)
		}
	}
	rows.Close()
	reword := func(s string) string {
		w := strings.Fields(s)
		out := w[:0:0]
		for _, x := range w {
			if r.IntN(5) != 0 {
				out = append(out, x)
			}
		}
		return strings.Join(out, " ")
	}
	var checks []domain.ImportedCheck
	for i := range 300 {
		c := accepted[(i*7)%len(accepted)]
		if i%2 == 1 {
			c = fresh[(i*5)%len(fresh)]
		}
		checks = append(checks, domain.ImportedCheck{URL: fmt.Sprintf("https://checks.example/%d", i), Claim: reword(c.text),
			Headline: "Fact check: " + reword(c.text), Publisher: "Checker", Rating: "False", Claimant: c.claimant})
	}
	if _, err := db.ImportChecks(ctx, checks); err != nil {
		t.Fatal(err)
	}

	var queries []matchQuery
	for i := range 40 {
		c := accepted[(i*13+1)%len(accepted)]
		queries = append(queries,
			matchQuery{text: match.Analyse(reword(c.text), ""), limit: 5},
			matchQuery{text: match.Analyse(strings.ToLower(strings.Join(strings.Fields(c.text)[:min(10, len(strings.Fields(c.text)))], " ")), ""), limit: 5},
			matchQuery{text: match.Analyse(fresh[(i*17)%len(fresh)].text, fresh[(i*17)%len(fresh)].claimant), limit: 5},
			matchQuery{text: match.Analyse(reword(checks[(i*3)%len(checks)].Claim), ""), limit: 10},
			matchQuery{text: match.Analyse(c.text, c.claimant), exclude: claimDoc(c.id), limit: 3},
		)
	}
	tx, err := db.beginRead(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	together, err := matchTexts(ctx, tx, slices.Clone(queries))
	if err != nil {
		t.Fatal(err)
	}
	found, same := 0, 0
	for i, q := range queries {
		want, err := matchAll(ctx, tx, q.text, q.exclude, q.limit)
		if err != nil {
			t.Fatal(err)
		}
		alone, err := matchText(ctx, tx, q.text, q.exclude, q.limit)
		if err != nil {
			t.Fatal(err)
		}
		if !sameFound(alone, want) {
			t.Errorf("query %d (%v): index gives %v, comparing every document gives %v", i, q.text.Terms, brief(alone), brief(want))
		}
		if !sameFound(together[i], alone) {
			t.Errorf("query %d: matched with the others gives %v, alone %v", i, brief(together[i]), brief(alone))
		}
		found += len(want)
		if len(want) > 0 && want[0].Tier == match.TierSame {
			same++
		}
	}
	// The repeats and the imported checks' rewordings find their claim.
	if found < len(queries)/2 || same < len(queries)/10 {
		t.Fatalf("%d matches, %d queries with a same-tier match, over %d queries: the corpus does not exercise the matcher", found, same, len(queries))
	}
}

// brief lists matches for a failure message.
func brief(fs []match.Found) string {
	var b strings.Builder
	for _, f := range fs {
		fmt.Fprintf(&b, "%s%d:%.3f:%s ", f.Kind[:1], f.ID, f.Score, f.Tier)
	}
	return b.String()
}
