package web

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"claimtrail/domain"
)

// TestAPIClaimListKeptFollowsEveryChange asks for pages of the claim list
// that are kept as written while nothing changes: the same page again is the
// same bytes, another limit, cursor or state is its own answer, and a change,
// whether through the API or made around the server by another process,
// shows at the next request.
func TestAPIClaimListKeptFollowsEveryChange(t *testing.T) {
	env := newTestEnv(t)
	ids := env.queuedClaims(3, "exports rose by 4%")
	script, _ := env.apiUser("rita@newsroom.example", domain.RoleReviewer)
	list := func(query string) (string, []int64) {
		t.Helper()
		res := script.get("/api/v1/claims?" + query)
		wantStatus(t, res, http.StatusOK)
		var out struct {
			Claims []struct {
				ID   int64  `json:"id"`
				Text string `json:"text"`
			} `json:"claims"`
			NextCursor *string `json:"next_cursor"`
		}
		if err := json.Unmarshal([]byte(res.Body), &out); err != nil {
			t.Fatal(err)
		}
		var got []int64
		for _, c := range out.Claims {
			got = append(got, c.ID)
		}
		return res.Body, got
	}
	same := func(what string, got, want []int64) {
		t.Helper()
		if len(got) != len(want) {
			t.Fatalf("%s: claims %v, want %v", what, got, want)
		}
		for i := range got {
			if got[i] != want[i] {
				t.Fatalf("%s: claims %v, want %v", what, got, want)
			}
		}
	}

	first, all := list("limit=50")
	if len(all) != 3 {
		t.Fatalf("queue lists %v, want 3 claims", all)
	}
	if again, _ := list("limit=50"); again != first {
		t.Errorf("the same page asked again differs:\n%s\n%s", first, again)
	}
	_, two := list("limit=2")
	same("limit=2", two, all[:2])
	var page struct {
		NextCursor string `json:"next_cursor"`
	}
	body, _ := list("limit=2")
	json.Unmarshal([]byte(body), &page)
	_, rest := list("limit=2&cursor=" + page.NextCursor)
	same("the second page", rest, all[2:])
	_, none := list("state=approved")
	same("approved", none, nil)

	// A change through the API: the claim taken leaves the queue.
	taken := script.post("/api/v1/queue/next", nil)
	wantStatus(t, taken, http.StatusOK)
	_, after := list("limit=50")
	same("after a take", after, all[1:])
	_, inReview := list("state=in_review")
	same("in review after a take", inReview, all[:1])

	// A change made by another process: the claim's new words show at once.
	if _, err := env.raw().Exec(`UPDATE claims SET text = 'exports fell by 2%' WHERE id = ?`, ids[2]); err != nil {
		t.Fatal(err)
	}
	if body, _ := list("limit=50"); !strings.Contains(body, "exports fell by 2%") {
		t.Errorf("a change around the server does not show: %s", body)
	}
}

// TestAPITokenKeptUntilAnythingChanges revokes a working token and then
// deactivates another's owner from outside the server (another process, as
// the command line would): a token's read kept from the requests before
// must not outlive either.
func TestAPITokenKeptUntilAnythingChanges(t *testing.T) {
	env := newTestEnv(t)
	script, _ := env.apiUser("rita@newsroom.example", domain.RoleReviewer)
	other, otto := env.apiUser("otto@newsroom.example", domain.RoleReviewer)
	for range 2 {
		wantStatus(t, script.get("/api/v1/claims"), http.StatusOK)
		wantStatus(t, other.get("/api/v1/claims"), http.StatusOK)
	}
	raw := env.raw()
	now := time.Now().UTC().Format(time.RFC3339Nano)
	if _, err := raw.Exec(`UPDATE api_tokens SET revoked_at = ? WHERE name = 'rita script'`, now); err != nil {
		t.Fatal(err)
	}
	wantAPIError(t, script.get("/api/v1/claims"), http.StatusUnauthorized, domain.EUNAUTHORIZED)
	wantStatus(t, other.get("/api/v1/claims"), http.StatusOK)
	if _, err := raw.Exec(`UPDATE users SET active = 0 WHERE id = ?`, otto.ID); err != nil {
		t.Fatal(err)
	}
	wantAPIError(t, other.get("/api/v1/claims"), http.StatusUnauthorized, domain.EUNAUTHORIZED)
}
