package web

import (
	"net/http"
	"net/url"
	"testing"

	"claimtrail/domain"
)

// A published check keeps its rating as it was at approval: renaming or
// revaluing that rating, or stretching the scale, rewrites neither its page
// nor its ClaimReview; a check approved afterwards uses the new scale.
func TestPublishedCheckKeepsRatingAsApproved(t *testing.T) {
	env := newTestEnv(t)
	setPublisher(t, env.db)
	rita, _ := env.apiUser("rita@newsroom.example", domain.RoleReviewer)
	eve, _ := env.apiUser("eve@newsroom.example", domain.RoleEditor)
	editor, _ := env.signedIn("ed@newsroom.example", domain.RoleEditor)
	anon := env.newClient()

	id, version := inReview(t, rita, rita, "https://gazette.example/a")
	submitted(t, rita, id, version) // rated "Mostly true" (5 on a 1–6 scale)
	wantStatus(t, eve.post("/api/v1/claims/"+itoa(id)+"/approve", nil), http.StatusOK)
	page := "/checks/" + itoa(id)
	before := onlyClaimReview(t, anon.get(page))
	if before.ReviewRating.AlternateName != "Mostly true" || *before.ReviewRating.RatingValue != 5 || *before.ReviewRating.BestRating != 6 {
		t.Fatalf("as approved: %+v", before.ReviewRating)
	}

	ratings, err := env.db.ListRatings(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	var mostly int64
	for _, r := range ratings {
		if r.Name == "Mostly true" {
			mostly = r.ID
		}
	}
	wantStatus(t, editor.postForm("/ratings/"+itoa(mostly), url.Values{"name": {"Largely right"}, "value": {"2"}, "on_scale": {"on"}}), http.StatusSeeOther)
	wantStatus(t, editor.postForm("/ratings", url.Values{"name": {"Entirely true"}, "value": {"10"}, "on_scale": {"on"}}), http.StatusSeeOther)

	res := anon.get(page)
	after := onlyClaimReview(t, res)
	if after.ReviewRating.AlternateName != "Mostly true" || *after.ReviewRating.RatingValue != 5 ||
		*after.ReviewRating.BestRating != 6 || *after.ReviewRating.WorstRating != 1 {
		t.Errorf("a change to the scale rewrote the published check: %+v", after.ReviewRating)
	}
	if got := res.TestID(t, "check-rating"); got != "Mostly true" {
		t.Errorf("page shows rating %q", got)
	}

	// A check approved after the change is published on the scale as it is now.
	id2, v2 := inReview(t, rita, rita, "https://gazette.example/b")
	body := verdictBody(v2, "annual table")
	body["rating"] = "Largely right"
	wantStatus(t, rita.put("/api/v1/claims/"+itoa(id2)+"/verdict", body), http.StatusOK)
	wantStatus(t, rita.post("/api/v1/claims/"+itoa(id2)+"/submit", nil), http.StatusOK)
	wantStatus(t, eve.post("/api/v1/claims/"+itoa(id2)+"/approve", nil), http.StatusOK)
	later := onlyClaimReview(t, anon.get("/checks/"+itoa(id2)))
	if later.ReviewRating.AlternateName != "Largely right" || *later.ReviewRating.RatingValue != 2 || *later.ReviewRating.BestRating != 10 {
		t.Errorf("checked after the change: %+v", later.ReviewRating)
	}
}
