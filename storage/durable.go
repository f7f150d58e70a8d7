package storage

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"claimtrail/domain"
)

// Durability says when a change is safe from a power cut or a kernel crash,
// not only from the server being killed (which WAL survives in every mode).
type Durability string

const (
	// DurableFull (the default): a change is acknowledged only once it is on
	// disk. SQLite writes the log without syncing (synchronous=NORMAL), and
	// one fsync of the log then covers every change committed meanwhile,
	// before any of them is acknowledged: many writers share each sync.
	DurableFull Durability = "full"
	// DurableSQLiteFull is SQLite's own synchronous=FULL: an fsync inside
	// every commit, while the writer lock is held.
	DurableSQLiteFull Durability = "sqlite-full"
	// DurableNormal is synchronous=NORMAL alone: fastest, never corrupt,
	// but a power cut can take back the last changes acknowledged.
	DurableNormal Durability = "normal"
)

// ParseDurability reads a -durability setting; "" is the default.
func ParseDurability(s string) (Durability, error) {
	switch d := Durability(strings.ToLower(strings.TrimSpace(s))); d {
	case "":
		return DurableFull, nil
	case DurableFull, DurableSQLiteFull, DurableNormal:
		return d, nil
	}
	return "", fmt.Errorf("durability must be full, sqlite-full or normal, not %q", s)
}

func (d Durability) synchronous() string {
	if d == DurableSQLiteFull {
		return "FULL"
	}
	return "NORMAL"
}

// syncWithFdatasync has SQLite sync its files (the log and the database
// file, at each checkpoint; every commit under sqlite-full) with
// fdatasync, as SQLite's own Linux builds do, instead of the fsync this
// driver keeps by default: fsync also commits the files' times through
// ext4's journal, and some of a checkpoint's syncs are made with the writer
// held (checkpoint.go). The data
// and the length are synced alike. Process-wide; where the platform has no
// fdatasync the driver says so and keeps fsync.
var syncWithFdatasync = sync.OnceFunc(func() { sqlite.Fdatasync(true) })

// errSyncFailed marks a failed sync of the log: the change is committed but
// may not survive a power cut, so it is not acknowledged.
var errSyncFailed = errors.New("sync the write-ahead log")

// logSyncer makes committed changes durable by syncing the write-ahead log,
// one sync for every change committed before it started (group commit).
type logSyncer struct {
	path string

	mu      sync.Mutex
	cond    *sync.Cond
	f       *os.File
	ino     uint64
	started uint64 // commits counted so far
	synced  uint64 // commits known to be on disk
	// Failed syncs covered the commits after failedAfter up to failedTo
	// (failure the last one's error): those are never acknowledged (wait).
	failedAfter, failedTo uint64
	failure               error
	// copied is how many commits a checkpoint has copied into the database
	// file (and synced it) with the whole log: after a failed sync, a later
	// commit's frames follow frames that may be lost, and recovery after a
	// power cut stops at the first lost frame, so a later commit is
	// acknowledged only once it is in the database file (copiedThrough).
	// kickCheckpoint asks the checkpointer for that copy.
	copied         uint64
	kickCheckpoint func()
	// copyPatience bounds that wait: a long export or a string of readers
	// can keep the log's end from being copied for as long as they last,
	// and a change that cannot be vouched for is answered "may not have
	// been saved" rather than left hanging (copyPatience; tests set less).
	copyPatience time.Duration
	running      bool
	syncs        uint64 // syncs done, for tests

	// syncFile is syncLogFile; tests stand in for it.
	syncFile func(f *os.File, fresh bool) error
}

func newLogSyncer(dbPath string) *logSyncer {
	s := &logSyncer{path: dbPath + "-wal", syncFile: syncLogFile, copyPatience: copyPatience}
	s.cond = sync.NewCond(&s.mu)
	return s
}

// copyPatience is how long a change committed after a failed sync waits
// for a checkpoint to copy it into the database file before it is answered
// "may not have been saved".
const copyPatience = 10 * time.Second

// errNotCopied says why such a change was not acknowledged.
var errNotCopied = errors.New("no checkpoint could copy the log since a failed sync (a long read holds it)")

