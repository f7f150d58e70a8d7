// Package kept keeps values made from database reads (rows, matches, a
// rendered page) for as long as the database has not changed since the
// reads were made. "Has not changed" is a generation: a number that grows
// with every commit (storage.DB.Generation). A value is kept under the
// generation taken before its reads began, so a change committed meanwhile
// makes it stale at once; nothing is ever served at a newer generation than
// the one it was kept under, and a newer generation empties the cache.
//
// Requests that miss the same value at the same generation wait for one
// read of it (Read) instead of each making it.
package kept

import (
	"context"
	"errors"
	"sync"
)

// Cache keeps values of one kind, each under the generation it was read at.
// Its bound is a number of values or, for NewWeighed, the bytes its weigh
// function counts. The zero Cache is not ready for use: make it with New or
// NewWeighed.
type Cache[K comparable, V any] struct {
	mu    sync.Mutex
	gen   int64
	max   int
	m     map[K]slot[V]
	weigh func(K, V) int
	bytes int

	// reading holds the reads under way, so that requests arriving while
	// a value is being read wait for that read instead of each making it.
	reading map[flightKey[K]]*flight[V]
}

// slot is a kept value, and whether it was asked for again since it was
// kept: when the bound is reached, the values asked for once go first.
type slot[V any] struct {
	v     V
	again bool
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

// New is a Cache of at most max values.
func New[K comparable, V any](max int) *Cache[K, V] {
	return &Cache[K, V]{max: max, m: map[K]slot[V]{}, reading: map[flightKey[K]]*flight[V]{}}
}

// NewWeighed is a Cache bounded by the bytes its values hold, as weigh
// counts them, rather than by their number. A value weighing more than
// maxBytes is never kept.
func NewWeighed[K comparable, V any](maxBytes int, weigh func(K, V) int) *Cache[K, V] {
	c := New[K, V](maxBytes)
	c.weigh = weigh
	return c
}

// Get returns the value kept for k if it was read at generation gen.
func (c *Cache[K, V]) Get(gen int64, k K) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen != gen {
		var zero V
		return zero, false
	}
	return c.hit(k)
}

// hit returns the value kept for k, marking it asked for again. c.mu is held.
func (c *Cache[K, V]) hit(k K) (V, bool) {
	s, ok := c.m[k]
	if ok && !s.again {
		s.again = true
		c.m[k] = s
	}
	return s.v, ok
}

// Put keeps v for k, read at generation gen (taken before the read began).
// A value from an older generation than the cache's is dropped; one from a
// newer generation empties the cache first.
func (c *Cache[K, V]) Put(gen int64, k K, v V) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen {
		if gen < c.gen {
			return
		}
		clear(c.m)
		c.gen, c.bytes = gen, 0
	}
	old, kept := c.m[k]
	if c.weigh == nil {
		if !kept && len(c.m) >= c.max {
			c.makeRoom()
		}
		c.m[k] = slot[V]{v: v, again: old.again}
		return
	}
	n := c.weigh(k, v)
	if n > c.max {
		return
	}
	if kept { // out of the count before any room is made
		c.bytes -= c.weigh(k, old.v)
		delete(c.m, k)
	}
	if c.bytes+n > c.max {
		c.makeRoom()
		if c.bytes+n > c.max {
			c.empty()
		}
	}
	c.m[k] = slot[V]{v: v, again: old.again}
	c.bytes += n
}

// makeRoom is what happens when the bound is reached: the values never
// asked for again since they were kept go, so that a run of values asked
// for once (first visits of many claims) does not push out those asked for
// again and again (the claims being worked on); when those asked for again
// hold more than half the bound, everything goes, and the values read most
// come back first. Either way at least half the bound is free after it.
// c.mu is held.
func (c *Cache[K, V]) makeRoom() {
	n, bytes := 0, 0
	for k, s := range c.m {
		if !s.again {
			continue
		}
		n++
		if c.weigh != nil {
			bytes += c.weigh(k, s.v)
		}
	}
	if (c.weigh == nil && n > c.max/2) || (c.weigh != nil && bytes > c.max/2) {
		c.empty()
		return
	}
	for k, s := range c.m {
		if !s.again {
			delete(c.m, k)
		}
	}
	c.bytes = bytes
}

// empty drops every value kept. c.mu is held.
func (c *Cache[K, V]) empty() {
	clear(c.m)
	c.bytes = 0
}

// Len is how many values are kept.
func (c *Cache[K, V]) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.m)
}

// Bytes is how many bytes the kept values weigh (0 for a cache made by New).
func (c *Cache[K, V]) Bytes() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.bytes
}

// Read returns the value for k at generation gen: the one kept; else the
// one a read already under way at gen brings; else read's, which is kept
// when it works. A read that fails is not kept, and those waiting for it
// read afresh.
func (c *Cache[K, V]) Read(ctx context.Context, gen int64, k K, read func() (V, error)) (V, error) {
	v, ok, f, leader := c.getOrJoin(gen, k)
	if ok {
		return v, nil
	}
	if leader {
		return c.lead(gen, k, f, read)
	}
	// The same read, at the same generation, is under way: its value is as
	// current for this request as a read of its own would be.
	select {
	case <-f.done:
	case <-ctx.Done():
		return v, ctx.Err()
	}
	if f.err == nil {
		return f.v, nil
	}
	// That read failed (its request may have gone): read afresh.
	v, err := read()
	if err != nil {
		return v, err
	}
	c.Put(gen, k, v)
	return v, nil
}

// getOrJoin returns the value kept for k at generation gen; else the read
// of it already under way at gen, to wait for; else a new read, which the
// caller makes and ends with land.
func (c *Cache[K, V]) getOrJoin(gen int64, k K) (v V, ok bool, f *flight[V], leader bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen == gen {
		if v, ok := c.hit(k); ok {
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

// lead makes the read others wait for, and lands it even if read panics,
// so that nobody waits for it for ever.
func (c *Cache[K, V]) lead(gen int64, k K, f *flight[V], read func() (V, error)) (v V, err error) {
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

// land ends a read begun by getOrJoin: it is kept (when it worked) and
// handed to everyone waiting for it.
func (c *Cache[K, V]) land(gen int64, k K, f *flight[V], v V, err error) {
	if err == nil {
		c.Put(gen, k, v)
	}
	c.mu.Lock()
	delete(c.reading, flightKey[K]{gen, k})
	c.mu.Unlock()
	f.v, f.err = v, err
	close(f.done)
}

var errReadAbandoned = errors.New("kept: a read was abandoned")
