package web

import (
	"context"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"claimtrail/domain"
	"claimtrail/web/browsertest"
)

// An editor subscribes to a ClaimReview feed, sees what its fetch brought,
// then searches with a filter and opens a result.
func TestBrowserFeedSubscriptionAndFilteredSearch(t *testing.T) {
	env := feedEnv(t, true)
	feeds := feedServer(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { env.app.RunFeeds(ctx, time.Hour); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	fares := env.queuedClaims(1, "bus fares in Bristol rose by 12% last year")[0]
	env.createUser("eddie@newsroom.example", domain.RoleEditor)

	b := &browser{t: t, ctx: browsertest.New(t), env: env}
	b.signIn("eddie@newsroom.example")
	b.do("subscribe to a feed",
		chromedp.Navigate(env.srv.URL+"/search"),
		chromedp.Click(chromedp.CSS(`[data-testid="feeds-link"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="feed-form"]`)),
		chromedp.SendKeys(chromedp.ID("url"), feeds.URL+"/good.json"),
		chromedp.SetValue(chromedp.ID("every"), "60"),
		chromedp.Click(chromedp.CSS(`[data-testid="feed-subscribe"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="feeds"]`)),
	)
	// The worker fetches it in the background; the page shows the result
	// once it is in (reloaded, as a person would).
	b.waitFor("the feed's first fetch", `document.querySelector('[data-testid="feed-fetched"] time') || (location.reload(), false)`)
	if got := b.text(`[data-testid="feed-result"]`); got[:len("2 added")] != "2 added" {
		t.Errorf("result %q", got)
	}
	browsertest.Screenshot(t, b.ctx, "feeds")

	b.do("search the imported checks only",
		chromedp.Navigate(env.srv.URL+"/search"),
		chromedp.SendKeys(chromedp.CSS(`[data-testid="search-q"]`), "rose"),
		chromedp.Click(chromedp.CSS(`.search-filters summary`)),
		chromedp.SetValue(chromedp.CSS(`[data-testid="search-kind"]`), "imported"),
		chromedp.Click(chromedp.CSS(`[data-testid="search-submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="search-results"]`)),
	)
	if got := b.eval(`[...document.querySelectorAll('[data-testid="search-result"]')].map(e => e.dataset.kind).join(",")`); got != "imported" {
		t.Errorf("kinds %q, want the feed's one check", got)
	}
	if got := b.eval(`document.querySelector('[data-testid="search-kind"]').value`); got != "imported" {
		t.Errorf("the filter was not kept: %q", got)
	}
	b.do("search our queued claims",
		chromedp.SetValue(chromedp.CSS(`[data-testid="search-kind"]`), "claim"),
		chromedp.SetValue(chromedp.CSS(`[data-testid="search-state"]`), "queued"),
		chromedp.Click(chromedp.CSS(`[data-testid="search-submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="search-result"][data-kind="claim"]`)),
	)
	if m := b.eval(`document.querySelector('[data-testid="search-result"] mark').innerText`); m != "rose" {
		t.Errorf("highlighted %q", m)
	}
	browsertest.Screenshot(t, b.ctx, "search-filtered")
	b.do("open the claim", chromedp.Click(chromedp.CSS(`[data-testid="search-result"][data-kind="claim"] a`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="nav"]`)))
	if loc := b.eval(`location.pathname`); loc != "/claims/"+itoa(fares) {
		t.Errorf("at %s, want /claims/%d", loc, fares)
	}
}
