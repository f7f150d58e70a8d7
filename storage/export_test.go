package storage_test

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"testing"
	"time"

	"claimtrail/domain"
	"claimtrail/storage"
	"claimtrail/storage/storagetest"
)

// exportFixture is a small newsroom: two reviewers, two editors, two
// ratings, two outlets and claims in several states.
type exportFixture struct {
	db                          *storage.DB
	approvedFeb, approvedMar    int64
	submitted, dismissed, other int64
}

func newExportFixture(t *testing.T) *exportFixture {
	db := openTestDB(t)
	s := storagetest.New(t, db.Path)
	rita := s.User("rita@newsroom.example", "Rita Reviewer", domain.RoleReviewer)
	rob := s.User("rob@newsroom.example", "Rob Reviewer", domain.RoleReviewer)
	eddie := s.User("eddie@newsroom.example", "Eddie Editor", domain.RoleEditor)
	erin := s.User("erin@newsroom.example", "Erin Editor", domain.RoleEditor)
	falseR := s.Rating("False", 1, 5)
	trueR := s.Rating("True", 5, 1)
	herald := s.Article(storagetest.Article{Title: "Budget day", Outlet: "The Herald", URL: "https://herald.example/budget"})
	post := s.Article(storagetest.Article{Title: "Hospital waits", Outlet: "Morning Post"})
	f := &exportFixture{db: db}
	f.approvedFeb = s.Claim(storagetest.Claim{ArticleID: herald, Text: "Taxes rose 5%", Claimant: "Minister", Figures: []string{"5%"},
		RatingID: falseR, Conclusion: "They fell.", AuthorID: rita, EditorID: eddie,
		SubmittedAt: time.Date(2025, 2, 9, 10, 0, 0, 0, time.UTC), ApprovedAt: time.Date(2025, 2, 10, 12, 0, 0, 0, time.UTC),
		Sources: []storagetest.Source{{Title: "Budget tables", URL: "https://gov.example/t"}, {Title: "ONS release", URL: "https://ons.example/r"}}})
	f.approvedMar = s.Claim(storagetest.Claim{ArticleID: post, Text: "Waits halved", Type: domain.TypeCausation,
		RatingID: trueR, Conclusion: "Correct.", AuthorID: rob, EditorID: erin,
		SubmittedAt: time.Date(2025, 3, 4, 10, 0, 0, 0, time.UTC), ApprovedAt: time.Date(2025, 3, 5, 23, 59, 0, 0, time.UTC)})
	f.submitted = s.Claim(storagetest.Claim{ArticleID: post, Text: "Beds up", State: domain.StateSubmitted, RatingID: trueR, AuthorID: rita})
	f.dismissed = s.Claim(storagetest.Claim{ArticleID: herald, Text: "Lovely weather", State: domain.StateDismissed})
	f.other = s.Claim(storagetest.Claim{ArticleID: herald, Text: "Queued one", State: domain.StateQueued})
	return f
}

