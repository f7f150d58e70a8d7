package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"claimtrail/domain"
	"claimtrail/web/browsertest"
)

// TestBrowserFailedSubmitSummaryLinksToFields submits an empty verdict in
// Chromium, with and without JavaScript: a summary at the top lists each
// problem, and each item links to its field, which following the link
// brings into focus.
func TestBrowserFailedSubmitSummaryLinksToFields(t *testing.T) {
	for _, script := range []bool{false, true} {
		t.Run(map[bool]string{false: "without-script", true: "with-script"}[script], func(t *testing.T) {
			env := newTestEnv(t)
			env.queuedClaims(1, "unemployment fell by 3%")
			env.createUser("rita@newsroom.example", domain.RoleReviewer)
			b := &browser{t: t, ctx: browsertest.New(t), env: env}
			if !script {
				browsertest.NoScript(t, b.ctx)
			}
			b.signIn("rita@newsroom.example")
			b.do("take a claim and submit it empty",
				chromedp.Navigate(env.srv.URL+"/queue"),
				chromedp.Click(chromedp.CSS(`[data-testid="take-next"]`)),
				chromedp.WaitVisible(chromedp.CSS(`[data-testid="submit-verdict"]`)),
				chromedp.Click(chromedp.CSS(`[data-testid="submit-verdict"]`)),
				chromedp.WaitVisible(chromedp.CSS(`[data-testid="error-summary"]`)),
			)
			// The summary comes before the form it speaks of.
			if b.eval(`Promise.resolve(String(document.querySelector('[data-testid="error-summary"]').getBoundingClientRect().top < document.querySelector('#conclusion').getBoundingClientRect().top))`) != "true" {
				t.Error("the summary is not above the form")
			}
			links := b.eval(`Promise.resolve(Array.from(document.querySelectorAll('[data-testid="error-summary"] a')).map(a => a.getAttribute("href")).join(" "))`)
			for _, want := range []string{"#rating", "#conclusion"} {
				if !strings.Contains(links, want) {
					t.Errorf("summary links %q, missing %s", links, want)
				}
			}
			for _, href := range strings.Fields(links) {
				if b.eval(`Promise.resolve(String(!!document.getElementById(`+jsString(strings.TrimPrefix(href, "#"))+`)))`) != "true" {
					t.Errorf("summary link %s leads nowhere", href)
				}
			}
			b.do("follow the conclusion's link", chromedp.Click(chromedp.CSS(`[data-testid="error-summary"] a[href="#conclusion"]`)))
			b.waitFor("the conclusion field in focus", `document.activeElement && document.activeElement.id === "conclusion"`)
			browsertest.Screenshot(t, b.ctx, "summary")
		})
	}
}

