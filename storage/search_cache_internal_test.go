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
		c.put(1, "search "+strconv.Itoa(i), compactHits(hits()))
		if c.bytes > max {
			t.Fatalf("after %d searches %d bytes are kept, bound %d", i+1, c.bytes, max)
		}
		n := 0
		for k, v := range c.m {
			n += hitsBytes(v) + len(k) + 64
		}
		if n != c.bytes {
			t.Fatalf("counted %d bytes, holds %d", c.bytes, n)
		}
	}
	if len(c.m) == 0 {
		t.Fatal("nothing kept")
	}
	got, ok := c.get(1, "search 999")
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
	if _, ok := c.get(2, "search 999"); ok {
		t.Error("served at a newer generation")
	}
	c.put(2, "new", compactHits(hits()))
	c.put(1, "old", compactHits(hits()))
	if _, ok := c.get(2, "old"); ok {
		t.Error("a result read at an older generation is kept")
	}
	if _, ok := c.get(2, "search 999"); ok || len(c.m) != 1 {
		t.Errorf("%d results kept after a new generation", len(c.m))
	}
	// One result larger than the bound is not kept at all.
	big := hits()
	big[0].Text = body + body
	c.put(2, "big", compactHits(big))
	if _, ok := c.get(2, "big"); ok || c.bytes > max {
		t.Errorf("a result over the bound is kept (%d bytes)", c.bytes)
	}
}

// The same search asked while it is being read waits for that read, at the
// same generation only, and gets results of its own; a read that failed is
// not kept.
func TestSearchAskedMeanwhileWaitsForTheSearchUnderWay(t *testing.T) {
	c := newSearchResults(1 << 20)
	hits := []match.Hit{{Kind: domain.SearchClaim, ID: 1, Text: "Harbour dues rose", Snippet: []match.Segment{{Text: "Harbour", Mark: true}}}}
	_, ok, f, leader := c.getOrJoin(5, "harbour")
	if ok || !leader {
		t.Fatal("the first to ask does not read")
	}
	if _, _, f2, leader2 := c.getOrJoin(5, "harbour"); leader2 || f2 != f {
		t.Fatal("the same search asked meanwhile reads again")
	}
	if _, _, _, leader3 := c.getOrJoin(6, "harbour"); !leader3 {
		t.Fatal("a search at a newer generation waits for an older one")
	}
	c.land(5, "harbour", f, hits, nil)
	<-f.done
	if f.err != nil || len(f.v) != 1 || f.v[0].Text != hits[0].Text {
		t.Fatalf("waiters got %+v, %v", f.v, f.err)
	}
	mine := copyHits(f.v)
	mine[0].Snippet[0].Text = "changed by a caller"
	if got, ok := c.get(5, "harbour"); !ok || got[0].Snippet[0].Text != "Harbour" {
		t.Errorf("kept %+v, %v after a waiter changed its copy", got, ok)
	}
	_, _, f, _ = c.getOrJoin(5, "failing")
	c.land(5, "failing", f, nil, errReadAbandoned)
	if _, ok := c.get(5, "failing"); ok || f.err == nil {
		t.Error("a failed search is kept or not reported to its waiters")
	}
	if _, _, _, leader := c.getOrJoin(5, "failing"); !leader {
		t.Error("a failed search is still waited for")
	}
}
