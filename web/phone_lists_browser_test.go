package web

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/chromedp/chromedp"

	"claimtrail/domain"
	"claimtrail/web/browsertest"
)

// TestBrowserPhoneListsFitTheScreen opens the queue, the review list and
// the articles on a phone: each claim's words wrap within the screen rather
// than running off its right edge in one line, and the editor's Approve is
// on screen without scrolling sideways.
func TestBrowserPhoneListsFitTheScreen(t *testing.T) {
	env := newTestEnv(t)
	env.queuedClaims(3, "unemployment fell by 3% in the three months to March, the largest fall in a decade")
	rita, _ := env.signedIn("rita@newsroom.example", domain.RoleReviewer)
	env.createUser("eddie@newsroom.example", domain.RoleEditor)
	id := env.takeAndComplete(rita)
	wantStatus(t, rita.postForm("/claims/"+itoa(id)+"/submit", url.Values{"version": {env.verdictVersion(id)},
		"rating": {env.ratingID("Mostly false")}, "conclusion": {"It fell by 0.3 points, not 3%."}, "explanation": {"The ONS says so."}}), http.StatusSeeOther)

	b := &browser{t: t, ctx: browsertest.New(t), env: env}
	browsertest.Phone(t, b.ctx)
	browsertest.NoScript(t, b.ctx)
	b.signIn("eddie@newsroom.example")

	// onScreen is true when every element matching sel ends within the
	// page's width.
	onScreen := func(sel string) string {
		return b.eval(`Promise.resolve((() => {
			const els = document.querySelectorAll(` + jsString(sel) + `);
			if (els.length === 0) return "none";
			const width = document.documentElement.clientWidth;
			for (const el of els) if (el.getBoundingClientRect().right > width + 1) return "off by " + Math.round(el.getBoundingClientRect().right - width) + "px";
			return "yes";
		})())`)
	}
	for _, page := range []struct{ path, wait, sels string }{
		{"/queue", `[data-testid="queue"]`, `[data-testid="claim-link"]`},
		{"/review", `[data-testid="review"]`, `[data-testid="review-row"] a[href^="/claims/"], [data-testid="approve"]`},
		{"/articles", `[data-testid="articles"]`, `[data-testid="article-link"]`},
	} {
		b.do("open "+page.path, chromedp.Navigate(env.srv.URL+page.path), chromedp.WaitVisible(chromedp.CSS(page.wait)))
		if got := onScreen(page.sels); got != "yes" {
			t.Errorf("%s on a phone: %s fits the screen? %s", page.path, page.sels, got)
		}
		browsertest.Screenshot(t, b.ctx, page.path[1:])
	}
	// Each cell still says which column it is.
	b.do("open the queue", chromedp.Navigate(env.srv.URL+"/queue"), chromedp.WaitVisible(chromedp.CSS(`[data-testid="queue"]`)))
	// The menu wraps into even columns, every link on one line, rather than
	// ragged rows.
	if got := b.eval(`Promise.resolve((() => {
		const links = [...document.querySelectorAll('[data-testid="nav"] .nav-link')];
		const lefts = new Set(links.map(a => Math.round(a.getBoundingClientRect().left)));
		const split = links.filter(a => a.getClientRects().length > 1 || a.getBoundingClientRect().height > 48).length;
		return lefts.size + " columns, " + split + " links split";
	})())`); got != "3 columns, 0 links split" {
		t.Errorf("the menu on a phone: %s, want 3 columns, 0 links split", got)
	}
	// A phone has no keyboard: Take next offers no shortcut key.
	if got := b.eval(`Promise.resolve(getComputedStyle(document.querySelector('[data-testid="take-next"] kbd')).display)`); got != "none" {
		t.Errorf("Take next shows its keyboard shortcut on a phone (display %s)", got)
	}
	if got := b.eval(`Promise.resolve(getComputedStyle(document.querySelector('[data-testid="queue-row"] td[data-label="Assignee"]'), "::before").content)`); got != `"Assignee: "` {
		t.Errorf("the queue's assignee cell is labelled %s on a phone", got)
	}
}
