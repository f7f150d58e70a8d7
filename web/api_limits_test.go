package web

import (
	"net/http"
	"strings"
	"testing"

	"claimtrail/domain"
)

// One request must not be able to ask for the same work thousands of times:
// a state named twice, more states than exist, or a parameter given twice is
// refused with 422 before any query runs.
func TestAPIClaimListRefusesRepeatedAndTooManyStates(t *testing.T) {
	env := newTestEnv(t)
	rita, _ := env.apiUser("rita@newsroom.example", domain.RoleReviewer)
	for name, query := range map[string]string{
		"a state twice":          "state=candidate,candidate",
		"5,000 repeats":          "state=" + strings.Repeat("candidate,", 5000) + "candidate",
		"more states than exist": "state=candidate,queued,in_review,submitted,approved,dismissed,candidate",
		"state given twice":      "state=candidate&state=queued",
		"limit given twice":      "limit=5&limit=6",
		"cursor given twice":     "cursor=a&cursor=b",
		"type given twice":       "type=quantity&type=quantity",
	} {
		t.Run(name, func(t *testing.T) {
			fields := wantAPIError(t, rita.get("/api/v1/claims?"+query), http.StatusUnprocessableEntity, domain.EINVALID)
			if len(fields) != 1 {
				t.Errorf("fields %v, want the one parameter at fault", fields)
			}
		})
	}
	// Every state once, and "all", are still fine.
	wantStatus(t, rita.get("/api/v1/claims?state=candidate,queued,in_review,submitted,approved,dismissed"), http.StatusOK)
	wantStatus(t, rita.get("/api/v1/claims?state=all"), http.StatusOK)
}
