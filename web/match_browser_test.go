package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"claimtrail/domain"
	"claimtrail/web/browsertest"
)

// A reviewer adds an article that repeats a claim the desk checked last
// month and one another fact-checker checked: at triage each of those
// candidates says where it was checked and links there.
func TestBrowserTriageShowsClaimsCheckedBefore(t *testing.T) {
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
		URL: "https://checks.example/bus-fares", Claim: "Bus fares in Bristol rose by 12% this year.", Publisher: "Example Checks", Rating: "False"}}); err != nil {
		t.Fatal(err)
	}
	article := articleIDFrom(t, rita.postForm("/articles", url.Values{"title": {"Council report"}, "body": {
		"The mayor said unemployment in Leeds fell by 3% last year. Bus fares in Bristol rose by 12% this year, the council said. " +
			"The council will meet again in June to discuss the new library."}}))

	b := &browser{t: t, ctx: browsertest.New(t), env: env}
	b.signIn("rita@newsroom.example")
	b.do("open the article", chromedp.Navigate(env.srv.URL+"/articles/"+article),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="checked-before"]`)))
	ours := b.eval(`[...document.querySelectorAll('[data-testid="checked-before"][data-kind="claim"]')].map(e => e.innerText).join("|")`)
	if !strings.Contains(ours, "Checked before: Mostly false") || !strings.Contains(ours, "(ours)") {
		t.Errorf("our check at triage: %q", ours)
	}
	theirs := b.eval(`[...document.querySelectorAll('[data-testid="checked-before"][data-kind="imported"]')].map(e => e.innerText).join("|")`)
	if !strings.Contains(theirs, "Checked by Example Checks: False") {
		t.Errorf("imported check at triage: %q", theirs)
	}
	if n := b.eval(`String(document.querySelectorAll('[data-testid="checked-before"]').length)`); n != "2" {
		t.Errorf("%s candidates marked as checked before, want 2 (the library sentence is new)", n)
	}
	browsertest.Screenshot(t, b.ctx, "checked-before")
	b.do("follow our check", chromedp.Click(chromedp.CSS(`[data-testid="checked-before"][data-kind="claim"] a`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="nav"]`)))
	if loc := b.eval(`location.pathname`); loc != "/claims/"+itoa(old) {
		t.Errorf("the badge leads to %s, want /claims/%d", loc, old)
	}
}
