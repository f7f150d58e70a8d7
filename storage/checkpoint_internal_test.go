package storage

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"claimtrail/domain"
)

// The writer's commits leave the log to the background checkpointer: after
// a run of changes it copies the log back into the database file (the
// writer's own threshold is far above what they wrote), and everything
// committed reads back after a reopen.
func TestLogIsCheckpointedInTheBackground(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.db")
	db, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { db.Close() }()
	var autocheckpoint int
	if err := db.write.QueryRow(`PRAGMA wal_autocheckpoint`).Scan(&autocheckpoint); err != nil || autocheckpoint != writerCheckpointPages {
		t.Fatalf("the writer checkpoints after %d pages (%v), want %d", autocheckpoint, err, writerCheckpointPages)
	}
	before := db.ckpt.checkpoints()
	for i := range 300 {
		tx, err := db.beginShared(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tx.ExecContext(tx.ctx, `INSERT INTO settings (key, value, updated_at) VALUES (?, ?, 'now')`,
			fmt.Sprintf("k%d", i), fmt.Sprintf("%0500d", i)); err != nil {
			t.Fatal(err)
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
	}
	for deadline := time.Now().Add(10 * time.Second); db.ckpt.checkpoints() == before; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("300 commits and no checkpoint in the background")
		}
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if db, err = Open(context.Background(), path); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := db.read.QueryRow(`SELECT count(*) FROM settings WHERE key LIKE 'k%'`).Scan(&n); err != nil || n != 300 {
		t.Fatalf("after reopening: %d of 300 settings (%v)", n, err)
	}
}

// TestFailingCheckpointsAreReported: while the background checkpoints fail
// the log only grows, silently unless someone is told: the first failure
// is reported (the server logs it), once until one works again.
func TestFailingCheckpointsAreReported(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "c.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	told := make(chan error, 10)
	db.OnCheckpointError(func(err error) { told <- err })
	db.ckpt.db.Close() // its connection is gone: every checkpoint fails
	for i := range 3 {
		if err := db.SetSettings(domain.WithActor(ctx, domain.SystemActor), map[string]string{"publisher.name": fmt.Sprintf("The Gazette %d", i)}); err != nil {
			t.Fatal(err)
		}
		db.ckpt.committed()
	}
	select {
	case err := <-told:
		if err == nil {
			t.Fatal("told of a nil error")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("failing checkpoints were never reported")
	}
	// More commits, more failing checkpoints.
	for i := 0; ; i++ {
		db.ckpt.mu.Lock()
		failures := db.ckpt.failures
		db.ckpt.mu.Unlock()
		if failures >= 3 {
			break
		}
		if i > 1000 {
			t.Fatalf("only %d checkpoints tried", failures)
		}
		if err := db.SetSettings(domain.WithActor(ctx, domain.SystemActor), map[string]string{"publisher.name": fmt.Sprintf("The Herald %d", i)}); err != nil {
			t.Fatal(err)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if n := len(told); n != 0 {
		t.Errorf("the same run of failures reported %d more times", n)
	}
}

// writeLogPages commits n changes of a page or more each, one at a time.
func writeLogPages(t *testing.T, db *DB, prefix string, n int) {
	t.Helper()
	value := fmt.Sprintf("%03000d", 0)
	for i := range n {
		tx, err := db.beginShared(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tx.ExecContext(tx.ctx, `INSERT INTO settings (key, value, updated_at) VALUES (?, ?, 'now')`,
			fmt.Sprintf("%s%d", prefix, i), value); err != nil {
			t.Fatal(err)
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
	}
}

// Before the checkpointer holds the writer to copy the log's last frames,
// it syncs the database file with every copy made so far, the last one
// included: the sync SQLite makes holding the writer then writes only the
// pages copied in the hold, instead of a second or more of copies that
// SQLite left unsynced while frames kept coming.
func TestTheDatabaseFileIsSyncedBeforeTheWriterIsHeld(t *testing.T) {
	db, err := Open(context.Background(), filepath.Join(t.TempDir(), "s.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	c := db.ckpt
	var mu sync.Mutex
	var syncs, holds, unsynced int
	lastSync := -1 // the checkpoints done at the last sync
	c.mu.Lock()
	c.restartAt = 100
	c.every = 5 * time.Millisecond
	realSync, realHold := c.syncDB, c.holdWriter
	c.syncDB = func() error {
		err := realSync()
		mu.Lock()
		syncs++
		lastSync = c.checkpoints()
		mu.Unlock()
		return err
	}
	c.holdWriter = func(stop <-chan struct{}, f func()) bool {
		mu.Lock()
		holds++
		if lastSync != c.checkpoints() {
			unsynced++ // a copy was made since the last sync
		}
		mu.Unlock()
		return realHold(stop, f)
	}
	c.mu.Unlock()

	writeLogPages(t, db, "s", 1500)
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		c.mu.Lock()
		restarts := c.restarts
		c.mu.Unlock()
		if restarts > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("1,500 changes of a page and the log never started again")
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if holds == 0 || unsynced > 0 {
		t.Fatalf("the writer was held %d times, %d of them with copies made since the database file's last sync", holds, unsynced)
	}
	if syncs < holds {
		t.Fatalf("%d syncs of the database file for %d holds of the writer", syncs, holds)
	}
}

// A failed sync of the database file is a failed checkpoint: it is
// reported, the writer is not held on it (SQLite's own sync would fail as
// well), every change stays readable, and once syncs work again the log
// starts again.
func TestAFailedSyncOfTheDatabaseFileHoldsNobody(t *testing.T) {
	path := filepath.Join(t.TempDir(), "f.db")
	db, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	c := db.ckpt
	reported := make(chan error, 1)
	db.OnCheckpointError(func(err error) {
		select {
		case reported <- err:
		default:
		}
	})
	var failing atomic.Bool
	failing.Store(true)
	broken := errors.New("input/output error")
	c.mu.Lock()
	c.restartAt = 100
	c.every = 5 * time.Millisecond
	realSync := c.syncDB
	c.syncDB = func() error {
		if failing.Load() {
			c.failed(broken)
			return broken
		}
		return realSync()
	}
	c.mu.Unlock()

	writeLogPages(t, db, "f", 600)
	select {
	case err := <-reported:
		if !errors.Is(err, broken) {
			t.Fatalf("reported %v, want the failed sync", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the database file's sync failed and nobody was told")
	}
	c.mu.Lock()
	holds, restarts := c.holds, c.restarts
	c.mu.Unlock()
	if holds != 0 || restarts != 0 {
		t.Fatalf("with the database file's sync failing the writer was held %d times and the log started again %d times", holds, restarts)
	}
	var n int
	if err := db.read.QueryRow(`SELECT count(*) FROM settings WHERE key LIKE 'f%'`).Scan(&n); err != nil || n != 600 {
		t.Fatalf("%d of 600 changes read back (%v)", n, err)
	}

	failing.Store(false)
	writeLogPages(t, db, "g", 200)
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		c.mu.Lock()
		restarts = c.restarts
		c.mu.Unlock()
		if restarts > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("syncs work again and the log never started again")
		}
	}
}
