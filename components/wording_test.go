package components

import (
	"strings"
	"testing"

	"claimtrail/domain"
	"claimtrail/domain/match"
)

// TestSearchResultDatesReadLikeTheRestOfTheApp: a result's day is written
// as every other page writes dates ("3 Mar 2026"), with the machine form
// kept for assistive technology in <time datetime>.
func TestSearchResultDatesReadLikeTheRestOfTheApp(t *testing.T) {
	u := &domain.User{ID: 1, Name: "Rita", Role: domain.RoleReviewer, Active: true}
	doc := render(t, SearchPage(PageMeta{User: u, Path: "/search"}, SearchView{Q: "jobs", Searched: true,
		Results: []match.Hit{{Kind: domain.SearchClaim, ID: 4, ClaimID: 4, Text: "jobs rose", Day: "2026-03-03",
			Snippet: []match.Segment{{Text: "jobs rose"}}}}}))
	day := doc.Find(`[data-testid="search-result-day"]`)
	if got := strings.TrimSpace(day.Text()); got != "3 Mar 2026" {
		t.Errorf("the result's day reads %q, want 3 Mar 2026", got)
	}
	if got := day.AttrOr("datetime", ""); got != "2026-03-03" {
		t.Errorf("datetime %q", got)
	}
}
