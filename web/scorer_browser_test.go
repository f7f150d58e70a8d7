package web

import (
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"claimtrail/domain"
	"claimtrail/web/browsertest"
)

// An admin adapts the claim scorer from the page, watches it run, rolls
// back to the base model, and does it all again with JavaScript off.
func TestBrowserClaimScorerPage(t *testing.T) {
	env := newTestEnv(t)
	env.createUser("ada@newsroom.example", domain.RoleAdmin)
	env.triageLabels(12, 10)
	release := make(chan struct{})
	adaptStarted = func() { <-release }
	t.Cleanup(func() { adaptStarted = nil })

	b := &browser{t: t, ctx: browsertest.New(t), env: env}
	b.signIn("ada@newsroom.example")
	b.do("open the Claim scorer page from the navigation",
		chromedp.Click(chromedp.CSS(`[data-testid="nav"] a[href="/admin/scorer"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="adapt-now"]`)),
	)
	if got := b.text(`[data-testid="scorer-labels"]`); got[:40] != "22 labels: 12 check-worthy, 10 not check" {
		t.Errorf("labels: %q", got)
	}
	b.submit("adapt now", `[data-testid="adapt-now"]`, `[data-testid="scorer-progress"]`)
	b.waitFor("the progress while it runs", `document.querySelector('[data-testid="scorer-progress"]') && document.querySelector('[data-testid="scorer-progress"]').innerText.includes("Adapting: step 0 of")`)
	release <- struct{}{}
	b.waitFor("the page to show the new version", `document.querySelector('[data-testid="scorer-done"]') && document.querySelector('[data-version="1"] [data-testid="in-use"]')`)

	b.submit("roll back", `[data-testid="use-base"]`, `[data-version="base"] [data-testid="in-use"]`)
	b.waitFor("the base model in use", `document.querySelector('[data-version="base"] [data-testid="in-use"]') && document.querySelector('[data-testid="use-1"]')`)

	// Without JavaScript a frame follows the run; the page itself is never
	// reloaded, so a number typed while it runs stays where it was typed.
	browsertest.NoScript(t, b.ctx)
	b.do("reload without JavaScript",
		chromedp.Navigate(env.srv.URL+"/admin/scorer"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="adapt-now"]`)),
	)
	b.submit("adapt again", `[data-testid="adapt-now"]`, `[data-testid="scorer-progress"]`)
	b.waitFor("the progress frame without JavaScript", `(() => { const f = document.querySelector('[data-testid="scorer-progress"] iframe');
		return f && f.contentDocument && f.contentDocument.querySelector('progress') })()`)
	b.clear(`#auto_every`)
	b.do("type a number while it runs", chromedp.SendKeys(chromedp.ID("auto_every"), "240"))
	time.Sleep(2500 * time.Millisecond) // the frame reloads itself every second meanwhile
	if got := b.value(`#auto_every`); got != "240" {
		t.Errorf("number typed while adapting: %q, want 240", got)
	}
	release <- struct{}{}
	b.waitFor("the frame to say the run is over", `(() => { const f = document.querySelector('[data-testid="scorer-progress"] iframe');
		return f && f.contentDocument && f.contentDocument.querySelector('[data-testid="frame-done"]') })()`)
	b.submit("show the result", `[data-testid="show-progress"]`, `[data-version="2"] [data-testid="in-use"]`)
	b.waitFor("version 2 in use, the typed number kept", `document.querySelector('[data-version="2"] [data-testid="in-use"]') && document.querySelector('#auto_every').value === "240"`)
}
