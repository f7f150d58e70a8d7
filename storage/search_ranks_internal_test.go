package storage

import (
	"cmp"
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"claimtrail/domain"
	"claimtrail/domain/match"
)

// Searches ranked from the ranks kept in memory find the same results in
// the same order as searches ranked from the index (the plain read), while
// documents are reworded, redated, deleted, added and deleted and added
// again after the memory was built, for a search that began before the
// memory's last changes, and when the log the memory follows was cut
// behind it; and the memory's ranks of any documents are the index's.
func TestSearchRanksInMemoryFollowEveryChange(t *testing.T) {
	db, raw := searchTestDocs(t, 6000)
	ctx := context.Background()
	if _, err := db.ReindexSearch(ctx, nil); err != nil {
		t.Fatal(err)
	}
	index := func() {
		t.Helper()
		indexPendingThroughBacklog(t, db, raw)
	}
	build := func() {
		t.Helper()
		tbl, err := buildSearchRanks(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		db.ranks.mu.Lock()
		db.ranks.table = tbl
		db.ranks.mu.Unlock()
	}
	year := func(y int) time.Time { return time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC) }
	type search struct {
		q     string
		f     domain.SearchFilter
		limit int
	}
	searches := []search{
		{"w000zq", domain.SearchFilter{}, 20}, {"w001zq", domain.SearchFilter{}, 50}, {"w000zq w001zq", domain.SearchFilter{}, 20},
		{"w002zq", domain.SearchFilter{Rating: "False"}, 20}, {"w000zq", domain.SearchFilter{From: year(2025).AddDate(0, 3, 0), To: year(2025).AddDate(0, 5, 0)}, 20},
		{"w003zq", domain.SearchFilter{From: year(2025).AddDate(0, 6, 0)}, 10}, {"w000zq", domain.SearchFilter{To: year(2025).AddDate(0, 1, 0)}, 5},
		{"w299zq", domain.SearchFilter{}, 20}, {"w001zq only", domain.SearchFilter{}, 20},
	}
	r := rand.New(rand.NewPCG(3, 4))
	for range 30 {
		searches = append(searches, search{fmt.Sprintf("w%03dzq w%03dzq", r.IntN(60), r.IntN(60)), domain.SearchFilter{}, 20})
	}
	// same runs every search ranked from memory and from the index and
	// says how many results they found.
	same := func(step string) int {
		t.Helper()
		found := 0
		for _, s := range searches {
			q := match.ParseQuery(s.q)
			mem, err := db.searchEverything(ctx, q, s.f, s.limit)
			if err != nil {
				t.Fatal(err)
			}
			ranks := db.ranks
			db.ranks = nil
			plain, err := db.searchEverything(ctx, q, s.f, s.limit)
			db.ranks = ranks
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(mem, plain) {
				t.Errorf("%s: %q %+v: ranked from memory\n%v\nfrom the index\n%v", step, s.q, s.f, hitIDs(mem), hitIDs(plain))
			}
			found += len(plain)
		}
		return found
	}
	// ranksAgree compares the memory's ranks of documents, present and not,
	// with the index's, in tx; used says whether the memory answered.
	ranksAgree := func(step string, tx *Tx) (used bool) {
		t.Helper()
		docs, err := queryAll(ctx, tx, scanInt64, `SELECT doc FROM search_docs ORDER BY doc DESC`)
		if err != nil {
			t.Fatal(err)
		}
		for i := 5; i < len(docs); i += 7 {
			docs = append(docs, docs[i]+8*1000003) // never indexed
		}
		for _, days := range [][2]string{{"", ""}, {"2025-03-01", "2025-06-30"}} {
			got, ok, err := db.searchRanksOf(ctx, tx, sortedDesc(docs), days[0], days[1])
			if err != nil {
				t.Fatal(err)
			}
			want, err := searchRanksFromIndex(ctx, tx, docs, days[0], days[1])
			if err != nil {
				t.Fatal(err)
			}
			if ok && !reflect.DeepEqual(got, want) {
				t.Errorf("%s: %d ranks from memory, %d from the index, differing", step, len(got), len(want))
			}
			used = ok
		}
		return used
	}
	read := func() *Tx {
		tx, err := db.beginRead(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return tx
	}

	if n := same("built"); n < 300 {
		t.Fatalf("the searches found %d results in all: too few to tell", n)
	}
	build()
	tx := read()
	if !ranksAgree("built", tx) {
		t.Error("the memory did not answer right after its build")
	}
	tx.Rollback()
	same("built")

	// This search's transaction begins before the changes below.
	before := read()
	ranksAgree("before the changes", before)
	for _, stmt := range []string{
		`UPDATE imported_checks SET claim = claim || ' w299zq w000zq w001zq' WHERE id % 7 = 0`,
		`UPDATE imported_checks SET claim = 'w001zq only' WHERE id % 11 = 0`,
		`UPDATE imported_checks SET published_on = '2025-04-04' WHERE id % 13 = 0`,
		`DELETE FROM imported_checks WHERE id % 5 = 0`,
		`INSERT INTO imported_checks (id, url, claim, rating, published_on, imported_at, updated_at)
			VALUES (50001, 'https://checks.example/new1', 'w000zq w001zq', 'True', '2025-04-05', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z'),
			(50002, 'https://checks.example/new2', 'w000zq w001zq w002zq w003zq', 'False', '2025-04-06', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')`,
		// Gone, and back in other words: not listed as a change when it comes back.
		`DELETE FROM imported_checks WHERE id = 50002`,
	} {
		if _, err := raw.Exec(stmt); err != nil {
			t.Fatal(err)
		}
		index()
		same(stmt)
	}
	if _, err := raw.Exec(`INSERT INTO imported_checks (id, url, claim, rating, published_on, imported_at, updated_at)
		VALUES (50002, 'https://checks.example/new2', 'w000zq', 'False', '2025-04-07', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')`); err != nil {
		t.Fatal(err)
	}
	index()
	same("deleted and added again")
	tx = read()
	if !ranksAgree("after the changes", tx) {
		t.Error("the memory did not answer after following the changes")
	}
	tx.Rollback()
	// The memory has moved past the changes; the earlier transaction must
	// still see its own ranks.
	ranksAgree("a transaction begun before the changes", before)
	before.Rollback()

	// The log cut behind the memory: it must not answer from what it missed.
	if _, err := raw.Exec(`UPDATE imported_checks SET claim = claim || ' w002zq' WHERE id % 17 = 0`); err != nil {
		t.Fatal(err)
	}
	index()
	if _, err := raw.Exec(`DELETE FROM search_rank_log WHERE seq < (SELECT max(seq) FROM search_rank_log)`); err != nil {
		t.Fatal(err)
	}
	tx = read()
	if _, ok, err := db.searchRanksOf(ctx, tx, []int64{1}, "", ""); err != nil || ok {
		t.Errorf("the memory answered (%v, %v) though the log was cut behind it", ok, err)
	}
	ranksAgree("the log cut", tx) // once rebuilt, it may answer: the same
	tx.Rollback()
	same("the log cut")
	build()
	same("built again")

	// Searches at once, each in its own transaction, while documents
	// change: each moves the memory on as far as it sees, and every one must
	// read its own transaction's ranks, whichever moved the memory last.
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var answered, differed atomic.Int64
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				tx, err := db.beginRead(ctx)
				if err != nil {
					t.Error(err)
					return
				}
				docs, err := queryAll(ctx, tx, scanInt64, `SELECT doc FROM search_docs ORDER BY doc DESC`)
				if err != nil {
					t.Error(err)
					tx.Rollback()
					return
				}
				got, ok, err := db.searchRanksOf(ctx, tx, docs, "", "")
				if err == nil && ok {
					var want []searchRank
					if want, err = searchRanksFromIndex(ctx, tx, docs, "", ""); err == nil {
						answered.Add(1)
						if !reflect.DeepEqual(got, want) {
							differed.Add(1)
						}
					}
				}
				tx.Rollback()
				if err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	for i := range 12 {
		if _, err := raw.Exec(`UPDATE imported_checks SET claim = claim || ' w00' || ? || 'zq', published_on = '2025-0' || ? || '-01'
			WHERE id % 9 = ?`, i%10, 1+i%9, i%9); err != nil {
			t.Fatal(err)
		}
		index()
	}
	close(stop)
	wg.Wait()
	t.Logf("%d searches at once answered from memory", answered.Load())
	if differed.Load() > 0 || answered.Load() < 10 {
		t.Errorf("searches at once while documents changed: %d of %d answered from memory differed from the index", differed.Load(), answered.Load())
	}
}

func sortedDesc(docs []int64) []int64 {
	out := slices.Clone(docs)
	slices.SortFunc(out, func(a, b int64) int { return cmp.Compare(b, a) })
	return out
}

func hitIDs(hits []match.Hit) []string {
	var out []string
	for _, h := range hits {
		out = append(out, fmt.Sprintf("%s:%d(%.4f)", h.Kind, h.ID, h.Score))
	}
	return out
}

// searchBest keeps what sorting every candidate and cutting keeps, in the
// same order, with ties on score and day, for every limit.
func TestSearchBestIsTheSortedCut(t *testing.T) {
	r := rand.New(rand.NewPCG(8, 9))
	for round := range 300 {
		var cands []searchCandidate
		for i := range r.IntN(260) {
			cands = append(cands, searchCandidate{doc: int64(i*8 + 1 + r.IntN(5)), score: float64(r.IntN(6)) / 3,
				day: fmt.Sprintf("2025-0%d-01", 1+r.IntN(3))})
		}
		sorted := slices.Clone(cands)
		slices.SortFunc(sorted, func(a, b searchCandidate) int { return searchRankOrder(&a, &b) })
		for _, limit := range []int{1, 5, 20, 50, 300} {
			want := sorted[:min(len(sorted), limit)]
			if got := searchBest(cands, limit); !reflect.DeepEqual(got, want) && len(got)+len(want) > 0 {
				t.Fatalf("round %d, limit %d: %v\nwant %v", round, limit, got, want)
			}
		}
	}
}

// The ranks are read a chunk of document numbers at a time, as text: the
// table built holds every document of the index, in order, with its words
// and day (empty ones too), across the chunks' edges; and a day the text
// could not carry fails the build instead of shifting the ranks after it.
func TestSearchRanksBuiltInChunksHoldEveryDocument(t *testing.T) {
	db, raw := searchTestDocs(t, 6000)
	ctx := context.Background()
	if _, err := db.ReindexSearch(ctx, nil); err != nil {
		t.Fatal(err)
	}
	var top int64
	if err := raw.QueryRow(`SELECT max(doc) FROM search_docs`).Scan(&top); err != nil {
		t.Fatal(err)
	}
	if top < 4*searchRankChunk {
		t.Fatalf("documents to %d: fewer than four chunks, the test would not tell", top)
	}
	// A document on each side of a chunk's edge.
	if _, err := raw.Exec(`UPDATE search_docs SET doc = ? WHERE doc = (SELECT min(doc) FROM search_docs WHERE doc > ?)`, 2*searchRankChunk-1, 2*searchRankChunk); err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec(`UPDATE search_docs SET doc = ? WHERE doc = (SELECT min(doc) FROM search_docs WHERE doc > ?)`, 2*searchRankChunk, 2*searchRankChunk); err != nil {
		t.Fatal(err)
	}
	// Days left empty, first, last and within a chunk.
	if _, err := raw.Exec(`UPDATE search_docs SET day = '' WHERE doc IN (?, ?, (SELECT min(doc) FROM search_docs), (SELECT max(doc) FROM search_docs))
		OR doc % 97 = 0`, 2*searchRankChunk-1, 2*searchRankChunk); err != nil {
		t.Fatal(err)
	}
	tbl, err := buildSearchRanks(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := raw.Query(`SELECT doc, words, day FROM search_docs ORDER BY doc`)
	if err != nil {
		t.Fatal(err)
	}
	i := 0
	for ; rows.Next(); i++ {
		var doc int64
		var words uint32
		var day string
		if err := rows.Scan(&doc, &words, &day); err != nil {
			t.Fatal(err)
		}
		if i >= len(tbl.entries) {
			t.Fatalf("the table ends at %d documents; the index has more", i)
		}
		e := tbl.entries[i]
		if e.doc != doc || e.words != words || tbl.days[e.day] != day {
			t.Fatalf("document %d: the table holds %d, %d words, %q; the index %d, %d words, %q", i, e.doc, e.words, tbl.days[e.day], doc, words, day)
		}
		if found, ok := tbl.find(doc); !ok || found != e {
			t.Fatalf("document %d is not found in the table", doc)
		}
	}
	rows.Close()
	if i != len(tbl.entries) {
		t.Fatalf("the table holds %d documents, the index %d", len(tbl.entries), i)
	}

	if _, err := raw.Exec(`UPDATE search_docs SET day = '2025-01-01' || char(10) || '5 5 2025-01-02' WHERE doc = (SELECT min(doc) FROM search_docs)`); err != nil {
		t.Fatal(err)
	}
	if _, err := buildSearchRanks(ctx, db); err == nil {
		t.Fatal("a day with a line break in it was read as two documents")
	}
}
