package web

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"claimtrail/domain"
	"claimtrail/web/browsertest"
)

// TestBrowserIncompleteDueDateIsNotDropped types a due date without its
// year into the claim page's date picker and presses Set due date. The
// browser would send it as empty; with scripts the page stops and says the
// date is not complete, and without them the server refuses an empty "Set
// due date" (taking the date off is Clear due date): either way the editor
// is told, and the claim keeps no due date it was not given.
func TestBrowserIncompleteDueDateIsNotDropped(t *testing.T) {
	for _, scripts := range []bool{true, false} {
		name := "with scripts"
		if !scripts {
			name = "without scripts"
		}
		t.Run(name, func(t *testing.T) {
			env := newTestEnv(t)
			ids := env.queuedClaims(1, "Council tax rose by 9% this year, the largest rise in a decade")
			env.createUser("eddie@newsroom.example", domain.RoleEditor)
			b := &browser{t: t, ctx: browsertest.New(t), env: env}
			if !scripts {
				browsertest.NoScript(t, b.ctx)
			}
			b.signIn("eddie@newsroom.example")
			path := "/claims/" + itoa(ids[0])
			b.do("open the claim", chromedp.Navigate(env.srv.URL+path), chromedp.WaitVisible(chromedp.CSS(`[data-testid="due-form"]`)))
			// Day and month only: the picker holds a date it cannot send.
			b.do("type half a date", chromedp.Click(chromedp.ID("due")), chromedp.SendKeys(chromedp.ID("due"), "1203"))
			if got := b.eval(`Promise.resolve(String(document.getElementById("due").validity.badInput) + " " + JSON.stringify(document.getElementById("due").value))`); got != `true ""` {
				t.Fatalf("the picker after typing day and month: badInput and value %s, want true \"\"", got)
			}
			if scripts {
				b.do("set the due date", chromedp.Click(chromedp.CSS(`[data-testid="set-due"]`)))
				b.waitFor("the message beside the date", `document.querySelector('[data-testid="incomplete-date"]')`)
				if got := b.text(`[data-testid="incomplete-date"]`); got != domain.IncompleteDateMessage {
					t.Errorf("message %q, want %q", got, domain.IncompleteDateMessage)
				}
				if got := b.eval(`Promise.resolve(location.pathname + " " + document.activeElement.id)`); got != path+" due" {
					t.Errorf("after Set due date with half a date: page and focus %q, want %q", got, path+" due")
				}
			} else {
				b.do("set the due date", chromedp.Click(chromedp.CSS(`[data-testid="set-due"]`)), chromedp.WaitVisible(chromedp.CSS(`[data-testid="error-due"]`)))
				if got := b.text(`[data-testid="error-due"]`); !strings.Contains(got, "Enter the whole due date") {
					t.Errorf("without scripts the page says %q", got)
				}
			}
			if n := env.count(`SELECT count(*) FROM audit_events WHERE action = 'due_set'`); n != 0 {
				t.Errorf("%d due-date changes recorded for a date never given", n)
			}
			browsertest.Screenshot(t, b.ctx, "incomplete-due")
		})
	}
}

// TestBrowserIncompleteSourceDateStopsAddSource: Add source posts through
// htmx on a click; a publication date typed without its year stops it too,
// with the message beside the date, and no source is saved without it.
func TestBrowserIncompleteSourceDateStopsAddSource(t *testing.T) {
	env := newTestEnv(t)
	env.queuedClaims(1, "Council tax rose by 9% this year, the largest rise in a decade")
	rita, _ := env.signedIn("rita@newsroom.example", domain.RoleReviewer)
	res := rita.postForm("/queue/next", nil)
	path := res.Header.Get("Location")
	b := &browser{t: t, ctx: browsertest.New(t), env: env}
	b.signIn("rita@newsroom.example")
	form := `[data-testid="add-source-form"] `
	b.do("fill a source with half a date",
		chromedp.Navigate(env.srv.URL+path),
		chromedp.WaitVisible(chromedp.CSS(form+`[name="url"]`)),
		chromedp.SendKeys(chromedp.CSS(form+`[name="url"]`), "https://www.ons.gov.uk/tax"),
		chromedp.SendKeys(chromedp.CSS(form+`[name="title"]`), "Council tax levels"),
		chromedp.Click(chromedp.CSS(form+`input[type="date"]`)),
		chromedp.SendKeys(chromedp.CSS(form+`input[type="date"]`), "0403"),
		chromedp.Click(chromedp.CSS(`[data-testid="add-source"]`)),
	)
	b.waitFor("the message beside the date", `document.querySelector('[data-testid="add-source-form"] [data-testid="incomplete-date"]')`)
	if n := env.count(`SELECT count(*) FROM sources`); n != 0 {
		t.Errorf("%d sources saved without the date typed for them", n)
	}
	if got := b.value(form + `[name="title"]`); got != "Council tax levels" {
		t.Errorf("the title typed is now %q", got)
	}
}
