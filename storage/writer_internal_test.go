package storage

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"testing"
	"time"
)

func openWriterTestDB(t *testing.T) *DB {
	t.Helper()
	db, err := Open(context.Background(), filepath.Join(t.TempDir(), "w.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	// These tests hand a transaction from one change to the next; a loaded
	// machine must not turn a hand-over into a commit by age.
	db.writer.maxAge = time.Hour
	return db
}

// setting reads a setting from the reader pool: what others see as saved.
func setting(t *testing.T, db *DB, key string) string {
	t.Helper()
	var v string
	err := db.read.QueryRow(`SELECT value FROM settings WHERE key = ?`, key).Scan(&v)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		t.Fatal(err)
	}
	return v
}

func putSetting(t *testing.T, tx *Tx, key string) {
	t.Helper()
	if _, err := tx.ExecContext(tx.ctx, `INSERT INTO settings (key, value, updated_at) VALUES (?, 'v', 'now')`, key); err != nil {
		t.Fatal(err)
	}
}

// waitForWaiters waits until n callers wait for the writer's turn.
func waitForWaiters(t *testing.T, db *DB, n int64) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); db.writer.waiting.Load() != n; {
		if time.Now().After(deadline) {
			t.Fatalf("%d waiting for the writer, want %d", db.writer.waiting.Load(), n)
		}
		time.Sleep(time.Millisecond)
	}
}

// A change kept while another waits is committed with the next one, and a
// change undone in the same transaction leaves the first alone.
func TestSharedTransactionKeepsEachChangeWhole(t *testing.T) {
	db := openWriterTestDB(t)
	ctx := context.Background()
	first, err := db.beginShared(ctx)
	if err != nil {
		t.Fatal(err)
	}
	second := make(chan *Tx)
	go func() {
		tx, err := db.beginShared(ctx)
		if err != nil {
			t.Error(err)
		}
		second <- tx
	}()
	waitForWaiters(t, db, 1)
	putSetting(t, first, "kept")
	firstDone := make(chan error)
	go func() { firstDone <- first.Commit() }()
	tx := <-second
	select {
	case err := <-firstDone:
		t.Fatalf("the first change was answered (%v) before its transaction committed", err)
	default:
	}
	if got := setting(t, db, "kept"); got != "" {
		t.Fatal("the first change is visible before its transaction committed")
	}
	putSetting(t, tx, "undone")
	if err := tx.Rollback(); err != nil {
		t.Fatal(err)
	}
	if err := <-firstDone; err != nil {
		t.Fatal(err)
	}
	if setting(t, db, "kept") != "v" || setting(t, db, "undone") != "" {
		t.Errorf("kept %q, undone %q; want the first change alone", setting(t, db, "kept"), setting(t, db, "undone"))
	}
}

