package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"modernc.org/sqlite"
)

// A slow sync of the log holds up nobody's commit: while one sync runs the
// writer goes on committing other changes (others can read them), but none
// of those is acknowledged until a sync that started after its commit has
// finished; the sync that was running when it committed is not enough.
func TestASlowSyncNeverHoldsUpTheWriter(t *testing.T) {
	db := openWriterTestDB(t)
	if db.syncer == nil {
		t.Fatal("the default durability has no log syncer")
	}
	db.writer.linger = 0 // each change commits at once
	type syncRun struct{ release chan struct{} }
	syncs := make(chan *syncRun, 10)
	db.syncer.mu.Lock()
	db.syncer.syncFile = func(*os.File, bool) error {
		r := &syncRun{release: make(chan struct{})}
		syncs <- r
		<-r.release
		return nil
	}
	db.syncer.mu.Unlock()
	answered := func(name string, done chan error) bool {
		t.Helper()
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			return true
		default:
			return false
		}
	}
	waitAnswer := func(name string, done chan error) {
		t.Helper()
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("%s was never answered", name)
		}
	}
	nextSync := func() *syncRun {
		t.Helper()
		select {
		case r := <-syncs:
			return r
		case <-time.After(10 * time.Second):
			t.Fatal("no sync of the log started")
			return nil
		}
	}

	aDone := make(chan error, 1)
	go func() { aDone <- sharedChange(t, db, "a") }()
	first := nextSync() // covers a, and hangs
	bDone := make(chan error, 1)
	go func() { bDone <- sharedChange(t, db, "b") }()
	for deadline := time.Now().Add(10 * time.Second); setting(t, db, "b") != "v"; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("b was not committed while a sync of the log ran: the sync held up the writer")
		}
	}
	if answered("a", aDone) || answered("b", bDone) {
		t.Fatal("a change was acknowledged before any sync of the log finished")
	}

	close(first.release)
	waitAnswer("a", aDone)
	var second *syncRun // b's: it committed while the first ran
	select {
	case second = <-syncs:
	case err := <-bDone:
		t.Fatalf("b was acknowledged (%v) by the sync that had started before it committed", err)
	case <-time.After(10 * time.Second):
		t.Fatal("no second sync of the log started for b")
	}
	time.Sleep(20 * time.Millisecond)
	if answered("b", bDone) {
		t.Fatal("b was acknowledged before the sync that started after its commit finished")
	}
	close(second.release)
	waitAnswer("b", bDone)
	close(syncs)
	for r := range syncs {
		close(r.release)
	}
}

// Under a steady stream of changes the shared transaction is nearly always
// open, so the log can start again only when the checkpointer copies its
// last frames holding the writer: the log's file then stays near the size
// at which it starts again, however much is written.
func TestLogStartsAgainWhileChangesKeepComing(t *testing.T) {
	path := filepath.Join(t.TempDir(), "r.db")
	db, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	const restartAt = 200
	db.ckpt.mu.Lock()
	db.ckpt.restartAt = restartAt
	db.ckpt.every = 5 * time.Millisecond // many checkpoints in a short test
	db.ckpt.mu.Unlock()
	value := strings.Repeat("x", 3000) // a page of the log or more each
	const writers, each = 8, 500
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				tx, err := db.beginShared(context.Background())
				if err == nil {
					_, err = tx.ExecContext(tx.ctx, `INSERT INTO settings (key, value, updated_at) VALUES (?, ?, 'now')`, fmt.Sprintf("w%d-%d", w, i), value)
					if err == nil {
						err = tx.Commit()
					} else {
						tx.Rollback()
					}
				}
				if err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	st, err := os.Stat(path + "-wal")
	if err != nil {
		t.Fatal(err)
	}
	const frame = 24 + 4096
	frames := st.Size() / frame
	db.ckpt.mu.Lock()
	restarts := db.ckpt.restarts
	db.ckpt.mu.Unlock()
	t.Logf("%d changes of a page or more: the log's file holds %d frames; %d copies finished holding the writer", writers*each, frames, restarts)
	if frames > writers*each/3 {
		t.Errorf("the log's file grew to %d frames for %d changes of a page or more: it did not start again", frames, writers*each)
	}
	var n int
	if err := db.read.QueryRow(`SELECT count(*) FROM settings WHERE key LIKE 'w%'`).Scan(&n); err != nil || n != writers*each {
		t.Fatalf("%d of %d changes read back (%v)", n, writers*each, err)
	}
}

// A reader still reading an older state of the log keeps the checkpointer
// from copying its end even with the writer held; the checkpointer then
// tries again soon, not a round later, and the log starts again once the
// reader is done.
func TestLogStartsAgainSoonAfterAReaderLetsGo(t *testing.T) {
	db, reader := openWithAReaderBehindALongChange(t)
	time.Sleep(100 * time.Millisecond)
	db.ckpt.mu.Lock()
	restarts := db.ckpt.restarts
	db.ckpt.mu.Unlock()
	if restarts != 0 {
		t.Fatalf("the log's end was copied (%d times) while a reader read an older state", restarts)
	}
	if err := reader.Rollback(); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		db.ckpt.mu.Lock()
		restarts = db.ckpt.restarts
		db.ckpt.mu.Unlock()
		if restarts > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the reader is done, and the checkpointer never came back to copy the log's end")
		}
	}
}

