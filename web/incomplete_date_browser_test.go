package web

import (
	"context"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"claimtrail/domain"
	"claimtrail/storage"
	"claimtrail/web/browsertest"
)

// TestBrowserIncompleteDueDateIsNotDropped types a due date without its
// year into the claim page's date picker and presses Set due date. The
// browser would send it as empty; with scripts the page stops and says the
// date is not complete, and without them the browser checks the claim
// page's form and does not send it (a browser that did would be refused
// by the server, an empty "Set due date" being no date: taking the date
// off is Clear due date). Either way the claim keeps no due date it was
// not given.
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
				// The browser checks the form before sending it and keeps
				// the page; a browser that sent it anyway would be refused
				// by the server ("Enter the whole due date", workflow_test.go).
				b.eval(`Promise.resolve(document.body.setAttribute("data-before-press", "1") || "")`)
				b.do("set the due date", chromedp.Click(chromedp.CSS(`[data-testid="set-due"]`)))
				time.Sleep(time.Second) // a post sent would be answered by now
				if got := b.eval(`Promise.resolve(location.pathname + " " + document.body.getAttribute("data-before-press") + " " + String(document.getElementById("due").validity.badInput))`); got != path+" 1 true" {
					t.Errorf("after Set due date with half a date, without scripts: %q, want the page as it was (%q)", got, path+" 1 true")
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

// TestBrowserNoScriptHalfADateIsNotSent: without scripts, an article's
// publication date typed without its year would go to the server as
// empty, and the article be saved without it. The browser itself checks
// the form before sending it (app.js, when it runs, does that check in
// the page's words instead): Add article does nothing while the date is
// half typed, everything typed stays, and once the date is whole the
// article is saved with it, so the first press sent nothing.
func TestBrowserNoScriptHalfADateIsNotSent(t *testing.T) {
	for _, scripts := range []bool{false, true} {
		t.Run(map[bool]string{false: "without scripts", true: "with scripts"}[scripts], func(t *testing.T) {
			env := newTestEnv(t)
			env.createUser("rita@newsroom.example", domain.RoleReviewer)
			b := &browser{t: t, ctx: browsertest.New(t), env: env}
			if !scripts {
				browsertest.NoScript(t, b.ctx)
			}
			b.signIn("rita@newsroom.example")
			b.do("type an article with half a date",
				chromedp.Navigate(env.srv.URL+"/articles/new"),
				chromedp.WaitVisible(chromedp.ID("published")),
				chromedp.SendKeys(chromedp.ID("body"), "Unemployment fell to 4.1% in March, the lowest in two years, the minister said."),
				chromedp.SendKeys(chromedp.ID("title"), "Jobs figures"),
				chromedp.Click(chromedp.ID("published")),
				chromedp.SendKeys(chromedp.ID("published"), "0223"),
			)
			if got := b.eval(`Promise.resolve(String(document.getElementById("published").validity.badInput))`); got != "true" {
				t.Fatalf("the picker does not hold half a date (badInput %s)", got)
			}
			// A mark on this page: gone if the page is ever sent and drawn again.
			b.eval(`Promise.resolve(document.body.setAttribute("data-before-press", "1") || "")`)
			b.do("press Add article", chromedp.Click(chromedp.CSS(`[data-testid="add-article-submit"]`)))
			if scripts {
				b.waitFor("the message beside the date", `document.querySelector('[data-testid="incomplete-date"]')`)
				if got := b.eval(`Promise.resolve(String(document.getElementById("add-article").noValidate))`); got != "true" {
					t.Error("with scripts the browser's own checks are on: its messages, not the page's, would show")
				}
			} else {
				time.Sleep(time.Second) // a post sent would be stored and answered by now
			}
			if got := b.eval(`Promise.resolve(location.pathname + " " + document.body.getAttribute("data-before-press"))`); got != "/articles/new 1" {
				t.Fatalf("after Add article with half a date the page is %q: the form was sent", got)
			}
			if got := b.value("#title"); got != "Jobs figures" {
				t.Errorf("the headline typed is now %q", got)
			}
			wantNothingStored(t, env.db)
			browsertest.Screenshot(t, b.ctx, "half-a-date-not-sent")

			b.do("finish the date and add", chromedp.SetValue(chromedp.ID("published"), "2025-02-23"),
				chromedp.Click(chromedp.CSS(`[data-testid="add-article-submit"]`)),
				chromedp.WaitVisible(chromedp.CSS(`[data-testid="flash-success"]`)))
			list, err := env.db.ListArticles(context.Background(), storage.ArticleFilter{})
			if err != nil {
				t.Fatal(err)
			}
			if len(list) != 1 {
				t.Fatalf("stored %d articles, want one", len(list))
			}
			if got := list[0].Article.PublishedAt.Format(time.DateOnly); got != "2025-02-23" {
				t.Errorf("the article is stored published %s, want 2025-02-23", got)
			}
		})
	}
}
