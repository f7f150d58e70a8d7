package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"claimtrail/domain"
	"claimtrail/web/browsertest"
)

// TestBrowserPublicCheckOnAPhone opens a published check as a reader on a
// phone without JavaScript: the newsroom's name, the explanation's list and
// link, the byline, and nothing wider than the screen.
func TestBrowserPublicCheckOnAPhone(t *testing.T) {
	env := newTestEnv(t)
	setPublisher(t, env.db)
	env.queuedClaims(1, "unemployment fell by 3%")
	rita, ritaUser := env.signedIn("rita@newsroom.example", domain.RoleReviewer)
	eddie, _ := env.signedIn("eddie@newsroom.example", domain.RoleEditor)
	wantStatus(t, rita.postForm("/settings/public-name", url.Values{"public_name": {"Rita Reviewer"}}), http.StatusSeeOther)
	approveByline(t, eddie, ritaUser, "Rita Reviewer")
	id := env.takeAndComplete(rita)
	wantStatus(t, rita.postForm("/claims/"+itoa(id)+"/verdict", url.Values{"version": {env.verdictVersion(id)}, "rating": {env.ratingID("Mostly false")},
		"conclusion": {"It fell by 0.3 points, not 3%."}, "explanation": {"What the figures show:\n- March: 4.2%\n- June: 3.9%\n\nSee https://www.ons.gov.uk/employment."}}), http.StatusSeeOther)
	wantStatus(t, rita.postForm("/claims/"+itoa(id)+"/submit", url.Values{"version": {env.verdictVersion(id)}}), http.StatusSeeOther)
	wantStatus(t, eddie.postForm("/claims/"+itoa(id)+"/approve", url.Values{"version": {env.verdictVersion(id)}}), http.StatusSeeOther)

	b := &browser{t: t, ctx: browsertest.New(t), env: env}
	browsertest.Phone(t, b.ctx)
	browsertest.NoScript(t, b.ctx)
	b.do("open the public check", chromedp.Navigate(env.srv.URL+"/checks/"+itoa(id)), chromedp.WaitVisible(chromedp.CSS(`[data-testid="check-claim"]`)))
	if got := b.text(`[data-testid="public-brand"]`); got != "Herald Checks" {
		t.Errorf("brand %q", got)
	}
	if got := b.text(`[data-testid="check-byline"]`); !strings.Contains(got, "Rita Reviewer") {
		t.Errorf("byline %q", got)
	}
	if n := b.eval(`Promise.resolve(String(document.querySelectorAll('[data-testid="check-explanation-list"] li').length))`); n != "2" {
		t.Errorf("%s list items in the explanation", n)
	}
	if href := b.eval(`Promise.resolve(document.querySelector('[data-testid="check-explanation"] a').href)`); href != "https://www.ons.gov.uk/employment" {
		t.Errorf("link %q", href)
	}
	if wide := b.eval(`Promise.resolve(String(document.documentElement.scrollWidth > window.innerWidth))`); wide != "false" {
		t.Error("the public check is wider than the phone")
	}
	browsertest.Screenshot(t, b.ctx, "public-check-phone")
}
