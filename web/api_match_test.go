package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"claimtrail/domain"
)

func TestAPIMatchFindsOurChecksAndImportedOnes(t *testing.T) {
	env := newTestEnv(t)
	rita, _ := env.signedIn("rita@newsroom.example", domain.RoleReviewer)
	eddie, _ := env.signedIn("eddie@newsroom.example", domain.RoleEditor)
	old := env.queuedClaims(1, "unemployment in Leeds fell by 3% last year")[0]
	if got := env.takeAndComplete(rita); got != old {
		t.Fatalf("took %d, want %d", got, old)
	}
	wantStatus(t, rita.postForm("/claims/"+itoa(old)+"/submit", url.Values{"version": {env.verdictVersion(old)}}), http.StatusSeeOther)
	wantStatus(t, eddie.postForm("/claims/"+itoa(old)+"/approve", url.Values{"version": {env.verdictVersion(old)}}), http.StatusSeeOther)
	if _, err := env.db.ImportChecks(domain.WithActor(context.Background(), domain.SystemActor), []domain.ImportedCheck{{
		URL: "https://checks.example/leeds", Claim: "Leeds unemployment fell by three per cent last year.", Publisher: "Example Checks", Rating: "True"}}); err != nil {
		t.Fatal(err)
	}

	api, _ := env.apiUser("script@newsroom.example", domain.RoleReviewer)
	res := api.post("/api/v1/match", map[string]any{"text": "Last year unemployment in Leeds fell 3%", "limit": 5})
	wantStatus(t, res, http.StatusOK)
	got := decode[struct {
		Matches []struct {
			Kind, Claim, Tier string
			ID                int64
			Rating, URL       *string
			Publisher         *string
			Score             float64
		} `json:"matches"`
	}](t, res)
	if len(got.Matches) != 2 {
		t.Fatalf("matches: %+v, want our check and the imported one", got.Matches)
	}
	kinds := map[string]bool{}
	for _, m := range got.Matches {
		kinds[m.Kind] = true
		if m.Score <= 0 || m.Score > 1 || m.Tier != "same" || m.URL == nil || m.Rating == nil {
			t.Errorf("match %+v", m)
		}
		if m.Kind == "claim" && (m.ID != old || !strings.HasSuffix(*m.URL, "/checks/"+itoa(old)) || *m.Rating != "Mostly false") {
			t.Errorf("our check: %+v", m)
		}
		if m.Kind == "imported" && (*m.URL != "https://checks.example/leeds" || m.Publisher == nil || *m.Publisher != "Example Checks") {
			t.Errorf("imported check: %+v", m)
		}
	}
	if !kinds["claim"] || !kinds["imported"] {
		t.Errorf("kinds %v", kinds)
	}

	// Bad input gets the same clear 400s as the rest of the API.
	for _, body := range []map[string]any{{"text": ""}, {"text": "x", "limit": 51}, {"text": "x", "limit": -1}, {"text": strings.Repeat("a ", 20000)}} {
		if res := api.post("/api/v1/match", body); res.StatusCode != http.StatusBadRequest && res.StatusCode != http.StatusUnprocessableEntity && res.StatusCode != http.StatusRequestEntityTooLarge {
			t.Errorf("%v: status %d", body["limit"], res.StatusCode)
		}
	}
}

func TestClaimPageAndAPIListImportedMatches(t *testing.T) {
	env := newTestEnv(t)
	rita, _ := env.signedIn("rita@newsroom.example", domain.RoleReviewer)
	id := env.queuedClaims(1, "unemployment in Leeds fell by 3% last year")[0]
	if _, err := env.db.ImportChecks(domain.WithActor(context.Background(), domain.SystemActor), []domain.ImportedCheck{
		{URL: "https://checks.example/leeds", Claim: "Leeds unemployment fell by three per cent last year.", Publisher: "Example Checks", Rating: "True"},
		{URL: "https://checks.example/leeds-5", Claim: "Leeds unemployment fell by 5% last year.", Publisher: "Other Checks", Rating: "False"},
		{URL: "https://checks.example/fares", Claim: "Bus fares rose by 12% in Bristol.", Publisher: "Other Checks", Rating: "False"},
	}); err != nil {
		t.Fatal(err)
	}
	doc := rita.get("/claims/" + itoa(id)).Doc(t)
	items := doc.Find(`[data-testid="imported-match"]`)
	if items.Length() != 2 || items.First().AttrOr("data-tier", "") != "same" || items.Eq(1).AttrOr("data-tier", "") != "related" {
		t.Fatalf("imported matches on the claim page: %d, tiers %q %q", items.Length(), items.First().AttrOr("data-tier", ""), items.Eq(1).AttrOr("data-tier", ""))
	}
	if href := items.First().Find("a").AttrOr("href", ""); href != "https://checks.example/leeds" {
		t.Errorf("link %q", href)
	}
	api, _ := env.apiUser("script@newsroom.example", domain.RoleReviewer)
	res := api.get("/api/v1/claims/" + itoa(id))
	wantStatus(t, res, http.StatusOK)
	got := decode[struct {
		Matches []struct{ Kind, Tier string } `json:"matches"`
	}](t, res)
	if len(got.Matches) != 2 || got.Matches[0].Kind != "imported" || got.Matches[0].Tier != "same" || got.Matches[1].Tier != "related" {
		t.Errorf("API matches: %+v", got.Matches)
	}
}
