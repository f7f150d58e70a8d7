package static_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"claimtrail/web/browsertest"
	"claimtrail/web/static"
)

// appPage exercises every behaviour of app.js and most of the app.css
// vocabulary. It is served under the same CSP as the app (no inline script or
// style), so a violation would break the test rather than pass unnoticed.
const appPage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>app.js</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/static/app.css">
<script src="/static/app.js" defer></script></head>
<body>
<a class="skip-link" href="#main">Skip to content</a>
<header class="site-header"><div class="container">
  <a class="brand" href="/">claimtrail</a>
  <nav class="site-nav"><a class="nav-link" aria-current="page" href="/queue">Queue</a><a class="nav-link" href="/articles">Articles</a></nav>
  <div class="user-menu"><span>Ada</span><form method="post" action="/logout"><button>Log out</button></form></div>
</div></header>
<main id="main" class="container">
  <div class="page-header"><h1 class="page-title">Review queue</h1>
    <div class="page-actions"><button type="button" class="btn btn-primary" data-shortcut="take-next" id="take-next">Take next</button></div></div>
  <div class="flash flash-success">Verdict approved.</div>
  <form method="post" action="/bulk" id="bulk">
  <table class="table"><thead><tr>
    <th><input type="checkbox" data-select-all value="claim" id="all" aria-label="Select all"></th>
    <th>Claim</th><th>Status</th><th>Priority</th><th class="num">Score</th><th>Actions</th></tr></thead>
  <tbody>
  <tr data-row id="row1"><td><input type="checkbox" name="claim" value="1" id="c1"></td><td>Unemployment fell to 3.1%</td>
    <td><span class="badge badge-queued">queued</span></td><td><span class="badge prio-urgent">urgent</span></td>
    <td class="num"><span class="score"><span class="score-fill" data-score="0.8"></span></span></td>
    <td><button type="button" class="btn btn-small" data-action="accept">Accept</button> <button type="button" class="btn btn-small btn-danger" data-action="dismiss">Dismiss</button></td></tr>
  <tr data-row id="row2" data-claim-id="2" data-state="candidate"><td><input type="checkbox" name="claim" value="2" id="c2"></td><td>Crime doubled since 2019</td>
    <td><span class="badge badge-in_review">in review</span></td><td><span class="badge prio-low">low</span></td>
    <td class="num"><span class="score"><span class="score-fill" data-score="0.35"></span></span></td>
    <td><button type="button" class="btn btn-small" data-action="accept">Accept</button> <button type="button" class="btn btn-small btn-danger" data-action="dismiss">Dismiss</button></td></tr>
  </tbody></table>
  </form>
  <p>Outside the form but part of it, as the article page's rows are: <input type="checkbox" name="claim" value="3" id="c3" form="bulk" aria-label="Claim 3"></p>
  <div class="grid-2">
    <section class="card"><h2 class="card-title">Article</h2>
      <p class="article-text" data-article-text>The minister said <span id="word">unemployment</span> fell to <mark class="figure">3.1%</mark>. <mark class="claim claim-checkworthy" id="claim-2">Crime doubled since 2019.</mark></p>
    </section>
    <section class="card">
      <form id="add-claim-form" data-reveal-on-select method="post" action="/claims">
        <div class="field"><label for="quote" class="required">Quote</label><textarea id="quote" name="quote"></textarea>
          <span class="hint">Paste the sentence, or select it in the article.</span></div>
        <button class="btn btn-primary">Add claim</button>
      </form>
      <form id="delete" method="post" action="/delete" data-confirm="Delete this claim?"><button id="delete-btn" class="btn btn-danger">Delete</button></form>
      <input id="notes" name="notes" aria-label="Notes">
    </section>
  </div>
  <aside id="shortcuts-help" hidden><p><kbd>j</kbd>/<kbd>k</kbd> move, <kbd>a</kbd> accept, <kbd>d</kbd> dismiss</p></aside>