// wait returns once every change committed before the call is on disk.
func (s *logSyncer) wait() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.started++
	mine := s.started
	var gaveUp *time.Timer
	giveUp := false
	defer func() {
		if gaveUp != nil {
			gaveUp.Stop()
		}
	}()
	for {
		if mine > s.failedAfter && mine <= s.failedTo {
			// A sync that started after this commit failed: after a failed
			// fsync the kernel may drop the pages it could not write and
			// report a later sync of the file as a success, so no later
			// sync can vouch for this change.
			return s.failure
		}
		if s.synced >= mine {
			if s.failedTo == 0 || mine <= s.failedAfter || s.copied >= mine || s.kickCheckpoint == nil {
				return nil
			}
			// Synced after a failed sync: wait for the checkpointer to
			// copy it past the frames that may be lost, for a while.
			if giveUp {
				return fmt.Errorf("%w: %w after %v: %w", errSyncFailed, errNotCopied, s.copyPatience, s.failure)
			}
			if gaveUp == nil {
				gaveUp = time.AfterFunc(s.copyPatience, func() {
					s.mu.Lock()
					giveUp = true
					s.cond.Broadcast()
					s.mu.Unlock()
				})
			}
			s.kickCheckpoint()
			s.cond.Wait()
			continue
		}
		if s.running {
			s.cond.Wait()
			continue
		}
		// Lead a sync covering everything committed so far.
		s.running = true
		from, target := s.synced, s.started
		s.mu.Unlock()
		err := s.sync()
		s.mu.Lock()
		s.running = false
		if err != nil {
			if s.failedTo == 0 {
				s.failedAfter = from
			}
			s.failedAfter, s.failedTo, s.failure = min(s.failedAfter, from), max(s.failedTo, target), err
			s.cond.Broadcast()
			return err
		}
		s.synced = max(s.synced, target)
		s.syncs++
		s.cond.Broadcast()
	}
}

// counted is how many commits have been counted so far: a checkpoint that
// starts after reading it copies every one of them.
func (s *logSyncer) counted() uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.started
}

// awaitsCopy reports whether changes after a failed sync wait for a
// checkpoint to copy them.
func (s *logSyncer) awaitsCopy() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.failedTo > 0 && s.copied < s.started
}

// copiedThrough says a checkpoint copied the whole log, and so the first n
// commits, into the database file and synced it.
func (s *logSyncer) copiedThrough(n uint64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if n > s.copied {
		s.copied = n
		s.cond.Broadcast()
	}
}

// sync makes the log file durable, reopening it if SQLite made a new one.
// It uses fdatasync, as SQLite itself does: that writes the data and
// whatever metadata reading it back needs (the file's length), but not its
// times, so a log rewritten in place (checkpoint.go) is synced without a
// commit of the file system's journal, which on ext4 a sync can wait for. A new log file is synced whole once, and its folder too, so that
// the name survives as well.
func (s *logSyncer) sync() error {
	st, err := os.Stat(s.path)
	if errors.Is(err, os.ErrNotExist) {
		return nil // no log: every change is in the database file, synced at checkpoint
	} else if err != nil {
		return fmt.Errorf("%w: %w", errSyncFailed, err)
	}
	ino := st.Sys().(*syscall.Stat_t).Ino
	fresh := false
	if s.f == nil || ino != s.ino {
		if s.f != nil {
			s.f.Close()
			s.f = nil
		}
		f, err := os.Open(s.path)
		if err != nil {
			return fmt.Errorf("%w: %w", errSyncFailed, err)
		}
		s.f, s.ino = f, ino
		fresh = true
	}
	if err := s.syncFile(s.f, fresh); err != nil {
		s.f.Close() // reopened and synced whole next time
		s.f = nil
		return fmt.Errorf("%w: %w", errSyncFailed, err)
	}
	return nil
}

// syncLogFile syncs the log: a log file new to the syncer whole, with its
// folder, and after that with fdatasync.
func syncLogFile(f *os.File, fresh bool) error {
	if fresh {
		return errors.Join(f.Sync(), syncDir(filepath.Dir(f.Name())))
	}
	for {
		if err := syscall.Fdatasync(int(f.Fd())); err != syscall.EINTR {
			return err
		}
	}
}

// syncDir syncs a folder, so that a file created in it keeps its name.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

func (s *logSyncer) close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.f != nil {
		return s.f.Close()
	}
	return nil
}

// Unavailable reports whether err means the database cannot take changes
// now — the disk is full, the file or its folder is read-only, or the disk
// fails — and says so in words a newsroom can act on. Reads go on working.
func Unavailable(err error) (*domain.Error, bool) {
	if errors.Is(err, errSyncFailed) {
		return &domain.Error{Code: domain.EUNAVAILABLE, Message: "The server could not write to its disk. Your change may not have been saved; check before trying again."}, true
	}
	var se *sqlite.Error
	if err == nil || !errors.As(err, &se) {
		return nil, false
	}
	msg := ""
	switch se.Code() & 0xff {
	case sqlite3.SQLITE_FULL:
		msg = "The server's disk is full, so nothing can be saved until someone makes room. Your change was not saved; reading works as before."
	case sqlite3.SQLITE_READONLY:
		msg = "The database is read-only at the moment, so nothing can be saved. Your change was not saved; reading works as before."
	case sqlite3.SQLITE_IOERR, sqlite3.SQLITE_CANTOPEN:
		msg = "The server could not write to its disk. Your change was not saved; try again in a moment."
	default:
		return nil, false
	}
	return &domain.Error{Code: domain.EUNAVAILABLE, Message: msg}, true
}
