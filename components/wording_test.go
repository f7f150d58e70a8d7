package components

import (
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

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

// TestAuditLogReadsOnAPhone: on a phone the audit log, like the desk's
// lists, reads as one block per event with each cell named by its column,
// instead of a table seven columns wide scrolled sideways; the request's id
// and address are on lines of their own.
func TestAuditLogReadsOnAPhone(t *testing.T) {
	u := &domain.User{ID: 1, Name: "Ada", Role: domain.RoleAdmin, Active: true}
	ev := &domain.AuditEvent{ID: 9, ActorLabel: "ada@newsroom.example", Action: "user.signed_in", Entity: "user", EntityID: 1,
		RequestID: "736572bd6f2a23dd", ClientAddr: "192.0.2.7"}
	doc := render(t, AuditPage(PageMeta{User: u, Path: "/admin/audit"}, AuditFilterForm{}, []AuditRow{{Event: ev}}, ""))
	if !doc.Find(`[data-testid="audit-events"]`).HasClass("table-stack") {
		t.Error("the audit log does not stack on a phone")
	}
	doc.Find(`[data-testid="audit-row"] td`).Each(func(i int, td *goquery.Selection) {
		if td.AttrOr("data-label", "") == "" {
			t.Errorf("cell %d is not named by its column", i)
		}
	})
	if n := doc.Find(`[data-testid="audit-request"] span`).Length(); n != 2 {
		t.Errorf("the request's id and address are in %d parts, want 2", n)
	}
}