</main></body></html>`

type appServer struct {
	*httptest.Server
	mu    sync.Mutex
	posts []string
}

func (s *appServer) posted() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.posts...)
}

func startAppServer(t *testing.T) *appServer {
	s := &appServer{}
	mux := http.NewServeMux()
	mux.Handle("GET /static/", http.StripPrefix("/static/", http.FileServerFS(static.FS)))
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", "default-src 'self'")
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, appPage)
	})
	mux.HandleFunc("POST /", func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.posts = append(s.posts, r.URL.Path)
		s.mu.Unlock()
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, `<!doctype html><title>posted</title><p id="posted">posted</p>`)
	})
	s.Server = httptest.NewServer(mux)
	t.Cleanup(s.Close)
	return s
}

// open loads the page and records clicks on [data-action] and take-next
// buttons into window.clicks. Evaluate runs outside the page's CSP.
func open(t *testing.T, srv *appServer) (ctx context.Context) {
	t.Helper()
	ctx = browsertest.New(t)
	if err := chromedp.Do(ctx,
		chromedp.Navigate(srv.URL+"/"),
		chromedp.WaitReady(chromedp.CSS("body")),
		chromedp.Evaluate[chromedp.Void](`window.clicks = [];
			document.addEventListener("click", function (e) {
				var b = e.target.closest("[data-action],[data-shortcut]");
				if (b) window.clicks.push((b.closest("[data-row]") || {id: "page"}).id + ":" +
					(b.dataset.action || b.dataset.shortcut));
			});`),
	); err != nil {
		t.Fatalf("open page: %v", err)
	}
	return ctx
}

func eval[T any](t *testing.T, ctx context.Context, js string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js))
	if err != nil {
		t.Fatalf("evaluate %s: %v", js, err)
	}
	return v
}

func keys(t *testing.T, ctx context.Context, k string) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.KeyEvent(k)); err != nil {
		t.Fatalf("key %q: %v", k, err)
	}
}

func TestKeyboardShortcuts(t *testing.T) {
	srv := startAppServer(t)
	ctx := open(t, srv)

	keys(t, ctx, "j")
	if got := eval[string](t, ctx, `document.activeElement.id`); got != "row1" {
		t.Fatalf("after j focus is on %q, want row1", got)
	}
	keys(t, ctx, "jja") // stays on the last row, then accepts it
	keys(t, ctx, "kd")
	keys(t, ctx, "n")
	got := eval[[]string](t, ctx, `window.clicks`)
	want := []string{"row2:accept", "row1:dismiss", "page:take-next"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("clicks = %v, want %v", got, want)
	}

	if !eval[bool](t, ctx, `document.getElementById("shortcuts-help").hidden`) {
		t.Fatal("help visible before ?")
	}
	keys(t, ctx, "?")
	if eval[bool](t, ctx, `document.getElementById("shortcuts-help").hidden`) {
		t.Error("? did not show #shortcuts-help")
	}
	keys(t, ctx, "?")
	if !eval[bool](t, ctx, `document.getElementById("shortcuts-help").hidden`) {
		t.Error("second ? did not hide #shortcuts-help")
	}
}

func TestShortcutsIgnoredWhileTyping(t *testing.T) {
	srv := startAppServer(t)
	ctx := open(t, srv)
	if err := chromedp.Do(ctx, chromedp.SendKeys(chromedp.ID("notes"), "jad?n")); err != nil {
		t.Fatal(err)
	}
	if got := eval[string](t, ctx, `document.getElementById("notes").value`); got != "jad?n" {
		t.Errorf("input value = %q, want the typed text", got)
	}
	if got := eval[int](t, ctx, `window.clicks.length`); got != 0 {
		t.Errorf("%d buttons clicked while typing", got)
	}
	if !eval[bool](t, ctx, `document.getElementById("shortcuts-help").hidden`) {
		t.Error("? while typing opened the help")
	}
}

func TestConfirmGuardsSubmit(t *testing.T) {
	srv := startAppServer(t)
	ctx := open(t, srv)

	eval[chromedp.Void](t, ctx, `window.confirm = function () { return false; }`)
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.ID("delete-btn"))); err != nil {
		t.Fatal(err)
	}
	// Give a navigation, if any, time to reach the server.
	if err := chromedp.Do(ctx, chromedp.Sleep(300*time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	if p := srv.posted(); len(p) != 0 {
		t.Fatalf("declined confirm still posted %v", p)
	}

	eval[chromedp.Void](t, ctx, `window.confirm = function () { return true; }`)
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.ID("delete-btn")),
		chromedp.WaitVisible(chromedp.ID("posted")),
	); err != nil {
		t.Fatal(err)
	}
	if p := srv.posted(); fmt.Sprint(p) != "[/delete]" {
		t.Errorf("posted %v, want [/delete]", p)
	}
}

func TestSelectAll(t *testing.T) {
	srv := startAppServer(t)
	ctx := open(t, srv)
	checked := `[c1.checked, c2.checked, c3.checked].join(",")`

	if err := chromedp.Do(ctx, chromedp.Click(chromedp.ID("all"))); err != nil {
		t.Fatal(err)
	}
	if got := eval[string](t, ctx, checked); got != "true,true,true" {
		t.Errorf("after select all (the third box joins the form by its form attribute): %s", got)
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.ID("c2"))); err != nil {
		t.Fatal(err)
	}
	if got := eval[string](t, ctx, `[all.checked, all.indeterminate].join(",")`); got != "false,true" {
		t.Errorf("after unchecking one, master checked,indeterminate = %s", got)
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.ID("all"))); err != nil {
		t.Fatal(err)
	}
	if got := eval[string](t, ctx, checked); got != "true,true,true" {
		t.Errorf("after select all again: %s", got)
	}
}

// A ticked checkbox keeps focus but takes no text: shortcuts still work.
func TestShortcutsWorkAfterTickingABox(t *testing.T) {
	srv := startAppServer(t)
	ctx := open(t, srv)
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.ID("c2"))); err != nil {
		t.Fatal(err)
	}
	keys(t, ctx, "a")
	if got := eval[[]string](t, ctx, `window.clicks`); fmt.Sprint(got) != "[row2:accept]" {
		t.Errorf("a after ticking row 2's box clicked %v, want [row2:accept]", got)
	}
}

func TestSelectingArticleTextFillsClaimForm(t *testing.T) {
	srv := startAppServer(t)
	ctx := open(t, srv)

	if !eval[bool](t, ctx, `document.getElementById("add-claim-form").hidden`) {
		t.Error("add-claim form visible before any selection")
	}
	// A real double-click selects the word and fires mouseup, as a user would.
	if err := chromedp.Do(ctx, chromedp.DoubleClick(chromedp.ID("word"))); err != nil {
		t.Fatal(err)
	}
	if got := eval[string](t, ctx, `document.getElementById("quote").value`); got != "unemployment" {
		t.Errorf("quote = %q, want the selected word", got)
	}
	if eval[bool](t, ctx, `document.getElementById("add-claim-form").hidden`) {
		t.Error("add-claim form still hidden after a selection")
	}
	browsertest.Screenshot(t, ctx, "styled-page")
}

// When htmx swaps in a row whose claim was dismissed or accepted, the
// claim's highlight in the article text changes with it.
func TestHighlightFollowsTheSwappedRow(t *testing.T) {
	srv := startAppServer(t)
	ctx := open(t, srv)
	for _, step := range []struct{ state, want string }{
		{"candidate", "claim claim-checkworthy"},
		{"dismissed", "claim claim-dismissed"},
		{"queued", "claim claim-accepted"},
	} {
		got := eval[string](t, ctx, `(() => {
			document.getElementById("row2").setAttribute("data-state", "`+step.state+`");
			document.body.dispatchEvent(new Event("htmx:afterSettle", {bubbles: true}));
			return document.getElementById("claim-2").className;
		})()`)
		if got != step.want {
			t.Errorf("row state %s: highlight class %q, want %q", step.state, got, step.want)
		}
	}
}

// When htmx replaces the content holding the focused button, focus goes to
// the first invalid field of the new content, or else to the new content;
// a swap made by polling (hx-trigger "every ...") never moves focus, so a
// progress panel reloading every second cannot pull focus to itself.
func TestFocusFollowsASwapThatTookIt(t *testing.T) {
	srv := startAppServer(t)
	ctx := open(t, srv)
	swap := func(newHTML, trigger string) string {
		return eval[string](t, ctx, `(() => {
			document.getElementById("swap-box")?.remove();
			const box = document.createElement("div");
			box.id = "swap-box";
			box.innerHTML = '<button id="swap-btn" hx-trigger="`+trigger+`">Go</button>';
			document.querySelector("main").appendChild(box);
			const btn = document.getElementById("swap-btn");
			btn.focus();
			document.dispatchEvent(new CustomEvent("htmx:beforeSwap", {detail: {target: box, elt: btn}}));
			const fresh = document.createElement("div");
			fresh.id = "swap-box";
			fresh.innerHTML = `+"`"+newHTML+"`"+`;
			box.replaceWith(fresh);
			fresh.dispatchEvent(new CustomEvent("htmx:afterSettle", {bubbles: true}));
			const a = document.activeElement;
			return a === document.body ? "body" : (a.id || a.tagName);
		})()`)
	}
	if got := swap(`<p>Done.</p>`, "click"); got != "swap-box" {
		t.Errorf("after a swap that removed the focused button, focus is on %s, want the new content", got)
	}
	if got := swap(`<label for="why">Why</label><input id="why" aria-invalid="true"><input id="other">`, "click"); got != "why" {
		t.Errorf("after a refused change, focus is on %s, want the field to fix", got)
	}
	if got := swap(`<p>Still running.</p>`, "every 1s"); got != "body" {
		t.Errorf("a polling swap moved focus to %s", got)
	}
}
