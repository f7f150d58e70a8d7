package storage

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"claimtrail/domain"
	"claimtrail/storage/storagetest"
)

// Test-only doors into the package for storage_test: workflow tests make
// their articles and candidate claims directly, without the extractor, and
// accept them through the same code as triage.

// InsertArticleForTest stores a bare article and returns its id, through
// the one test seeder (storagetest).
func InsertArticleForTest(t testing.TB, db *DB, title, outlet, body string) int64 {
	t.Helper()
	return seeder(t, db).Article(storagetest.Article{Title: title, Outlet: outlet, Body: body})
}

// InsertCandidateForTest stores a candidate claim covering body[start:end]
// of its article, through the one test seeder.
func InsertCandidateForTest(t testing.TB, db *DB, articleID int64, sentence string, start int, score float64, typ domain.ClaimType) int64 {
	t.Helper()
	return seeder(t, db).Claim(storagetest.Claim{ArticleID: articleID, Text: sentence, Start: start, Score: score,
		Type: typ, State: domain.StateCandidate})
}

// seeder writes on db's clock, so rows carry the time the test set.
func seeder(t testing.TB, db *DB) *storagetest.Seeder {
	s := storagetest.New(t, db.Path)
	s.Now = db.Now()
	return s
}

// FoldDeskAtEveryCommitForTest makes every commit fold the next rows of the
// dashboard's pending counters into desk_counts (rows at a time), instead
// of a slice a commit in a round a second, so a test's few commits cross
// many slices' edges.
func FoldDeskAtEveryCommitForTest(db *DB, rows int) {
	db.writer.fold.rows, db.writer.fold.every = rows, 0
}

// SetSearchIndexPaceForTest sets how the search indexer sizes its
// transactions (searchPace): the hold it aims at, the bounds on a
// transaction's documents, when a pass counts as behind, and a func told
// after each transaction how many documents it asked for and took.
func SetSearchIndexPaceForTest(db *DB, hold time.Duration, least, most int, behind time.Duration, turn func(asked, taken int)) {
	p := db.searchPace
	p.mu.Lock()
	defer p.mu.Unlock()
	p.hold, p.least, p.most, p.behind, p.turn = hold, least, most, behind, turn
}

// AcceptClaimForTest moves a candidate into the queue, as triage will.
func AcceptClaimForTest(t testing.TB, db *DB, ctx context.Context, id int64, p domain.Priority) {
	t.Helper()
	tx, err := db.begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	c, err := findClaimByID(ctx, tx, id)
	if err == nil {
		var ch domain.ClaimChange
		if ch, err = domain.Accept(c, "", tx.now); err == nil {
			ch.Claim.Priority = p
			err = applyChange(ctx, tx, c, ch)
		}
	}
	if err == nil {
		err = tx.Commit()
	}
	if err != nil {
		t.Fatalf("accept claim %d: %v", id, err)
	}
}

// QueueKeyAtForTest returns the queue key of the queued claim at fraction f
// of the queue, for reaching a deep page in a benchmark.
func QueueKeyAtForTest(db *DB, f float64) (string, error) {
	var n int
	if err := db.read.QueryRow(`SELECT count(*) FROM claims WHERE state = 'queued'`).Scan(&n); err != nil {
		return "", err
	}
	var key string
	err := db.read.QueryRow(`SELECT queue_key FROM claims WHERE state = 'queued' ORDER BY queue_key LIMIT 1 OFFSET ?`, int(float64(n)*f)).Scan(&key)
	return key, err
}

// QueuePlanForTest explains the queue query, for checking index use.
func QueuePlanForTest(db *DB, q string, args ...any) []string {
	rows, err := db.read.Query(`EXPLAIN QUERY PLAN `+q, args...)
	if err != nil {
		return []string{err.Error()}
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var a, b, c int
		var d string
		rows.Scan(&a, &b, &c, &d)
		out = append(out, d)
	}
	return out
}

