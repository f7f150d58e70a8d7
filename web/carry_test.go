package web

import (
	"net/url"
	"strings"
	"testing"
)

// TestCarriedWorkIsBoundedPerSignIn: one person posting large forms to
// many pages (any page number will do) keeps at most carrySessionBytes,
// their oldest pages going first, and never pushes out what a colleague's
// page keeps.
func TestCarriedWorkIsBoundedPerSignIn(t *testing.T) {
	s := newCarryStore()
	s.put("colleague", "/claims/1", url.Values{"conclusion": {"It fell by 0.3 points."}})
	megabyte := strings.Repeat("x", 1<<20)
	for i := range 40 {
		s.put("insider", "/claims/"+itoa(int64(i)), url.Values{"explanation": {megabyte}})
	}
	if s.session["insider"] > carrySessionBytes || s.bytes > carrySessionBytes+1024 {
		t.Fatalf("one sign-in keeps %d bytes (all: %d), bound %d", s.session["insider"], s.bytes, carrySessionBytes)
	}
	if got := s.take("insider", "/claims/39"); got.Get("explanation") != megabyte {
		t.Error("the newest page's work was not kept")
	}
	if got := s.take("insider", "/claims/0"); got != nil {
		t.Error("the oldest page's work was kept beyond the bound")
	}
	if got := s.take("colleague", "/claims/1"); got.Get("conclusion") != "It fell by 0.3 points." {
		t.Error("a colleague's typed work was pushed out")
	}
	// Too large for any sign-in: not kept, and nothing else is lost for it.
	s.put("insider", "/claims/1", url.Values{"explanation": {strings.Repeat("y", carrySessionBytes+1)}})
	if got := s.take("insider", "/claims/1"); got != nil {
		t.Error("a form larger than the bound was kept")
	}
	if got := s.take("insider", "/claims/38"); got.Get("explanation") != megabyte {
		t.Error("an oversized form pushed out other pages' work")
	}
	if s.bytes != s.session["insider"] || len(s.entries) == 0 && s.bytes != 0 {
		t.Errorf("byte counts drifted: all %d, insider %d, %d entries", s.bytes, s.session["insider"], len(s.entries))
	}
}

// TestMakingRoomForLargeWorkIsOnePass: one sign-in's many small pages make
// room for a large one in a single pass over what is kept, not a pass per
// page pushed out, which with thousands of entries held every post up
// (the store's lock is everyone's); the oldest still go first.
func TestMakingRoomForLargeWorkIsOnePass(t *testing.T) {
	s := newCarryStore()
	small := strings.Repeat("x", 4<<10)
	for i := range 2000 {
		s.put("insider", "/claims/"+itoa(int64(i)), url.Values{"explanation": {small}})
	}
	scans := s.scans
	s.put("insider", "/articles/1", url.Values{"body": {strings.Repeat("y", 4<<20)}})
	if n := s.scans - scans; n > 1 {
		t.Errorf("%d passes over the kept work to make room once", n)
	}
	if s.session["insider"] > carrySessionBytes {
		t.Fatalf("one sign-in keeps %d bytes, bound %d", s.session["insider"], carrySessionBytes)
	}
	if s.take("insider", "/articles/1") == nil || s.take("insider", "/claims/1999") == nil {
		t.Error("the newest work was not kept")
	}
	if s.take("insider", "/claims/0") != nil {
		t.Error("the oldest work was kept while newer went")
	}
}
