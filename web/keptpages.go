package web

import (
	"bytes"
	"context"
	"time"

	"github.com/a-h/templ"

	"claimtrail/components"
	"claimtrail/domain"
	"claimtrail/storage/kept"
)

// keptPages keeps the middle of a listed page (the queue, the review list,
// home) as templ rendered it, under the database generation its reads were
// made at (storage.DB.Generation): while nothing in the database changes,
// the same filter shows the same rows, so a request with the same key gets
// those bytes instead of reading and drawing them again. The layout around
// them (who is signed in, their unread count, a flash) is drawn for each
// request. A kept body also carries the moment it would start to show a
// claim wrongly as not overdue, and is not served from then on.
type keptPages struct {
	c *kept.Cache[string, keptPage]
}

type keptPage struct {
	html  []byte
	until time.Time // zero: no claim on it turns overdue
}

// keptPagesBytes bounds the memory kept bodies take (a queue page's middle is
// about 60 kB).
const keptPagesBytes = 16 << 20

// keptItemPagesBytes bounds the claim and article pages kept, in a cache of
// their own (15–20 kB each), so that first visits of many pages do not push
// the lists out.
const keptItemPagesBytes = 24 << 20

func newKeptPages() keptPages { return newKeptPagesOf(keptPagesBytes) }

func newKeptPagesOf(maxBytes int) keptPages {
	// A body is weighed by the memory it holds, its capacity, not only the
	// bytes it shows.
	return keptPages{kept.NewWeighed(maxBytes, func(key string, p keptPage) int { return len(key) + cap(p.html) })}
}

// get returns the body kept for key at generation gen, if it is still right
// at now; a key only marked (mark) gives a nil body and true.
func (k keptPages) get(gen int64, key string, now time.Time) ([]byte, bool) {
	p, ok := k.c.Get(gen, key)
	if !ok || (!p.until.IsZero() && !now.Before(p.until)) {
		return nil, false
	}
	return p.html, true
}

// mark notes that key was asked for at generation gen without keeping a
// body: get then answers (nil, true). A page opened once (a first visit)
// is drawn as usual, and kept only when asked for again, so pages opened
// once neither fill the bound nor cost the drawing twice.
func (k keptPages) mark(gen int64, key string) {
	k.c.Put(gen, key, keptPage{})
}

// put keeps html for key, drawn from reads made at generation gen (taken
// before they began), until the moment until (zero: for the generation).
func (k keptPages) put(gen int64, key string, html []byte, until time.Time) {
	k.c.Put(gen, key, keptPage{html, until})
}

// turnsOverdue is the first moment after now at which one of claims would
// be shown as overdue, zero if none would.
func turnsOverdue(claims []*domain.Claim, now time.Time) time.Time {
	var first time.Time
	for _, c := range claims {
		if from, ok := c.OverdueFrom(); ok && now.Before(from) && (first.IsZero() || from.Before(first)) {
			first = from
		}
	}
	return first
}

// keptBody renders body for keeping; nil when it failed (the page is then
// rendered the ordinary way, which reports the failure).
func keptBody(ctx context.Context, body templ.Component) []byte {
	var buf bytes.Buffer
	if err := body.Render(ctx, &buf); err != nil {
		return nil
	}
	// The buffer grew by doubling, up to twice what it holds: what is kept
	// is a copy of just the page.
	return bytes.Clone(buf.Bytes())
}

// keptTimelines keeps each claim's timeline (its audit events put into
// words) under the generation its events were read at, as keptPages does;
// the pages only read it.
type keptTimelines struct {
	c *kept.Cache[int64, []components.TimelineEntry]
}

// keptTimelinesMax bounds how many claims' timelines are kept.
const keptTimelinesMax = 1024

func newKeptTimelines() keptTimelines {
	return keptTimelines{kept.New[int64, []components.TimelineEntry](keptTimelinesMax)}
}

// get returns claim id's timeline kept at generation gen, else build's,
// kept when keep.
func (k keptTimelines) get(ctx context.Context, gen int64, keep bool, id int64, build func() []components.TimelineEntry) []components.TimelineEntry {
	if !keep {
		return build()
	}
	t, err := k.c.Read(ctx, gen, id, func() ([]components.TimelineEntry, error) { return build(), nil })
	if err != nil { // this request went away while another drew it
		return build()
	}
	return t
}
