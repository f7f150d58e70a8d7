package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"claimtrail/domain"
)

func TestRatingFormRefusesOddValuesAndNamesDifferingOnlyInCase(t *testing.T) {
	env := newTestEnv(t)
	eddie, _ := env.signedIn("eddie@newsroom.example", domain.RoleEditor)
	for _, value := range []string{"Inf", "-Infinity", "NaN", "1e308", "1001"} {
		res := eddie.postForm("/ratings", url.Values{"name": {"Odd " + value}, "value": {value}})
		wantStatus(t, res, http.StatusUnprocessableEntity)
		if msg := res.TestID(t, "error-value"); !strings.Contains(msg, "from -1000 to 1000") {
			t.Errorf("value %s: message %q", value, msg)
		}
	}
	res := eddie.postForm("/ratings", url.Values{"name": {"MOSTLY TRUE"}, "value": {"5"}})
	wantStatus(t, res, http.StatusUnprocessableEntity)
	if msg := res.TestID(t, "error-name"); !strings.Contains(msg, "already a rating with that name") {
		t.Errorf("name in other case: message %q", msg)
	}
	// Renaming a rating to another's name in other letters is refused too,
	// but a rating may change the case of its own name.
	res = eddie.postForm("/ratings/"+env.ratingID("False"), url.Values{"name": {"mostly true"}, "value": {"1"}, "on_scale": {"true"}})
	wantStatus(t, res, http.StatusUnprocessableEntity)
	wantStatus(t, eddie.postForm("/ratings/"+env.ratingID("False"), url.Values{"name": {"FALSE"}, "value": {"1"}, "on_scale": {"true"}}), http.StatusSeeOther)
	page := eddie.get("/ratings").Body
	for _, odd := range []string{"Odd Inf", "Odd NaN", "MOSTLY TRUE"} {
		if strings.Contains(page, odd) {
			t.Errorf("refused rating %q was saved", odd)
		}
	}
}

func TestVerdictWithUnknownRatingIsAFieldError(t *testing.T) {
	env := newTestEnv(t)
	env.queuedClaims(1, "unemployment fell by 3%")
	rita, _ := env.signedIn("rita@newsroom.example", domain.RoleReviewer)
	res := rita.postForm("/queue/next", nil)
	wantStatus(t, res, http.StatusSeeOther)
	id := mustID(t, strings.TrimPrefix(res.Header.Get("Location"), "/claims/"))

	res = rita.postForm("/claims/"+itoa(id)+"/verdict", url.Values{"version": {env.verdictVersion(id)},
		"rating": {"999"}, "conclusion": {"Kept after the refusal"}})
	wantStatus(t, res, http.StatusUnprocessableEntity)
	if msg := res.TestID(t, "error-rating"); !strings.Contains(msg, "Choose a rating from the list") {
		t.Errorf("unknown rating message %q", msg)
	}
	if got := res.Doc(t).Find(`[name="conclusion"]`).AttrOr("value", ""); !strings.Contains(got, "Kept after the refusal") {
		t.Errorf("typed conclusion lost: %q", got)
	}
}
