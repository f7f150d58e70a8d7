package storage

import (
	"strconv"
	"strings"
	"sync"

	"claimtrail/domain"
	"claimtrail/domain/match"
)

// Searches are kept like the other reads (generation.go): under the
// generation read before the search began, so any commit anywhere makes
// every kept result stale at once, and within a bound on their bytes, so a
// stream of searches never asked before cannot grow the process.

// searchKeepBytes bounds the bytes of the results kept; when a result would
// pass it, everything kept is dropped (the searches asked most come back
// first).
const searchKeepBytes = 16 << 20

// searchResults keeps the results of searches by what was asked.
type searchResults struct {
	mu    sync.Mutex
	gen   int64
	bytes int
	max   int
	m     map[string][]match.Hit

	// reading holds the searches under way, so that the same search asked
	// again meanwhile (at the same generation) waits for it instead of
	// being read again.
	reading map[flightKey[string]]*flight[[]match.Hit]
}

func newSearchResults(maxBytes int) *searchResults {
	return &searchResults{max: maxBytes, m: map[string][]match.Hit{}, reading: map[flightKey[string]]*flight[[]match.Hit]{}}
}

// getOrJoin returns the results kept for key at generation gen (the
// caller's own copy); else the search of it under way at gen, to wait for;
// else a new search, which the caller makes and ends with land.
func (c *searchResults) getOrJoin(gen int64, key string) (hits []match.Hit, ok bool, f *flight[[]match.Hit], leader bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen == gen {
		if hits, ok := c.m[key]; ok {
			return copyHits(hits), true, nil, false
		}
	}
	fk := flightKey[string]{gen, key}
	if f := c.reading[fk]; f != nil {
		return nil, false, f, false
	}
	f = &flight[[]match.Hit]{done: make(chan struct{})}
	c.reading[fk] = f
	return nil, false, f, true
}

// land ends a search begun by getOrJoin: it is kept (when it worked) and
// handed to everyone waiting for it, who copy it for themselves.
func (c *searchResults) land(gen int64, key string, f *flight[[]match.Hit], hits []match.Hit, err error) {
	var kept []match.Hit
	if err == nil {
		kept, _ = compactHits(hits)
		c.put(gen, key, hits)
	}
	c.mu.Lock()
	delete(c.reading, flightKey[string]{gen, key})
	c.mu.Unlock()
	f.v, f.err = kept, err
	close(f.done)
}

// get returns the results kept for key if they were read at generation gen,
// as the caller's own copy.
func (c *searchResults) get(gen int64, key string) ([]match.Hit, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen != gen {
		return nil, false
	}
	hits, ok := c.m[key]
	if !ok {
		return nil, false
	}
	return copyHits(hits), true
}

// put keeps hits for key, read at generation gen (taken before the read
// began); results from an older generation than the cache's are dropped.
// What is kept is a compact copy that shares nothing with the caller's
// (a snippet of an article would otherwise hold its whole text).
func (c *searchResults) put(gen int64, key string, hits []match.Hit) {
	kept, size := compactHits(hits)
	size += len(key) + 64
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen {
		if gen < c.gen {
			return
		}
		clear(c.m)
		c.gen, c.bytes = gen, 0
	}
	if size > c.max {
		return
	}
	if old, ok := c.m[key]; ok {
		_, n := compactHits(old)
		c.bytes -= n + len(key) + 64
	}
	if c.bytes+size > c.max {
		clear(c.m)
		c.bytes = 0
	}
	c.m[key] = kept
	c.bytes += size
}

// compactHits copies hits into one block of text and says about how many
// bytes the copy holds.
func compactHits(hits []match.Hit) ([]match.Hit, int) {
	n := 0
	for _, h := range hits {
		n += len(h.Text) + len(h.Context) + len(h.Rating) + len(h.URL) + len(h.Day) + len(h.State) + len(h.Kind)
		for _, s := range h.Snippet {
			n += len(s.Text)
		}
	}
	var b strings.Builder
	b.Grow(n)
	keep := func(s string) string {
		if s == "" {
			return ""
		}
		from := b.Len()
		b.WriteString(s)
		return b.String()[from:]
	}
	// The builder's string is read only after every write: its bytes do
	// not move because Grow reserved them all.
	out := make([]match.Hit, len(hits))
	segs := 0
	for _, h := range hits {
		segs += len(h.Snippet)
	}
	all := make([]match.Segment, 0, segs)
	for i, h := range hits {
		h.Text, h.Context, h.Rating, h.URL, h.Day = keep(h.Text), keep(h.Context), keep(h.Rating), keep(h.URL), keep(h.Day)
		h.State, h.Kind = domain.ClaimState(keep(string(h.State))), domain.SearchKind(keep(string(h.Kind)))
		from := len(all)
		for _, s := range h.Snippet {
			all = append(all, match.Segment{Text: keep(s.Text), Mark: s.Mark})
		}
		h.Snippet = all[from:len(all):len(all)]
		out[i] = h
	}
	const perHit, perSegment = 160, 32 // the structs themselves, roughly
	return out, n + perHit*len(hits) + perSegment*segs
}

// copyHits gives a caller hits and snippets of its own to change.
func copyHits(hits []match.Hit) []match.Hit {
	if hits == nil {
		return nil
	}
	out := make([]match.Hit, len(hits))
	for i, h := range hits {
		h.Snippet = append([]match.Segment(nil), h.Snippet...)
		out[i] = h
	}
	return out
}

// searchKey names a search by everything its results depend on.
func searchKey(q match.Query, f domain.SearchFilter, limit int) string {
	var b strings.Builder
	list := func(tag byte, xs []string) {
		for _, x := range xs {
			b.WriteByte(tag)
			b.WriteString(x)
			b.WriteByte(0)
		}
	}
	list('w', q.Terms)
	list('p', q.Phrases)
	list('*', q.Prefixes)
	list('f', []string{string(f.Kind), string(f.State), f.Rating, string(f.Type), f.Outlet, f.Claimant})
	if !f.From.IsZero() {
		list('d', []string{domain.SearchDay(f.From)})
	}
	if !f.To.IsZero() {
		list('e', []string{domain.SearchDay(f.To)})
	}
	b.WriteString(strconv.Itoa(limit))
	return b.String()
}
