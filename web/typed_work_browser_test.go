package web

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"claimtrail/domain"
	"claimtrail/web/browsertest"
)

// TestBrowserNoScriptClaimPageKeepsTypedWork writes a verdict in Chromium
// with JavaScript off, then presses the claim page's other buttons before
// saving it: each does its own job and the verdict (and a comment) typed
// but not yet saved is still in the form afterwards.
func TestBrowserNoScriptClaimPageKeepsTypedWork(t *testing.T) {
	env := newTestEnv(t)
	env.queuedClaims(1, "unemployment fell by 3%")
	env.createUser("rita@newsroom.example", domain.RoleReviewer)
	b := &browser{t: t, ctx: browsertest.New(t), env: env}
	browsertest.NoScript(t, b.ctx)
	b.signIn("rita@newsroom.example")
	b.takeNext()
	if js := b.eval(`Promise.resolve(String(document.querySelectorAll("script").length > 0 && typeof htmx))`); js == "object" {
		t.Fatal("htmx ran although JavaScript is off")
	}

	conclusion := "It fell by 0.3 points, not 3%."
	explanation := "The ONS series shows a fall of 0.3 points.\n\n- Quarter to March: 4.2%\n- Quarter to June: 3.9%"
	b.do("type a verdict and a comment, then add a source",
		chromedp.SetValue(chromedp.CSS(`#rating`), env.ratingID("Mostly false")),
		chromedp.SendKeys(chromedp.CSS(`#conclusion`), conclusion),
		chromedp.SetValue(chromedp.CSS(`#explanation`), explanation),
		chromedp.SendKeys(chromedp.CSS(`#body`), "Asked the ONS press office too."),
		chromedp.SendKeys(chromedp.CSS(`#new-source-url`), "https://www.ons.gov.uk/employment"),
		chromedp.SendKeys(chromedp.CSS(`#new-source-title`), "Labour market overview"),
		chromedp.Click(chromedp.CSS(`[data-testid="add-source"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="source-title"]`)),
	)
	browsertest.Screenshot(t, b.ctx, "after-add-source")
	b.wantTyped(conclusion, explanation, env.ratingID("Mostly false"))
	if got := b.eval(`Promise.resolve(document.querySelector("#body").value)`); got != "Asked the ONS press office too." {
		t.Errorf("comment after adding a source: %q", got)
	}
	if b.eval(`Promise.resolve(document.querySelector("#new-source-url").value)`) != "" {
		t.Error("the add-source form still holds the source it added")
	}
	if n := b.eval(`Promise.resolve(String(document.querySelectorAll('[data-testid="typed-kept"]').length))`); n != "1" {
		t.Error("no word that the typed text was kept")
	}

	b.clearFlash()
	b.do("post the comment",
		chromedp.Click(chromedp.CSS(`[data-testid="add-comment"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="comment-body"]`)),
	)
	b.wantTyped(conclusion, explanation, env.ratingID("Mostly false"))
	if got := b.eval(`Promise.resolve(document.querySelector("#body").value)`); got != "" {
		t.Errorf("the comment box still holds the posted comment %q", got)
	}

	// A source edit refused for a bad address keeps the verdict too.
	b.clearFlash()
	b.do("edit the source badly",
		chromedp.Click(chromedp.CSS(`[data-testid="source"] details summary`)),
		chromedp.SetValue(chromedp.CSS(`[data-testid="source"] input[id$="-url"]`), "not a web address"),
		chromedp.Click(chromedp.CSS(`[data-testid="source-save"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="error-url"]`)),
	)
	b.wantTyped(conclusion, explanation, env.ratingID("Mostly false"))

	// Nothing was saved to the verdict by any of that; saving the draft does.
	var stored string
	if err := env.raw().QueryRow(`SELECT conclusion FROM verdicts`).Scan(&stored); err != nil {
		t.Fatal(err)
	}
	if stored == conclusion {
		t.Fatal("the verdict was saved without Save draft")
	}
	b.clearFlash()
	b.do("save the draft",
		chromedp.Click(chromedp.CSS(`[data-testid="save-verdict"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="flash-success"]`)),
	)
	if err := env.raw().QueryRow(`SELECT conclusion FROM verdicts`).Scan(&stored); err != nil {
		t.Fatal(err)
	}
	if stored != conclusion {
		t.Errorf("saved conclusion %q", stored)
	}
	b.wantTyped(conclusion, explanation, env.ratingID("Mostly false"))
	browsertest.Screenshot(t, b.ctx, "saved")
}

// wantTyped checks the verdict form holds what was typed.
func (b *browser) wantTyped(conclusion, explanation, rating string) {
	b.t.Helper()
	if got := b.eval(`Promise.resolve(document.querySelector("#conclusion").value)`); got != conclusion {
		b.t.Errorf("conclusion %q, want %q", got, conclusion)
	}
	// A textarea's value comes back with \n line ends, as typed.
	if got := b.eval(`Promise.resolve(document.querySelector("#explanation").value)`); strings.ReplaceAll(got, "\r\n", "\n") != explanation {
		b.t.Errorf("explanation %q, want %q", got, explanation)
	}
	if got := b.eval(`Promise.resolve(document.querySelector("#rating").value)`); got != rating {
		b.t.Errorf("rating %q, want %q", got, rating)
	}
}

// TestBrowserNoScriptNewUserReloadAddsNobody creates an account in Chromium
// with JavaScript off and reloads the page that shows its password: the
// reload shows the account without the password and creates nobody.
func TestBrowserNoScriptNewUserReloadAddsNobody(t *testing.T) {
	env := newTestEnv(t)
	env.createUser("ada@newsroom.example", domain.RoleAdmin)
	b := &browser{t: t, ctx: browsertest.New(t), env: env}
	browsertest.NoScript(t, b.ctx)
	b.signIn("ada@newsroom.example")
	b.do("add a user",
		chromedp.Navigate(env.srv.URL+"/admin/users/new"),
		chromedp.SendKeys(chromedp.ID("name"), "Nia Reviewer"),
		chromedp.SendKeys(chromedp.ID("email"), "nia@newsroom.example"),
		chromedp.Submit(chromedp.ID("email")),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="one-time-password"]`)),
	)
	b.do("reload", chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS(`[data-testid="nav"]`)))
	if n := b.eval(`Promise.resolve(String(document.querySelectorAll('[data-testid="one-time-password"]').length))`); n != "0" {
		t.Error("the one-time password is shown again after a reload")
	}
	var users int
	if err := env.raw().QueryRow(`SELECT count(*) FROM users WHERE email = 'nia@newsroom.example'`).Scan(&users); err != nil || users != 1 {
		t.Errorf("%d accounts for the new email after a reload (%v)", users, err)
	}
}
