package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"claimtrail/domain"
)

// A filter that cannot be read gets the same message on the search page
// (beside its field, 422, what was typed kept) and from the API (422).
func TestSearchFiltersSameMessageInBrowserAndAPI(t *testing.T) {
	env, _ := searchEnv(t)
	rita, _ := env.signedIn("rita@newsroom.example", domain.RoleReviewer)
	api, _ := env.apiUser("script@newsroom.example", domain.RoleReviewer)
	for _, c := range []struct{ field, value string }{
		{"kind", "tweets"}, {"state", "candidate"}, {"type", "gossip"}, {"from", "2025-13-01"}, {"to", "yesterday"},
		{"outlet", strings.Repeat("o", 201)}, {"claimant", "a\x01b"},
	} {
		qs := url.Values{"q": {"hole"}, c.field: {c.value}}.Encode()
		page := rita.get("/search?" + qs)
		if page.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("%s=%q: page status %d", c.field, c.value, page.StatusCode)
			continue
		}
		msg := page.TestID(t, "error-"+c.field)
		if msg == "" && c.field != "kind" && c.field != "state" && c.field != "type" {
			t.Errorf("%s: no message beside the field", c.field)
		}
		if !strings.Contains(page.Body, `value="hole"`) {
			t.Errorf("%s: the query typed is lost", c.field)
		}
		res := api.get("/api/v1/search?" + qs)
		wantStatus(t, res, http.StatusUnprocessableEntity)
		got := decode[struct {
			Error struct {
				Code   string            `json:"code"`
				Fields map[string]string `json:"fields"`
			} `json:"error"`
		}](t, res)
		if got.Error.Code != domain.EINVALID || got.Error.Fields[c.field] == "" || msg != "" && got.Error.Fields[c.field] != msg {
			t.Errorf("%s: API %+v, page %q", c.field, got.Error, msg)
		}
	}
	// Filters that are fine narrow the search on both.
	qs := url.Values{"q": {"hole"}, "kind": {"imported"}, "rating": {"misleading"}}.Encode()
	if n := rita.get("/search?" + qs).Doc(t).Find(`[data-testid="search-result"]`).Length(); n != 1 {
		t.Errorf("page: %d results", n)
	}
	res := api.get("/api/v1/search?" + qs)
	wantStatus(t, res, http.StatusOK)
	got := decode[struct {
		Results []struct {
			Kind   string  `json:"kind"`
			Rating *string `json:"rating"`
		} `json:"results"`
	}](t, res)
	if len(got.Results) != 1 || got.Results[0].Kind != "imported" || got.Results[0].Rating == nil || *got.Results[0].Rating != "Misleading" {
		t.Errorf("API: %+v", got.Results)
	}
}
