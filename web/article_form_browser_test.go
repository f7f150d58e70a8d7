package web

import (
	"context"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"claimtrail/domain"
	"claimtrail/storage"
	"claimtrail/web/browsertest"
)

// TestBrowserAddArticleSourcesNoScript: without JavaScript the ways in are
// a radio group whose panels all show; the chosen radio decides, and a
// refusal comes back with it still chosen and everything typed kept.
func TestBrowserAddArticleSourcesNoScript(t *testing.T) {
	env := articleEnv(t)
	env.createUser("rita@newsroom.example", domain.RoleReviewer)
	srv, _ := pageServer(t)
	b := &browser{t: t, ctx: browsertest.New(t), env: env}
	browsertest.NoScript(t, b.ctx)
	b.signIn("rita@newsroom.example")
	b.do("open the form",
		chromedp.Navigate(env.srv.URL+"/articles/new"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="article-form"]`)),
	)
	for _, panel := range []string{"paste", "upload", "fetch"} {
		b.do("see the "+panel+" panel and its radio",
			chromedp.WaitVisible(chromedp.CSS(`[data-testid="panel-`+panel+`"]`)),
			chromedp.WaitVisible(chromedp.CSS(`[data-testid="source-`+panel+`"]`)),
		)
	}
	if n := b.eval(`Promise.resolve(String(document.querySelectorAll('[role="tab"]').length))`); n != "0" {
		t.Fatalf("%s tabs without JavaScript", n)
	}
	b.do("choose a web address and give an unreachable one",
		chromedp.Click(chromedp.CSS(`[data-testid="source-fetch"]`)),
		chromedp.SendKeys(chromedp.CSS(`#address`), srv.URL+"/missing"),
		chromedp.SendKeys(chromedp.CSS(`#title`), "Typed headline"),
		chromedp.SendKeys(chromedp.CSS(`#body`), "Typed in the paste panel."),
	)
	b.submit("add the article", `[data-testid="add-article-submit"]`, `[data-testid="error-url"]`)
	browsertest.Screenshot(t, b.ctx, "refused")
	if got := b.eval(`Promise.resolve(document.querySelector('input[name="source"]:checked').value)`); got != "fetch" {
		t.Errorf("chosen source after the refusal: %q", got)
	}
	if got := b.eval(`Promise.resolve(document.querySelector("#title").value + "|" + document.querySelector("#body").value)`); got != "Typed headline|Typed in the paste panel." {
		t.Errorf("typed fields after the refusal: %q", got)
	}
	b.do("fix the address", chromedp.SetValue(chromedp.CSS(`#address`), srv.URL+"/report"))
	b.submit("add the article again", `[data-testid="add-article-submit"]`, `[data-testid="article-title"]`)
	if got := b.eval(`Promise.resolve(document.querySelector('[data-testid="article-title"]').textContent.trim())`); got != "Typed headline" {
		t.Errorf("article title %q", got)
	}
}

// TestBrowserAddArticleTabs: with JavaScript the ways in are tabs, one
// panel at a time, moved between with the arrow keys; the chosen tab is
// what is posted and stays chosen after a refusal.
func TestBrowserAddArticleTabs(t *testing.T) {
	env := articleEnv(t)
	env.createUser("rita@newsroom.example", domain.RoleReviewer)
	srv, _ := pageServer(t)
	b := &browser{t: t, ctx: browsertest.New(t), env: env}
	b.signIn("rita@newsroom.example")
	b.do("open the form",
		chromedp.Navigate(env.srv.URL+"/articles/new"),
		chromedp.WaitVisible(chromedp.CSS(`[role="tablist"] [data-testid="tab-paste"]`)),
	)
	state := func() string {
		return b.eval(`Promise.resolve([...document.querySelectorAll('[role="tab"]')].map(t =>
			t.dataset.testid + "=" + t.getAttribute("aria-selected") + "/" +
			(document.getElementById(t.getAttribute("aria-controls")).hidden ? "hidden" : "shown")).join(" ") +
			" radio=" + document.querySelector('input[name="source"]:checked').value +
			" radios " + (document.querySelector("[data-tab-radios]").offsetParent ? "shown" : "hidden") +
			" focus=" + (document.activeElement.dataset.testid || ""))`)
	}
	if got, want := state(), "tab-paste=true/shown tab-upload=false/hidden tab-fetch=false/hidden radio=paste radios hidden focus="; got != want {
		t.Errorf("at first: %s, want %s", got, want)
	}
	if got := b.eval(`Promise.resolve(document.getElementById("panel-paste").getAttribute("role") + " " + document.getElementById("panel-paste").getAttribute("aria-labelledby"))`); got != "tabpanel tab-paste" {
		t.Errorf("paste panel: %s", got)
	}
	// The post says it came from tabs, where the chosen source is a choice (sourceMeant).
	if got := b.eval(`Promise.resolve(document.querySelector('input[name="source_shown"]').value)`); got != "tabs" {
		t.Errorf("the form says its sources showed as %q, want tabs", got)
	}
	b.do("arrow right to upload", chromedp.Focus(chromedp.CSS(`[data-testid="tab-paste"]`)), chromedp.KeyEvent(kb.ArrowRight))
	if got, want := state(), "tab-paste=false/hidden tab-upload=true/shown tab-fetch=false/hidden radio=upload radios hidden focus=tab-upload"; got != want {
		t.Errorf("after →: %s, want %s", got, want)
	}
	b.do("arrow left twice wraps to fetch", chromedp.KeyEvent(kb.ArrowLeft), chromedp.KeyEvent(kb.ArrowLeft))
	if got, want := state(), "tab-paste=false/hidden tab-upload=false/hidden tab-fetch=true/shown radio=fetch radios hidden focus=tab-fetch"; got != want {
		t.Errorf("after ← ←: %s, want %s", got, want)
	}
	b.do("give an unreachable address",
		chromedp.SendKeys(chromedp.CSS(`#address`), srv.URL+"/missing"),
		chromedp.SendKeys(chromedp.CSS(`#title`), "Typed headline"),
	)
	b.submit("add the article", `[data-testid="add-article-submit"]`, `[data-testid="error-url"]`)
	browsertest.Screenshot(t, b.ctx, "refused")
	if got, want := state(), "tab-paste=false/hidden tab-upload=false/hidden tab-fetch=true/shown radio=fetch radios hidden focus="; got != want {
		t.Errorf("after the refusal: %s, want %s", got, want)
	}
	if got := b.eval(`Promise.resolve(document.querySelector("#title").value)`); got != "Typed headline" {
		t.Errorf("headline after the refusal: %q", got)
	}
	b.do("click back to paste and add text",
		chromedp.Click(chromedp.CSS(`[data-testid="tab-paste"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#body`)),
		chromedp.SendKeys(chromedp.CSS(`#body`), "The Treasury said borrowing reached £120 billion last year."),
	)
	b.submit("add the article again", `[data-testid="add-article-submit"]`, `[data-testid="article-title"]`)
	a, err := env.db.ListArticles(context.Background(), storage.ArticleFilter{})
	if err != nil || len(a) != 1 || a[0].Article.Origin != domain.OriginPaste || a[0].Article.Title != "Typed headline" {
		t.Errorf("stored: %+v %v", a, err)
	}
}
