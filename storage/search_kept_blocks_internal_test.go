package storage

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
)

// Words' blocks kept between searches are used only while the search's own
// snapshot shows each word at the version they were kept under: after every
// kind of change to the index (documents indexed by this process, by
// another process, the index rebuilt by another process, many changes while
// searches run), every search's candidates read through what is kept equal
// the same search's read from SQLite alone, in the same transaction; and a
// search in a snapshot older than what is kept reads what its snapshot
// holds.
func TestKeptSearchBlocksFollowEveryChange(t *testing.T) {
	db, raw := searchTestDocs(t, 3000)
	ctx := context.Background()
	if _, err := db.ReindexSearch(ctx, nil); err != nil {
		t.Fatal(err)
	}
	// Another process: its own connections, its own kept blocks.
	other, err := Open(ctx, db.Path)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()

	var queries [][]string
	for i := range 12 {
		queries = append(queries, []string{fmt.Sprintf("w%03dzq", i)})
	}
	r := rand.New(rand.NewPCG(3, 4))
	for range 40 {
		queries = append(queries, []string{fmt.Sprintf("w%03dzq", r.IntN(40)), fmt.Sprintf("w%03dzq", r.IntN(12))})
	}
	queries = append(queries, []string{"w000zq", "w001zq", "w002zq"}, []string{"w299zq", "w000zq"})

	// candidates are a query's candidates in tx, through what is kept
	// (kept) or from SQLite alone.
	candidates := func(tx *Tx, kept *keptBlocks, query []string) []int64 {
		t.Helper()
		terms := slices.Clone(query)
		df, versions := map[string]int{}, map[string]int64{}
		if err := searchWeights(ctx, tx, terms, df, versions); err != nil {
			t.Fatal(err)
		}
		for _, term := range terms {
			if df[term] == 0 {
				return nil
			}
		}
		slices.SortFunc(terms, func(a, b string) int { return cmp.Or(cmp.Compare(df[a], df[b]), strings.Compare(a, b)) })
		got, err := searchCandidates(ctx, tx, &searchBlockReads{tx: tx, kept: kept, versions: versions}, terms, searchAllScan)
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	// check compares every query through what db keeps with SQLite alone,
	// in tx (a new read transaction when nil), twice: the second finds
	// what the first kept.
	check := func(step string, tx *Tx) {
		t.Helper()
		if tx == nil {
			var err error
			if tx, err = db.beginRead(ctx); err != nil {
				t.Fatal(err)
			}
			defer tx.Rollback()
		}
		for range 2 {
			for _, q := range queries {
				want := candidates(tx, nil, q)
				if got := candidates(tx, db.keptBlocks, q); !slices.Equal(got, want) {
					t.Fatalf("%s: %v through the kept blocks: %d candidates, from SQLite %d, the first differing %v", step, q, len(got), len(want), firstDifference(got, want))
				}
			}
		}
	}
	hits := func() int64 {
		db.keptBlocks.mu.Lock()
		defer db.keptBlocks.mu.Unlock()
		return db.keptBlocks.hits
	}

	check("indexed", nil)
	if hits() == 0 {
		t.Fatal("no block was found kept: the test would not tell")
	}

	// The index rebuilt by another process.
	if _, err := raw.Exec(`UPDATE imported_checks SET claim = claim || ' w004zq w000zq' WHERE id % 4 = 1`); err != nil {
		t.Fatal(err)
	}
	if _, err := other.ReindexSearch(ctx, nil); err != nil {
		t.Fatal(err)
	}
	check("rebuilt by another process", nil)

	// Changes indexed by this process, then by another.
	for i, stmt := range []string{
		`UPDATE imported_checks SET claim = claim || ' w011zq w000zq' WHERE id % 7 = 0`,
		`UPDATE imported_checks SET claim = 'w001zq only' WHERE id % 11 = 0`,
		`DELETE FROM imported_checks WHERE id % 5 = 0`,
		`UPDATE imported_checks SET claim = replace(claim, 'w002zq', 'w003zq') WHERE id % 3 = 0`,
		`INSERT INTO imported_checks (id, url, claim, rating, published_on, imported_at, updated_at)
			SELECT id + 100000, url || '/again', claim || ' w299zq', rating, published_on, imported_at, updated_at FROM imported_checks WHERE id % 13 = 0`,
	} {
		if _, err := raw.Exec(stmt); err != nil {
			t.Fatal(err)
		}
		by := db
		if i%2 == 1 {
			by = other
		}
		indexPendingThroughBacklog(t, by, raw)
		check(stmt, nil)
	}

	// A search in a snapshot taken before a change, after a search in a
	// newer snapshot kept the blocks as changed.
	old, err := db.beginRead(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer old.Rollback()
	var v int64
	if err := old.QueryRowContext(ctx, `SELECT version FROM search_terms WHERE term = 'w000zq'`).Scan(&v); err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec(`UPDATE imported_checks SET claim = claim || ' w000zq w005zq' WHERE id % 9 = 2`); err != nil {
		t.Fatal(err)
	}
	indexPendingThroughBacklog(t, other, raw)
	check("changed after an older snapshot began", nil)
	check("in the older snapshot", old)
	old.Rollback()
	check("after the older snapshot", nil)

	// Documents changing while searches run: each search compares within
	// its own transaction.
	var wg sync.WaitGroup
	stop := make(chan struct{})
	wg.Add(1)
	go func() {
		defer wg.Done()
		w := rand.New(rand.NewPCG(9, 9))
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			stmt := fmt.Sprintf(`UPDATE imported_checks SET claim = 'w%03dzq w%03dzq w%03dzq' WHERE id %% 17 = %d`, w.IntN(12), w.IntN(12), w.IntN(40), i%17)
			if _, err := raw.Exec(stmt); err != nil {
				t.Error(err)
				return
			}
			by := db
			if i%2 == 1 {
				by = other
			}
			if _, err := by.IndexSearchBacklog(ctx, 1000); err != nil {
				t.Error(err)
				return
			}
			if _, err := raw.Exec(`INSERT OR IGNORE INTO search_backlog (doc) SELECT doc FROM search_pending`); err != nil {
				t.Error(err)
				return
			}
			if _, err := raw.Exec(`DELETE FROM search_pending`); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	var searchers sync.WaitGroup
	for g := range 3 {
		searchers.Add(1)
		go func() {
			defer searchers.Done()
			for i := range 30 {
				tx, err := db.beginRead(ctx)
				if err != nil {
					t.Error(err)
					return
				}
				q := queries[(g*31+i)%len(queries)]
				want := candidates(tx, nil, q)
				got := candidates(tx, db.keptBlocks, q)
				tx.Rollback()
				if !slices.Equal(got, want) {
					t.Errorf("while documents change, %v through the kept blocks: %d candidates, from SQLite %d", q, len(got), len(want))
					return
				}
			}
		}()
	}
	searchers.Wait()
	close(stop)
	wg.Wait()
	check("after the changes", nil)
}

// What is kept stays within its bound, the words used longest ago let go.
func TestKeptSearchBlocksStayWithinTheirBound(t *testing.T) {
	k := newKeptBlocks(10000)
	for i := range 100 {
		k.put(fmt.Sprintf("w%d", i), 1, map[int64][]byte{0: make([]byte, 1000)}, 0)
		if k.bytes > k.max {
			t.Fatalf("after %d words: %d bytes kept, the bound is %d", i+1, k.bytes, k.max)
		}
	}
	if k.get("w99", 1) == nil || k.get("w0", 1) != nil {
		t.Error("the newest word is not kept, or the oldest still is")
	}
	if k.get("w99", 2) != nil {
		t.Error("a word is found under another version")
	}
	k.put("w99", 0, map[int64][]byte{1: {0, 1}}, 0)
	if w := k.get("w99", 1); w == nil || len(w.lists) != 1 {
		t.Error("blocks read in an older snapshot replaced newer ones")
	}
	k.put("big", 1, map[int64][]byte{0: make([]byte, 20000)}, 0)
	if k.get("big", 1) != nil || k.bytes > k.max {
		t.Error("a word larger than the bound was kept")
	}
}

// firstDifference is the first position where two lists differ, and what
// each holds there (-1: nothing).
func firstDifference(a, b []int64) [3]int64 {
	for i := range max(len(a), len(b)) {
		x, y := int64(-1), int64(-1)
		if i < len(a) {
			x = a[i]
		}
		if i < len(b) {
			y = b[i]
		}
		if x != y {
			return [3]int64{int64(i), x, y}
		}
	}
	return [3]int64{-1, -1, -1}
}

// Looking a number up from below the one before it, in growing steps, finds
// what a binary search over the list's first numbers finds, for lists dense
// and sparse and every starting point.
func TestSearchBlockFindBelowIsABinarySearch(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, n := range []int{0, 1, 2, 3, 7, 64, 1000, 30000} {
		var list []byte
		for low := 0; low < 1<<16 && len(list)/2 < n; low += 1 + r.IntN(max(1, 2*(1<<16)/max(1, n)-1)) {
			list = append(list, byte(low>>8), byte(low))
		}
		for range 2000 {
			hi := r.IntN(len(list)/2 + 1)
			low := uint16(r.IntN(1 << 16))
			if r.IntN(2) == 0 && hi > 0 {
				i := r.IntN(hi)
				low = uint16(list[2*i])<<8 | uint16(list[2*i+1])
			}
			wantAt, wantOK := searchBlockFind(list[:2*hi], low)
			at, ok := searchBlockFindBelow(list, hi, low)
			if at != wantAt || ok != wantOK {
				t.Fatalf("%d numbers, below %d, %d: at %d %v, want %d %v", len(list)/2, hi, low, at, ok, wantAt, wantOK)
			}
		}
	}
}

// A start keeps the blocks of the words in the most documents, whole, within
// its budget, the most common first; every search's candidates read through
// them equal the same search's from SQLite alone, before and after
// documents change (the warmed words then read again under their new
// version).
func TestKeptSearchBlocksWarmedAtStartAreWholeAndFollowChanges(t *testing.T) {
	db, raw := searchTestDocs(t, 3000)
	ctx := context.Background()
	if _, err := db.ReindexSearch(ctx, nil); err != nil {
		t.Fatal(err)
	}
	var common, next string
	var commonDF, nextDF int
	if err := raw.QueryRow(`SELECT term, df FROM search_terms WHERE term NOT LIKE '~%' ORDER BY df DESC LIMIT 1`).Scan(&common, &commonDF); err != nil {
		t.Fatal(err)
	}
	if err := raw.QueryRow(`SELECT term, df FROM search_terms WHERE term NOT LIKE '~%' ORDER BY df DESC LIMIT 1 OFFSET 1`).Scan(&next, &nextDF); err != nil {
		t.Fatal(err)
	}
	// Room for the most common word only.
	budget := 2*commonDF + 64*searchWarmBlocksGuess + 1
	if 2*nextDF+64*searchWarmBlocksGuess < budget-2*commonDF-64*searchWarmBlocksGuess {
		t.Fatal("the second word would fit too: the test would not tell the budget")
	}
	if err := db.warmKeptBlocks(ctx, budget); err != nil {
		t.Fatal(err)
	}
	kept := func(term string) *keptWordBlocks {
		db.keptBlocks.mu.Lock()
		defer db.keptBlocks.mu.Unlock()
		if e, ok := db.keptBlocks.words[term]; ok {
			return e.Value.(*keptWord).blocks
		}
		return nil
	}
	w := kept(common)
	if w == nil || w.from != math.MinInt64 {
		t.Fatalf("the most common word %s is not kept whole (kept: %v)", common, w != nil)
	}
	docs := 0
	for _, l := range w.lists {
		docs += len(l) / 2
	}
	if docs != commonDF {
		t.Fatalf("%s kept with %d documents, %d in the index", common, docs, commonDF)
	}
	if kept(next) != nil {
		t.Fatalf("%s kept beyond the budget", next)
	}

	queries := [][]string{{common}, {common, next}, {"w030zq", common}, {"w250zq", common}, {common, "w001zq", "w020zq"},
		{"w000zq", common}, {"w002zq", common}, {"w040zq", common}}
	candidates := func(tx *Tx, kept *keptBlocks, query []string) []int64 {
		t.Helper()
		terms := slices.Clone(query)
		df, versions := map[string]int{}, map[string]int64{}
		if err := searchWeights(ctx, tx, append(slices.Clip(terms), searchAllTerm), df, versions); err != nil {
			t.Fatal(err)
		}
		for _, term := range terms {
			if df[term] == 0 {
				return nil
			}
		}
		slices.SortFunc(terms, func(a, b string) int { return cmp.Or(cmp.Compare(df[a], df[b]), strings.Compare(a, b)) })
		got, err := searchCandidates(ctx, tx, &searchBlockReads{tx: tx, kept: kept, versions: versions, counts: df}, terms, searchAllScan)
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	check := func(step string) {
		t.Helper()
		tx, err := db.beginRead(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback()
		found := 0
		for _, q := range queries {
			want := candidates(tx, nil, q)
			if len(want) > 0 {
				found++
			}
			if got := candidates(tx, db.keptBlocks, q); !slices.Equal(got, want) {
				t.Fatalf("%s: %v through the warmed blocks: %d candidates, from SQLite %d, the first differing %v", step, q, len(got), len(want), firstDifference(got, want))
			}
		}
		if found < 4 {
			t.Fatalf("%s: %d queries of %d have candidates: the test would not tell", step, found, len(queries))
		}
	}
	hits := func() int64 {
		db.keptBlocks.mu.Lock()
		defer db.keptBlocks.mu.Unlock()
		return db.keptBlocks.hits
	}
	before := hits()
	check("warmed")
	if hits() == before {
		t.Fatal("no search found the warmed blocks: the test would not tell")
	}
	// The common word gains and loses documents in several ranges.
	if _, err := raw.Exec(`UPDATE imported_checks SET claim = claim || ' ' || ? WHERE id % 7 = 3`, common); err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec(`UPDATE imported_checks SET claim = 'w250zq w030zq' WHERE id % 11 = 4`); err != nil {
		t.Fatal(err)
	}
	indexPendingThroughBacklog(t, db, raw)
	check("changed")
	// Warmed again after the change: kept under the new version.
	if err := db.warmKeptBlocks(ctx, budget); err != nil {
		t.Fatal(err)
	}
	check("warmed again")
}
