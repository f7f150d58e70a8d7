package main

import (
	"testing"

	"github.com/chromedp/chromedp"

	"claimtrail/web/browsertest"
)

// TestBrowserPhoneTablesFitTheScreen opens, on a phone and over the demo
// data, the dashboard with every chart's numbers shown, the ratings page
// and the claim scorer's versions: no table is wider than the screen, so
// nothing has to be scrolled sideways to be read or pressed, and each cell
// still says which column it is.
func TestBrowserPhoneTablesFitTheScreen(t *testing.T) {
	s := startServer(t, "-demo")
	ctx := browsertest.New(t)
	browsertest.Phone(t, ctx)
	signIn(t, ctx, s.URL, "admin@newsroom.example", s.Passwords["admin@newsroom.example"])

	// wider lists the tables (by data-testid, or "table") that are wider
	// than the screen or scroll inside themselves.
	const wider = `(() => {
		document.querySelectorAll("details.chart-data").forEach(d => d.open = true);
		const width = document.documentElement.clientWidth;
		const out = [];
		for (const t of document.querySelectorAll("main table")) {
			const r = t.getBoundingClientRect();
			if (r.right > width + 1 || t.scrollWidth > t.clientWidth + 1 || document.documentElement.scrollWidth > width + 1)
				out.push((t.dataset.testid || t.closest("figure")?.id || "table") + " by " + Math.round(Math.max(r.right - width, t.scrollWidth - t.clientWidth)) + "px");
		}
		return out.join(", ") + " of " + document.querySelectorAll("main table").length;
	})()`
	for _, page := range []struct{ path, wait, label string }{
		{"/dashboard", `[data-testid="chart-flow"] svg`, `.chart-data td`},
		{"/ratings", `[data-testid="ratings"]`, `[data-testid="rating-row"] td.num`},
		{"/admin/scorer", `[data-testid="scorer-versions"]`, `[data-testid="scorer-version"][data-version="base"] td:nth-of-type(3)`},
	} {
		if err := chromedp.Do(ctx, chromedp.Navigate(s.URL+page.path), chromedp.WaitVisible(chromedp.CSS(page.wait))); err != nil {
			t.Fatalf("open %s: %v", page.path, err)
		}
		got, err := chromedp.Run(ctx, chromedp.Evaluate[string](wider))
		if err != nil {
			t.Fatal(err)
		}
		if len(got) < 4 || got[:4] != " of " || got == " of 0" {
			t.Errorf("%s on a phone: tables wider than the screen: %s", page.path, got)
		}
		label, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(el => el ? getComputedStyle(el, "::before").content : "missing")(document.querySelector(`+"`"+page.label+"`"+`))`))
		if err != nil {
			t.Fatal(err)
		}
		if label == "none" || label == "missing" || label == `""` {
			t.Errorf("%s on a phone: %s is not named by its column (%s)", page.path, page.label, label)
		}
		browsertest.Screenshot(t, ctx, page.path[1:])
	}
}
