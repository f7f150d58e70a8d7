package storage

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"sync"
	"syscall"
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
//
// Copying is not enough to reuse the log, though. SQLite writes the log
// from its start again only in a transaction that began when every frame in
// it had been copied, and under a steady stream of changes the shared
// transaction is nearly always open, begun before the background copy
// ended, with more frames committed during the copy. The log then grew
// until the writer's own checkpoint (writerCheckpointPages) copied the rest
// inside a commit, with an fsync of the database file: every couple of
// seconds under the desk's load, everyone waiting for the writer waited
// 50 ms or more. So once the log holds restartFrames frames, the
// checkpointer copies again until little came in during a copy, then copies
// those last frames holding the writer's turn (the shared transaction
// committed first): the next transaction writes the log from its start, in
// place, and the log's file stops growing.
//
// What that hold costs is mostly a sync of the database file, and SQLite
// syncs it only in a checkpoint that copies the log to its very end: under
// a steady stream of changes frames arrive during nearly every copy, so the
// database file's writes of a second or more of copies wait, unsynced, for
// the first copy that reaches the end, and that was often the one made
// holding the writer (a sync of 60-90 ms, everyone waiting). So before
// holding the writer the checkpointer syncs the database file itself
// (syncDB) after each catch-up copy: the copy made holding the writer then
// syncs only the pages of its own last few hundred frames. A sync outside
// SQLite changes nothing it relies on: SQLite's own sync in the held copy
// still comes before the log may start again.
const (
	// checkpointEvery is how soon after a commit the log is copied back.
	checkpointEvery = 250 * time.Millisecond
	// restartFrames is the log's length at which it is brought back to its
	// start (about 64 MB of 4 KB pages). Each time costs the writer one wait
	// for two syncs, a few milliseconds on a quiet disk but tens on a busy
	// one, so not much more often than the writer's own checkpoint came
	// before (at 20,000 frames), while the log stays no longer than it was.
	restartFrames = 16000
	// catchUpFrames: the background copy runs again (up to catchUpRuns
	// times) while more frames than this were committed during the last one,
	// so that little is left to copy with the writer held.
	catchUpFrames = 256
	catchUpRuns   = 3
	// restartRetry is how soon the checkpointer tries again when a reader
	// kept it from copying the log's end with the writer held.
	restartRetry = 20 * time.Millisecond
	// writerCheckpointPages is when the writer checkpoints itself after
	// all: only if the background checkpoints fall this far behind, or the
	// log could not start again (a reader held on to it).
	writerCheckpointPages = 40000
)

// checkpointer runs passive checkpoints on its own connection after commits.
type checkpointer struct {
	db   *sql.DB
	kick chan struct{}
	stop chan struct{}
	done chan struct{}

	// syncer, when the log is synced for durability, hears which commits
	// each checkpoint copied whole (logSyncer.copiedThrough).
	syncer *logSyncer
	// holdWriter runs f holding the writer's turn, the shared transaction
	// committed; it returns false, without running f, once stop is closed.
	holdWriter func(stop <-chan struct{}, f func()) bool
	// dbPath is the database file's, synced by syncDB before the writer is
	// held; dbFile is open on it once synced.
	dbPath string
	dbFile *os.File

	mu sync.Mutex
	// syncDB is syncDatabaseFile; tests stand in for it and for holdWriter
	// (holding mu: the checkpointer may already be running).
	syncDB func() error
	// restartAt and every are restartFrames and checkpointEvery; tests set
	// them lower (holding mu: the checkpointer may already be running).
	restartAt int
	every     time.Duration

	onError  func(error) // told when checkpoints start failing (OnCheckpointError)
	failing  bool        // the last checkpoint failed
	failures int         // checkpoints failed, for tests
	runs     int         // checkpoints done, for tests
	holds    int         // times the writer was held, for tests
	restarts int         // checkpoints finished with the writer held, for tests
}

