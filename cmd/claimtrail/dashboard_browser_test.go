package main

import (
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"claimtrail/web/browsertest"
)

// An editor opens the dashboard over the demo data: every chart is drawn
// as an accessible SVG, its numbers open from the disclosure below it, and
// they agree with the figures at the top.
func TestBrowserDashboardWithDemoData(t *testing.T) {
	s := startServer(t, "-demo")
	ctx := browsertest.New(t)
	signIn(t, ctx, s.URL, "editor@newsroom.example", s.Passwords["editor@newsroom.example"])

	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`a.nav-link[href="/dashboard"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="chart-flow"] svg`)),
	); err != nil {
		t.Fatalf("open the dashboard: %v", err)
	}
	added, _ := strconv.Atoi(strings.TrimSpace(strings.TrimPrefix(text(t, ctx, "figure-added"), "Claims added")))
	approved, _ := strconv.Atoi(strings.TrimSpace(strings.TrimPrefix(text(t, ctx, "figure-approved"), "Approved")))
	if added < 5 || approved != 1 {
		t.Errorf("the demo adds several claims and publishes one check; the dashboard says %d added, %d approved", added, approved)
	}

	// Each chart: an SVG image named by its title and description.
	charts, err := chromedp.Run(ctx, chromedp.Evaluate[[]map[string]string](`[...document.querySelectorAll('figure.chart')].map(f => {
		const svg = f.querySelector('svg[role="img"]');
		const ids = svg ? svg.getAttribute('aria-labelledby').split(' ') : [];
		return {
			id: f.id,
			title: ids.length ? document.getElementById(ids[0]).textContent : '',
			desc: ids.length > 1 ? document.getElementById(ids[1]).textContent : '',
			empty: (f.querySelector('[data-testid="chart-empty"]') || {}).textContent || '',
			shapes: String(svg ? svg.querySelectorAll('rect, path, circle').length : 0),
			csv: f.querySelector('[data-testid="chart-csv"]').getAttribute('href'),
			tableShown: String(f.querySelector('details').open),
		};
	})`))
	if err != nil {
		t.Fatal(err)
	}
	if len(charts) != 7 {
		t.Fatalf("%d charts, want 7: %v", len(charts), charts)
	}
	for _, c := range charts {
		if c["empty"] != "" {
			t.Errorf("%s is empty with the demo data: %q", c["id"], c["empty"])
			continue
		}
		if c["title"] == "" || c["desc"] == "" || c["shapes"] == "0" {
			t.Errorf("%s: title %q, description %q, %s shapes", c["id"], c["title"], c["desc"], c["shapes"])
		}
		if !strings.HasPrefix(c["csv"], "/dashboard/charts/") || c["tableShown"] != "false" {
			t.Errorf("%s: CSV link %q; table shown before it is asked for: %s", c["id"], c["csv"], c["tableShown"])
		}
	}

	// The numbers behind the ratings chart: one check, rated as the demo
	// editor approved it.
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`#chart-ratings details summary`)),
		chromedp.WaitVisible(chromedp.CSS(`#chart-ratings details table`)),
	); err != nil {
		t.Fatal(err)
	}
	rows, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll('#chart-ratings details tbody tr')].map(r => r.innerText.replace(/\s+/g, ' ').trim())`))
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, r := range rows {
		f := strings.Fields(r)
		n, _ := strconv.Atoi(f[len(f)-1])
		total += n
	}
	if len(rows) < 5 || total != approved {
		t.Errorf("ratings table %q adds up to %d, want %d", rows, total, approved)
	}
	browsertest.Screenshot(t, ctx, "dashboard")

	// The claimant of the published check has a page of their own.
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`#chart-claimants details summary`)),
		chromedp.Click(chromedp.CSS(`#chart-claimants details tbody a`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="profile-name"]`)),
	); err != nil {
		t.Fatalf("open the claimant's page: %v", err)
	}
	if n := text(t, ctx, "profile-name"); n == "" || !strings.Contains(text(t, ctx, "chart-ratings"), "Verdicts on "+n) {
		t.Errorf("claimant page for %q lacks its rating chart", n)
	}
	browsertest.Screenshot(t, ctx, "claimant")
}