// SQLite syncs its files with fdatasync once a database is open, as its own
// Linux builds do (the driver's default is fsync).
func TestSQLiteSyncsWithFdatasync(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("fdatasync is switched on where the driver offers it; checked on Linux")
	}
	db, err := Open(context.Background(), filepath.Join(t.TempDir(), "f.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if !sqlite.FdatasyncEnabled() {
		t.Error("SQLite syncs with fsync")
	}
}

// TestAChangeAFailedSyncCoveredIsNeverAcknowledged: a change committed
// before a sync of the log that failed may not be on disk (after a failed
// fsync the kernel can drop the pages it could not write, and a later sync
// of the file reports success), so it is answered with the failure, not
// acknowledged by a later sync that succeeds.
func TestAChangeAFailedSyncCoveredIsNeverAcknowledged(t *testing.T) {
	path := filepath.Join(t.TempDir(), "d.db")
	if err := os.WriteFile(path+"-wal", []byte("log"), 0o600); err != nil {
		t.Fatal(err)
	}
	s := newLogSyncer(path)
	defer s.close()
	type syncRun struct{ result chan error }
	syncs := make(chan syncRun, 10)
	s.syncFile = func(*os.File, bool) error {
		r := syncRun{result: make(chan error)}
		syncs <- r
		return <-r.result
	}
	started := func(n uint64) {
		t.Helper()
		for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(time.Millisecond) {
			s.mu.Lock()
			got := s.started
			s.mu.Unlock()
			if got >= n {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("%d changes waiting, want %d", got, n)
			}
		}
	}
	nextSync := func() syncRun {
		t.Helper()
		select {
		case r := <-syncs:
			return r
		case <-time.After(10 * time.Second):
			t.Fatal("no sync of the log started")
			return syncRun{}
		}
	}
	answers := map[string]chan error{}
	change := func(name string) {
		answer := make(chan error, 1)
		answers[name] = answer
		go func() { answer <- s.wait() }()
	}
	answer := func(name string) error {
		t.Helper()
		select {
		case err := <-answers[name]:
			return err
		case <-time.After(10 * time.Second):
			t.Fatalf("%s was never answered", name)
			return nil
		}
	}
	failed := errors.New("input/output error")

	change("a")
	first := nextSync() // a's
	change("b")
	change("c")
	started(3)
	first.result <- failed
	if err := answer("a"); !errors.Is(err, errSyncFailed) {
		t.Fatalf("a: %v, want the failed sync", err)
	}
	second := nextSync() // led by b or c, covering both
	second.result <- failed
	// Every later sync succeeds.
	go func() {
		for r := range syncs {
			r.result <- nil
		}
	}()
	for _, name := range []string{"b", "c"} {
		if err := answer(name); !errors.Is(err, errSyncFailed) {
			t.Errorf("%s was acknowledged (%v) although the sync covering its commit failed", name, err)
		}
	}

	// A change committed after the failure is synced afresh, but its frames
	// follow frames that may be lost, where recovery after a power cut would
	// stop: it is acknowledged only once a checkpoint has copied it into the
	// database file.
	kicked := make(chan struct{}, 10)
	s.mu.Lock()
	s.kickCheckpoint = func() { kicked <- struct{}{} }
	s.mu.Unlock()
	change("d")
	select {
	case <-kicked:
	case err := <-answers["d"]:
		t.Fatalf("d was answered (%v) before any checkpoint copied it", err)
	case <-time.After(10 * time.Second):
		t.Fatal("d never asked for a checkpoint")
	}
	select {
	case err := <-answers["d"]:
		t.Fatalf("d was answered (%v) before any checkpoint copied it", err)
	default:
	}
	s.copiedThrough(s.counted())
	if err := answer("d"); err != nil {
		t.Errorf("d: %v", err)
	}
	close(syncs)
}

// afterAFailedSync makes the checkpointer look every 5 ms and the next sync
// of the log fail (patience, unless 0, bounds how long a later change waits
// for its copy), makes one change that meets that failure, and returns a
// way to make more changes.
func afterAFailedSync(t *testing.T, db *DB, patience time.Duration) (set func(key string) error) {
	t.Helper()
	db.ckpt.mu.Lock()
	db.ckpt.every = 5 * time.Millisecond
	db.ckpt.mu.Unlock()
	failNext := make(chan bool, 1)
	failNext <- true
	db.syncer.mu.Lock()
	if patience > 0 {
		db.syncer.copyPatience = patience
	}
	db.syncer.syncFile = func(f *os.File, fresh bool) error {
		select {
		case <-failNext:
			return errors.New("input/output error")
		default:
			return syncLogFile(f, fresh)
		}
	}
	db.syncer.mu.Unlock()
	ctx := context.Background()
	set = func(key string) error {
		return db.SetSettings(ctx, map[string]string{key: "x"})
	}
	if err := set("failed"); !errors.Is(err, errSyncFailed) {
		t.Fatalf("the change whose sync failed: %v", err)
	}
	return set
}

