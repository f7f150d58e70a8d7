package storage

import (
	"strconv"
	"strings"
	"testing"
	"unsafe"

	"claimtrail/domain"
	"claimtrail/domain/match"
)

// Kept search results stay within their byte bound however many different
// searches are asked, and a snippet kept does not hold the text it was cut
// from.
func TestSearchResultsStayWithinTheirBound(t *testing.T) {
	body := strings.Repeat("The harbour dues rose again this spring. ", 500) // an article's text
	hits := func() []match.Hit {
		return []match.Hit{{Kind: domain.SearchArticle, ID: 7, Text: "Harbour dues", Context: "The Gazette", Day: "2026-04-01",
			Snippet: []match.Segment{{Text: body[:4]}, {Text: body[4:11], Mark: true}, {Text: body[11:200]}}}}
	}
	const max = 8 << 10
	c := newSearchResults(max)
	for i := range 1000 {
		c.Put(1, "search "+strconv.Itoa(i), compactHits(hits()))
		if c.Bytes() > max {
			t.Fatalf("after %d searches %d bytes are kept, bound %d", i+1, c.Bytes(), max)
		}
	}
	if c.Len() == 0 {
		t.Fatal("nothing kept")
	}
	got, ok := c.Get(1, "search 999")
	if !ok || got[0].Snippet[1].Text != "harbour" || !got[0].Snippet[1].Mark {
		t.Fatalf("kept %+v, %v", got, ok)
	}
	start, end := uintptr(unsafe.Pointer(unsafe.StringData(body))), uintptr(unsafe.Pointer(unsafe.StringData(body)))+uintptr(len(body))
	for _, s := range got[0].Snippet {
		if p := uintptr(unsafe.Pointer(unsafe.StringData(s.Text))); p >= start && p < end {
			t.Error("a kept snippet points into the article's text")
		}
	}
	// Another generation: nothing from the last one is served, and an
	// older one is not kept.
	if _, ok := c.Get(2, "search 999"); ok {
		t.Error("served at a newer generation")
	}
	c.Put(2, "new", compactHits(hits()))
	c.Put(1, "old", compactHits(hits()))
	if _, ok := c.Get(2, "old"); ok {
		t.Error("a result read at an older generation is kept")
	}
	if _, ok := c.Get(2, "search 999"); ok || c.Len() != 1 {
		t.Errorf("%d results kept after a new generation", c.Len())
	}
	// One result larger than the bound is not kept at all.
	big := hits()
	big[0].Text = body + body
	c.Put(2, "big", compactHits(big))
	if _, ok := c.Get(2, "big"); ok || c.Bytes() > max {
		t.Errorf("a result over the bound is kept (%d bytes)", c.Bytes())
	}
}

// A search result handed out is the caller's own: changing it changes
// nothing kept.
func TestSearchResultsHandedOutAreCopies(t *testing.T) {
	c := newSearchResults(1 << 20)
	hits := []match.Hit{{Kind: domain.SearchClaim, ID: 1, Text: "Harbour dues rose", Snippet: []match.Segment{{Text: "Harbour", Mark: true}}}}
	c.Put(5, "harbour", hits)
	kept, _ := c.Get(5, "harbour")
	mine := copyHits(kept)
	mine[0].Snippet[0].Text = "changed by a caller"
	if got, ok := c.Get(5, "harbour"); !ok || got[0].Snippet[0].Text != "Harbour" {
		t.Errorf("kept %+v, %v after a caller changed its copy", got, ok)
	}
}
