package web

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/chromedp/chromedp"

	"claimtrail/domain"
	"claimtrail/web/browsertest"
)

// TestBrowserNoScriptFeedRemovedMeanwhileKeepsTheAddress: in Chromium with
// JavaScript off, an editor types a feed's address and presses Remove on a
// feed a colleague removed after the page was drawn. The page comes back
// saying so at the top, with the address still in its box.
func TestBrowserNoScriptFeedRemovedMeanwhileKeepsTheAddress(t *testing.T) {
	env := newTestEnv(t)
	eddie, _ := env.signedIn("eddie@newsroom.example", domain.RoleEditor)
	wantStatus(t, eddie.postForm("/import/feeds", url.Values{"url": {"https://checks.example/feed.json"}, "every": {"60"}}), http.StatusSeeOther)
	var feed int64
	if err := env.raw().QueryRow(`SELECT id FROM feed_subscriptions`).Scan(&feed); err != nil {
		t.Fatal(err)
	}
	env.createUser("ed@newsroom.example", domain.RoleEditor)
	b := &browser{t: t, ctx: browsertest.New(t), env: env}
	browsertest.NoScript(t, b.ctx)
	b.signIn("ed@newsroom.example")
	address := "https://other.example/claimreview.json"
	b.do("open the feeds and type an address",
		chromedp.Navigate(env.srv.URL+"/import/feeds"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="feed-remove"]`)),
		chromedp.SendKeys(chromedp.ID("url"), address),
	)
	// A colleague removes the feed meanwhile.
	wantStatus(t, eddie.postForm("/import/feeds/"+itoa(feed)+"/delete", nil), http.StatusSeeOther)
	b.do("press Remove", chromedp.Click(chromedp.CSS(`[data-testid="feed-remove"]`)), chromedp.WaitVisible(chromedp.CSS(`[data-testid="error-message"]`)))
	browsertest.Screenshot(t, b.ctx, "feed-gone")
	if got := b.value("#url"); got != address {
		t.Errorf("the address typed is now %q, want %q", got, address)
	}
	if b.eval(`Promise.resolve(String(!!document.querySelector('[data-testid="error-page"]')))`) != "false" {
		t.Error("the error page, not the feeds page")
	}
}

// TestBrowserNoScriptIncompleteDateIsSaidBeforeSending: without JavaScript
// a picker holding a date typed only in part would send it as empty, and
// the browser says so only when the form is sent; the page says so beside
// the picker as soon as it holds such a date, and not before, nor once it
// is whole.
func TestBrowserNoScriptIncompleteDateIsSaidBeforeSending(t *testing.T) {
	env := newTestEnv(t)
	env.createUser("rita@newsroom.example", domain.RoleReviewer)
	b := &browser{t: t, ctx: browsertest.New(t), env: env}
	browsertest.NoScript(t, b.ctx)
	b.signIn("rita@newsroom.example")
	shown := `Promise.resolve(getComputedStyle(document.getElementById("published-incomplete-hint")).display)`
	b.do("open the add-article form", chromedp.Navigate(env.srv.URL+"/articles/new"), chromedp.WaitVisible(chromedp.ID("published")))
	if got := b.eval(shown); got != "none" {
		t.Fatalf("the hint shows (%s) before anything is typed", got)
	}
	b.do("type day and month", chromedp.Click(chromedp.ID("published")), chromedp.SendKeys(chromedp.ID("published"), "0223"))
	if got := b.eval(shown); got == "none" {
		t.Error("half a date typed, and nothing says so")
	}
	if got := b.text(`#published-incomplete-hint`); got != domain.IncompleteDateMessage {
		t.Errorf("the hint says %q", got)
	}
	browsertest.Screenshot(t, b.ctx, "half-a-date")
	b.do("finish the date", chromedp.SetValue(chromedp.ID("published"), "2025-02-23"))
	if got := b.eval(shown); got != "none" {
		t.Errorf("the hint still shows (%s) for a whole date", got)
	}
}

// TestBrowserSourceSavedThroughHTMXKeepsTheNewSource: with JavaScript, a
// reviewer half types a new source, then saves an edit to an existing
// one; htmx swaps the sources panel and the new source is still as typed.
func TestBrowserSourceSavedThroughHTMXKeepsTheNewSource(t *testing.T) {
	env := newTestEnv(t)
	env.queuedClaims(1, "unemployment fell by 3%")
	rita, _ := env.signedIn("rita@newsroom.example", domain.RoleReviewer)
	claim := env.takeAndComplete(rita)
	b := &browser{t: t, ctx: browsertest.New(t), env: env}
	b.signIn("rita@newsroom.example")
	b.do("open the claim", chromedp.Navigate(env.srv.URL+"/claims/"+itoa(claim)), chromedp.WaitVisible(chromedp.CSS(`[data-testid="source"]`)))
	b.waitFor("htmx to load", `typeof htmx === "object"`)
	b.do("half type a new source, then edit the existing one and save it",
		chromedp.SendKeys(chromedp.ID("new-source-url"), "https://typed.example/new"),
		chromedp.SendKeys(chromedp.ID("new-source-title"), "New source typed"),
		chromedp.Click(chromedp.CSS(`[data-testid="source"] details summary`)),
		chromedp.SetValue(chromedp.CSS(`[data-testid="source"] input[id$="-title"]`), "Labour market overview, March"),
	)
	b.eval(`Promise.resolve(document.querySelector('[data-testid="source-title"]').setAttribute("data-old", "1") || "")`)
	b.do("save the source", chromedp.Click(chromedp.CSS(`[data-testid="source-save"]`)))
	b.waitFor("the panel swapped in", `!document.querySelector('[data-testid="source-title"][data-old]') && document.querySelector('[data-testid="source-title"]').textContent.includes("March")`)
	browsertest.Screenshot(t, b.ctx, "source-saved")
	if got := b.value("#new-source-url"); got != "https://typed.example/new" {
		t.Errorf("new source's address %q after saving another source", got)
	}
	if got := b.value("#new-source-title"); got != "New source typed" {
		t.Errorf("new source's title %q after saving another source", got)
	}
	if got := b.eval(`Promise.resolve(location.pathname)`); got != "/claims/"+itoa(claim) {
		t.Errorf("the page moved to %s: htmx did not swap the panel", got)
	}
}
