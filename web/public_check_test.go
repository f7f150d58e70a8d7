package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"claimtrail/domain"
)

// TestPublicCheckIsTheNewsrooms walks a check to publication, reopens it
// and approves it again with another rating, and reads the public page as
// a reader would: the newsroom's name and logo, no word of the desk's
// internals, the explanation as written (line breaks, a list, a link made
// safely), the byline from public names, link-preview tags, and the
// "Corrected" note with dateModified in the ClaimReview.
func TestPublicCheckIsTheNewsrooms(t *testing.T) {
	env := newTestEnv(t)
	setPublisher(t, env.db)
	env.queuedClaims(1, "unemployment fell by 3%")
	rita, ritaUser := env.signedIn("rita@newsroom.example", domain.RoleReviewer)
	eddie, eddieUser := env.signedIn("eddie@newsroom.example", domain.RoleEditor)
	erin, _ := env.signedIn("erin@newsroom.example", domain.RoleEditor)
	wantStatus(t, rita.postForm("/settings/public-name", url.Values{"public_name": {"Rita  Reviewer"}}), http.StatusSeeOther)
	wantStatus(t, eddie.postForm("/settings/public-name", url.Values{"public_name": {"Eddie Editor"}}), http.StatusSeeOther)
	approveByline(t, erin, ritaUser, "Rita Reviewer")
	approveByline(t, erin, eddieUser, "Eddie Editor")
	if bad := rita.postForm("/settings/public-name", url.Values{"public_name": {strings.Repeat("n", 121)}}); bad.StatusCode != http.StatusUnprocessableEntity || bad.TestID(t, "error-public_name") == "" {
		t.Errorf("an over-long public name: status %d", bad.StatusCode)
	}

	id := env.takeAndComplete(rita)
	explanation := "The ONS series fell 0.3 points.\nThat is not 3%.\n\nWhat the figures show:\n- Quarter to March: 4.2%\n- Quarter to June: 3.9%\n\n" +
		"Source: https://www.ons.gov.uk/employment. Not a link: javascript:alert(1) <b>bold</b>"
	wantStatus(t, rita.postForm("/claims/"+itoa(id)+"/verdict", url.Values{"version": {env.verdictVersion(id)}, "rating": {env.ratingID("Mostly false")},
		"conclusion": {"It fell by 0.3 points, not 3%."}, "explanation": {explanation}}), http.StatusSeeOther)
	wantStatus(t, rita.postForm("/claims/"+itoa(id)+"/submit", url.Values{"version": {env.verdictVersion(id)}}), http.StatusSeeOther)
	wantStatus(t, eddie.postForm("/claims/"+itoa(id)+"/approve", url.Values{"version": {env.verdictVersion(id)}}), http.StatusSeeOther)

	// The desk's claim page links to what readers see.
	if link, _ := rita.get("/claims/" + itoa(id)).Doc(t).Find(`[data-testid="public-link"] a`).Attr("href"); link != "/checks/"+itoa(id) {
		t.Errorf("approved claim links to %q", link)
	}

	reader := env.newClient()
	res := reader.get("/checks/" + itoa(id))
	wantStatus(t, res, http.StatusOK)
	doc := res.Doc(t)
	if got := strings.TrimSpace(doc.Find(`[data-testid="public-brand"]`).Text()); got != "Herald Checks" {
		t.Errorf("brand %q", got)
	}
	if src, _ := doc.Find(`[data-testid="public-logo"]`).Attr("src"); src != "https://herald.example/logo.png" {
		t.Errorf("logo %q", src)
	}
	if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "img-src 'self' data: https://herald.example;") {
		t.Errorf("the logo's site is not allowed for images: %s", csp)
	}
	text := doc.Text()
	for _, internal := range []string{"claimtrail", "audit log", "Sign out"} {
		if strings.Contains(strings.ToLower(text), strings.ToLower(internal)) {
			t.Errorf("the public page says %q", internal)
		}
	}
	first := doc.Find(`[data-testid="check-explanation"]`).First()
	if html, _ := first.Html(); !strings.Contains(strings.Join(strings.Fields(html), " "), "fell 0.3 points.<br/> That is not 3%.") {
		t.Errorf("a single line break was run together: %s", html)
	}
	if items := doc.Find(`[data-testid="check-explanation-list"] li`); items.Length() != 2 || items.Eq(1).Text() != "Quarter to June: 3.9%" {
		t.Errorf("the list as written is not a list: %d items", items.Length())
	}
	links := doc.Find(`[data-testid="check-explanation"] a`)
	if href, _ := links.Attr("href"); links.Length() != 1 || href != "https://www.ons.gov.uk/employment" {
		t.Errorf("links in the explanation: %d, first %q", links.Length(), href)
	}
	if doc.Find(`[data-testid="check-explanation"] b`).Length() != 0 || !strings.Contains(text, "<b>bold</b>") {
		t.Error("markup in the explanation was not shown as text")
	}
	if got := doc.Find(`[data-testid="check-byline"]`).Text(); got != "Checked by Rita Reviewer · Edited by Eddie Editor" {
		t.Errorf("byline %q", got)
	}
	for prop, want := range map[string]string{"og:site_name": "Herald Checks", "og:type": "article", "og:url": "https://checks.herald.example/checks/" + itoa(id),
		"og:description": "Mostly false: It fell by 0.3 points, not 3%.", "og:image": "https://herald.example/logo.png"} {
		if got, _ := doc.Find(`meta[property="` + prop + `"]`).Attr("content"); got != want {
			t.Errorf("%s = %q, want %q", prop, got, want)
		}
	}
	if got, _ := doc.Find(`meta[name="twitter:card"]`).Attr("content"); got != "summary" {
		t.Errorf("twitter:card %q", got)
	}
	if doc.Find(`[data-testid="check-updated"]`).Length() != 0 || onlyClaimReview(t, res).DateModified != "" {
		t.Error("a check published once says it was updated")
	}

	// Reopened, re-rated and approved again: a correction, with its date.
	wantStatus(t, eddie.postForm("/claims/"+itoa(id)+"/reopen", url.Values{"reason": {"The June figure was revised."}}), http.StatusSeeOther)
	wantStatus(t, rita.postForm("/claims/"+itoa(id)+"/submit", url.Values{"version": {env.verdictVersion(id)}, "rating": {env.ratingID("False")},
		"conclusion": {"It fell by 0.2 points, not 3%."}, "explanation": {explanation}}), http.StatusSeeOther)
	wantStatus(t, eddie.postForm("/claims/"+itoa(id)+"/approve", url.Values{"version": {env.verdictVersion(id)}}), http.StatusSeeOther)
	res = reader.get("/checks/" + itoa(id))
	note := res.TestID(t, "check-updated")
	if !strings.Contains(note, "Corrected") || !strings.Contains(note, "Mostly false") || !strings.Contains(note, "False") {
		t.Errorf("correction note %q", note)
	}
	cr := onlyClaimReview(t, res)
	// Times are to the second; here both approvals fall within one.
	if cr.DateModified == "" || cr.DateModified < cr.DatePublished {
		t.Errorf("ClaimReview datePublished %q, dateModified %q", cr.DatePublished, cr.DateModified)
	}

	// How we rate: the scale as editors keep it.
	how := reader.get("/checks/how-we-rate")
	wantStatus(t, how, http.StatusOK)
	scale := how.Doc(t).Find(`[data-testid="scale-rating"]`)
	if scale.Length() < 2 || !strings.Contains(how.Body, "Mostly false") {
		t.Errorf("how we rate lists %d ratings", scale.Length())
	}
}
