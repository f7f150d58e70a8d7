package web

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"claimtrail/domain"
	"claimtrail/web/browsertest"
)

// browser drives one Chromium through claimtrail as different people.
type browser struct {
	t   *testing.T
	ctx context.Context
	env *testEnv
}

// do runs one step with its own time limit; a failed step leaves a
// screenshot of where the browser was.
func (b *browser) do(what string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 15*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		browsertest.Screenshot(b.t, b.ctx, "failed-step")
		page, _ := chromedp.Run(b.ctx, chromedp.Evaluate[string](`location.pathname + "\n" + document.body.innerText.slice(0, 3000)`))
		b.t.Fatalf("%s: %v\npage: %s", what, err, page)
	}
}

// takeNext presses Take next on the queue and waits for the claim page's
// verdict form.
func (b *browser) takeNext() {
	b.t.Helper()
	b.do("open the queue", chromedp.Navigate(b.env.srv.URL+"/queue"), chromedp.WaitVisible(chromedp.CSS(`[data-testid="take-next"]`)))
	b.submit("take the claim", `[data-testid="take-next"]`, `[data-testid="verdict-form"]`)
}

func (b *browser) text(sel string) string {
	b.t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		b.t.Fatalf("read %s: %v", sel, err)
	}
	return strings.TrimSpace(s)
}

func (b *browser) eval(js string) string {
	b.t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](js, chromedp.EvalAwaitPromise))
	if err != nil {
		b.t.Fatalf("evaluate %s: %v", js, err)
	}
	return s
}

// waitFor polls a condition until it holds. Errors while the page
// navigates (a plain form post reloads it) are retried, not failures.
func (b *browser) waitFor(what, js string) {
	b.t.Helper()
	for range 75 {
		ok, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](`(() => { try { return !!(`+js+`) } catch (e) { return false } })()`))
		if err == nil && ok {
			return
		}
		time.Sleep(200 * time.Millisecond)
	}
	browsertest.Screenshot(b.t, b.ctx, "failed-wait")
	b.t.Fatalf("waited 15s for %s", what)
}

// clearFlash removes the messages on the current page, so that waiting for
// a new one cannot be satisfied by the old page before it navigates.
func (b *browser) clearFlash() {
	b.t.Helper()
	b.eval(`Promise.resolve(document.querySelectorAll(".flash").forEach(e => e.remove()) || "")`)
}

// submit clicks sel, a button that sends a form, and waits until the page
// the post leads to has loaded whole, with want on it. Waiting only for
// want to show lets the next step find its node in a page still loading:
// the browser numbers a page's nodes afresh once it has loaded, and a click
// or keys sent to a node found before then fail with "Could not find node
// with given id" (seen under load, when the page's scripts come late).
func (b *browser) submit(what, sel, want string) {
	b.t.Helper()
	b.submitBy(what, want, chromedp.Click(chromedp.CSS(sel)))
}

// submitBy is submit for a form that send sends some other way than a
// click (Enter in a field, say).
func (b *browser) submitBy(what, want string, send ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	b.eval(`Promise.resolve(document.documentElement.setAttribute("data-before-submit", "") || "")`)
	b.do(what, send...)
	b.waitFor(what+": the next page, loaded", `!document.documentElement.hasAttribute("data-before-submit") && document.readyState === "complete" && document.querySelector(`+jsString(want)+`)`)
}