// A caller that stops waiting for the writer still ends its turn, so a
// change left in the shared transaction is committed.
func TestGivingUpOnTheWriterCommitsWhatWaits(t *testing.T) {
	db := openWriterTestDB(t)
	first, err := db.beginShared(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	gaveUp := make(chan error)
	go func() {
		_, err := db.beginShared(ctx)
		gaveUp <- err
	}()
	waitForWaiters(t, db, 1)
	putSetting(t, first, "waits")
	// The waiter gives up while the first still holds the turn: a commit
	// begun before that could hand the turn over first.
	cancel()
	if err := <-gaveUp; !errors.Is(err, context.Canceled) {
		t.Fatalf("giving up: %v", err)
	}
	firstDone := make(chan error)
	go func() { firstDone <- first.Commit() }()
	select {
	case err := <-firstDone:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the change was never committed")
	}
	if setting(t, db, "waits") != "v" {
		t.Error("the change is not saved")
	}
}

// When SQLite rolls back the shared transaction as a whole, every change in
// it is answered with an error, never as saved.
func TestLostSharedTransactionAnswersEveryChangeWithAnError(t *testing.T) {
	db := openWriterTestDB(t)
	ctx := context.Background()
	first, err := db.beginShared(ctx)
	if err != nil {
		t.Fatal(err)
	}
	second := make(chan *Tx)
	go func() {
		tx, _ := db.beginShared(ctx)
		second <- tx
	}()
	waitForWaiters(t, db, 1)
	putSetting(t, first, "lost")
	firstDone := make(chan error)
	go func() { firstDone <- first.Commit() }()
	tx := <-second
	// What a failed statement can do to SQLite's transaction.
	if _, err := tx.Tx.ExecContext(ctx, `ROLLBACK`); err != nil {
		t.Fatal(err)
	}
	tx.Rollback()
	if err := <-firstDone; !errors.Is(err, errBatchLost) {
		t.Errorf("the first change was answered %v, want the lost transaction", err)
	}
	if setting(t, db, "lost") != "" {
		t.Error("a change answered with an error is saved")
	}
	// The writer goes on working.
	next, err := db.beginShared(ctx)
	if err != nil {
		t.Fatal(err)
	}
	putSetting(t, next, "after")
	if err := next.Commit(); err != nil || setting(t, db, "after") != "v" {
		t.Errorf("after a lost transaction: %v, %q", err, setting(t, db, "after"))
	}
}

// A change that finds nobody waiting right after a commit lets its
// transaction linger, and the next change joins it: one commit for both,
// each answered only once that commit is done. A change on a quiet writer
// (no commit lately) commits at once.
func TestALingeringTransactionIsJoinedByTheNextChange(t *testing.T) {
	db := openWriterTestDB(t)
	// So long that only the next change can end the linger.
	db.writer.linger = time.Hour
	lingering := make(chan struct{}, 1)
	db.writer.lingered = func() { lingering <- struct{}{} }
	change := func(key string) error { return sharedChange(t, db, key) }

	// Quiet: no commit lately, so the first change commits at once.
	if err := change("first"); err != nil {
		t.Fatal(err)
	}
	if db.writer.commits != 1 || setting(t, db, "first") != "v" {
		t.Fatalf("after the first change: %d commits, setting %q", db.writer.commits, setting(t, db, "first"))
	}

	secondDone := make(chan error, 1)
	go func() { secondDone <- change("second") }()
	<-lingering
	select {
	case err := <-secondDone:
		t.Fatalf("the second change was answered (%v) while its transaction lingered", err)
	default:
	}
	if setting(t, db, "second") != "" {
		t.Fatal("the second change is visible before its transaction committed")
	}
	if err := change("third"); err != nil {
		t.Fatal(err)
	}
	if err := <-secondDone; err != nil {
		t.Fatal(err)
	}
	if db.writer.commits != 2 || setting(t, db, "second") != "v" || setting(t, db, "third") != "v" {
		t.Errorf("%d commits, second %q, third %q; want the second and third committed together", db.writer.commits,
			setting(t, db, "second"), setting(t, db, "third"))
	}
}

// A lingering transaction's commit that comes late, after a joining change
// committed it, finds a newer transaction left open by a change that
// counted on it as the next in line: it commits that one, and the change is
// answered, rather than waiting for a change that may never come.
func TestALateLingerCommitsWhatWasLeftForIt(t *testing.T) {
	db := openWriterTestDB(t)
	ctx := context.Background()
	db.writer.linger = time.Hour // only the test ends a linger
	var lingeringBatch *batch
	lingering := make(chan struct{}, 1)
	db.writer.lingered = func() { lingeringBatch = db.writer.batch; lingering <- struct{}{} }
	change := func(key string) error { return sharedChange(t, db, key) }
	if err := change("first"); err != nil {
		t.Fatal(err)
	}
	secondDone := make(chan error, 1)
	go func() { secondDone <- change("second") }()
	<-lingering
	stale := lingeringBatch
	if err := change("third"); err != nil { // joins and commits the lingering one
		t.Fatal(err)
	}
	if err := <-secondDone; err != nil {
		t.Fatal(err)
	}

	// The fourth change holds the writer when the stale linger's commit
	// comes for its turn; at its end the fourth sees it waiting and leaves
	// its transaction open for it.
	tx, err := db.beginShared(ctx)
	if err != nil {
		t.Fatal(err)
	}
	putSetting(t, tx, "fourth")
	go db.commitLingering(stale)
	for db.writer.waiting.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	fourthDone := make(chan error, 1)
	go func() { fourthDone <- tx.Commit() }()
	select {
	case err := <-fourthDone:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the fourth change is never answered: its transaction was left open with nobody to commit it")
	}
	if setting(t, db, "fourth") != "v" {
		t.Error("the fourth change is not saved")
	}
}

// sharedChange saves setting key as one small change in the shared
// transaction, answered once its commit is on disk.
func sharedChange(t *testing.T, db *DB, key string) error {
	tx, err := db.beginShared(context.Background())
	if err != nil {
		return err
	}
	putSetting(t, tx, key)
	return tx.Commit()
}
