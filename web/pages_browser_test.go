package web

import (
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"claimtrail/domain"
	"claimtrail/web/browsertest"
)

// TestBrowserPhonePagesWithoutScript looks at the queue and the article page
// on a phone with JavaScript off: the queue's filters fold behind one button
// that still opens them, scores show as numbers, the article's claims come
// before its text, and the keyboard hint (which needs the script) is hidden.
func TestBrowserPhonePagesWithoutScript(t *testing.T) {
	env := newTestEnv(t)
	env.queuedClaims(2, "unemployment fell by 3%")
	rita, _ := env.signedIn("rita@newsroom.example", domain.RoleReviewer)
	res := rita.postForm("/articles", url.Values{"title": {"Budget speech"}, "body": {"The chancellor said borrowing fell to 4.1% of GDP last year. It was sunny."}})
	wantStatus(t, res, 303)
	article := res.Header.Get("Location")

	b := &browser{t: t, ctx: browsertest.New(t), env: env}
	browsertest.Phone(t, b.ctx)
	browsertest.NoScript(t, b.ctx)
	b.signIn("rita@newsroom.example")
	b.do("open the queue", chromedp.Navigate(env.srv.URL+"/queue"), chromedp.WaitVisible(chromedp.CSS(`[data-testid="filters-button"]`)))
	if b.eval(`Promise.resolve(getComputedStyle(document.querySelector('[data-testid="queue-filters"]')).display)`) != "none" {
		t.Error("the queue's filters are open on a phone before the button is pressed")
	}
	if got := strings.Join(strings.Fields(b.text(`[data-testid="score-number"]`)), " "); got != "Score 90%" {
		t.Errorf("queue score shown as %q", got)
	}
	browsertest.Screenshot(t, b.ctx, "queue-folded")
	b.do("open the filters",
		chromedp.Click(chromedp.CSS(`[data-testid="filters-button"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="queue-filters"]`)),
	)
	browsertest.Screenshot(t, b.ctx, "queue-filters-open")

	b.do("open the article", chromedp.Navigate(env.srv.URL+article), chromedp.WaitVisible(chromedp.CSS(`[data-testid="claims-by-score"]`)))
	above := b.eval(`Promise.resolve(String(document.querySelector('[data-testid="claims-by-score"]').getBoundingClientRect().top < document.querySelector('[data-testid="article-text"]').getBoundingClientRect().top))`)
	if above != "true" {
		t.Error("on a phone the article's text comes before its claims")
	}
	if b.eval(`Promise.resolve(getComputedStyle(document.querySelector('[data-testid="keys-hint"]')).display)`) != "none" {
		t.Error("the keyboard hint shows although no script runs to make the keys work")
	}
	if b.eval(`Promise.resolve(String(document.querySelectorAll('[data-testid="highlight-legend"] li').length))`) != "5" {
		t.Error("no legend for the highlight colours")
	}
	browsertest.Screenshot(t, b.ctx, "article-phone")
}

// TestBrowserKeysHintWithScript: with the script running, the article
// page's keyboard hint shows and names ? for the full list.
func TestBrowserKeysHintWithScript(t *testing.T) {
	env := newTestEnv(t)
	rita, _ := env.signedIn("rita@newsroom.example", domain.RoleReviewer)
	res := rita.postForm("/articles", url.Values{"title": {"Budget speech"}, "body": {"The chancellor said borrowing fell to 4.1% of GDP last year."}})
	wantStatus(t, res, 303)
	b := &browser{t: t, ctx: browsertest.New(t), env: env}
	b.signIn("rita@newsroom.example")
	b.do("open the article",
		chromedp.Navigate(env.srv.URL+res.Header.Get("Location")),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="keys-hint"]`)),
	)
	if got := b.text(`[data-testid="keys-hint"]`); !containsAll(got, "?", "accept", "dismiss") {
		t.Errorf("keys hint %q", got)
	}
	if got := b.eval(`fetch("/favicon.ico").then(r => r.headers.get("Content-Type"))`); got != "image/svg+xml" {
		t.Errorf("favicon served as %q", got)
	}
}

func containsAll(s string, parts ...string) bool {
	for _, p := range parts {
		if !strings.Contains(s, p) {
			return false
		}
	}
	return true
}
