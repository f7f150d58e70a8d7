package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/chromedp/chromedp"

	"claimtrail/domain"
	"claimtrail/web/browsertest"
)

// TestBrowserSignedOutSaveKeepsTheVerdict writes a verdict with JavaScript
// off, then the sign-in ends (here: signed out in another tab) before Save
// draft is pressed. The answer is the sign-in form, saying that nothing was
// saved; signing in again opens the claim with the verdict as typed, ready
// to save, where before the page said "Please sign in" and the verdict was
// gone (the claim page itself could not be reloaded to copy it from).
func TestBrowserSignedOutSaveKeepsTheVerdict(t *testing.T) {
	env := newTestEnv(t)
	env.queuedClaims(1, "unemployment fell by 3%")
	env.createUser("rita@newsroom.example", domain.RoleReviewer)
	b := &browser{t: t, ctx: browsertest.New(t), env: env}
	browsertest.NoScript(t, b.ctx)
	b.signIn("rita@newsroom.example")
	b.takeNext()
	claimPage := b.eval(`Promise.resolve(location.pathname)`)
	conclusion := "It fell by 0.3 points, not 3%."
	explanation := "The ONS series shows a fall of 0.3 points.\n\nQuarter to June: 3.9%"
	b.do("write a verdict",
		chromedp.SetValue(chromedp.CSS(`#rating`), env.ratingID("Mostly false")),
		chromedp.SendKeys(chromedp.CSS(`#conclusion`), conclusion),
		chromedp.SetValue(chromedp.CSS(`#explanation`), explanation),
	)
	// Another tab signs out: this tab's cookie no longer signs anyone in.
	b.do("sign out elsewhere", chromedp.Evaluate[chromedp.Void](`fetch("/logout", {method: "POST"}).then(() => 0)`, chromedp.EvalAwaitPromise))
	b.do("save the draft",
		chromedp.Click(chromedp.CSS(`[data-testid="save-verdict"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="login"]`)),
	)
	if b.eval(`Promise.resolve(String(document.querySelectorAll('[data-testid="signed-out-kept"]').length))`) != "1" {
		t.Error("the sign-in form does not say that nothing was saved and what was typed is kept")
	}
	if n := env.count(`SELECT count(*) FROM verdicts WHERE conclusion = ?`, conclusion); n != 0 {
		t.Fatal("the verdict was saved without a sign-in")
	}
	browsertest.Screenshot(t, b.ctx, "signed-out")
	b.do("sign in again",
		chromedp.SendKeys(chromedp.ID("email"), "rita@newsroom.example"),
		chromedp.SendKeys(chromedp.ID("password"), testPassword),
		chromedp.Click(chromedp.CSS(`[data-testid="login-submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="verdict-form"]`)),
	)
	if got := b.eval(`Promise.resolve(location.pathname)`); got != claimPage {
		t.Errorf("signed in to %s, want the claim %s", got, claimPage)
	}
	b.wantTyped(conclusion, explanation, env.ratingID("Mostly false"))
	b.clearFlash()
	b.do("save the draft again",
		chromedp.Click(chromedp.CSS(`[data-testid="save-verdict"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="flash-success"]`)),
	)
	if n := env.count(`SELECT count(*) FROM verdicts WHERE conclusion = ?`, conclusion); n != 1 {
		t.Errorf("%d verdicts saved with the typed conclusion, want 1", n)
	}
}

