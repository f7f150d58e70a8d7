package storage

import (
	"context"
	"database/sql"
	"errors"
	"sync"

	"claimtrail/storage/kept"
)

// Reads that every page repeats (who is signed in, their unread count, a
// claim's matches, the list of outlets) are kept between requests for as
// long as nothing at all in the database has changed since they were read.
// "Nothing changed" is SQLite's data_version, read on a connection of its
// own that never writes: it moves whenever any other connection commits,
// this process's writer or another process (the command line) alike. A value
// is read after the generation it is kept under, so a change committed
// meanwhile makes it stale at once; nothing is ever served from an older
// generation than the database's current one.

// generation reads the database's data_version on one dedicated connection.
// The number belongs to that connection and only grows while it is open, so
// the connection is held for good: once it fails, nothing is cached again.
type generation struct {
	mu   sync.Mutex
	db   *sql.DB
	conn *sql.Conn
	stmt *sql.Stmt
}

func newGeneration(ctx context.Context, dsn string) (*generation, error) {
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, err
	}
	g := &generation{db: db}
	if g.conn, err = db.Conn(ctx); err == nil {
		g.stmt, err = g.conn.PrepareContext(ctx, `PRAGMA data_version`)
	}
	if err != nil {
		g.close()
		return nil, err
	}
	return g, nil
}

// current is the database's generation now: any commit since an earlier
// call, on any other connection, gives a larger number.
func (g *generation) current(ctx context.Context) (int64, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.stmt == nil {
		return 0, errNoGeneration
	}
	var v int64
	if err := g.stmt.QueryRowContext(ctx).Scan(&v); err != nil {
		if ctx.Err() == nil {
			// The connection may be gone, and a new one would count afresh.
			g.stmt.Close()
			g.stmt = nil
		}
		return 0, err
	}
	return v, nil
}

var errNoGeneration = errors.New("storage: database generation unknown")

func (g *generation) close() error {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.stmt != nil {
		g.stmt.Close()
		g.stmt = nil
	}
	if g.conn != nil {
		g.conn.Close()
	}
	return g.db.Close()
}

// readCache keeps values of one kind, each under the generation it was read
// at (package kept).
type readCache[K comparable, V any] = kept.Cache[K, V]

func newReadCache[K comparable, V any](max int) *readCache[K, V] {
	return kept.New[K, V](max)
}

// newWeighedReadCache is a readCache bounded by the bytes its values hold,
// as weigh counts them, rather than by their number.
func newWeighedReadCache[K comparable, V any](maxBytes int, weigh func(K, V) int) *readCache[K, V] {
	return kept.NewWeighed(maxBytes, weigh)
}

// generation returns the database's generation, or false when it is
// unknown and nothing may be served from a cache: the one pinned in ctx
// (PinGeneration), else the one now.
func (db *DB) generation(ctx context.Context) (int64, bool) {
	if p, _ := ctx.Value(pinKey{}).(*pin); p != nil {
		if gen, ok := p.get(); ok {
			return gen, true
		}
	}
	if db.gen == nil {
		return 0, false
	}
	gen, err := db.gen.current(ctx)
	return gen, err == nil
}

// Generation is the database's generation for ctx, and false when it is
// unknown: what a caller keeps drawn from reads made at one generation (a
// page's rendered list) is valid, exactly as the kept reads are, while the
// generation stays the same.
func (db *DB) Generation(ctx context.Context) (int64, bool) {
	return db.generation(ctx)
}

// PinGeneration returns a context whose reads ask whether the database
// changed once, here, rather than at each read: for the several reads of one
// page. They see the database at least as it was when the page was asked
// for, as separate reads did. Any change made with the context unpins it, so
// the reads after it see that change.
func (db *DB) PinGeneration(ctx context.Context) context.Context {
	gen, ok := db.generation(ctx)
	if !ok {
		return ctx
	}
	return context.WithValue(ctx, pinKey{}, &pin{gen: gen, ok: true})
}

type pinKey struct{}

// pin is a generation read once for a request, until it writes.
type pin struct {
	mu  sync.Mutex
	gen int64
	ok  bool
}

func (p *pin) get() (int64, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.gen, p.ok
}

// unpin drops the pinned generation of ctx, if any: a change is being made.
func unpin(ctx context.Context) {
	if p, _ := ctx.Value(pinKey{}).(*pin); p != nil {
		p.mu.Lock()
		p.ok = false
		p.mu.Unlock()
	}
}

// cached returns the value of read for k: kept if nothing changed since it
// was read, read (and kept) otherwise; requests missing it at once wait for
// one read. copy gives each caller its own value where V holds pointers a
// caller might change.
func cached[K comparable, V any](ctx context.Context, db *DB, c *readCache[K, V], k K, read func() (V, error), copy func(V) V) (V, error) {
	gen, ok := db.generation(ctx)
	if !ok {
		return read()
	}
	v, err := c.Read(ctx, gen, k, read)
	if err != nil {
		return v, err
	}
	return copy(v), nil
}
