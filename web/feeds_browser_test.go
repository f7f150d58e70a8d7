package web

import (
	"context"
	"net/http"
	"net/url"
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
	)
	b.submit("subscribe", `[data-testid="feed-subscribe"]`, `[data-testid="feeds"]`)
	// The worker fetches it in the background; the page shows the result
	// once it is in (reloaded, as a person would).
	b.waitFor("the feed's first fetch", `document.querySelector('[data-testid="feed-fetched"] time') || (location.reload(), false)`)
	if got := b.text(`[data-testid="feed-result"]`); got[:len("2 added")] != "2 added" {
		t.Errorf("result %q", got)
	}
	browsertest.Screenshot(t, b.ctx, "feeds")
	env.searchIndexed() // the server's pass, every half second

	b.do("ask for the imported checks only",
		chromedp.Navigate(env.srv.URL+"/search"),
		chromedp.SendKeys(chromedp.CSS(`[data-testid="search-q"]`), "rose"),
		chromedp.Click(chromedp.CSS(`.search-filters summary`)),
		chromedp.SetValue(chromedp.CSS(`[data-testid="search-kind"]`), "imported"),
	)
	b.submit("search the imported checks only", `[data-testid="search-submit"]`, `[data-testid="search-results"]`)
	if got := b.eval(`[...document.querySelectorAll('[data-testid="search-result"]')].map(e => e.dataset.kind).join(",")`); got != "imported" {
		t.Errorf("kinds %q, want the feed's one check", got)
	}
	if got := b.eval(`document.querySelector('[data-testid="search-kind"]').value`); got != "imported" {
		t.Errorf("the filter was not kept: %q", got)
	}
	b.do("ask for our queued claims",
		chromedp.SetValue(chromedp.CSS(`[data-testid="search-kind"]`), "claim"),
		chromedp.SetValue(chromedp.CSS(`[data-testid="search-state"]`), "queued"),
	)
	b.submit("search our queued claims", `[data-testid="search-submit"]`, `[data-testid="search-result"][data-kind="claim"]`)
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

// TestBrowserNoScriptFeedsPageKeepsTypedAddress types a new feed's address
// and schedule with JavaScript off, then presses another feed's Fetch now
// and Remove: each does its job and the address and schedule being typed
// are still in the subscribe form; Enter in the address then subscribes.
func TestBrowserNoScriptFeedsPageKeepsTypedAddress(t *testing.T) {
	env := feedEnv(t, true)
	feeds := feedServer(t)
	eddie, _ := env.signedIn("eddie@newsroom.example", domain.RoleEditor)
	for _, f := range []string{"/good.json", "/garbage.json"} {
		wantStatus(t, eddie.postForm("/import/feeds", url.Values{"url": {feeds.URL + f}}), http.StatusSeeOther)
	}
	// Neither is due, so that Fetch now has something to change.
	if _, err := env.raw().Exec(`UPDATE feed_subscriptions SET next_fetch_at = '2999-01-01T00:00:00Z'`); err != nil {
		t.Fatal(err)
	}

	b := &browser{t: t, ctx: browsertest.New(t), env: env}
	browsertest.NoScript(t, b.ctx)
	b.signIn("eddie@newsroom.example")
	typed := feeds.URL + "/good.json?edition=weekly"
	b.do("type a new feed",
		chromedp.Navigate(env.srv.URL+"/import/feeds"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="feed-form"]`)),
		chromedp.SendKeys(chromedp.ID("url"), typed),
		chromedp.SetValue(chromedp.ID("every"), "1440"),
	)
	b.submit("fetch the first feed now", `[data-testid="feed"][data-feed-url="`+feeds.URL+`/good.json"] [data-testid="feed-fetch"]`, `[data-testid="flash-success"]`)
	if got := b.value(`#url`); got != typed {
		t.Errorf("address after Fetch now: %q, want %q", got, typed)
	}
	if got := b.value(`#every`); got != "1440" {
		t.Errorf("schedule after Fetch now: %q", got)
	}
	var fetchAt string
	if err := env.raw().QueryRow(`SELECT next_fetch_at FROM feed_subscriptions WHERE url = ?`, feeds.URL+"/good.json").Scan(&fetchAt); err != nil || fetchAt >= "2999" {
		t.Errorf("Fetch now did not make the feed due (%q, %v)", fetchAt, err)
	}

	b.submit("remove the second feed", `[data-testid="feed"][data-feed-url="`+feeds.URL+`/garbage.json"] [data-testid="feed-remove"]`, `[data-testid="flash-success"]`)
	if got := b.value(`#url`); got != typed {
		t.Errorf("address after Remove: %q, want %q", got, typed)
	}
	if n := env.count(`SELECT count(*) FROM feed_subscriptions WHERE url = ?`, feeds.URL+"/garbage.json"); n != 0 {
		t.Error("Remove did not remove the feed")
	}

	b.submitBy("subscribe with Enter in the address", `[data-testid="flash-success"]`, chromedp.SendKeys(chromedp.ID("url"), "\r"))
	if n := env.count(`SELECT count(*) FROM feed_subscriptions WHERE url = ? AND every_minutes = 1440`, typed); n != 1 {
		t.Errorf("Enter in the address subscribed %d feeds at %s daily, want 1", n, typed)
	}
	if got := b.value(`#url`); got != "" {
		t.Errorf("the subscribed address is still in the box: %q", got)
	}
	browsertest.Screenshot(t, b.ctx, "feeds")
}
