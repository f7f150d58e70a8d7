package storage

import (
	"context"
	"errors"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// With every read connection in use, readers wait for one in the order
// they came: the first to wait is the first to read, however many wait.
// (database/sql alone hands a freed connection to a waiter at random.)
func TestReadersTakeTurnsInTheOrderTheyCame(t *testing.T) {
	ctx := context.Background()
	db := openWriterTestDB(t)
	var held []*Tx
	for range cap(db.readTurns) {
		tx, err := db.beginRead(ctx)
		if err != nil {
			t.Fatal(err)
		}
		held = append(held, tx)
	}

	const waiters = 12
	got := make(chan int, waiters)
	// Each reader says it read while it holds its turn (so the order is
	// the order of the turns) and is counted out once it has given it back.
	var ended sync.WaitGroup
	for i := range waiters {
		ended.Add(1)
		go func() {
			defer ended.Done()
			tx, err := db.beginRead(ctx)
			if err != nil {
				t.Error(err)
				got <- -1
				return
			}
			got <- i
			tx.Rollback()
		}()
		waitForReadersWaiting(t, i+1)
	}
	// Each reader, when its turn comes, hands it straight on; the first
	// held turn freed starts the chain.
	held[0].Rollback()
	for want := range waiters {
		if i := <-got; i != want {
			t.Fatalf("reader %d read before reader %d, who had waited longer", i, want)
		}
	}
	for _, tx := range held[1:] {
		tx.Rollback()
	}
	ended.Wait()
	if n := len(db.readTurns); n != 0 {
		t.Errorf("%d read turns still taken after every reader ended", n)
	}
}

// A reader that gives up while waiting takes no turn with it.
func TestAReaderGivingUpWhileWaitingTakesNoTurn(t *testing.T) {
	db := openWriterTestDB(t)
	var held []*Tx
	for range cap(db.readTurns) {
		tx, err := db.beginRead(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		held = append(held, tx)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if _, err := db.beginRead(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("a reader waiting past its deadline: %v, want the deadline's error", err)
	}
	for _, tx := range held {
		tx.Rollback()
	}
	tx, err := db.beginRead(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	tx.Rollback()
	if n := len(db.readTurns); n != 0 {
		t.Errorf("%d read turns still taken after every reader ended", n)
	}
}

// waitForReadersWaiting returns once n goroutines wait for a read turn.
func waitForReadersWaiting(t *testing.T, n int) {
	t.Helper()
	buf := make([]byte, 1<<20)
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
		stacks := string(buf[:runtime.Stack(buf, true)])
		waiting := 0
		for _, g := range strings.Split(stacks, "\n\n") {
			if (strings.Contains(g, "[chan send") || strings.Contains(g, "[select")) && strings.Contains(g, ".beginRead(") {
				waiting++
			}
		}
		if waiting == n {
			return
		}
	}
	t.Fatalf("%d readers never all waited for a turn:\n%s", n, buf[:runtime.Stack(buf, true)])
}