// TestBrowserReviewListShowsTheVerdictBeforeApprove looks at the review
// list as an editor: each verdict's conclusion, explanation and sources
// come before its Approve button; with the script Approve asks first, and
// "no" publishes nothing; without it the button still approves.
func TestBrowserReviewListShowsTheVerdictBeforeApprove(t *testing.T) {
	for _, script := range []bool{false, true} {
		t.Run(map[bool]string{false: "without-script", true: "with-script"}[script], func(t *testing.T) {
			env := newTestEnv(t)
			env.queuedClaims(1, "unemployment fell by 3%")
			rita, _ := env.signedIn("rita@newsroom.example", domain.RoleReviewer)
			env.createUser("eddie@newsroom.example", domain.RoleEditor)
			id := env.takeAndComplete(rita)
			wantStatus(t, rita.postForm("/claims/"+itoa(id)+"/submit", url.Values{"version": {env.verdictVersion(id)}}), http.StatusSeeOther)

			b := &browser{t: t, ctx: browsertest.New(t), env: env}
			if !script {
				browsertest.NoScript(t, b.ctx)
			}
			b.signIn("eddie@newsroom.example")
			b.do("open the review list", chromedp.Navigate(env.srv.URL+"/review"), chromedp.WaitVisible(chromedp.CSS(`[data-testid="review-row"]`)))
			row := `[data-testid="review-row"][data-claim-id="` + itoa(id) + `"]`
			if got := b.text(row + ` [data-testid="review-conclusion"]`); got != "It fell by 0.3 points, not 3%." {
				t.Errorf("conclusion %q", got)
			}
			if got := b.eval(`Promise.resolve(document.querySelector('` + row + ` [data-testid="review-explanation"]').textContent.trim())`); got != "The ONS says so." {
				t.Errorf("explanation %q", got)
			}
			if got := b.text(row + ` [data-testid="review-sources"]`); !strings.Contains(got, "Labour market overview") {
				t.Errorf("sources %q", got)
			}
			// Document order: what is approved comes before the button.
			order := b.eval(`Promise.resolve((() => {
				const r = document.querySelector('` + row + `');
				const approve = r.querySelector('[data-testid="approve"]');
				return ["review-conclusion", "review-explanation", "review-sources"].every(id =>
					r.querySelector('[data-testid="' + id + '"]').compareDocumentPosition(approve) & Node.DOCUMENT_POSITION_FOLLOWING) ? "before" : "after";
			})())`)
			if order != "before" {
				t.Error("the Approve button comes before what it approves")
			}
			browsertest.Screenshot(t, b.ctx, "review")
			if script {
				b.eval(`Promise.resolve((() => { window.confirm = () => false; return ""; })())`)
				b.do("press Approve and say no", chromedp.Click(chromedp.CSS(row+` [data-testid="approve"]`)))
				b.eval(`new Promise(r => setTimeout(() => r(""), 500))`)
				if n := env.count(`SELECT count(*) FROM claims WHERE id = ? AND state = 'approved'`, id); n != 0 {
					t.Fatal("approved although the editor said no")
				}
				b.eval(`Promise.resolve((() => { window.confirm = () => true; return ""; })())`)
			}
			b.do("approve", chromedp.Click(chromedp.CSS(row+` [data-testid="approve"]`)))
			b.waitFor("the approval", `!document.querySelector('`+row+`')`)
			if n := env.count(`SELECT count(*) FROM claims WHERE id = ? AND state = 'approved'`, id); n != 1 {
				t.Error("Approve did not approve")
			}
		})
	}
}

// TestBrowserArticleRowsHaveRoom looks at an article's candidates on a
// desktop and on a phone: each score is a number beside its bar, and the
// dismiss note's placeholder fits its box rather than being cut off.
func TestBrowserArticleRowsHaveRoom(t *testing.T) {
	for _, phone := range []bool{false, true} {
		t.Run(map[bool]string{false: "desktop", true: "phone"}[phone], func(t *testing.T) {
			env := newTestEnv(t)
			rita, _ := env.signedIn("rita@newsroom.example", domain.RoleReviewer)
			article, ids := env.triageArticle(rita)
			b := &browser{t: t, ctx: browsertest.New(t), env: env}
			if phone {
				browsertest.Phone(t, b.ctx)
			}
			b.signIn("rita@newsroom.example")
			b.do("open the article", chromedp.Navigate(env.srv.URL+article), chromedp.WaitVisible(chromedp.CSS(`[data-testid="claims-by-score"]`)))
			row := `#claim-row-` + itoa(ids[0])
			if got := b.text(row + ` [data-testid="claim-score"]`); !strings.HasSuffix(got, "%") {
				t.Errorf("score shown as %q", got)
			}
			// Beside: the number starts level with the bar, to its right.
			beside := b.eval(`Promise.resolve((() => {
				const bar = document.querySelector('` + row + ` .score').getBoundingClientRect();
				const num = document.querySelector('` + row + ` [data-testid="claim-score"]').getBoundingClientRect();
				return String(num.left >= bar.right - 1 && Math.abs(num.top + num.height / 2 - (bar.top + bar.height / 2)) < num.height);
			})())`)
			if beside != "true" {
				t.Error("the score's number is not beside its bar")
			}
			// The placeholder's text, in the box's font, fits inside the box.
			fits := b.eval(`Promise.resolve((() => {
				const box = document.querySelector('#reason-` + itoa(ids[0]) + `');
				const style = getComputedStyle(box);
				const ctx = document.createElement("canvas").getContext("2d");
				ctx.font = style.font;
				const room = box.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
				return String(ctx.measureText(box.placeholder).width <= room);
			})())`)
			if fits != "true" {
				t.Error("the dismiss note's placeholder is cut off")
			}
			browsertest.Screenshot(t, b.ctx, "article")
		})
	}
}
