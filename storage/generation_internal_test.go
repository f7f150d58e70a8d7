package storage

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Requests that miss the same kept read at the same generation wait for one
// read of it rather than each making it; a request that starts after a
// change never takes the value read before it.
func TestConcurrentMissesReadOnce(t *testing.T) {
	ctx := context.Background()
	db := openWriterTestDB(t)
	c := newReadCache[string, string](8)
	var reads atomic.Int64
	release := make(chan struct{})
	slowRead := func() (string, error) {
		reads.Add(1)
		<-release
		return setting(t, db, "colour"), nil
	}
	same := func(s string) string { return s }

	var wg sync.WaitGroup
	got := make([]string, 8)
	for i := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			v, err := cached(ctx, db, c, "k", slowRead, same)
			if err != nil {
				t.Error(err)
			}
			got[i] = v
		}()
	}
	time.Sleep(50 * time.Millisecond) // let them all arrive while the read is under way
	close(release)
	wg.Wait()
	if n := reads.Load(); n != 1 {
		t.Errorf("8 requests for the same kept read read it %d times", n)
	}

	// A read under way, then a change: a request after the change reads
	// afresh and sees it, while the first read still ends with its own.
	release = make(chan struct{})
	reads.Store(0)
	c2 := newReadCache[string, string](8)
	first := make(chan string)
	go func() {
		v, err := cached(ctx, db, c2, "k", slowRead, same)
		if err != nil {
			t.Error(err)
		}
		first <- v
	}()
	for reads.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	tx, err := db.begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value, updated_at) VALUES ('colour', 'blue', 'now')`); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	close(release)
	after, err := cached(ctx, db, c2, "k", slowRead, same)
	if err != nil {
		t.Fatal(err)
	}
	<-first
	if after != "blue" {
		t.Errorf("a request after the change got %q, the value read before it", after)
	}
	if n := reads.Load(); n != 2 {
		t.Errorf("read %d times, want 2 (before and after the change)", n)
	}

	// A read that fails is not handed on as a value: those waiting read again.
	release = make(chan struct{})
	reads.Store(0)
	c3 := newReadCache[string, string](8)
	failing := func() (string, error) {
		if reads.Add(1) == 1 {
			<-release
			return "", errors.New("the first request went away")
		}
		return "ok", nil
	}
	errc := make(chan error)
	go func() { _, err := cached(ctx, db, c3, "k", failing, same); errc <- err }()
	for reads.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	waiter := make(chan string)
	go func() {
		v, err := cached(ctx, db, c3, "k", failing, same)
		if err != nil {
			t.Error(err)
		}
		waiter <- v
	}()
	time.Sleep(20 * time.Millisecond)
	close(release)
	if err := <-errc; err == nil {
		t.Error("the failed read reported no error")
	}
	if v := <-waiter; v != "ok" {
		t.Errorf("a request waiting for a failed read got %q", v)
	}
}
