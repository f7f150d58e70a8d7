package storage

import (
	"context"
	"database/sql"
	"sync"
	"time"
)

// Copying the write-ahead log back into the database file (a checkpoint)
// is done in the background, on a connection of its own, instead of by the
// single writer inside a commit. SQLite's automatic checkpoint runs in the
// commit that takes the log past 1,000 pages: that commit, and with it the
// writer's turn and everyone waiting for it, then also reads and writes
// those pages and waits for an fsync of the database file, which made 15%
// of the server's CPU under the desk's load and its slowest answers. A
// checkpoint on another connection runs beside the writer (WAL allows it)
// and is as safe: SQLite syncs the log before copying and the database
// file after, and reuses the log only once everything in it is copied.
const (
	// checkpointEvery is how soon after a commit the log is copied back.
	checkpointEvery = 250 * time.Millisecond
	// writerCheckpointPages is when the writer checkpoints itself after
	// all: only if the background checkpoints fall this far behind.
	writerCheckpointPages = 20000
)

// checkpointer runs passive checkpoints on its own connection after commits.
type checkpointer struct {
	db   *sql.DB
	kick chan struct{}
	stop chan struct{}
	done chan struct{}

	mu   sync.Mutex
	runs int // checkpoints done, for tests
}

func newCheckpointer(dsn string) (*checkpointer, error) {
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	c := &checkpointer{db: db, kick: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{})}
	go c.run()
	return c, nil
}

// committed tells the checkpointer that the log has grown.
func (c *checkpointer) committed() {
	if c == nil {
		return
	}
	select {
	case c.kick <- struct{}{}:
	default:
	}
}

func (c *checkpointer) run() {
	defer close(c.done)
	for {
		select {
		case <-c.stop:
			return
		case <-c.kick:
		}
		// A passive checkpoint never waits for the writer or the readers:
		// it copies what no reader still needs, and the next one the rest.
		if _, err := c.db.ExecContext(context.Background(), `PRAGMA wal_checkpoint(PASSIVE)`); err == nil {
			c.mu.Lock()
			c.runs++
			c.mu.Unlock()
		}
		select {
		case <-c.stop:
			return
		case <-time.After(checkpointEvery):
		}
	}
}

func (c *checkpointer) checkpoints() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.runs
}

func (c *checkpointer) close() error {
	if c == nil {
		return nil
	}
	close(c.stop)
	<-c.done
	return c.db.Close()
}