// OutletsBySkipScanForBenchmark lists outlets by a recursive skip scan of
// the outlet index, the alternative BenchmarkOutlets compares with the
// SELECT DISTINCT in use.
func OutletsBySkipScanForBenchmark(ctx context.Context, db *DB) ([]string, error) {
	tx, err := db.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	outlets, err := queryAll(ctx, tx, scanValue[string], `WITH RECURSIVE o(outlet) AS (
		SELECT min(outlet) FROM articles WHERE outlet > ''
		UNION ALL
		SELECT (SELECT min(a.outlet) FROM articles a WHERE a.outlet > o.outlet) FROM o WHERE o.outlet IS NOT NULL)
		SELECT outlet FROM o WHERE outlet IS NOT NULL LIMIT 500`)
	slices.SortStableFunc(outlets, func(a, b string) int { return strings.Compare(strings.ToLower(a), strings.ToLower(b)) })
	return outlets, err
}

// LogSyncsForTest says how many times the write-ahead log was synced to
// acknowledge changes (DurableFull only).
func LogSyncsForTest(db *DB) uint64 {
	if db.syncer == nil {
		return 0
	}
	db.syncer.mu.Lock()
	defer db.syncer.mu.Unlock()
	return db.syncer.syncs
}

// FillDiskForTest makes the database as full as its disk could be: the
// writer may not grow the file by another page, so changes that need room
// fail as they would on a full disk.
func FillDiskForTest(t testing.TB, db *DB) {
	t.Helper()
	if _, err := db.write.Exec(`PRAGMA max_page_count = 1`); err != nil {
		t.Fatal(err)
	}
}

// SetStatementCacheForTest turns the prepared-statement cache on or off, so
// benchmarks compare the two in one run.
func SetStatementCacheForTest(db *DB, on bool) {
	db.writeStmts.setEnabled(on)
	db.readStmts.setEnabled(on)
}

// SetReaderMmapForTest sets mmap_size on every reader connection, so
// benchmarks compare mapped and unmapped reads in one run.
func SetReaderMmapForTest(ctx context.Context, db *DB, size int64) error {
	n := db.read.Stats().MaxOpenConnections
	conns := make([]*sql.Conn, 0, n)
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	for range n {
		c, err := db.read.Conn(ctx)
		if err != nil {
			return err
		}
		conns = append(conns, c)
		if _, err := c.ExecContext(ctx, fmt.Sprintf("PRAGMA mmap_size = %d", size)); err != nil {
			return err
		}
	}
	return nil
}

// ReaderMmap is the mmap_size the benchmarks try on readers (readers open
// without: it did not measurably help, see docs/benchmarks.md).
const ReaderMmap = 256 << 20

// QueuedForIndexingForTest reports whether moving claim id to state (and,
// when text is not empty, rewording it) would queue it for the matcher's
// index, by making the change in a transaction that is then rolled back.
func QueuedForIndexingForTest(t testing.TB, db *DB, id int64, state domain.ClaimState, text string) bool {
	t.Helper()
	ctx := context.Background()
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `UPDATE claims SET state = ?, text = coalesce(nullif(?, ''), text) WHERE id = ?`, state, text, id); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM match_pending WHERE claim_id = ?`, id).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n > 0
}

// SetNotifyReadHookForTest has NotifyFromAudit call f once it has read what
// to tell, before it waits for the writer.
func (db *DB) SetNotifyReadHookForTest(f func()) { db.notifyRead = f }

// OverdueLookedAtForTest is how many claims NotifyOverdue has read in all.
func (db *DB) OverdueLookedAtForTest() int {
	db.overdue.mu.Lock()
	defer db.overdue.mu.Unlock()
	return db.overdue.looked
}

// HoldWriterForTest takes the writer's turn (the shared transaction
// committed first) and keeps it until release is closed; held is closed
// once the turn is taken.
func (db *DB) HoldWriterForTest(release <-chan struct{}) (held <-chan struct{}) {
	h := make(chan struct{})
	go db.holdWriter(nil, func() {
		close(h)
		<-release
	})
	return h
}
