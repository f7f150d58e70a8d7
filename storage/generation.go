package storage

import (
	"context"
	"database/sql"
	"errors"
	"sync"
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
// at; a newer generation empties it. max bounds how many it keeps or, when
// weigh is set, how many bytes weigh says they hold (bytes).
type readCache[K comparable, V any] struct {
	mu    sync.Mutex
	gen   int64
	max   int
	m     map[K]V
	weigh func(K, V) int
	bytes int

	// reading holds the reads under way, so that requests arriving while
	// a value is being read wait for that read instead of each making it.
	reading map[flightKey[K]]*flight[V]
}

// flightKey names one read under way: a value, at a generation.
type flightKey[K comparable] struct {
	gen int64
	k   K
}

// flight is a read under way; done closes once v and err are set.
type flight[V any] struct {
	done chan struct{}
	v    V
	err  error
}

func newReadCache[K comparable, V any](max int) *readCache[K, V] {
	return &readCache[K, V]{max: max, m: map[K]V{}, reading: map[flightKey[K]]*flight[V]{}}
}

// newWeighedReadCache is a readCache bounded by the bytes its values hold,
// as weigh counts them, rather than by their number.
func newWeighedReadCache[K comparable, V any](maxBytes int, weigh func(K, V) int) *readCache[K, V] {
	c := newReadCache[K, V](maxBytes)
	c.weigh = weigh
	return c
}

// getOrJoin returns the value kept for k at generation gen; else the read
// of it already under way at gen, to wait for; else a new read, which the
// caller makes and ends with land.
func (c *readCache[K, V]) getOrJoin(gen int64, k K) (v V, ok bool, f *flight[V], leader bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen == gen {
		if v, ok := c.m[k]; ok {
			return v, true, nil, false
		}
	}
	fk := flightKey[K]{gen, k}
	if f := c.reading[fk]; f != nil {
		return v, false, f, false
	}
	f = &flight[V]{done: make(chan struct{})}
	c.reading[fk] = f
	return v, false, f, true
}

// land ends a read begun by getOrJoin: it is kept (when it worked) and
// handed to everyone waiting for it.
func (c *readCache[K, V]) land(gen int64, k K, f *flight[V], v V, err error) {
	if err == nil {
		c.put(gen, k, v)
	}
	c.mu.Lock()
	delete(c.reading, flightKey[K]{gen, k})
	c.mu.Unlock()
	f.v, f.err = v, err
	close(f.done)
}

// get returns the value kept for k if it was read at generation gen.
func (c *readCache[K, V]) get(gen int64, k K) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen != gen {
		var zero V
		return zero, false
	}
	v, ok := c.m[k]
	return v, ok
}

// put keeps v for k, read at generation gen (taken before the read began).
// A value from an older generation than the cache's is dropped.
func (c *readCache[K, V]) put(gen int64, k K, v V) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen {
		if gen < c.gen {
			return
		}
		clear(c.m)
		c.gen, c.bytes = gen, 0
	}
	// A crude bound: when it is passed everything goes, and the values read
	// most come back first.
	if c.weigh == nil {
		if len(c.m) >= c.max {
			clear(c.m)
		}
		c.m[k] = v
		return
	}
	n := c.weigh(k, v)
	if n > c.max {
		return
	}
	if old, ok := c.m[k]; ok {
		c.bytes -= c.weigh(k, old)
	}
	if c.bytes+n > c.max {
		clear(c.m)
		c.bytes = 0
	}
	c.m[k] = v
	c.bytes += n
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
// was read, read (and kept) otherwise. copy gives each caller its own value
// where V holds pointers a caller might change.
func cached[K comparable, V any](ctx context.Context, db *DB, c *readCache[K, V], k K, read func() (V, error), copy func(V) V) (V, error) {
	gen, ok := db.generation(ctx)
	if !ok {
		return read()
	}
	v, ok, f, leader := c.getOrJoin(gen, k)
	if ok {
		return copy(v), nil
	}
	if !leader {
		// The same read, at the same generation, is under way: its value
		// is as current for this request as a read of its own would be.
		select {
		case <-f.done:
		case <-ctx.Done():
			return v, ctx.Err()
		}
		if f.err == nil {
			return copy(f.v), nil
		}
		// That read failed (its request may have gone): read afresh.
		v, err := read()
		if err != nil {
			return v, err
		}
		c.put(gen, k, v)
		return copy(v), nil
	}
	v, err := leadRead(c, gen, k, f, read)
	if err != nil {
		return v, err
	}
	return copy(v), nil
}

// leadRead makes the read others wait for, and lands it even if read
// panics, so that nobody waits for it for ever.
func leadRead[K comparable, V any](c *readCache[K, V], gen int64, k K, f *flight[V], read func() (V, error)) (v V, err error) {
	landed := false
	defer func() {
		if !landed {
			var zero V
			c.land(gen, k, f, zero, errReadAbandoned)
		}
	}()
	v, err = read()
	landed = true
	c.land(gen, k, f, v, err)
	return v, err
}

var errReadAbandoned = errors.New("storage: a kept read was abandoned")
