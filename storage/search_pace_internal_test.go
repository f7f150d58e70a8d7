package storage

import (
	"testing"
	"time"
)

// The indexer's transactions take as many documents as fit in the hold it
// aims at, at the time the last transactions took a document, within the
// bounds; a pass behind multiplies that.
func TestSearchPaceSizesTransactionsByTime(t *testing.T) {
	p := newSearchPace()
	p.hold, p.least, p.most = 5*time.Millisecond, 8, 256
	for _, c := range []struct {
		name   string
		perDoc time.Duration
		grow   int
		want   int
	}{
		{"half a millisecond a document", 500 * time.Microsecond, 1, 10},
		{"a slow machine: the fewest", 5 * time.Millisecond, 1, 8},
		{"a fast one: the most", 5 * time.Microsecond, 1, 256},
		{"behind: twice", 500 * time.Microsecond, 2, 20},
		{"behind: four times", 500 * time.Microsecond, 4, 40},
		{"behind long: the most", 500 * time.Microsecond, 64, 256},
	} {
		t.Run(c.name, func(t *testing.T) {
			p.perDoc = c.perDoc
			if got := p.batch(c.grow); got != c.want {
				t.Errorf("batch(%d) at %v a document = %d, want %d", c.grow, c.perDoc, got, c.want)
			}
		})
	}

	// The time a document takes follows the last transactions: after a
	// few at 2 ms a document the next takes fewer, and back.
	p.perDoc = 250 * time.Microsecond
	before := p.batch(1)
	for range 8 {
		p.held(20*time.Millisecond, 10)
	}
	slow := p.batch(1)
	for range 16 {
		p.held(2500*time.Microsecond, 10)
	}
	if after := p.batch(1); !(slow < before && after > slow && after >= 18) {
		t.Errorf("documents a transaction: %d, after slow transactions %d, after fast ones again %d", before, slow, after)
	}
	p.held(time.Second, 0) // a transaction that found nothing says nothing
	if got := p.batch(1); got < 18 {
		t.Errorf("an empty transaction moved the pace: %d documents", got)
	}
}
