package web

import (
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"claimtrail/domain"
	"claimtrail/web/browsertest"
)

// TestBrowserScorerPageKeepsTypedWork: an admin types "adapt after every N
// labels" and, before saving it, presses Adapt now, watches the run, and
// rolls back to the base model. The number stays as typed through all of
// it (the run's progress never reloads it away) and is saved only by Save;
// with JavaScript off and on.
func TestBrowserScorerPageKeepsTypedWork(t *testing.T) {
	for _, script := range []bool{false, true} {
		t.Run(map[bool]string{false: "without-script", true: "with-script"}[script], func(t *testing.T) {
			env := newTestEnv(t)
			env.createUser("ada@newsroom.example", domain.RoleAdmin)
			env.triageLabels(12, 10)
			release := make(chan struct{})
			adaptStarted = func() { <-release }
			t.Cleanup(func() { adaptStarted = nil })

			b := &browser{t: t, ctx: browsertest.New(t), env: env}
			if !script {
				browsertest.NoScript(t, b.ctx)
			}
			b.signIn("ada@newsroom.example")
			b.do("open the Claim scorer page", chromedp.Navigate(env.srv.URL+"/admin/scorer"), chromedp.WaitVisible(chromedp.CSS(`[data-testid="adapt-now"]`)))
			b.clear(`#auto_every`)
			b.do("type a number", chromedp.SendKeys(chromedp.ID("auto_every"), "150"))
			b.submit("adapt now", `[data-testid="adapt-now"]`, `[data-testid="scorer-progress"]`)
			b.waitFor("the progress while it runs", `document.querySelector('[data-testid="scorer-progress"]')`)
			if got := b.value(`#auto_every`); got != "150" {
				t.Errorf("number after Adapt now: %q, want 150 as typed", got)
			}
			if !script && b.eval(`Promise.resolve(String(document.querySelector('meta[http-equiv="refresh"]') === null))`) != "true" {
				t.Error("the page reloads itself while it shows a typed number")
			}
			// While it runs, the progress is followed for a few polls; the
			// number stays, and a change typed meanwhile too.
			time.Sleep(1500 * time.Millisecond)
			b.clear(`#auto_every`)
			b.do("type another number while it runs", chromedp.SendKeys(chromedp.ID("auto_every"), "1500"))
			time.Sleep(1500 * time.Millisecond)
			if got := b.value(`#auto_every`); got != "1500" {
				t.Errorf("number while adapting: %q, want 1500 as typed", got)
			}
			release <- struct{}{}
			if !script {
				// As a person would: the frame, which reloads itself, says the
				// run is over; then Show progress, once. (Pressing it on every
				// look could start each new page before the last had loaded.)
				b.waitFor("the frame to say the run is over", `document.querySelector('[data-testid="progress-frame"]').contentDocument.querySelector('[data-testid="frame-done"]')`)
				b.submit("show the progress", `[data-testid="show-progress"]`, `[data-testid="scorer-done"]`)
			}
			b.waitFor("the new version in use", `document.querySelector('[data-testid="scorer-done"]') && document.querySelector('[data-version="1"] [data-testid="in-use"]')`)
			if got := b.value(`#auto_every`); got != "1500" {
				t.Errorf("number after the run: %q, want 1500 as typed", got)
			}

			b.submit("roll back", `[data-testid="use-base"]`, `[data-testid="flash-success"]`)
			if got := b.value(`#auto_every`); got != "1500" {
				t.Errorf("number after rolling back: %q, want 1500 as typed", got)
			}
			if n := env.count(`SELECT count(*) FROM scorer_state WHERE auto_every = 0`); n != 1 {
				t.Error("the number was saved without Save")
			}
			b.submit("save the number", `[data-testid="save-auto"]`, `[data-testid="flash-success"]`)
			if n := env.count(`SELECT count(*) FROM scorer_state WHERE auto_every = 1500`); n != 1 {
				t.Error("Save did not save the number")
			}
		})
	}
}