// TestSignedOutPostKeepsNoSecrets: a post refused for want of a sign-in
// keeps what was typed in the sign-in form, but never a password or code,
// nor the version stamps; without a page to return to (no Referer, or
// another site's) it is the plain "Please sign in" page; a wrong password
// keeps the typed text for the next try.
func TestSignedOutPostKeepsNoSecrets(t *testing.T) {
	env := newTestEnv(t)
	env.createUser("rita@newsroom.example", domain.RoleReviewer)
	anon := env.newClient()
	post := func(path, referer string, form url.Values) *response {
		req, _ := http.NewRequest(http.MethodPost, env.srv.URL+path, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", env.srv.URL)
		if referer != "" {
			req.Header.Set("Referer", referer)
		}
		return anon.do(req)
	}
	form := url.Values{"name": {"Spreadsheet"}, "public_name": {"R. Reviewer"}, "current_password": {"old secret"},
		"new_password": {"new secret words"}, "version": {"7"}, "code": {"123456"}}
	res := post("/settings/password", env.srv.URL+"/settings", form)
	wantStatus(t, res, http.StatusUnauthorized)
	doc := res.Doc(t)
	if doc.Find(`[data-testid="signed-out-kept"]`).Length() != 1 {
		t.Fatal("no sign-in form keeping what was typed")
	}
	kept := map[string]string{}
	doc.Find(`[data-testid="login"] input[type="hidden"]`).Each(func(_ int, s *goquery.Selection) {
		kept[s.AttrOr("name", "")] = s.AttrOr("value", "")
	})
	if kept["next"] != "/settings" || kept["kept.name"] != "Spreadsheet" || kept["kept.public_name"] != "R. Reviewer" {
		t.Errorf("kept %v", kept)
	}
	for name := range kept {
		if strings.Contains(name, "password") || name == "kept.code" || name == "kept.version" {
			t.Errorf("the sign-in form keeps %s", name)
		}
	}

	for _, referer := range []string{"", "https://elsewhere.example/settings"} {
		res := post("/settings/password", referer, form)
		wantStatus(t, res, http.StatusUnauthorized)
		if res.Doc(t).Find(`[data-testid="signed-out-kept"]`).Length() != 0 {
			t.Errorf("referer %q: a sign-in form keeping text for a page not on this site", referer)
		}
	}

	// A wrong password keeps the text for the next try.
	wrong := url.Values{"email": {"rita@newsroom.example"}, "password": {"not it"}, "next": {"/settings"}, "kept.public_name": {"R. Reviewer"}}
	res = post("/login", "", wrong)
	wantStatus(t, res, http.StatusUnauthorized)
	if got := res.Doc(t).Find(`input[name="kept.public_name"]`).AttrOr("value", ""); got != "R. Reviewer" {
		t.Errorf("after a wrong password the typed name is %q", got)
	}
}

// TestSignedOutTypedTextWaitsForTheSecondStep: someone with two-factor
// sign-in gets back what they typed after both steps, on the page it was
// typed on.
func TestSignedOutTypedTextWaitsForTheSecondStep(t *testing.T) {
	e := newTwoFactorEnv(t)
	c, u := e.signedIn("rita@example.org", domain.RoleReviewer)
	secret, _ := turnOnTwoFactor(t, c)
	s := e.newClient()
	res := s.postForm("/login", url.Values{"email": {u.Email}, "password": {testPassword}, "next": {"/settings"},
		"kept.public_name": {"Rita R."}, "kept.new_password": {"never this"}})
	wantStatus(t, res, http.StatusSeeOther)
	if loc := res.Header.Get("Location"); loc != "/login/two-factor" {
		t.Fatalf("after the password: sent to %q", loc)
	}
	res = s.postForm("/login/two-factor", url.Values{"code": {appCode(t, secret, time.Now().Add(30*time.Second))}})
	wantStatus(t, res, http.StatusSeeOther)
	if loc := res.Header.Get("Location"); loc != "/settings" {
		t.Fatalf("signed in and sent to %q", loc)
	}
	page := s.get("/settings")
	doc := page.Doc(t)
	if got := doc.Find(`input[name="public_name"]`).AttrOr("value", ""); got != "Rita R." {
		t.Errorf("the public name typed before signing in again is %q", got)
	}
	if strings.Contains(page.Body, "never this") {
		t.Error("a password typed before signing in again was written into the page")
	}
}

// TestSignedOutHTMXAnswerLinksToSignIn: with script on, an action whose
// sign-in has ended answers in the page's message area; the message links
// to the sign-in page (leading back to the page the person is on) in a new
// tab, so nothing typed on the page is lost by following it.
func TestSignedOutHTMXAnswerLinksToSignIn(t *testing.T) {
	env := newTestEnv(t)
	ids := env.queuedClaims(1, "unemployment fell by 3%")
	rita, _ := env.signedIn("rita@newsroom.example", domain.RoleReviewer)
	wantStatus(t, rita.postForm("/logout", nil), http.StatusSeeOther)
	page := "/claims/" + itoa(ids[0]) + "?tab=sources"
	req, _ := http.NewRequest(http.MethodPost, env.srv.URL+"/claims/"+itoa(ids[0])+"/verdict", strings.NewReader(url.Values{"conclusion": {"It fell by 0.3 points."}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", env.srv.URL)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	req.Header.Set("HX-Request", "true")
	req.Header.Set("HX-Current-URL", env.srv.URL+page)
	res := rita.do(req)
	wantStatus(t, res, http.StatusUnauthorized)
	link := res.Doc(t).Find(`[data-testid="error-message"] [data-testid="sign-in-link"]`)
	if link.Length() != 1 {
		t.Fatalf("the message has no link to sign in:\n%s", res.Body)
	}
	if href := link.AttrOr("href", ""); href != "/login?next="+url.QueryEscape(page) {
		t.Errorf("the link leads to %q, want back to %s", href, page)
	}
	if link.AttrOr("target", "") != "_blank" {
		t.Error("following the link would leave the page and what was typed on it")
	}
}