func newCheckpointer(dbPath, dsn string, holdWriter func(stop <-chan struct{}, f func()) bool, syncer *logSyncer) (*checkpointer, error) {
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	c := &checkpointer{db: db, kick: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{}),
		holdWriter: holdWriter, syncer: syncer, dbPath: dbPath, restartAt: restartFrames, every: checkpointEvery}
	c.syncDB = c.syncDatabaseFile
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
		c.mu.Lock() // tests change them while the checkpointer runs
		next, restartAt, syncDB, holdWriter := c.every, c.restartAt, c.syncDB, c.holdWriter
		c.mu.Unlock()
		logFrames, copied, err := c.passive()
		if err == nil && logFrames >= restartAt && holdWriter != nil {
			for range catchUpRuns {
				before := logFrames
				if err = syncDB(); err != nil {
					break
				}
				if logFrames, copied, err = c.passive(); err != nil || logFrames-before <= catchUpFrames {
					break
				}
			}
			if err == nil {
				// The last copy's writes too, so that the held copy's sync
				// has only its own to write.
				err = syncDB()
			}
			if err == nil && copied < logFrames {
				// A reader (a long export, the feed, a backup) still reads
				// an older state of the log: a passive checkpoint copies
				// every frame it saw unless one does, and holding the
				// writer copies no further while it lasts. Look again soon
				// without holding the writer, which would only stall every
				// change for a checkpoint's syncs, again and again, while
				// the reader lasts.
				next = restartRetry
				c.committed()
			} else if err == nil {
				holdWriter(c.stop, func() {
					c.mu.Lock()
					c.holds++
					c.mu.Unlock()
					logFrames, copied, err := c.passive()
					if err != nil {
						return
					}
					if copied < logFrames {
						// A reader still reads an older state of the log, so
						// its end could not be copied yet: try again soon
						// rather than let the log grow for another round.
						next = restartRetry
						c.committed()
						return
					}
					c.mu.Lock()
					c.restarts++
					c.mu.Unlock()
				})
			}
		}
		if c.syncer != nil && c.syncer.awaitsCopy() {
			// Changes after a failed sync wait for a whole copy of the log
			// (logSyncer.copied): look again soon until one is made.
			next = min(next, restartRetry)
			c.committed()
		}
		select {
		case <-c.stop:
			return
		case <-time.After(next):
		}
	}
}

// syncDatabaseFile syncs the database file with what checkpoints have
// copied into it so far (fdatasync, as SQLite's own syncs here). A failure
// is a failed checkpoint: the writer is not held, and SQLite's own sync of
// the file, made before the log may start again, fails as well (the
// kernel reports a failed write-back to every file open on it).
func (c *checkpointer) syncDatabaseFile() error {
	if c.dbFile == nil {
		f, err := os.Open(c.dbPath)
		if err != nil {
			c.failed(err)
			return err
		}
		c.dbFile = f
	}
	for {
		err := syscall.Fdatasync(int(c.dbFile.Fd()))
		if errors.Is(err, syscall.EINTR) {
			continue
		}
		if err != nil {
			c.dbFile.Close() // opened afresh next time
			c.dbFile = nil
			c.failed(err)
		}
		return err
	}
}

// passive copies what it can of the log into the database file and says
// how many frames the log held and how many of them are copied.
func (c *checkpointer) passive() (logFrames, copied int, err error) {
	// A passive checkpoint never waits for the writer or the readers: it
	// copies what no reader still needs, and the next one the rest.
	var busy int
	var counted uint64
	if c.syncer != nil {
		counted = c.syncer.counted() // every commit counted is in the log now
	}
	if err := c.db.QueryRowContext(context.Background(), `PRAGMA wal_checkpoint(PASSIVE)`).Scan(&busy, &logFrames, &copied); err != nil {
		c.failed(err)
		return 0, 0, err
	}
	if c.syncer != nil && busy == 0 && copied == logFrames {
		c.syncer.copiedThrough(counted)
	}
	c.mu.Lock()
	c.runs++
	c.failing = false
	c.mu.Unlock()
	return logFrames, copied, nil
}

// failed tells onError of the first failure after a checkpoint that
// worked: while checkpoints fail the log only grows (until the writer's own
// checkpoint, inside a commit), which whoever runs the server must hear of,
// once rather than at every commit.
func (c *checkpointer) failed(err error) {
	c.mu.Lock()
	first, tell := !c.failing, c.onError
	c.failing = true
	c.failures++
	c.mu.Unlock()
	if first && tell != nil {
		tell(err)
	}
}

// OnCheckpointError has f told when the background checkpoints start
// failing (once, until one works again); the server logs it.
func (db *DB) OnCheckpointError(f func(error)) {
	if db.ckpt == nil {
		return
	}
	db.ckpt.mu.Lock()
	db.ckpt.onError = f
	db.ckpt.mu.Unlock()
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
	if c.dbFile != nil {
		c.dbFile.Close()
	}
	return c.db.Close()
}
