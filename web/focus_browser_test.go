package web

import (
	"testing"

	"github.com/chromedp/chromedp"

	"claimtrail/domain"
	"claimtrail/web/browsertest"
)

// TestBrowserTriageSwapKeepsFocus presses a row's Dismiss without a reason
// and another row's Accept with the script on, as someone working from the
// keyboard or a screen reader does: htmx replaces the row holding the
// pressed button, and focus lands on the reason the server asks for (its
// message read with it) and then on the accepted row, not on the top of the
// page, so the next Tab goes on from where the person was.
func TestBrowserTriageSwapKeepsFocus(t *testing.T) {
	env := newTestEnv(t)
	rita, _ := env.signedIn("rita@newsroom.example", domain.RoleReviewer)
	article, ids := env.triageArticle(rita)
	first, second := itoa(ids[0]), itoa(ids[1])

	b := &browser{t: t, ctx: browsertest.New(t), env: env}
	b.signIn("rita@newsroom.example")
	b.do("open the article", chromedp.Navigate(env.srv.URL+article), chromedp.WaitVisible(chromedp.CSS(`[data-testid="claims-by-score"]`)))
	b.waitFor("htmx to load", `typeof htmx === "object"`)

	b.do("dismiss the first claim without a reason",
		chromedp.Click(chromedp.CSS(`#claim-row-`+first+` [data-testid="dismiss"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#claim-row-`+first+` [data-testid="error-reason_code"]`)),
	)
	b.waitFor("focus on the reason asked for", `document.activeElement && document.activeElement.id === "reason-code-`+first+`"`)
	if got := b.eval(`Promise.resolve(document.getElementById(document.activeElement.getAttribute("aria-describedby")).textContent)`); got == "" {
		t.Error("the focused reason is not described by its error message")
	}

	b.do("accept the second claim",
		chromedp.Click(chromedp.CSS(`#claim-row-`+second+` [data-testid="accept"]`)),
	)
	b.waitFor("the second claim accepted", `document.querySelector('#claim-row-`+second+`').dataset.state === "queued"`)
	b.waitFor("focus on the accepted row", `document.activeElement && document.activeElement.id === "claim-row-`+second+`"`)
	browsertest.Screenshot(t, b.ctx, "after-accept")
}

// TestBrowserAddClaimWithoutSelecting: with the script on, the form for a
// claim the extractor missed waits behind a button as well as a selection
// of the article's text, so someone who cannot select text (on a keyboard,
// with a screen reader) opens it, finds the box focused, pastes the claim
// and adds it.
func TestBrowserAddClaimWithoutSelecting(t *testing.T) {
	env := newTestEnv(t)
	rita, _ := env.signedIn("rita@newsroom.example", domain.RoleReviewer)
	article, _ := env.triageArticle(rita)

	b := &browser{t: t, ctx: browsertest.New(t), env: env}
	b.signIn("rita@newsroom.example")
	b.do("open the article", chromedp.Navigate(env.srv.URL+article), chromedp.WaitVisible(chromedp.CSS(`[data-testid="add-claim-open"]`)))
	if b.eval(`Promise.resolve(String(document.getElementById("add-claim-form").hidden))`) != "true" {
		t.Fatal("the add-claim form shows before it is asked for")
	}
	if got := b.eval(`Promise.resolve(document.querySelector('[data-testid="add-claim-open"]').getAttribute("aria-expanded"))`); got != "false" {
		t.Errorf("the button's aria-expanded is %q before it is pressed", got)
	}
	quote := "the highest in forty years"
	b.do("open the form and paste the claim",
		chromedp.Click(chromedp.CSS(`[data-testid="add-claim-open"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#quote`)),
	)
	if got := b.eval(`Promise.resolve(document.activeElement.id)`); got != "quote" {
		t.Errorf("focus is on %q after opening the form, want the claim's box", got)
	}
	b.do("add it",
		chromedp.SendKeys(chromedp.CSS(`#quote`), quote),
		chromedp.Click(chromedp.CSS(`[data-testid="add-claim"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="flash-success"]`)),
	)
	if n := env.count(`SELECT count(*) FROM claims WHERE sentence = ? OR text = ?`, quote, quote); n != 1 {
		t.Errorf("%d claims with the pasted words, want 1", n)
	}
}

// TestBrowserSourceMoveKeepsFocus moves a verdict's first source down with
// the script on: the source moves and focus stays on its own "down"
// button, so a keyboard user can press it again, instead of landing on
// the top of the page.
func TestBrowserSourceMoveKeepsFocus(t *testing.T) {
	env := newTestEnv(t)
	env.queuedClaims(1, "unemployment fell by 3%")
	env.createUser("rita@newsroom.example", domain.RoleReviewer)
	b := &browser{t: t, ctx: browsertest.New(t), env: env}
	b.signIn("rita@newsroom.example")
	b.takeNext()
	b.waitFor("htmx to load", `typeof htmx === "object"`)
	b.addSource("Labour market overview", "https://www.ons.gov.uk/a", "ONS", "official_statistics", "", 1)
	b.addSource("Jobs statistics", "https://www.ons.gov.uk/b", "ONS", "official_statistics", "", 2)
	b.addSource("Claimant count", "https://www.ons.gov.uk/c", "ONS", "official_statistics", "", 3)
	first := b.eval(`Promise.resolve(document.querySelector('[data-testid="source"]').dataset.sourceId)`)
	down := `[data-testid="source"][data-source-id="` + first + `"] [data-testid="source-down"]`
	// A person takes longer than htmx does to take over the swapped-in buttons.
	b.waitFor("htmx to take over the new buttons", `document.querySelector('`+down+`')["htmx-internal-data"]`)
	b.do("move the first source down",
		chromedp.Click(chromedp.CSS(down)),
	)
	b.waitFor("the source moved", `document.querySelectorAll('[data-testid="source"]')[1].dataset.sourceId === "`+first+`"`)
	b.waitFor("focus on its down button", `document.activeElement && document.activeElement.id === "source-`+first+`-down"`)
}
