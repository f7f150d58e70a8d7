package storage

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"syscall"

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
	running bool
	syncs   uint64 // fsyncs done, for tests
}

func newLogSyncer(dbPath string) *logSyncer {
	s := &logSyncer{path: dbPath + "-wal"}
	s.cond = sync.NewCond(&s.mu)
	return s
}

// wait returns once every change committed before the call is on disk.
func (s *logSyncer) wait() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.started++
	mine := s.started
	for s.synced < mine {
		if s.running {
			s.cond.Wait()
			continue
		}
		// Lead a sync covering everything committed so far.
		s.running = true
		target := s.started
		s.mu.Unlock()
		err := s.sync()
		s.mu.Lock()
		s.running = false
		if err != nil {
			s.cond.Broadcast()
			return err
		}
		s.synced = max(s.synced, target)
		s.syncs++
		s.cond.Broadcast()
	}
	return nil
}

// sync fsyncs the log file, reopening it if SQLite made a new one.
func (s *logSyncer) sync() error {
	st, err := os.Stat(s.path)
	if errors.Is(err, os.ErrNotExist) {
		return nil // no log: every change is in the database file, synced at checkpoint
	} else if err != nil {
		return fmt.Errorf("%w: %w", errSyncFailed, err)
	}
	ino := st.Sys().(*syscall.Stat_t).Ino
	if s.f == nil || ino != s.ino {
		if s.f != nil {
			s.f.Close()
		}
		if s.f, err = os.Open(s.path); err != nil {
			return fmt.Errorf("%w: %w", errSyncFailed, err)
		}
		s.ino = ino
	}
	if err := s.f.Sync(); err != nil {
		return fmt.Errorf("%w: %w", errSyncFailed, err)
	}
	return nil
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
