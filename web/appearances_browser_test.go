package web

import (
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"claimtrail/domain"
	"claimtrail/web/browsertest"
)

// A checked claim comes back: a reviewer adds an article repeating it and
// sees it recorded as a new appearance; an editor applies the approved
// verdict to it from the claim page; the public check's ClaimReview names
// the new article; the returning-claims page lists it for the morning note.
func TestBrowserReturningClaimStory(t *testing.T) {
	env := newTestEnv(t)
	setPublisher(t, env.db)
	env.queuedClaims(1, "unemployment fell by 3%")
	rita, _ := env.signedIn("rita@newsroom.example", domain.RoleReviewer)
	eddie, _ := env.signedIn("eddie@newsroom.example", domain.RoleEditor)
	checked := env.approvedThroughBrowser(rita, eddie)
	wantStatus(t, eddie.get("/claims/"+itoa(checked)), http.StatusOK)

	b := &browser{t: t, ctx: browsertest.New(t), env: env}
	b.signIn("rita@newsroom.example")
	b.do("add the article that repeats the claim",
		chromedp.Navigate(env.srv.URL+"/articles/new"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="article-form"]`)),
		chromedp.SetValue(chromedp.CSS(`#title`), "Radio round"),
		chromedp.SetValue(chromedp.CSS(`[data-testid="article-form"] [name="outlet"]`), "The Evening Post"),
		chromedp.SetValue(chromedp.CSS(`[data-testid="article-form"] [name="url"]`), "https://post.example/radio"),
		chromedp.SetValue(chromedp.CSS(`[data-testid="article-form"] [name="published"]`), "2026-11-30"),
		chromedp.SetValue(chromedp.CSS(`#body`), returningArticle),
		chromedp.Click(chromedp.CSS(`[data-testid="add-article-submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="recorded-appearance"]`)),
	)
	if got := b.text(`[data-testid="recorded-appearance"]`); !strings.Contains(got, "claim "+itoa(checked)) {
		t.Errorf("article page says %q", got)
	}
	browsertest.Screenshot(t, b.ctx, "recorded-at-triage")
	// Accepting it is offered as recording the appearance instead, in place.
	b.do("record the candidate as an appearance rather than queue it",
		chromedp.Click(chromedp.CSS(`[data-testid="appearance-offer"] [data-testid="record-appearance"]`)),
	)
	b.waitFor("the row to say it is dismissed as already checked",
		`[...document.querySelectorAll('[data-testid="dismissed-as"]')].some(e => e.innerText.includes("Already checked"))`)
	if n := b.eval(`Promise.resolve(String(document.querySelectorAll('[data-testid="appearance-offer"]').length))`); n != "0" {
		t.Errorf("%s offers left after recording", n)
	}
	b.signOut()

	b.signIn("eddie@newsroom.example")
	b.do("open the checked claim's appearances",
		chromedp.Navigate(env.srv.URL+"/claims/"+itoa(checked)+"#appearances"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="apply-verdict"]`)),
	)
	if got := b.text(`[data-testid="appearance"] [data-testid="appearance-article"]`); got != "Radio round" {
		t.Errorf("appearance article %q", got)
	}
	b.eval(`Promise.resolve((window.confirm = () => true, ""))`)
	b.do("apply the approved verdict",
		chromedp.Click(chromedp.CSS(`[data-testid="apply-verdict"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="appearance-applied"]`)),
	)
	browsertest.Screenshot(t, b.ctx, "verdict-applied")

	b.do("read the public check", chromedp.Navigate(env.srv.URL+"/checks/"+itoa(checked)),
		chromedp.WaitReady(chromedp.CSS(`script[type="application/ld+json"]`)))
	ld := b.eval(`Promise.resolve(document.querySelector('script[type="application/ld+json"]').textContent)`)
	if !strings.Contains(ld, `"url":"https://post.example/radio"`) || !strings.Contains(ld, `"headline":"Radio round"`) {
		t.Errorf("ClaimReview does not name the new appearance: %s", ld)
	}

	b.do("open returning claims from the navigation",
		chromedp.Navigate(env.srv.URL+"/"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="nav"]`)),
		chromedp.Click(chromedp.CSS(`[data-testid="nav"] a[href="/returning"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="returning-form"]`)),
		chromedp.SetValue(chromedp.CSS(`#since`), "2026-11-29"),
		chromedp.Click(chromedp.CSS(`[data-testid="returning-show"]`)),
	)
	b.waitFor("the list since the date chosen", `location.search == "?since=2026-11-29" && document.querySelector('[data-testid="returning-claim"]')`)
	got := b.text(`[data-testid="returning-claim"]`)
	for _, want := range []string{"unemployment fell by 3%", "Radio round", "The Evening Post", "Mostly false"} {
		if !strings.Contains(strings.ToLower(got), strings.ToLower(want)) {
			t.Errorf("returning list lacks %q: %q", want, got)
		}
	}
	browsertest.Screenshot(t, b.ctx, "returning")
}
