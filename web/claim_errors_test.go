package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"claimtrail/domain"
)

// TestClaimPageRefusalSaysSoAtTheTop: a change refused on the claim page
// shows its page again from the top, while the forms with the messages sit
// far below; the top says that nothing was saved and links the first
// problem's field, so a person posting without script is not left looking
// at a page that seems to have taken their change.
func TestClaimPageRefusalSaysSoAtTheTop(t *testing.T) {
	env := newTestEnv(t)
	env.queuedClaims(2, "unemployment fell by 3%")
	rita, _ := env.signedIn("rita@newsroom.example", domain.RoleReviewer)
	eddie, _ := env.signedIn("eddie@newsroom.example", domain.RoleEditor)

	res := rita.postForm("/queue/next", nil)
	wantStatus(t, res, http.StatusSeeOther)
	id := mustID(t, strings.TrimPrefix(res.Header.Get("Location"), "/claims/"))
	claim := "/claims/" + itoa(id)

	cases := []struct {
		name     string
		c        *client
		path     string
		form     url.Values
		wantLink string
		wantMore bool
	}{
		{"submit without rating or sources", rita, claim + "/submit",
			url.Values{"version": {env.verdictVersion(id)}, "conclusion": {"It fell."}}, "#rating", true},
		{"empty comment", rita, claim + "/comments", url.Values{"body": {"  "}}, "#body", false},
		{"source without an address", rita, claim + "/sources",
			url.Values{"version": {env.verdictVersion(id)}, "url": {"not a web address"}, "title": {"Labour market"}, "type": {"official_statistics"}}, "#new-source-url", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := tc.c.postForm(tc.path, tc.form)
			wantStatus(t, res, http.StatusUnprocessableEntity)
			doc := res.Doc(t)
			top := doc.Find(`[data-testid="error-below"]`)
			if top.Length() != 1 {
				t.Fatalf("no word at the top that the change was refused")
			}
			if html, _ := doc.Html(); strings.Index(html, `data-testid="error-below"`) > strings.Index(html, `data-testid="claim-text"`) {
				t.Error("the notice is not above the claim")
			}
			link, _ := top.Find(`[data-testid="error-below-link"]`).Attr("href")
			if link != tc.wantLink {
				t.Errorf("the notice links %q, want %q", link, tc.wantLink)
			}
			if doc.Find(link).Length() != 1 {
				t.Errorf("nothing on the page has the id %s", link)
			}
			if more := strings.Contains(top.Text(), "more"); more != tc.wantMore {
				t.Errorf("notice %q: says there is more = %v, want %v", strings.TrimSpace(top.Text()), more, tc.wantMore)
			}
		})
	}

	// The editor's return without a reason links the reason's box.
	id = env.takeAndComplete(rita)
	wantStatus(t, rita.postForm("/claims/"+itoa(id)+"/submit", url.Values{"version": {env.verdictVersion(id)},
		"rating": {env.ratingID("Mostly false")}, "conclusion": {"It fell by 0.3 points, not 3%."}, "explanation": {"The ONS says so."}}), http.StatusSeeOther)
	res = eddie.postForm("/claims/"+itoa(id)+"/return", url.Values{"version": {env.verdictVersion(id)}, "comment": {""}})
	wantStatus(t, res, http.StatusUnprocessableEntity)
	doc := res.Doc(t)
	link, _ := doc.Find(`[data-testid="error-below-link"]`).Attr("href")
	if link != "#return-comment" || doc.Find(link).Length() != 1 {
		t.Errorf("a return without a reason links %q", link)
	}

	// A page with nothing refused has no such notice.
	if n := rita.get("/claims/" + itoa(id)).Doc(t).Find(`[data-testid="error-below"]`).Length(); n != 0 {
		t.Error("the notice shows on a page where nothing was refused")
	}
}