func (f *exportFixture) ids(t *testing.T, filter storage.ExportFilter) []int64 {
	t.Helper()
	var ids []int64
	_, err := f.db.ExportClaims(actorCtx("eddie@newsroom.example"), filter, func(r *storage.ExportRow) error {
		ids = append(ids, r.ClaimID)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

func TestExportClaimsFilters(t *testing.T) {
	f := newExportFixture(t)
	day := func(m time.Month, d int) time.Time { return time.Date(2025, m, d, 0, 0, 0, 0, time.UTC) }
	tests := []struct {
		name   string
		filter storage.ExportFilter
		want   []int64
	}{
		{"default is approved", storage.ExportFilter{}, []int64{f.approvedFeb, f.approvedMar}},
		{"all states", storage.ExportFilter{State: storage.ExportAllStates}, []int64{f.approvedFeb, f.approvedMar, f.submitted, f.dismissed, f.other}},
		{"submitted", storage.ExportFilter{State: domain.StateSubmitted}, []int64{f.submitted}},
		{"since", storage.ExportFilter{ApprovedSince: day(3, 1)}, []int64{f.approvedMar}},
		{"until is exclusive", storage.ExportFilter{ApprovedUntil: day(3, 5)}, []int64{f.approvedFeb}},
		{"range", storage.ExportFilter{ApprovedSince: day(2, 10), ApprovedUntil: day(3, 6)}, []int64{f.approvedFeb, f.approvedMar}},
		{"rating", storage.ExportFilter{Rating: "False"}, []int64{f.approvedFeb}},
		{"unknown rating", storage.ExportFilter{Rating: "Pants on fire"}, nil},
		{"outlet", storage.ExportFilter{Outlet: "Morning Post"}, []int64{f.approvedMar}},
		{"unknown outlet", storage.ExportFilter{Outlet: "Nobody"}, nil},
		{"reviewer", storage.ExportFilter{Reviewer: "Rita@Newsroom.example"}, []int64{f.approvedFeb}},
		{"editor", storage.ExportFilter{Editor: "erin@newsroom.example"}, []int64{f.approvedMar}},
		{"claim type", storage.ExportFilter{ClaimType: domain.TypeCausation}, []int64{f.approvedMar}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := f.ids(t, tt.filter); !slices.Equal(got, tt.want) {
				t.Errorf("ids = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestExportRowFields(t *testing.T) {
	f := newExportFixture(t)
	var got []storage.ExportRow
	f.db.ExportClaims(context.Background(), storage.ExportFilter{}, func(r *storage.ExportRow) error {
		got = append(got, *r)
		return nil
	})
	if len(got) != 2 {
		t.Fatalf("%d rows", len(got))
	}
	r := got[0]
	want := storage.ExportRow{ClaimID: f.approvedFeb, Claim: "Taxes rose 5%", Claimant: "Minister", ClaimType: domain.TypeQuantity,
		Figures: "5%", ArticleTitle: "Budget day", ArticleURL: "https://herald.example/budget", Outlet: "The Herald",
		Rating: "False", RatingValue: 1, HasRating: true, Conclusion: "They fell.",
		Sources: "Budget tables — https://gov.example/t\nONS release — https://ons.example/r", Reviewer: "Rita Reviewer", Editor: "Eddie Editor",
		SubmittedAt: time.Date(2025, 2, 9, 10, 0, 0, 0, time.UTC), ApprovedAt: time.Date(2025, 2, 10, 12, 0, 0, 0, time.UTC), State: domain.StateApproved}
	if r != want {
		t.Errorf("row =\n%+v\nwant\n%+v", r, want)
	}
	if got[1].Figures != "" || got[1].Sources != "" {
		t.Errorf("claim without figures or sources: %q %q", got[1].Figures, got[1].Sources)
	}
}

func TestExportIsAuditedWithFiltersAndRowCount(t *testing.T) {
	f := newExportFixture(t)
	ctx := actorCtx("eddie@newsroom.example")
	n, err := f.db.ExportClaims(ctx, storage.ExportFilter{Outlet: "The Herald", ApprovedSince: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)},
		func(*storage.ExportRow) error { return nil })
	if err != nil || n != 1 {
		t.Fatalf("n = %d, err = %v", n, err)
	}
	// A stopped export is recorded too, as incomplete.
	stop := errors.New("client went away")
	if _, err := f.db.ExportClaims(ctx, storage.ExportFilter{State: storage.ExportAllStates}, func(*storage.ExportRow) error { return stop }); !errors.Is(err, stop) {
		t.Fatalf("err = %v", err)
	}
	events, err := f.db.ListAuditEvents(context.Background(), domain.AuditFilter{Action: "export.csv"})
	if err != nil || len(events) != 2 {
		t.Fatalf("events = %d, err = %v", len(events), err)
	}
	type record struct {
		Filters  map[string]string `json:"filters"`
		Rows     int               `json:"rows"`
		Complete bool              `json:"complete"`
	}
	var first, second record
	json.Unmarshal(events[1].After, &first)
	json.Unmarshal(events[0].After, &second)
	if events[1].ActorLabel != "eddie@newsroom.example" || first.Rows != 1 || !first.Complete ||
		first.Filters["outlet"] != "The Herald" || first.Filters["approved_since"] != "2025-01-01T00:00:00Z" || first.Filters["state"] != "approved" {
		t.Errorf("first event: %s by %s", events[1].After, events[1].ActorLabel)
	}
	if second.Complete || second.Rows != 0 || second.Filters["state"] != "all" {
		t.Errorf("stopped export: %s", events[0].After)
	}
	if _, err := f.db.VerifyAudit(context.Background()); err != nil {
		t.Error(err)
	}
}

func TestPublishedChecksOnlyApproved(t *testing.T) {
	f := newExportFixture(t)
	ctx := context.Background()
	p, err := f.db.PublishedCheck(ctx, f.approvedFeb)
	if err != nil {
		t.Fatal(err)
	}
	if p.Claim != "Taxes rose 5%" || p.Rating.Name != "False" || len(p.Sources) != 2 || p.Sources[1].Title != "ONS release" || p.Outlet != "The Herald" {
		t.Errorf("check = %+v", p)
	}
	for _, id := range []int64{f.submitted, f.dismissed, f.other, 9999} {
		if _, err := f.db.PublishedCheck(ctx, id); domain.ErrorCode(err) != domain.ENOTFOUND {
			t.Errorf("claim %d: err = %v, want not found", id, err)
		}
	}
	page, err := f.db.PublishedChecks(ctx, storage.CheckCursor{}, 1)
	if err != nil || len(page) != 1 || page[0].ClaimID != f.approvedMar {
		t.Fatalf("first page: %v %v", page, err)
	}
	page, err = f.db.PublishedChecks(ctx, storage.ParseCheckCursor(storage.CursorAfter(page[0]).String()), 1)
	if err != nil || len(page) != 1 || page[0].ClaimID != f.approvedFeb {
		t.Fatalf("second page: %v %v", page, err)
	}
	page, _ = f.db.PublishedChecks(ctx, storage.CursorAfter(page[0]), 1)
	if len(page) != 0 {
		t.Errorf("third page: %d checks", len(page))
	}
	n, err := f.db.AllPublishedChecks(ctx, func(*domain.PublishedCheck) error { return nil })
	if err != nil || n != 2 {
		t.Errorf("all: %d %v", n, err)
	}
}
