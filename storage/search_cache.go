package storage

import (
	"strconv"
	"strings"

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

// newSearchResults keeps the results of searches by what was asked, within
// maxBytes. What is kept is the compact copy SearchEverything makes
// (compactHits), which shares nothing with the text it was cut from.
func newSearchResults(maxBytes int) *readCache[string, []match.Hit] {
	return newWeighedReadCache(maxBytes, func(key string, hits []match.Hit) int { return hitsBytes(hits) + len(key) + 64 })
}

// hitsText is how many bytes of text hits hold.
func hitsText(hits []match.Hit) int {
	n := 0
	for _, h := range hits {
		n += len(h.Text) + len(h.Context) + len(h.Rating) + len(h.URL) + len(h.Day) + len(h.State) + len(h.Kind)
		for _, s := range h.Snippet {
			n += len(s.Text)
		}
	}
	return n
}

// hitsBytes is about how many bytes hits hold, their structs included.
func hitsBytes(hits []match.Hit) int {
	segs := 0
	for _, h := range hits {
		segs += len(h.Snippet)
	}
	const perHit, perSegment = 160, 32 // the structs themselves, roughly
	return hitsText(hits) + perHit*len(hits) + perSegment*segs
}

// compactHits copies hits into one block of text, so that what is kept
// does not hold the texts the results were cut from (a snippet of an
// article would otherwise hold its whole body).
func compactHits(hits []match.Hit) []match.Hit {
	n := hitsText(hits)
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
	return out
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