// TestAChangeAfterAFailedSyncWaitsForTheCheckpoint: on a real database, a
// change committed after a failed sync of the log is acknowledged once the
// checkpointer has copied the whole log into the database file, and not
// while a reader keeps it from doing so.
func TestAChangeAfterAFailedSyncWaitsForTheCheckpoint(t *testing.T) {
	db, reader := openWithAReaderBehindALongChange(t)
	set := afterAFailedSync(t, db, 0)
	done := make(chan error, 1)
	go func() { done <- set("after") }()
	// The reader keeps the log's end from being copied: while it lasts the
	// change stays unacknowledged, however often the checkpointer looks.
	runs := db.ckpt.checkpoints()
	for deadline := time.Now().Add(10 * time.Second); db.ckpt.checkpoints() < runs+5; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the checkpointer did not look again")
		}
	}
	select {
	case err := <-done:
		t.Fatalf("acknowledged (%v) while the log holding it could not be copied", err)
	default:
	}
	reader.Rollback()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("after the checkpoint: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("never acknowledged after the reader left")
	}
}

// TestAReaderHoldingTheLogDoesNotHoldUpTheWriter: while a reader (a long
// export, the feed, a backup) reads an older state of the log, its end
// cannot be copied, so the checkpointer looks again and again; it must not
// take the writer's turn to do so, which would stall every change for a
// checkpoint's syncs every few milliseconds while the reader lasts.
func TestAReaderHoldingTheLogDoesNotHoldUpTheWriter(t *testing.T) {
	db, _ := openWithAReaderBehindALongChange(t)
	// Let the checkpointer look a good many times.
	runs := db.ckpt.checkpoints()
	for deadline := time.Now().Add(10 * time.Second); db.ckpt.checkpoints() < runs+20; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the checkpointer looked %d times in 10 s while a reader held the log", db.ckpt.checkpoints()-runs)
		}
	}
	db.ckpt.mu.Lock()
	holds := db.ckpt.holds
	db.ckpt.mu.Unlock()
	if holds != 0 {
		t.Errorf("the writer was held %d times while a reader kept the log's end from being copied", holds)
	}
}

// openWithAReaderBehindALongChange opens a database whose checkpointer
// wants the log to start again after 50 frames and comes back only when it
// retries, begins a reader, and then commits one change long enough for the
// checkpointer to want the log to start again at its first look: the
// reader's older state of the log keeps its end from being copied until the
// reader lets go. Both are closed when the test ends.
func openWithAReaderBehindALongChange(t *testing.T) (*DB, *sql.Tx) {
	t.Helper()
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "r.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	db.ckpt.mu.Lock()
	db.ckpt.restartAt = 50
	db.ckpt.every = time.Hour // only a retry brings the checkpointer back within the test
	db.ckpt.mu.Unlock()

	reader, err := db.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { reader.Rollback() })
	var n int
	if err := reader.QueryRow(`SELECT count(*) FROM settings`).Scan(&n); err != nil { // its state of the log begins here
		t.Fatal(err)
	}
	tx, err := db.beginShared(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 100 {
		if _, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value, updated_at) VALUES (?, ?, 'now')`,
			fmt.Sprintf("long%d", i), strings.Repeat("x", 3000)); err != nil {
			t.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	return db, reader
}

// TestAChangeAfterAFailedSyncIsNotLeftWaitingForever: while a reader (a
// long export, readers one after another) keeps the log's end from being
// copied, a change committed after a failed sync is answered "may not have
// been saved" once its patience runs out, instead of holding its request
// for as long as the reader lasts; once the reader lets go, changes are
// acknowledged again.
func TestAChangeAfterAFailedSyncIsNotLeftWaitingForever(t *testing.T) {
	db, reader := openWithAReaderBehindALongChange(t)
	set := afterAFailedSync(t, db, 50*time.Millisecond)
	done := make(chan error, 1)
	go func() { done <- set("after") }()
	select {
	case err := <-done:
		if !errors.Is(err, errSyncFailed) {
			t.Fatalf("a change that could not be copied: %v, want errSyncFailed", err)
		}
		if e, ok := Unavailable(err); !ok || !strings.Contains(e.Message, "may not have been saved") {
			t.Fatalf("answered %v, want \"may not have been saved\"", e)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("still waiting for a checkpoint the reader keeps from copying the log")
	}
	reader.Rollback()
	if err := set("later"); err != nil {
		t.Fatalf("a change once the reader let go: %v", err)
	}
}
