package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"claimtrail/domain"
)

// approveByline approves, as editor, the byline owner asked for.
func approveByline(t *testing.T, editor *client, owner *domain.User, name string) {
	t.Helper()
	wantStatus(t, editor.postForm("/bylines/"+itoa(owner.ID)+"/approve", url.Values{"seen": {name}}), http.StatusSeeOther)
}

// TestBylineReachesPublishedChecksOnlyOnceApproved: a byline is printed on
// checks already published, so a new one reaches them only once an editor
// other than its owner approves it on the review page; until then the
// checks keep the one they had, and the owner is told so. Taking one's
// name off is at once. An editor decides the name they read, not one
// changed since.
func TestBylineReachesPublishedChecksOnlyOnceApproved(t *testing.T) {
	env := newTestEnv(t)
	setPublisher(t, env.db)
	env.queuedClaims(1, "unemployment fell by 3%")
	rita, ritaUser := env.signedIn("rita@newsroom.example", domain.RoleReviewer)
	eddie, eddieUser := env.signedIn("eddie@newsroom.example", domain.RoleEditor)
	wantStatus(t, rita.postForm("/settings/public-name", url.Values{"public_name": {"Rita Reviewer"}}), http.StatusSeeOther)
	approveByline(t, eddie, ritaUser, "Rita Reviewer")
	id := env.takeAndComplete(rita)
	wantStatus(t, rita.postForm("/claims/"+itoa(id)+"/verdict", url.Values{"version": {env.verdictVersion(id)}, "rating": {env.ratingID("Mostly false")},
		"conclusion": {"It fell by 0.3 points, not 3%."}}), http.StatusSeeOther)
	wantStatus(t, rita.postForm("/claims/"+itoa(id)+"/submit", url.Values{"version": {env.verdictVersion(id)}}), http.StatusSeeOther)
	wantStatus(t, eddie.postForm("/claims/"+itoa(id)+"/approve", url.Values{"version": {env.verdictVersion(id)}}), http.StatusSeeOther)
	reader := env.newClient()
	byline := func() string {
		t.Helper()
		res := reader.get("/checks/" + itoa(id))
		wantStatus(t, res, http.StatusOK)
		return res.TestID(t, "check-byline")
	}
	if got := byline(); !strings.Contains(got, "Rita Reviewer") {
		t.Fatalf("byline %q", got)
	}

	// Asked for: the published check keeps its byline, and Rita is told.
	res := rita.postForm("/settings/public-name", url.Values{"public_name": {"The Editor-in-Chief"}})
	wantStatus(t, res, http.StatusSeeOther)
	page := rita.get("/settings")
	if got := page.TestID(t, "flash-success"); !strings.Contains(got, "waits for an editor's approval") || !strings.Contains(got, "Rita Reviewer") {
		t.Errorf("flash %q", got)
	}
	if got := page.TestID(t, "public-name-requested"); !strings.Contains(got, "Rita Reviewer") {
		t.Errorf("the settings page does not say what is published meanwhile: %q", got)
	}
	if got, _ := page.Doc(t).Find("#public_name").Attr("value"); got != "The Editor-in-Chief" {
		t.Errorf("the field shows %q, want the name asked for", got)
	}
	if got := byline(); strings.Contains(got, "Editor-in-Chief") || !strings.Contains(got, "Rita Reviewer") {
		t.Fatalf("a byline nobody approved is published: %q", got)
	}

	// The review page lists it; a reviewer may not decide it, nor an editor
	// their own.
	review := eddie.get("/review")
	wantStatus(t, review, http.StatusOK)
	row := review.Doc(t).Find(`[data-testid="byline-request"][data-user-id="` + itoa(ritaUser.ID) + `"]`)
	if got := strings.TrimSpace(row.Find(`[data-testid="byline-requested"]`).Text()); got != "The Editor-in-Chief" {
		t.Fatalf("the review page lists %q", got)
	}
	for _, button := range []string{"approve-byline", "refuse-byline"} {
		ref := row.Find(`[data-testid="`+button+`"]`).AttrOr("aria-describedby", "")
		if got := strings.TrimSpace(review.Doc(t).Find("#" + ref).Text()); ref == "" || got != ritaUser.Name {
			t.Errorf("%s is described by %q, want whose byline it decides", button, got)
		}
	}
	wantStatus(t, rita.postForm("/bylines/"+itoa(ritaUser.ID)+"/approve", url.Values{"seen": {"The Editor-in-Chief"}}), http.StatusForbidden)
	wantStatus(t, eddie.postForm("/settings/public-name", url.Values{"public_name": {"Eddie Editor"}}), http.StatusSeeOther)
	own := eddie.postForm("/bylines/"+itoa(eddieUser.ID)+"/approve", url.Values{"seen": {"Eddie Editor"}})
	wantStatus(t, own, http.StatusForbidden)
	if got := eddie.get("/review").TestID(t, "byline-own"); got == "" {
		t.Error("the editor's own request offers them a decision")
	}

	// Asked for again in other words after the editor read it: the
	// decision on the old words is refused, naming the new ones.
	wantStatus(t, rita.postForm("/settings/public-name", url.Values{"public_name": {"Rita R. Reviewer"}}), http.StatusSeeOther)
	stale := eddie.postForm("/bylines/"+itoa(ritaUser.ID)+"/approve", url.Values{"seen": {"The Editor-in-Chief"}})
	wantStatus(t, stale, http.StatusConflict)
	if got := stale.TestID(t, "error-message"); !strings.Contains(got, "Rita R. Reviewer") {
		t.Errorf("stale decision message %q", got)
	}
	if got := byline(); !strings.Contains(got, "Rita Reviewer") || strings.Contains(got, "Editor-in-Chief") {
		t.Fatalf("byline after a stale decision %q", got)
	}
	approveByline(t, eddie, ritaUser, "Rita R. Reviewer")
	if got := byline(); !strings.Contains(got, "Rita R. Reviewer") {
		t.Fatalf("byline after approval %q", got)
	}

	// Withdrawn at once, with no one asked.
	wantStatus(t, rita.postForm("/settings/public-name", url.Values{"public_name": {""}}), http.StatusSeeOther)
	if got := byline(); strings.Contains(got, "Rita") {
		t.Errorf("byline after withdrawing it %q", got)
	}
}
