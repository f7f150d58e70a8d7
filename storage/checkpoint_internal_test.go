package storage

import (
	"context"
	"fmt"
	"path/filepath"
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
