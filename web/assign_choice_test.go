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

// TestHistoryWritesDatesAsThePageDoes: a due date set shows in the claim's
// history as the page's own dates read ("7 Dec 2026"), not as 2026-12-07.
func TestHistoryWritesDatesAsThePageDoes(t *testing.T) {
	env := newTestEnv(t)
	ids := env.queuedClaims(1, "unemployment fell by 3%")
	eddie, _ := env.signedIn("eddie@newsroom.example", domain.RoleEditor)
	path := "/claims/" + itoa(ids[0])
	wantStatus(t, eddie.postForm(path+"/due", url.Values{"due": {"2030-12-07"}, "claim_version": {env.claimVersion(ids[0])}}), http.StatusSeeOther)
	changes := eddie.get(path).Doc(t).Find(`[data-testid="timeline-changes"]`).Text()
	if !strings.Contains(changes, "7 Dec 2030") || strings.Contains(changes, "2030-12-07") {
		t.Errorf("the history shows the due date as %q", strings.Join(strings.Fields(changes), " "))
	}
}

// TestQueuedClaimSaysHowWorkStarts: a queued claim's page does not leave a
// reviewer at "Nobody has started on this claim yet": it says claims are
// taken in order of priority and leads to the Queue's Take next; an editor
// is also told they can assign it.
func TestQueuedClaimSaysHowWorkStarts(t *testing.T) {
	env := newTestEnv(t)
	ids := env.queuedClaims(1, "unemployment fell by 3%")
	rita, _ := env.signedIn("rita@newsroom.example", domain.RoleReviewer)
	eddie, _ := env.signedIn("eddie@newsroom.example", domain.RoleEditor)
	for _, c := range []struct {
		who    *client
		assign bool
	}{{rita, false}, {eddie, true}} {
		note := c.who.get("/claims/" + itoa(ids[0])).Doc(t).Find(`[data-testid="verdict-not-started"]`)
		if note.Find(`a[href="/queue"]`).Length() != 1 {
			t.Errorf("the note %q does not lead to the Queue", strings.Join(strings.Fields(note.Text()), " "))
		}
		if got := strings.Contains(note.Text(), "assign"); got != c.assign {
			t.Errorf("the note mentions assigning: %v, want %v", got, c.assign)
		}
	}
}
