package storage

import (
	"maps"
	"slices"
	"sync"
	"time"

	"claimtrail/domain"
)

// deskCache keeps the dashboards worked out lately, each for the filter
// and the desk generation (migration 195) it was read at. The generation
// is read in the same snapshot as the dashboard itself, so a kept dashboard
// is only handed out while nothing it was read from has changed. Besides
// data, one thing moves the figures: the clock passing an open claim's due
// date (the overdue count), so each entry also ends at the next due date.
// Requests that miss together wait for one reading instead of each doing
// it.
type deskCache struct {
	mu      sync.Mutex
	entries map[deskKey]*deskEntry
	off     bool // every read goes to the counters (benchmarks of the reading itself)
}

type deskKey struct {
	from, to, outlet string
}

type deskEntry struct {
	gen   int64
	read  time.Time // when it was read
	until time.Time // the next open claim's due date after read; zero when none
	used  time.Time
	desk  *domain.Desk
	err   error
	ready chan struct{} // closed once desk or err is set
}

// deskCacheSize bounds how many filters are kept; the least recently used
// goes first.
const deskCacheSize = 64

// deskMaxAge is the longest an entry is kept, whatever happens.
const deskMaxAge = time.Minute

func keyOf(f domain.DeskFilter) deskKey {
	return deskKey{f.From.Format(time.DateOnly), f.To.Format(time.DateOnly), f.Outlet}
}

// fresh reports whether e may answer at generation gen and time now.
func (e *deskEntry) fresh(gen int64, now time.Time) bool {
	return e.gen == gen && !now.Before(e.read) && now.Sub(e.read) < deskMaxAge &&
		(e.until.IsZero() || !now.After(e.until))
}

// lookup returns the entry for key at gen and now: one already read (or
// being read by another request), or a new one the caller must fill with
// done. The caller waits on ready before reading desk.
func (c *deskCache) lookup(key deskKey, gen int64, now time.Time) (e *deskEntry, mine bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.off {
		return &deskEntry{gen: gen, read: now, ready: make(chan struct{})}, true
	}
	if e := c.entries[key]; e != nil && e.fresh(gen, now) {
		select {
		case <-e.ready:
			if e.err != nil {
				break // a failed read is tried again
			}
			e.used = now
			return e, false
		default:
			return e, false
		}
	}
	if c.entries == nil {
		c.entries = map[deskKey]*deskEntry{}
	}
	if len(c.entries) >= deskCacheSize {
		var oldest deskKey
		var at time.Time
		first := true
		for k, x := range c.entries {
			if first || x.used.Before(at) {
				oldest, at, first = k, x.used, false
			}
		}
		delete(c.entries, oldest)
	}
	e = &deskEntry{gen: gen, read: now, used: now, ready: make(chan struct{})}
	c.entries[key] = e
	return e, true
}

// done records the dashboard read for e and wakes those waiting on it.
func (c *deskCache) done(e *deskEntry, d *domain.Desk, until time.Time, err error) {
	c.mu.Lock()
	e.desk, e.until, e.err = d, until, err
	c.mu.Unlock()
	close(e.ready)
}

// cloneDesk copies d deeply enough that no caller shares a slice or map
// with the kept one.
func cloneDesk(d *domain.Desk) *domain.Desk {
	c := *d
	c.Outlets = slices.Clone(d.Outlets)
	c.Days = slices.Clone(d.Days)
	c.States = maps.Clone(d.States)
	c.Ratings = slices.Clone(d.Ratings)
	c.Reviewers = slices.Clone(d.Reviewers)
	c.Editors = slices.Clone(d.Editors)
	c.TopOutlets = cloneMixes(d.TopOutlets)
	c.TopClaimants = cloneMixes(d.TopClaimants)
	return &c
}

func cloneMixes(ms []domain.RatingMix) []domain.RatingMix {
	if ms == nil {
		return nil
	}
	out := make([]domain.RatingMix, len(ms))
	for i, m := range ms {
		out[i] = m
		out[i].ByRating = slices.Clone(m.ByRating)
	}
	return out
}
