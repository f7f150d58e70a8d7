package storage_test

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"claimtrail/domain"
	"claimtrail/domain/match"
	"claimtrail/storage"
)

// indexTables are the search and matcher indexes, each read whole in key
// order. A matcher document's stored counts (N, then each term's DF, the
// first two records of its data) are those of when it was indexed, so a
// comparison with an index kept by writes reads them apart (matchCounts).
var indexTables = map[string]string{
	"search_docs":     `SELECT ` + "doc, claim_id, article_id, text, context, state, rating, url, day, words, analysed, terms" + ` FROM search_docs ORDER BY doc`,
	"search_postings": `SELECT term, doc FROM search_postings ORDER BY term, doc`,
	"search_blocks":   `SELECT term, block, hex(docs) FROM search_blocks ORDER BY term, block`,
	"search_terms":    `SELECT term, df FROM search_terms ORDER BY term`,
	"match_docs":      `SELECT doc, data FROM match_docs ORDER BY doc`,
	"match_postings":  `SELECT term, doc FROM match_postings ORDER BY term, doc`,
	"match_terms":     `SELECT term, df FROM match_terms ORDER BY term`,
	"match_heads":     `SELECT term, docs FROM match_heads ORDER BY term`,
	"match_stats":     `SELECT docs FROM match_stats`,
	"pending":         `SELECT 'search', doc FROM search_pending UNION ALL SELECT 'backlog', doc FROM search_backlog UNION ALL SELECT 'match', claim_id FROM match_pending`,
}

// readIndexes reads every index table of the database at path as lines.
func readIndexes(t *testing.T, path string, matchCounts bool) map[string][]string {
	t.Helper()
	raw, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	out := map[string][]string{}
	for table, q := range indexTables {
		rows, err := raw.Query(q)
		if err != nil {
			t.Fatalf("%s: %v", table, err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			line := fmt.Sprint(vals...)
			if table == "match_docs" && !matchCounts {
				// doc, then the data without N and DF.
				parts := strings.SplitN(fmt.Sprint(vals[1]), "\x1e", 3)
				line = fmt.Sprint(vals[0], " ", parts[len(parts)-1])
			}
			out[table] = append(out[table], line)
		}
		if err := rows.Close(); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// sameIndexes reports every table that differs, with its first difference.
func sameIndexes(t *testing.T, got, want map[string][]string, what string) {
	t.Helper()
	for table := range indexTables {
		g, w := got[table], want[table]
		for i := range max(len(g), len(w)) {
			var a, b string
			if i < len(g) {
				a = g[i]
			}
			if i < len(w) {
				b = w[i]
			}
			if a != b {
				t.Errorf("%s: %s differs (%d rows against %d) first at row %d:\n got %q\nwant %q", what, table, len(g), len(w), i, a, b)
				break
			}
		}
	}
}

// The seed builds the search and matcher indexes from the rows it makes,
// without reading them back: what it writes must be exactly what
// claimtrail reindex writes for the same rows, and searches and matches
// must find the same.
func TestSeedBenchIndexesAreWhatReindexWrites(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "bench.db")
	ctx := domain.WithActor(context.Background(), domain.SystemActor)
	if _, err := storage.SeedBench(ctx, path, storage.BenchSeed{Claims: 2500, PasswordHash: "x",
		Now: time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)}); err != nil {
		t.Fatal(err)
	}
	if left, _ := filepath.Glob(path + ".*"); len(left) > 0 {
		t.Errorf("the seed left %q beside the database", left)
	}
	seeded := readIndexes(t, path, true)
	if len(seeded["search_postings"]) < 5000 || len(seeded["search_blocks"]) < 10000 || len(seeded["match_docs"]) < 500 || len(seeded["search_docs"]) < 1000 {
		t.Fatalf("the seed's indexes are nearly empty: %d search documents, %d postings, %d blocks, %d matcher documents",
			len(seeded["search_docs"]), len(seeded["search_postings"]), len(seeded["search_blocks"]), len(seeded["match_docs"]))
	}
	kinds := map[int64]bool{}
	for _, line := range seeded["search_docs"] {
		var doc int64
		fmt.Sscan(line, &doc)
		kinds[doc%8] = true
	}
	if len(kinds) != 4 {
		t.Errorf("seeded search documents of %d kinds, want claims, articles, verdicts and sources", len(kinds))
	}

	db, err := storage.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	type result struct{ search, match, claim string }
	found := 0
	probe := func() result {
		var r result
		for _, q := range []string{"government", "budget spending", `"per cent"`, "minis*", "police"} {
			for _, f := range []domain.SearchFilter{{}, {State: domain.StateApproved}, {Kind: domain.SearchArticle}} {
				res, err := db.SearchEverything(ctx, match.ParseQuery(q), f, 20)
				if err != nil {
					t.Fatal(err)
				}
				r.search += fmt.Sprintf("%s %v: %d %v\n", q, f, len(res), res)
				found += len(res)
			}
		}
		for _, text := range []string{"The government spent more on schools than last year", "Police numbers fell by 12% in the city"} {
			found, err := db.Match(ctx, text, 10)
			if err != nil {
				t.Fatal(err)
			}
			r.match += fmt.Sprintf("%s: %v\n", text, found)
		}
		for id := int64(1); id <= 400; id += 7 {
			found, err := db.ClaimMatches(ctx, id, 5)
			if err != nil {
				t.Fatal(err)
			}
			r.claim += fmt.Sprintf("%d: %v\n", id, found)
		}
		return r
	}
	before := probe()
	if _, err := db.Reindex(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ReindexSearch(ctx, nil); err != nil {
		t.Fatal(err)
	}
	after := probe()
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	sameIndexes(t, seeded, readIndexes(t, path, true), "seeded against reindexed")
	if before != after {
		t.Errorf("searches and matches differ after reindexing:\nseeded:\n%s\nreindexed:\n%s", before, after)
	}
	if found < 100 {
		t.Errorf("the probe searches found %d results in all:\n%s", found, before.search)
	}
}
