package storage

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"claimtrail/migrations"
)

// searchTestDocs fills the index with imported checks whose ids spread over
// several blocks, their words drawn so that a few words have thousands of
// documents and most have a handful, and says the database.
func searchTestDocs(t *testing.T, n int) (*DB, *sql.DB) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "p.db")
	db, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	raw, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	r := rand.New(rand.NewPCG(7, 15))
	var words []string
	for i := range 300 {
		words = append(words, fmt.Sprintf("w%03dzq", i))
	}
	tx, err := raw.Begin()
	if err != nil {
		t.Fatal(err)
	}
	for i := range n {
		// Ids to about 40,000: documents to 320,000, five blocks.
		id := 1 + i*40000/n + r.IntN(3)
		var text []string
		for range 3 + r.IntN(6) {
			text = append(text, words[min(len(words)-1, int(r.ExpFloat64()*12))])
		}
		rating := []string{"True", "False", "Misleading"}[r.IntN(3)]
		if r.IntN(12) == 0 {
			rating = "Unproven" // a filter rarer than common words
		}
		if _, err := tx.Exec(`INSERT OR IGNORE INTO imported_checks (id, url, claim, rating, published_on, imported_at, updated_at)
			VALUES (?, ?, ?, ?, ?, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')`,
			id, fmt.Sprintf("https://checks.example/%d", id), strings.Join(text, " "), rating,
			fmt.Sprintf("2025-%02d-%02d", 1+r.IntN(12), 1+r.IntN(28))); err != nil {
			t.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	return db, raw
}

// A search's candidates are the newest searchAllScan documents of its
// rarest term that have the next terms, however the words' blocks and the
// filters' postings are read and however few are wanted: the same as a
// plain walk over every document's terms finds, for words common and rare,
// with filters, and with statistics that say a term has a handful of postings (the average over
// hundreds of thousands of rare words), under which the planner once walked
// a common word's postings and looked the rarest up for each, 45 s for two
// words instead of 4 ms. The look-ups go through the primary keys.
func TestSearchCandidatesStartFromTheRarestTerm(t *testing.T) {
	db, raw := searchTestDocs(t, 12000)
	ctx := context.Background()
	if _, err := db.ReindexSearch(ctx, nil); err != nil {
		t.Fatal(err)
	}
	for _, stmt := range []string{
		`ANALYZE`,
		`DELETE FROM sqlite_stat1 WHERE tbl IN ('search_postings', 'search_docs', 'search_terms', 'search_blocks')`,
		`INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES ('search_postings', 'search_postings', '9102647 400 1'),
			('search_blocks', 'search_blocks', '6102647 4 1'), ('search_docs', NULL, '1156665'), ('search_terms', 'search_terms', '219420 1')`,
		`ANALYZE sqlite_schema`, // load the statistics just written
	} {
		if _, err := db.write.Exec(stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	// Every document's sorted terms, newest first (search_fresh_internal_test.go).
	o := readSearchOracle(t, raw)
	if len(o.docs) < 10000 || o.docs[0].doc>>searchBlockShift < 4 {
		t.Fatalf("%d documents, the newest %d: not enough to span blocks", len(o.docs), o.docs[0].doc)
	}
	df := o.df
	tx, err := db.beginRead(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	queries := [][]string{
		{"w000zq"}, {"w000zq", "w001zq"}, {"w250zq", "w000zq"}, {"w040zq", "w041zq", "w002zq"},
		{"w000zq", "~r:false"}, {"~r:false"}, {"~r:true", "w003zq"}, {"~k:imported", "~r:misleading", "w010zq"},
		{"~r:unproven", "w000zq"}, {"~r:unproven", "w001zq", "w002zq"}, {"~r:unproven", "~k:imported"}, {"~r:misleading", "w000zq"},
		{"w000zq", "w001zq", "w002zq", "w003zq", "w004zq", "w005zq", "w006zq", "w007zq", "w008zq"},
	}
	kept := newKeptBlocks(1 << 20)
	r := rand.New(rand.NewPCG(1, 2))
	for range 40 {
		queries = append(queries, []string{fmt.Sprintf("w%03dzq", r.IntN(120)), fmt.Sprintf("w%03dzq", r.IntN(120))})
	}
	found := 0
	for _, terms := range queries {
		terms = slices.Clone(terms)
		slices.SortFunc(terms, func(a, b string) int { return cmp.Or(cmp.Compare(df[a], df[b]), strings.Compare(a, b)) })
		versions, counts := map[string]int64{}, map[string]int{}
		if err := searchWeights(ctx, tx, append(slices.Clone(terms), searchAllTerm), counts, versions); err != nil {
			t.Fatal(err)
		}
		// Counts that call every word rare: every candidate is checked at
		// once, even a common pair's.
		rare := map[string]int{searchAllTerm: 1 << 30}
		for _, term := range terms {
			rare[term] = 1
		}
		// Read from SQLite alone, then with blocks kept (twice: the
		// second finds more of them kept); without the words' counts,
		// with them, and with counts that say too few will be found.
		for _, k := range []*keptBlocks{nil, kept, kept} {
			for _, c := range []map[string]int{nil, counts, rare} {
				for _, enough := range []int{searchAllScan, searchAllRerank, 1} {
					got, err := searchCandidates(ctx, tx, &searchBlockReads{tx: tx, kept: k, versions: versions, counts: c}, terms, enough)
					if err != nil {
						t.Fatal(err)
					}
					if w := o.candidates(terms, enough); !slices.Equal(got, w) {
						t.Errorf("%v (documents %v), the first %d, kept %v, counts %v: %d candidates, want %d\n got %v\nwant %v", terms, df, enough, k != nil, c, len(got), len(w), got, w)
					}
					found += len(got)
				}
			}
		}
	}
	if kept.hits == 0 || kept.misses == 0 {
		t.Errorf("blocks found kept %d times, read %d times: the kept blocks were not tried", kept.hits, kept.misses)
	}
	if found < 3000 || df["w000zq"] <= searchAllScan {
		t.Errorf("the queries found %d candidates in all, the commonest word is in %d documents: too few to tell", found, df["w000zq"])
	}
	for _, q := range []string{
		`SELECT block, docs FROM search_blocks WHERE term = ? AND block < ? ORDER BY block DESC`,
		`SELECT block, docs FROM search_blocks WHERE term = ? AND block IN (SELECT value FROM json_each(?))`,
		`SELECT block, docs FROM search_blocks WHERE term = ? AND block BETWEEN 1 AND ?`,
		`SELECT doc FROM search_postings WHERE term = ? AND doc IN (SELECT value FROM json_each(?))`,
		`SELECT doc FROM search_postings WHERE term = ? AND doc < 1 ORDER BY doc DESC LIMIT ?`,
	} {
		rows, err := db.write.Query(`EXPLAIN QUERY PLAN `+q, "w000zq", "[1, 2]")
		if err != nil {
			t.Fatal(err)
		}
		var plan []string
		for rows.Next() {
			var id, parent, unused int
			var detail string
			rows.Scan(&id, &parent, &unused, &detail)
			plan = append(plan, detail)
		}
		rows.Close()
		if !strings.Contains(strings.Join(plan, "\n"), "USING PRIMARY KEY (term=?") {
			t.Errorf("%s is not read by its term:\n%s", q, strings.Join(plan, "\n"))
		}
	}
}

// Words' blocks kept by each document's indexing (new, changed, gone) are
// what a rebuild writes, across blocks.
func TestSearchBlocksFollowEveryDocument(t *testing.T) {
	db, raw := searchTestDocs(t, 3000)
	ctx := context.Background()
	dump := func() string {
		return strings.Join(indexLines(t, raw, searchBlockLines, searchPostingLines, searchTermLines), "\n") + "\n"
	}
	backlog := func(step string) {
		t.Helper()
		indexPendingThroughBacklog(t, db, raw)
		if err := db.FoldSearch(ctx, 50); err != nil {
			t.Fatal(err)
		}
		kept := dump()
		if _, err := db.ReindexSearch(ctx, nil); err != nil {
			t.Fatal(err)
		}
		if rebuilt := dump(); kept != rebuilt {
			k, r := strings.Split(kept, "\n"), strings.Split(rebuilt, "\n")
			for i := range min(len(k), len(r)) {
				if k[i] != r[i] {
					t.Fatalf("%s: the kept index differs from a rebuild (%d lines against %d) first at line %d:\n kept %s\nbuilt %s",
						step, len(k), len(r), i, k[i], r[i])
				}
			}
			t.Fatalf("%s: the kept index has %d lines, a rebuild %d", step, len(k), len(r))
		}
		var blocks int
		raw.QueryRow(`SELECT count(DISTINCT block) FROM search_blocks`).Scan(&blocks)
		if blocks < 4 {
			t.Fatalf("%s: words in %d blocks", step, blocks)
		}
	}
	if _, err := raw.Exec(`INSERT INTO search_backlog (doc) SELECT id * 8 + 5 FROM imported_checks`); err != nil {
		t.Fatal(err)
	}
	backlog("indexed one by one")
	for _, stmt := range []string{
		`UPDATE imported_checks SET claim = claim || ' w299zq w000zq' WHERE id % 7 = 0`,
		`UPDATE imported_checks SET claim = 'w001zq only' WHERE id % 11 = 0`,
		`DELETE FROM imported_checks WHERE id % 5 = 0`,
		`UPDATE imported_checks SET rating = 'Wrong' WHERE id % 3 = 0`,
	} {
		if _, err := raw.Exec(stmt); err != nil {
			t.Fatal(err)
		}
		backlog(stmt)
	}
}

// An archive indexed before words were kept in blocks has them as postings:
// migration 260 moves every word's postings into the blocks a rebuild
// writes, and leaves the filters' postings as they are.
func TestSearchWordBlocksMigrationKeepsEveryPosting(t *testing.T) {
	db, raw := searchTestDocs(t, 3000)
	ctx := context.Background()
	if _, err := db.ReindexSearch(ctx, nil); err != nil {
		t.Fatal(err)
	}
	dump := func() []string { return indexLines(t, raw, searchBlockLines, searchPostingLines) }
	want := dump()
	// The index as it was: every term a posting, no blocks.
	for _, stmt := range []string{
		`DROP TABLE search_blocks`,
		`INSERT INTO search_postings (term, doc) SELECT t.value, d.doc FROM search_docs d,
			json_each('["' || replace(d.terms, char(10), '","') || '"]') t WHERE substr(t.value, 1, 1) <> '~'`,
	} {
		if _, err := raw.Exec(stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	var words int
	raw.QueryRow(`SELECT count(*) FROM search_postings WHERE substr(term, 1, 1) <> '~'`).Scan(&words)
	if words < 10000 {
		t.Fatalf("%d word postings before the migration", words)
	}
	body, err := fs.ReadFile(migrations.FS, "260_search_word_blocks.sql")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec(string(body)); err != nil {
		t.Fatal(err)
	}
	if got := dump(); !slices.Equal(got, want) {
		t.Errorf("after the migration: %d lines, a rebuild %d", len(got), len(want))
		for i := range min(len(got), len(want)) {
			if got[i] != want[i] {
				t.Fatalf("first difference at %d:\n got %s\nwant %s", i, got[i], want[i])
			}
		}
	}
}

// indexPendingThroughBacklog moves every document waiting for the search
// index to the backlog, as a migration does, and indexes the backlog to
// its end, as the server's background work does.
func indexPendingThroughBacklog(t *testing.T, db *DB, raw *sql.DB) {
	t.Helper()
	if _, err := raw.Exec(`INSERT OR IGNORE INTO search_backlog (doc) SELECT doc FROM search_pending`); err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec(`DELETE FROM search_pending`); err != nil {
		t.Fatal(err)
	}
	for {
		left, err := db.IndexSearchBacklog(context.Background(), 700)
		if err != nil {
			t.Fatal(err)
		}
		if left == 0 {
			break
		}
	}
}

// The search index's tables as lines, in key order, for comparisons.
const (
	searchBlockLines   = `SELECT 'block ' || term || ' ' || block || ' ' || hex(docs) FROM search_blocks ORDER BY term, block`
	searchPostingLines = `SELECT 'posting ' || term || ' ' || doc FROM search_postings ORDER BY term, doc`
	searchTermLines    = `SELECT 'term ' || term || ' ' || df FROM search_terms WHERE df > 0 ORDER BY term`
)

// indexLines is the lines the statements give, one after the other.
func indexLines(t *testing.T, raw *sql.DB, queries ...string) []string {
	t.Helper()
	var out []string
	for _, q := range queries {
		rows, err := raw.Query(q)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var line string
			if err := rows.Scan(&line); err != nil {
				t.Fatal(err)
			}
			out = append(out, line)
		}
		rows.Close()
	}
	return out
}
