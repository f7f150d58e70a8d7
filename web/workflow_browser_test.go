package web

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"claimtrail/domain"
	"claimtrail/web/browsertest"
)

// TestBrowserTakeNextAndAddSource drives the queue and claim page as a
// reviewer would: press n on the queue, then add a source with the plain
// form (htmx is an enhancement; the page must work without it).
func TestBrowserTakeNextAndAddSource(t *testing.T) {
	env := newTestEnv(t)
	ids := env.queuedClaims(3, "unemployment fell by 3%")
	env.createUser("rita@newsroom.example", domain.RoleReviewer)
	ctx := browsertest.New(t)

	if err := chromedp.Do(ctx,
		chromedp.Navigate(env.srv.URL+"/login"),
		chromedp.SendKeys(chromedp.ID("email"), "rita@newsroom.example"),
		chromedp.SendKeys(chromedp.ID("password"), testPassword),
		chromedp.Click(chromedp.CSS(`[data-testid="login-submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="home-title"]`)),
		chromedp.Navigate(env.srv.URL+"/queue"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="queue"]`)),
		chromedp.KeyEvent("n"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="claim-text"]`)),
	); err != nil {
		t.Fatalf("take next with n: %v", err)
	}
	location, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(location, "/claims/"+itoa(ids[0])) {
		t.Fatalf("n took us to %s, want claim %d", location, ids[0])
	}

	if err := chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.ID("new-source-url"), "https://www.ons.gov.uk/employment"),
		chromedp.SendKeys(chromedp.ID("new-source-title"), "Labour market overview"),
		chromedp.Click(chromedp.CSS(`[data-testid="add-source"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="source-title"]`)),
	); err != nil {
		t.Fatalf("add source: %v", err)
	}
	title, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`[data-testid="source-title"]`)))
	if err != nil {
		t.Fatal(err)
	}
	if title != "Labour market overview" {
		t.Errorf("source listed as %q", title)
	}
	browsertest.Screenshot(t, ctx, "claim-page")
}
