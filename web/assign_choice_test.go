package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"claimtrail/domain"
)

// TestAssignStartsWithNobodyChosen: on an unassigned claim the editor's
// "Assign to" names nobody until they choose, so pressing Assign without
// choosing asks for a choice rather than handing the claim to whoever is
// first in the list.
func TestAssignStartsWithNobodyChosen(t *testing.T) {
	env := newTestEnv(t)
	ids := env.queuedClaims(1, "unemployment fell by 3%")
	env.signedIn("aaron@newsroom.example", domain.RoleReviewer)
	eddie, _ := env.signedIn("eddie@newsroom.example", domain.RoleEditor)
	page := eddie.get("/claims/" + itoa(ids[0]))
	wantStatus(t, page, http.StatusOK)
	chosen := page.Doc(t).Find(`#assignee option[selected]`)
	if chosen.Length() != 1 || chosen.AttrOr("value", "x") != "" {
		t.Fatalf("an unassigned claim's Assign to starts on %q", strings.TrimSpace(chosen.Text()))
	}
	res := eddie.postForm("/claims/"+itoa(ids[0])+"/assign", url.Values{"assignee": {""}, "claim_version": {env.claimVersion(ids[0])}})
	wantStatus(t, res, http.StatusUnprocessableEntity)
	if msg := res.TestID(t, "error-assignee"); !strings.Contains(msg, "Choose someone") {
		t.Errorf("Assign with nobody chosen says %q", msg)
	}
	if n := env.count(`SELECT count(*) FROM claims WHERE id = ? AND assignee_id IS NOT NULL`, ids[0]); n != 0 {
		t.Error("the claim was assigned with nobody chosen")
	}
}
