package storage

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"
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
