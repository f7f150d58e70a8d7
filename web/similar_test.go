package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"claimtrail/domain"
)

// A reviewer opening a claim sees that a claim worded like it was checked
// before, with its rating, and can follow the link to that check.
func TestClaimPageListsSimilarClaims(t *testing.T) {
	env := newTestEnv(t)
	rita, _ := env.signedIn("rita@newsroom.example", domain.RoleReviewer)
	eddie, _ := env.signedIn("eddie@newsroom.example", domain.RoleEditor)

	old := env.queuedClaims(1, "unemployment in Leeds fell by 3% last year")[0]
	if got := env.takeAndComplete(rita); got != old {
		t.Fatalf("took %d, want %d", got, old)
	}
	wantStatus(t, rita.postForm("/claims/"+itoa(old)+"/submit", url.Values{"version": {env.verdictVersion(old)}}), http.StatusSeeOther)
	wantStatus(t, eddie.postForm("/claims/"+itoa(old)+"/approve", url.Values{"version": {env.verdictVersion(old)}}), http.StatusSeeOther)

	fresh := env.queuedClaims(1, "last year unemployment in <b>Leeds</b> fell by 3%, the council said")[0]
	other := env.queuedClaims(1, "bus fares rose by 12% in Bristol")[0]

	doc := rita.get("/claims/" + itoa(fresh)).Doc(t)
	item := doc.Find(`[data-testid="similar-claim"]`)
	if item.Length() != 1 || item.AttrOr("data-claim-id", "") != itoa(old) {
		t.Fatalf("similar claims on %d: %d items, first %q", fresh, item.Length(), item.AttrOr("data-claim-id", ""))
	}
	if href := item.Find("a").AttrOr("href", ""); href != "/claims/"+itoa(old) {
		t.Errorf("link %q", href)
	}
	if r := item.Find(`[data-testid="similar-rating"]`).Text(); !strings.Contains(r, "Mostly false") {
		t.Errorf("rating %q", r)
	}
	// The earlier claim lists the new one as being checked now; an
	// unrelated claim lists nothing.
	if doc := rita.get("/claims/" + itoa(old)).Doc(t); doc.Find(`[data-claim-id="`+itoa(fresh)+`"][data-testid="similar-claim"]`).Length() != 1 {
		t.Error("the approved claim does not list the new one")
	}
	if n := rita.get("/claims/" + itoa(other)).Doc(t).Find(`[data-testid="similar-claims"]`).Length(); n != 0 {
		t.Error("an unrelated claim lists similar claims")
	}
	// Scripts get the same list from the API.
	api, _ := env.apiUser("script@newsroom.example", domain.RoleReviewer)
	res := api.get("/api/v1/claims/" + itoa(fresh))
	wantStatus(t, res, http.StatusOK)
	got := decode[struct {
		Similar []struct {
			ID     int64   `json:"id"`
			State  string  `json:"state"`
			Rating *string `json:"rating"`
		} `json:"similar"`
	}](t, res)
	if len(got.Similar) != 1 || got.Similar[0].ID != old || got.Similar[0].State != "approved" || got.Similar[0].Rating == nil || *got.Similar[0].Rating != "Mostly false" {
		t.Errorf("API similar: %+v", got.Similar)
	}

	// Claim text is shown as text, never as markup.
	page := rita.get("/claims/" + itoa(old)).Body
	if strings.Contains(page, "<b>Leeds</b>") {
		t.Error("claim text rendered as HTML")
	}
}