func (b *browser) signIn(email string) {
	b.t.Helper()
	b.do("open the sign-in page as "+email,
		chromedp.Navigate(b.env.srv.URL+"/login"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="login"]`)),
		chromedp.SendKeys(chromedp.ID("email"), email),
		chromedp.SendKeys(chromedp.ID("password"), testPassword),
	)
	b.submit("sign in as "+email, `[data-testid="login-submit"]`, `[data-testid="nav"]`)
}

func (b *browser) signOut() {
	b.t.Helper()
	b.submit("sign out", `[data-testid="logout"]`, `[data-testid="login"]`)
}

// addSource fills the add-source form on the claim page and waits for the
// sources list to show it.
func (b *browser) addSource(title, url, publisher, typ, quote string, count int) {
	b.t.Helper()
	form := `[data-testid="add-source-form"] `
	b.do("add source "+title,
		chromedp.SendKeys(chromedp.CSS(form+`[name="url"]`), url),
		chromedp.SendKeys(chromedp.CSS(form+`[name="title"]`), title),
		chromedp.SendKeys(chromedp.CSS(form+`[name="publisher"]`), publisher),
		chromedp.SetValue(chromedp.CSS(form+`[name="type"]`), typ),
		chromedp.SendKeys(chromedp.CSS(form+`[name="quote"]`), quote),
		chromedp.Click(chromedp.CSS(`[data-testid="add-source"]`)),
		chromedp.WaitVisible(chromedp.CSS(fmt.Sprintf(`[data-testid="sources"] li[data-testid="source"]:nth-of-type(%d)`, count))),
	)
}

// TestBrowserWholeStory walks a claim from upload to approval in Chromium:
// a reviewer uploads the sample article, accepts the £22 billion claim,
// takes it, writes a verdict with two sources and submits it; they cannot
// approve it themselves; an editor returns it with a comment; the reviewer
// fixes and resubmits; the editor approves; the history shows every step.
func TestBrowserWholeStory(t *testing.T) {
	sample, err := filepath.Abs(filepath.Join("..", "..", "shared", "samples", "starmer-macron-ukraine.txt"))
	if err == nil {
		_, err = os.Stat(sample)
	}
	if err != nil {
		t.Skipf("sample article not available (%v); it lives in ../shared/samples beside the repository", err)
	}
	env := newTestEnv(t)
	env.createUser("rita@newsroom.example", domain.RoleReviewer)
	env.createUser("eddie@newsroom.example", domain.RoleEditor)
	b := &browser{t: t, ctx: browsertest.New(t), env: env}

	// The reviewer uploads the article.
	b.signIn("rita@newsroom.example")
	b.do("upload the sample article",
		chromedp.Navigate(env.srv.URL+"/articles/new"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="tab-upload"]`)),
		chromedp.Click(chromedp.CSS(`[data-testid="tab-upload"]`)),
		chromedp.SetUploadFiles(chromedp.CSS(`#file`), []string{sample}),
		chromedp.SendKeys(chromedp.CSS(`#title`), "Starmer and Macron agree united front on Ukraine"),
	)
	b.submit("add the sample article", `[data-testid="add-article-submit"]`, `[data-testid="claims-by-score"]`)
	// Accept the £22 billion claim from the list sorted by score.
	claimID := b.eval(`Promise.resolve([...document.querySelectorAll('[data-testid="claim-row"]')]
		.find(r => r.textContent.includes("£22 billion")).dataset.claimId)`)
	row := `#claim-row-` + claimID
	b.do("accept the £22 billion claim",
		chromedp.Click(chromedp.CSS(row+` [data-testid="accept"]`)),
		chromedp.WaitVisible(chromedp.CSS(row+` [data-testid="claim-state"]`)),
	)
	b.waitFor("the accepted state", `document.querySelector('`+row+` [data-testid="claim-state"]').textContent.includes("Queued")`)
	browsertest.Screenshot(t, b.ctx, "article-page")

	// Take it from the queue and write the verdict.
	b.takeNext()
	if got := b.eval(`Promise.resolve(location.pathname)`); got != "/claims/"+claimID {
		t.Fatalf("take next opened %s, want /claims/%s", got, claimID)
	}
	b.do("draft the verdict",
		chromedp.SetValue(chromedp.CSS(`#rating`), env.ratingID("Misleading")),
		chromedp.SendKeys(chromedp.CSS(`#conclusion`), "The £22 billion figure is the Treasury's own in-year estimate, not an audited deficit."),
		chromedp.SendKeys(chromedp.CSS(`#explanation`), "The Treasury audit of July 2024 described spending pressures of about £22 billion."),
	)
	b.submit("save the verdict draft", `[data-testid="save-verdict"]`, `[data-testid="flash-success"]`)
	b.addSource("Fixing the foundations: public spending audit", "https://www.gov.uk/government/publications/fixing-the-foundations-public-spending-audit-2024-25",
		"HM Treasury", "primary_document", "spending pressures of £21.9 billion", 1)
	b.addSource("Public finances: the in-year pressures", "https://ifs.org.uk/articles/public-finances-pressures", "Institute for Fiscal Studies",
		"expert", "most of the pressure was foreseeable", 2)
	b.submit("submit for approval", `[data-testid="submit-verdict"]`, `[data-testid="verdict-view"]`)

	// The reviewer cannot approve: no button, and a forged request is refused.
	if n := b.eval(`Promise.resolve(String(document.querySelectorAll('[data-testid="approve"]').length))`); n != "0" {
		t.Errorf("the reviewer sees %s approve buttons on their own verdict", n)
	}
	status := b.eval(`fetch("/claims/` + claimID + `/approve", {method: "POST", headers: {"Content-Type": "application/x-www-form-urlencoded"},
		body: "version=` + env.verdictVersion(mustID(t, claimID)) + `"}).then(r => String(r.status))`)
	if status != "403" {
		t.Errorf("reviewer approving their own verdict: status %s, want 403", status)
	}
	b.signOut()

	// The editor returns it with a comment.
	b.signIn("eddie@newsroom.example")
	b.do("open the review page",
		chromedp.Navigate(env.srv.URL+"/review"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="review-row"][data-claim-id="`+claimID+`"]`)),
	)
	browsertest.Screenshot(t, b.ctx, "review-page")
	b.do("open the claim",
		chromedp.Navigate(env.srv.URL+"/claims/"+claimID),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="return-form"]`)),
	)
	b.do("write the return's comment",
		chromedp.SendKeys(chromedp.CSS(`#return-comment`), "Say which Treasury document the figure comes from in the conclusion."),
	)
	b.submit("return with a comment", `[data-testid="return"]`, `[data-testid="flash-success"]`)
	b.signOut()

	// The reviewer sees it returned, fixes the conclusion and resubmits.
	b.signIn("rita@newsroom.example")
	b.do("see the returned claim on home",
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="home-returned-section"] [data-claim-id="`+claimID+`"]`)),
	)
	// The editor's reason is on home and at the top of the claim page.
	const reason = "Say which Treasury document the figure comes from in the conclusion."
	if got := b.text(`[data-testid="home-returned-section"] [data-testid="returned-why"]`); got != reason {
		t.Errorf("home shows the return's reason as %q", got)
	}
	b.do("open the returned claim",
		chromedp.Navigate(env.srv.URL+"/claims/"+claimID),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="verdict-form"]`)),
	)
	if got := b.text(`[data-testid="returned-reason"]`); got != reason {
		t.Errorf("claim page shows the return's reason as %q", got)
	}
	b.do("fix the conclusion",
		chromedp.SetValue(chromedp.CSS(`#conclusion`), "Misleading: the £22 billion comes from the Treasury's July 2024 spending audit, an in-year estimate rather than an audited deficit."),
	)
	b.submit("resubmit", `[data-testid="submit-verdict"]`, `[data-testid="verdict-view"]`)
	b.signOut()

	// The editor approves from the review page.
	b.signIn("eddie@newsroom.example")
	b.do("open the review list",
		chromedp.Navigate(env.srv.URL+"/review"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="review-row"][data-claim-id="`+claimID+`"] [data-testid="review-sources"]`)),
	)
	// What approving publishes is on the list before the button.
	row = `[data-testid="review-row"][data-claim-id="` + claimID + `"] `
	if got := b.text(row + `[data-testid="review-explanation"]`); !strings.Contains(got, "Treasury audit of July 2024") {
		t.Errorf("review list explanation %q", got)
	}
	if n := b.eval(`Promise.resolve(String(document.querySelectorAll('` + row + `[data-testid="review-sources"] li').length))`); n != "2" {
		t.Errorf("review list shows %s sources, want 2", n)
	}
	b.eval(`Promise.resolve((window.confirm = (m) => { window.lastConfirm = m; return true; }, ""))`)
	b.do("approve",
		chromedp.Click(chromedp.CSS(row+`[data-testid="approve"]`)),
		chromedp.WaitNotPresent(chromedp.CSS(`[data-testid="review-row"][data-claim-id="`+claimID+`"]`)),
	)
	if asked := b.eval(`Promise.resolve(String(window.lastConfirm))`); !strings.Contains(asked, "publish") {
		t.Errorf("approving asked %q", asked)
	}
	b.do("open the claim", chromedp.Navigate(env.srv.URL+"/claims/"+claimID), chromedp.WaitVisible(chromedp.CSS(`[data-testid="history"]`)))
	browsertest.Screenshot(t, b.ctx, "claim-page")

	c, err := env.db.ClaimByID(context.Background(), mustID(t, claimID))
	if err != nil || c.State != domain.StateApproved {
		t.Fatalf("claim state %v (%v), want approved", c.State, err)
	}
	history := b.text(`[data-testid="history"]`)
	steps := []string{
		"The extractor found this claim when rita added the article",
		"rita accepted this claim into the queue",
		"rita took this claim",
		"rita saved the verdict draft",
		`rita added the source "Fixing the foundations`,
		`rita added the source "Public finances`,
		"rita submitted the verdict for approval",
		"eddie returned it",
		"Say which Treasury document",
		"eddie approved the verdict",
	}
	last := -1
	for _, step := range steps {
		i := strings.Index(history, step)
		if i < 0 {
			t.Errorf("history lacks %q:\n%s", step, history)
			continue
		}
		if i < last {
			t.Errorf("history shows %q out of order", step)
		}
		last = i
	}
	if strings.Count(history, "submitted the verdict for approval") != 2 {
		t.Errorf("history should show two submissions:\n%s", history)
	}
}
