package storage

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"

	"claimtrail/domain"
	"claimtrail/domain/match"
)

// searchOracle is every document's terms as search_docs holds them now,
// newest first, and each term's count: what the index must answer.
type searchOracle struct {
	docs []struct {
		doc   int64
		terms []string
	}
	df map[string]int
}

func readSearchOracle(t *testing.T, raw *sql.DB) *searchOracle {
	t.Helper()
	o := &searchOracle{df: map[string]int{}}
	rows, err := raw.Query(`SELECT doc, terms FROM search_docs ORDER BY doc DESC`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var doc int64
		var terms string
		if err := rows.Scan(&doc, &terms); err != nil {
			t.Fatal(err)
		}
		split := strings.Split(terms, "\n")
		o.docs = append(o.docs, struct {
			doc   int64
			terms []string
		}{doc, split})
		for _, term := range split {
			o.df[term]++
		}
	}
	return o
}

// candidates is searchCandidates worked out by a walk over every document.
func (o *searchOracle) candidates(terms []string, enough int) []int64 {
	var out []int64
	seen := 0
	for _, d := range o.docs {
		if !slices.Contains(d.terms, terms[0]) {
			continue
		}
		if seen++; seen > searchAllScan {
			break
		}
		if searchSatisfies(d.terms, terms[1:min(len(terms), searchJoinTerms)]) {
			out = append(out, d.doc)
		}
	}
	return out[:min(len(out), enough)]
}

// searchesAnswerAsTheOracle fails the test unless every query's counts and
// candidates, read from db in one snapshot with the search log over the
// blocks, are what the oracle says.
func searchesAnswerAsTheOracle(t *testing.T, step string, db *DB, o *searchOracle, queries [][]string) {
	t.Helper()
	tx, fresh := searchSnapshot(t, db)
	defer tx.Rollback()
	snapshotAnswersAsTheOracle(t, step, db, tx, fresh, o, queries)
}

// searchSnapshot begins a read transaction and reads the search log's
// state in it.
func searchSnapshot(t *testing.T, db *DB) (*Tx, *freshView) {
	t.Helper()
	ctx := context.Background()
	tx, err := db.beginRead(ctx)
	if err != nil {
		t.Fatal(err)
	}
	fresh, err := db.freshView(ctx, tx)
	if err != nil {
		tx.Rollback()
		t.Fatal(err)
	}
	return tx, fresh
}

// snapshotAnswersAsTheOracle is searchesAnswerAsTheOracle in a snapshot
// already begun.
func snapshotAnswersAsTheOracle(t *testing.T, step string, db *DB, tx *Tx, fresh *freshView, o *searchOracle, queries [][]string) {
	t.Helper()
	ctx := context.Background()
	for _, terms := range queries {
		versions, counts := map[string]int64{}, map[string]int{}
		if err := searchWeights(ctx, tx, terms, counts, versions); err != nil {
			t.Fatal(err)
		}
		if err := fresh.adjust(counts, terms); err != nil {
			t.Fatal(err)
		}
		for _, term := range terms {
			if counts[term] != o.df[term] {
				t.Errorf("%s: %s counted in %d documents, want %d", step, term, counts[term], o.df[term])
			}
		}
		terms = slices.Clone(terms)
		slices.SortFunc(terms, func(a, b string) int { return cmp.Or(cmp.Compare(o.df[a], o.df[b]), strings.Compare(a, b)) })
		if o.df[terms[0]] == 0 {
			continue
		}
		for _, kept := range []*keptBlocks{nil, db.keptBlocks, db.keptBlocks} {
			for _, enough := range []int{searchAllScan, searchAllRerank} {
				r := &searchBlockReads{tx: tx, kept: kept, versions: versions, counts: counts, fresh: fresh}
				got, err := searchCandidates(ctx, tx, r, terms, enough)
				if err != nil {
					t.Fatal(err)
				}
				if want := o.candidates(terms, enough); !slices.Equal(got, want) {
					t.Errorf("%s: %v, the first %d: %d candidates, want %d\n got %v\nwant %v", step, terms, enough, len(got), len(want),
						got[:min(len(got), 20)], want[:min(len(want), 20)])
				}
			}
		}
	}
}

