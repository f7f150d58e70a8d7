package storage_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"claimtrail/domain"
	"claimtrail/domain/match"
	"claimtrail/storage"
)

// indexMatchesRebuild fails the test unless the search index as kept is
// the one a rebuild from the tables makes (terms and counts, postings,
// blocks, documents' rows, nothing pending).
func indexMatchesRebuild(t *testing.T, db *storage.DB) {
	t.Helper()
	raw := rawDB(t, db)
	foldAll(t, db)
	kept := searchIndexDump(t, raw)
	if _, err := db.ReindexSearch(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	rebuilt := searchIndexDump(t, raw)
	for _, l := range kept {
		if !slices.Contains(rebuilt, l) {
			t.Errorf("kept but not rebuilt: %s", l)
		}
	}
	for _, l := range rebuilt {
		if !slices.Contains(kept, l) {
			t.Errorf("rebuilt but not kept: %s", l)
		}
	}
}

// foldAll folds the search log into the words' blocks, a few events a
// transaction, so that every test that compares the index with a rebuild
// passes through folds stopped half way.
func foldAll(t *testing.T, db *storage.DB) {
	t.Helper()
	if err := db.FoldSearch(context.Background(), 7); err != nil {
		t.Fatal(err)
	}
}

// searchNow searches without waiting for the indexer, as a reader does.
func searchNow(t *testing.T, db *storage.DB, q string) []string {
	t.Helper()
	hits, err := db.SearchEverything(context.Background(), match.ParseQuery(q), domain.SearchFilter{}, 50)
	if err != nil {
		t.Fatalf("search %q: %v", q, err)
	}
	var out []string
	for _, h := range hits {
		out = append(out, fmt.Sprintf("%s:%d", h.Kind, h.ID))
	}
	slices.Sort(out)
	return out
}

func pendingDocs(t *testing.T, db *storage.DB) []string {
	t.Helper()
	return queryStrings(t, rawDB(t, db), `SELECT doc FROM search_pending ORDER BY doc`)
}

// A verdict saved commits without indexing its words: they wait in
// search_pending, and the writer's next pass makes them searchable, its
// old words no longer matching; searches asked before (kept results, kept
// blocks of the words) see the pass at once.
func TestSavedVerdictIsFoundByItsWordsAfterTheIndexersPass(t *testing.T) {
	n := newNewsroom(t)
	db := n.db
	ctx := context.Background()
	id := n.queued(t, 0.9, domain.PriorityNormal)
	version := n.inReviewWithVerdict(t, id)
	if err := db.IndexSearchPending(ctx); err != nil {
		t.Fatal(err)
	}
	verdict := fmt.Sprintf("verdict:%d", id)
	// Asked before the save: the result and the word's blocks are kept.
	if got := searchNow(t, db, "unemployment"); slices.Contains(got, verdict) {
		t.Fatalf("the verdict has no such word yet: %v", got)
	}

	v, err := db.SaveVerdict(as(n.rita), id, domain.VerdictInput{RatingID: n.ratingID(t, "Mostly false"),
		Conclusion: "The zeppelin count of unemployment fell by 0.3 points."}, version)
	if err != nil {
		t.Fatal(err)
	}
	if got := pendingDocs(t, db); !slices.Contains(got, fmt.Sprint(id*8+3)) {
		t.Fatalf("the saved verdict is not waiting for the indexer: pending %v", got)
	}
	if got := searchNow(t, db, "zeppelin"); len(got) != 0 {
		t.Errorf("the save indexed its words in its own commit: %v", got)
	}

	if err := db.IndexSearchPending(ctx); err != nil {
		t.Fatal(err)
	}
	if got := pendingDocs(t, db); len(got) != 0 {
		t.Errorf("left pending after the pass: %v", got)
	}
	if got := searchNow(t, db, "zeppelin"); !slices.Equal(got, []string{verdict}) {
		t.Errorf("after the pass, zeppelin finds %v, want the verdict", got)
	}
	if got := searchNow(t, db, "unemployment"); !slices.Contains(got, verdict) {
		t.Errorf("the search asked before the save, asked again after the pass, misses the verdict: %v", got)
	}

	if _, err := db.SaveVerdict(as(n.rita), id, domain.VerdictInput{RatingID: n.ratingID(t, "Mostly false"),
		Conclusion: "The airship count fell by 0.3 points."}, v.Version); err != nil {
		t.Fatal(err)
	}
	if err := db.IndexSearchPending(ctx); err != nil {
		t.Fatal(err)
	}
	if got := searchNow(t, db, "zeppelin"); len(got) != 0 {
		t.Errorf("the verdict's old word still finds %v", got)
	}
	if got := searchNow(t, db, "airship"); !slices.Equal(got, []string{verdict}) {
		t.Errorf("the verdict's new word finds %v", got)
	}
	if got := searchNow(t, db, "unemployment"); slices.Contains(got, verdict) {
		t.Errorf("a word the verdict lost still finds it: %v", got)
	}
	indexMatchesRebuild(t, db)
}

// What changes listed for the index is in the database: a server that
// stops (or is killed) before its pass leaves it there, and the next one
// indexes it.
func TestPendingSearchIndexingSurvivesARestart(t *testing.T) {
	n := newNewsroom(t)
	ctx := context.Background()
	id := n.queued(t, 0.9, domain.PriorityNormal)
	version := n.inReviewWithVerdict(t, id)
	if _, err := n.db.SaveVerdict(as(n.rita), id, domain.VerdictInput{RatingID: n.ratingID(t, "Mostly false"),
		Conclusion: "The zeppelin count fell by 0.3 points."}, version); err != nil {
		t.Fatal(err)
	}
	// The next server: the first one never indexes again, as if killed.
	db, err := storage.Open(ctx, n.db.Path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if got := pendingDocs(t, db); !slices.Contains(got, fmt.Sprint(id*8+3)) {
		t.Fatalf("the saved verdict's indexing did not survive the restart: pending %v", got)
	}
	if err := db.IndexSearchPending(ctx); err != nil {
		t.Fatal(err)
	}
	if got := searchNow(t, db, "zeppelin"); !slices.Equal(got, []string{fmt.Sprintf("verdict:%d", id)}) {
		t.Errorf("after the restart's pass, zeppelin finds %v", got)
	}
	indexMatchesRebuild(t, db)
}

// One pass writes a document once however many changes touched it, and
// its words as one row of the search log, no word's block or count; the
// fold then writes a word's block and count once for every document that
// brought the word: five verdicts gaining a word in one block, one of them
// saved three times.
func TestOnePassWritesADocumentOnceAndAFoldASharedBlockOnce(t *testing.T) {
	n := newNewsroom(t)
	db := n.db
	ctx := context.Background()
	// One transaction for all, however slow the machine: what is shared is
	// written once a transaction.
	storage.SetSearchIndexPaceForTest(db, time.Hour, 256, 256, time.Hour, nil)
	var ids []int64
	versions := map[int64]int64{}
	for range 5 {
		id := n.queued(t, 0.9, domain.PriorityNormal)
		ids = append(ids, id)
		versions[id] = n.inReviewWithVerdict(t, id)
	}
	if err := db.IndexSearchPending(ctx); err != nil {
		t.Fatal(err)
	}
	foldAll(t, db)
	raw := rawDB(t, db)
	word := match.Stem("payrolls")
	triggers := ``
	for _, w := range []struct{ name, table, when string }{
		{"block", "search_blocks", "NEW.term = '" + word + "'"},
		{"term", "search_terms", "NEW.term = '" + word + "'"},
		{"doc", "search_docs", "NEW.doc = " + fmt.Sprint(ids[0]*8+3)},
		{"log", "search_fresh", "NEW.doc = " + fmt.Sprint(ids[0]*8+3)},
	} {
		for _, op := range []string{"INSERT", "UPDATE"} {
			triggers += `CREATE TRIGGER count_` + w.name + `_` + op + ` AFTER ` + op + ` ON ` + w.table + ` WHEN ` + w.when + `
				BEGIN INSERT INTO index_writes VALUES ('` + w.name + `'); END;`
		}
	}
	if _, err := raw.Exec(`CREATE TABLE index_writes (what TEXT NOT NULL);` + triggers); err != nil {
		t.Fatal(err)
	}
	save := func(id int64, text string) {
		t.Helper()
		v, err := db.SaveVerdict(as(n.rita), id, domain.VerdictInput{RatingID: n.ratingID(t, "Mostly false"), Conclusion: text}, versions[id])
		if err != nil {
			t.Fatal(err)
		}
		versions[id] = v.Version
	}
	for i, id := range ids {
		save(id, fmt.Sprintf("Payrolls fell by 0.%d points.", i+1))
	}
	save(ids[0], "Payrolls fell by 0.7 points.")
	save(ids[0], "Payrolls fell by 0.8 points.")
	writes := func() []string {
		return queryStrings(t, raw, `SELECT what || ' ' || count(*) FROM index_writes GROUP BY what ORDER BY what`)
	}
	if err := db.IndexSearchPending(ctx); err != nil {
		t.Fatal(err)
	}
	if got, want := writes(), []string{"doc 1", "log 1"}; !slices.Equal(got, want) {
		t.Errorf("a pass's writes of the verdict saved three times, and of the shared word's block and count: %v, want %v", got, want)
	}
	// Found before any fold, through the log.
	for _, id := range ids {
		if got := searchNow(t, db, "payrolls"); !slices.Contains(got, fmt.Sprintf("verdict:%d", id)) {
			t.Errorf("verdict %d not found: %v", id, got)
		}
	}
	if got := searchNow(t, db, `"0.8 points"`); !slices.Equal(got, []string{fmt.Sprintf("verdict:%d", ids[0])}) {
		t.Errorf("the last wording of the verdict saved three times finds %v", got)
	}
	// A word no folded document has is found by its start, too.
	if got := searchNow(t, db, "payro*"); len(got) != 5 {
		t.Errorf("payro* finds %v before the fold", got)
	}
	if err := db.FoldSearch(ctx, 1<<20); err != nil {
		t.Fatal(err)
	}
	if got, want := writes(), []string{"block 1", "doc 1", "log 1", "term 1"}; !slices.Equal(got, want) {
		t.Errorf("after a fold in one transaction: %v, want %v", got, want)
	}
	if got := searchNow(t, db, "payrolls"); len(got) != 5 {
		t.Errorf("after the fold, the word finds %v", got)
	}
	for _, name := range queryStrings(t, raw, `SELECT name FROM sqlite_schema WHERE type = 'trigger' AND name LIKE 'count\_%' ESCAPE '\'`) {
		if _, err := raw.Exec(`DROP TRIGGER ` + name); err != nil {
			t.Fatal(err)
		}
	}
	indexMatchesRebuild(t, db)
}

// Reviewers saving at once while the indexer passes again and again: once
// all is indexed, every verdict is found by its last words only, and the
// index is exactly what a rebuild makes (no document counted twice or
// left out).
func TestIndexingBesideConcurrentChangesLosesNothing(t *testing.T) {
	n := newNewsroom(t)
	db := n.db
	ctx := context.Background()
	const claims, saves = 6, 8
	var ids []int64
	versions := map[int64]int64{}
	for range claims {
		id := n.queued(t, 0.9, domain.PriorityNormal)
		ids = append(ids, id)
		versions[id] = n.inReviewWithVerdict(t, id)
	}
	words := []string{"zeppelin", "airship", "dirigible", "balloon"}
	done := make(chan struct{})
	indexed := make(chan error, 1)
	go func() {
		for {
			if err := db.IndexSearchPending(ctx); err != nil {
				indexed <- err
				return
			}
			select {
			case <-done:
				indexed <- nil
				return
			default:
			}
		}
	}()
	var wg sync.WaitGroup
	errs := make(chan error, claims)
	for c, id := range ids {
		wg.Add(1)
		go func(c int, id, version int64) {
			defer wg.Done()
			for s := range saves {
				text := fmt.Sprintf("The %s count fell by %d.%d points.", words[(c+s)%len(words)], c, s)
				v, err := db.SaveVerdict(as(n.rita), id, domain.VerdictInput{RatingID: n.ratingID(t, "Mostly false"), Conclusion: text}, version)
				if err != nil {
					errs <- err
					return
				}
				version = v.Version
			}
		}(c, id, versions[id])
	}
	wg.Wait()
	close(done)
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if err := <-indexed; err != nil {
		t.Fatal(err)
	}
	if err := db.IndexSearchPending(ctx); err != nil {
		t.Fatal(err)
	}
	for c, id := range ids {
		last := words[(c+saves-1)%len(words)]
		for _, w := range words {
			found := slices.Contains(searchNow(t, db, w), fmt.Sprintf("verdict:%d", id))
			if found != (w == last) {
				t.Errorf("verdict %d, last saved with %q: found by %q: %v", id, last, w, found)
			}
		}
	}
	indexMatchesRebuild(t, db)
}

// savedVerdicts makes claims in review, each with a verdict saved with its
// own nonsense word, all left for the indexer.
func savedVerdicts(t *testing.T, n *newsroom, count int) map[int64]string {
	t.Helper()
	words := map[int64]string{}
	for i := range count {
		id := n.queued(t, 0.9, domain.PriorityNormal)
		version := n.inReviewWithVerdict(t, id)
		words[id] = "quib" + string(rune('a'+i)) + "lexor"
		if _, err := n.db.SaveVerdict(as(n.rita), id, domain.VerdictInput{RatingID: n.ratingID(t, "Mostly false"),
			Conclusion: "The " + words[id] + " count of unemployment fell by 0.3 points."}, version); err != nil {
			t.Fatal(err)
		}
	}
	return words
}

// A pass whose transactions are held to a short time (here: the fewest
// documents allowed, two) still indexes everything listed, in one call,
// the writer given back between many small transactions; and the index is
// the same as one made in a single transaction, or by a rebuild.
func TestAPassCappedByTimeIndexesEverythingInShortTransactions(t *testing.T) {
	n := newNewsroom(t)
	db := n.db
	words := savedVerdicts(t, n, 10)
	listed := len(pendingDocs(t, db))
	var asked, taken []int
	storage.SetSearchIndexPaceForTest(db, time.Nanosecond, 2, 256, time.Hour, func(a, k int) {
		asked, taken = append(asked, a), append(taken, k)
	})
	if err := db.IndexSearchPending(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := pendingDocs(t, db); len(got) != 0 {
		t.Errorf("left pending after the pass: %v", got)
	}
	if len(taken) < listed/2 {
		t.Errorf("%d documents listed were indexed in %d transactions (%v): not two at a time", listed, len(taken), taken)
	}
	for i, a := range asked {
		if a != 2 || taken[i] > 2 {
			t.Fatalf("transaction %d asked for %d documents and took %d, want at most 2 (%v)", i, a, taken[i], taken)
		}
	}
	for id, w := range words {
		if got := searchNow(t, db, w); !slices.Equal(got, []string{fmt.Sprintf("verdict:%d", id)}) {
			t.Errorf("%s finds %v, want verdict %d", w, got, id)
		}
	}
	indexMatchesRebuild(t, db)
}

// A pass still finding full transactions after searchIndexBehind is behind
// (a saturated writer gives it few turns): each turn then takes twice the
// last, so it catches up instead of trailing the changes further.
func TestAPassThatIsBehindTakesTwiceAsManyAtEachTurn(t *testing.T) {
	n := newNewsroom(t)
	db := n.db
	words := savedVerdicts(t, n, 12)
	var asked []int
	storage.SetSearchIndexPaceForTest(db, time.Nanosecond, 2, 256, 0, func(a, _ int) { asked = append(asked, a) })
	if err := db.IndexSearchPending(context.Background()); err != nil {
		t.Fatal(err)
	}
	if len(asked) < 3 {
		t.Fatalf("transactions asked for %v: want at least three to see them grow", asked)
	}
	for i, a := range asked {
		if want := 2 << (i + 1); a != want {
			t.Errorf("transaction %d of a pass behind asked for %d documents, want %d (%v)", i, a, want, asked)
		}
	}
	if got := pendingDocs(t, db); len(got) != 0 {
		t.Errorf("left pending after the pass: %v", got)
	}
	for id, w := range words {
		if got := searchNow(t, db, w); !slices.Equal(got, []string{fmt.Sprintf("verdict:%d", id)}) {
			t.Errorf("%s finds %v, want verdict %d", w, got, id)
		}
	}
	indexMatchesRebuild(t, db)
}

// The server's passes fold the search log by themselves once it holds
// enough events, or once no row has come for a while, and not before.
func TestThePassFoldsTheLogWhenLargeOrIdle(t *testing.T) {
	n := newNewsroom(t)
	db := n.db
	ctx := context.Background()
	pass := func(at int, idle time.Duration) (rows int, folded int64) {
		t.Helper()
		storage.SetSearchFoldForTest(db, at, idle)
		if err := db.IndexSearchPending(ctx); err != nil {
			t.Fatal(err)
		}
		return storage.SearchLogForTest(t, db)
	}
	verdicts := func() {
		t.Helper()
		for range 3 {
			n.inReviewWithVerdict(t, n.queued(t, 0.9, domain.PriorityNormal))
		}
	}
	verdicts()
	if rows, folded := pass(1<<30, time.Hour); rows == 0 || folded != 0 {
		t.Fatalf("small and busy: %d rows in the log, folded to %d; want the rows kept", rows, folded)
	}
	if rows, folded := pass(1<<30, time.Hour); rows == 0 || folded != 0 {
		t.Fatalf("a pass with nothing new: %d rows in the log, folded to %d; want the rows kept", rows, folded)
	}
	if rows, folded := pass(20, time.Hour); rows != 0 || folded == 0 {
		t.Fatalf("past the bound: %d rows in the log, folded to %d; want all folded", rows, folded)
	}
	verdicts()
	if rows, _ := pass(1<<30, time.Hour); rows == 0 {
		t.Fatal("new rows were folded at once")
	}
	if rows, _ := pass(1<<30, 0); rows != 0 {
		t.Fatalf("idle: %d rows left in the log", rows)
	}
	for _, q := range []string{"unemployment", "fell"} {
		if got := searchNow(t, db, q); len(got) < 6 {
			t.Errorf("%s finds %v after the folds", q, got)
		}
	}
	indexMatchesRebuild(t, db)
}
