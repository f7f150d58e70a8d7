package storage_test

import (
	"context"
	"testing"

	"claimtrail/domain"
)

// TestBylineWaitsForAnotherEditor: a new or changed byline waits for an
// editor other than its owner, who decides exactly the name they read; a
// byline withdrawn is gone at once. Every change is one audit event.
func TestBylineWaitsForAnotherEditor(t *testing.T) {
	db := openTestDB(t)
	rita := mustCreateUser(t, db, "rita@newsroom.example", domain.RoleReviewer)
	eddie := mustCreateUser(t, db, "eddie@newsroom.example", domain.RoleEditor)
	erin := mustCreateUser(t, db, "erin@newsroom.example", domain.RoleEditor)
	as := func(u *domain.User) context.Context {
		return domain.WithActor(context.Background(), domain.Actor{UserID: u.ID, Label: u.Email})
	}
	byline := func(u *domain.User) (string, string) {
		t.Helper()
		published, requested, err := db.PublicName(context.Background(), u.ID)
		if err != nil {
			t.Fatal(err)
		}
		if requested == nil {
			return published, "(none)"
		}
		return published, *requested
	}
	events := countEvents(t, db)
	step := func(what string, want int) {
		t.Helper()
		if n := countEvents(t, db) - events; n != want {
			t.Errorf("%s: %d audit events, want %d", what, n, want)
		}
		events = countEvents(t, db)
	}

	ch, err := db.SetPublicName(as(rita), rita.ID, "  Rita   Reviewer ")
	if err != nil || ch.Change != domain.BylineRequested || ch.Requested != "Rita Reviewer" {
		t.Fatalf("asking: %+v, %v", ch, err)
	}
	step("asking", 1)
	if p, r := byline(rita); p != "" || r != "Rita Reviewer" {
		t.Fatalf("published %q, waiting %q", p, r)
	}
	if _, err := db.SetPublicName(as(rita), rita.ID, "Rita Reviewer"); err != nil {
		t.Fatal(err)
	}
	step("asking again for the same", 0)
	reqs, err := db.BylineRequests(context.Background())
	if err != nil || len(reqs) != 1 || reqs[0].UserID != rita.ID || reqs[0].Requested != "Rita Reviewer" || reqs[0].At.IsZero() {
		t.Fatalf("requests %+v, %v", reqs, err)
	}

	for name, c := range map[string]struct {
		ctx   context.Context
		owner int64
		seen  string
		code  string
	}{
		"a reviewer":               {as(rita), eddie.ID, "x", domain.EFORBIDDEN},
		"a name not the one asked": {as(eddie), rita.ID, "Rita R.", domain.ECONFLICT},
		"an unknown person":        {as(eddie), 9999, "Rita Reviewer", domain.ENOTFOUND},
	} {
		if err := db.DecideByline(c.ctx, c.owner, c.seen, true); domain.ErrorCode(err) != c.code {
			t.Errorf("%s: %v, want %s", name, err, c.code)
		}
	}
	step("refused decisions", 0)

	if err := db.DecideByline(as(eddie), rita.ID, "Rita Reviewer", true); err != nil {
		t.Fatal(err)
	}
	step("approving", 1)
	if p, r := byline(rita); p != "Rita Reviewer" || r != "(none)" {
		t.Fatalf("after approval: published %q, waiting %q", p, r)
	}
	if err := db.DecideByline(as(eddie), rita.ID, "Rita Reviewer", true); domain.ErrorCode(err) != domain.ECONFLICT {
		t.Errorf("deciding again: %v", err)
	}

	// An editor's own byline waits for another editor.
	if _, err := db.SetPublicName(as(eddie), eddie.ID, "Eddie Editor"); err != nil {
		t.Fatal(err)
	}
	if err := db.DecideByline(as(eddie), eddie.ID, "Eddie Editor", true); domain.ErrorCode(err) != domain.EFORBIDDEN {
		t.Errorf("deciding one's own: %v", err)
	}
	if err := db.DecideByline(as(erin), eddie.ID, "Eddie Editor", false); err != nil {
		t.Fatal(err)
	}
	if p, r := byline(eddie); p != "" || r != "(none)" {
		t.Errorf("after refusal: published %q, waiting %q", p, r)
	}
	step("asking and refusing", 2)

	// A change asked for and then the published name asked again: the
	// request is withdrawn.
	if _, err := db.SetPublicName(as(rita), rita.ID, "R. Reviewer"); err != nil {
		t.Fatal(err)
	}
	if ch, err := db.SetPublicName(as(rita), rita.ID, "Rita Reviewer"); err != nil || ch.Change != domain.BylineUnchanged {
		t.Fatalf("asking for the published name: %+v, %v", ch, err)
	}
	if p, r := byline(rita); p != "Rita Reviewer" || r != "(none)" {
		t.Errorf("after withdrawing the request: published %q, waiting %q", p, r)
	}
	step("asking and withdrawing", 2)

	// Withdrawn at once, with any request waiting.
	if _, err := db.SetPublicName(as(rita), rita.ID, "Rita the Reviewer"); err != nil {
		t.Fatal(err)
	}
	if ch, err := db.SetPublicName(as(rita), rita.ID, ""); err != nil || ch.Change != domain.BylineNow || ch.Published != "" {
		t.Fatalf("withdrawing: %+v, %v", ch, err)
	}
	if p, r := byline(rita); p != "" || r != "(none)" {
		t.Errorf("after withdrawing: published %q, waiting %q", p, r)
	}
	step("asking and withdrawing the byline", 2)
	if reqs, _ := db.BylineRequests(context.Background()); len(reqs) != 0 {
		t.Errorf("requests left: %+v", reqs)
	}
}