// Searches read the search log over the words' blocks and answer exactly
// as a walk over every document's terms does: with the changes of a pass
// only in the log, after each transaction of a fold (some words folded,
// the rest not), in another process whose log was read before the fold
// ended, in a snapshot begun before it ended, with the fold taken over
// midway by another process, by a process whose kept blocks are older than
// that fold, and once all is folded, when the index is what a rebuild
// makes.
func TestSearchesReadTheLogOverTheBlocksAtEveryStepOfAFold(t *testing.T) {
	db, raw := searchTestDocs(t, 6000)
	ctx := context.Background()
	if _, err := db.ReindexSearch(ctx, nil); err != nil {
		t.Fatal(err)
	}
	other, err := Open(ctx, db.Path)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	r := rand.New(rand.NewPCG(3, 4))
	queries := [][]string{{"w000zq"}, {"w001zq", "w000zq"}, {"w299zq"}, {"w001zq", "w299zq"}, {"w298zq"}, {"w298zq", "w000zq"},
		{"w000zq", "~r:false"}, {"~r:true", "w003zq"}, {"w005zq", "w006zq", "w007zq"}}
	for range 30 {
		queries = append(queries, []string{fmt.Sprintf("w%03dzq", r.IntN(60)), fmt.Sprintf("w%03dzq", r.IntN(60))})
	}
	for round, stmts := range [][]string{{
		// Words gained (one no document had), lost, documents gone and new.
		`UPDATE imported_checks SET claim = claim || ' w299zq w000zq' WHERE id % 7 = 0`,
		`UPDATE imported_checks SET claim = 'w001zq only' WHERE id % 11 = 0`,
		`DELETE FROM imported_checks WHERE id % 13 = 0`,
		`INSERT INTO imported_checks (id, url, claim, rating, published_on, imported_at, updated_at)
			SELECT id + 50000, url || '/again', claim || ' w298zq', rating, published_on, imported_at, updated_at FROM imported_checks WHERE id % 17 = 0`,
	}, {
		// A second pass over the first, folded or not: words back and gone again.
		`UPDATE imported_checks SET claim = replace(claim, ' w299zq', '') WHERE id % 14 = 0`,
		`UPDATE imported_checks SET claim = claim || ' w001zq w002zq' WHERE id % 5 = 0`,
	}, {
		// A third, folded by this process while what it keeps of the
		// words' blocks is from before the other process's fold.
		`UPDATE imported_checks SET claim = claim || ' w000zq w003zq' WHERE id % 4 = 0`,
		// (In the first block only: the others are as the other fold left them.)
		`UPDATE imported_checks SET claim = claim || ' w299zq' WHERE id % 3 = 0 AND id < 8000`,
		`UPDATE imported_checks SET claim = replace(claim, ' w001zq', '') WHERE id % 6 = 0`,
	}} {
		for _, stmt := range stmts {
			if _, err := raw.Exec(stmt); err != nil {
				t.Fatal(err)
			}
		}
		if err := db.IndexSearchPending(ctx); err != nil {
			t.Fatal(err)
		}
		var rows, events int
		raw.QueryRow(`SELECT count(*), coalesce(sum(length(gained) - length(replace(gained, char(10), '')) + (gained <> '')
			+ length(lost) - length(replace(lost, char(10), '')) + (lost <> '')), 0) FROM search_fresh`).Scan(&rows, &events)
		if rows < 500 || events < 1000 {
			t.Fatalf("round %d: the log holds %d rows, %d events: the pass did not write it", round, rows, events)
		}
		o := readSearchOracle(t, raw)
		if round != 2 {
			searchesAnswerAsTheOracle(t, fmt.Sprintf("round %d, in the log", round), db, o, queries)
		}
		searchesAnswerAsTheOracle(t, fmt.Sprintf("round %d, in the log, another process", round), other, o, queries)
		// A search whose snapshot began before the fold, answered after
		// the fold has ended and a newer search let go of what was folded.
		early, earlyView := searchSnapshot(t, db)
		defer early.Rollback()
		// The first round's fold ends with the other process's log still
		// as it was read; the second's, the other process reads midway.
		always := func(int) bool { return true }
		turns := 0
		for {
			// The second round's fold is taken over midway by the other
			// process, as a server restarted in the middle of one would.
			folder := db
			if round == 1 && turns >= 2 {
				folder = other
			}
			under, _, _, err := folder.foldSearchTurn(ctx, always, 400)
			if err != nil {
				t.Fatal(err)
			}
			turns++
			step := fmt.Sprintf("round %d, fold turn %d", round, turns)
			// Not after the other's turns in round 1, nor before round 2's
			// fold ends: this process's kept blocks stay as they were
			// before the other's fold until its own fold comes to them.
			if folder == db && (round != 2 || !under) {
				searchesAnswerAsTheOracle(t, step, db, o, queries)
			}
			if round == 1 || !under {
				searchesAnswerAsTheOracle(t, step+", another process", other, o, queries)
			}
			if !under {
				break
			}
		}
		if turns < 4 {
			t.Errorf("round %d: the fold took %d transactions: too few to stop half way", round, turns)
		}
		snapshotAnswersAsTheOracle(t, fmt.Sprintf("round %d, a snapshot from before the fold", round), db, early, earlyView, o, queries)
		early.Rollback()
		var left int
		raw.QueryRow(`SELECT count(*) FROM search_fresh`).Scan(&left)
		if left != 0 {
			t.Errorf("round %d: %d rows of the log left after the fold", round, left)
		}
	}
	// Folded, the index is what a rebuild writes.
	dump := func() []string { return indexLines(t, raw, searchBlockLines, searchTermLines) }
	kept := dump()
	if _, err := db.ReindexSearch(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if rebuilt := dump(); !slices.Equal(kept, rebuilt) {
		t.Errorf("folded index (%d lines) differs from a rebuild (%d lines)", len(kept), len(rebuilt))
	}
}

// Searches running while the indexer writes the log and folds it share the
// process's log with them (`make test` runs this under the race detector)
// and never fail; once the writing stops they answer as the oracle, with
// the log and folded.
func TestSearchesBesideTheIndexerAndItsFolds(t *testing.T) {
	db, raw := searchTestDocs(t, 2000)
	ctx := context.Background()
	if _, err := db.ReindexSearch(ctx, nil); err != nil {
		t.Fatal(err)
	}
	queries := [][]string{{"w000zq"}, {"w001zq", "w000zq"}, {"w299zq"}, {"w002zq", "w299zq"}, {"w003zq"}}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := g; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				q := match.Query{Terms: queries[i%len(queries)]}
				if _, err := db.searchEverything(ctx, q, domain.SearchFilter{}, 20); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	for round := range 20 {
		stmt := fmt.Sprintf(`UPDATE imported_checks SET claim = claim || ' w299zq' WHERE id %% 9 = %d`, round%9)
		if round%2 == 1 {
			stmt = fmt.Sprintf(`UPDATE imported_checks SET claim = replace(claim, ' w299zq', '') WHERE id %% 7 = %d`, round%7)
		}
		if _, err := raw.Exec(stmt); err != nil {
			t.Fatal(err)
		}
		if err := db.IndexSearchPending(ctx); err != nil {
			t.Fatal(err)
		}
		if round%3 == 2 {
			if err := db.FoldSearch(ctx, 300); err != nil {
				t.Fatal(err)
			}
		}
	}
	close(stop)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	o := readSearchOracle(t, raw)
	searchesAnswerAsTheOracle(t, "in the log", db, o, queries)
	if err := db.FoldSearch(ctx, 0); err != nil {
		t.Fatal(err)
	}
	searchesAnswerAsTheOracle(t, "folded", db, o, queries)
}
