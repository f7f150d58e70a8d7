package components

import (
	"html"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"claimtrail/domain"
)

// A desk over days, with names that need escaping in every place a name
// goes: bar labels, stack labels, table cells, row links, hover titles.
func deskForCharts(days int) *domain.Desk {
	from := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	d := &domain.Desk{Filter: domain.DeskFilter{From: from, To: from.AddDate(0, 0, days-1)}, Approved: 9}
	for i := 0; i < days; i++ {
		d.Days = append(d.Days, domain.DeskDay{Day: from.AddDate(0, 0, i), Added: i % 7, Accepted: i % 3, Approved: i % 2, Dismissed: 1})
	}
	d.Ratings = []domain.RatingCount{{RatingID: 1, Rating: "True", N: 5}, {RatingID: 2, Rating: `Half "true"`, N: 4}}
	d.Reviewers = []domain.PersonWork{{UserID: 1, Name: "Rhea <b>Reviewer</b>", Submitted: 7}, {UserID: 2, Submitted: 2}, {UserID: 4, Name: "Ida", Approved: 1}}
	d.Editors = []domain.PersonWork{{UserID: 3, Name: "Ed & Co", Approved: 9, Returned: 1}}
	d.TopOutlets = []domain.RatingMix{{Name: "The <Ledger>", Total: 9, ByRating: []int{5, 4}}}
	d.TopClaimants = []domain.RatingMix{{Name: "Jo 'Marsh' & Sons", Total: 9, ByRating: []int{5, 4}}}
	return d
}

func TestChartsEscapeWhatPeopleTyped(t *testing.T) {
	doc := render(t, DashboardCharts(DeskCharts(deskForCharts(28))))
	if n := doc.Find("b, Ledger").Length(); n != 0 {
		t.Errorf("a name became %d elements", n)
	}
	for _, tc := range []struct{ sel, want string }{
		{`#chart-reviewers .chart-svg .end text`, "Rhea <b>Reviewer</b>"},
		{`#chart-reviewers tbody th`, "Rhea <b>Reviewer</b>"},
		{`#chart-editors .chart-svg .end text`, "Ed & Co"},
		{`#chart-outlets tbody th a`, "The <Ledger>"},
		{`#chart-claimants .chart-svg .end text`, "Jo 'Marsh' & Sons"},
		{`#chart-ratings tbody th`, `Half "true"`},
		{`#chart-outlets .chart-bars title`, `Half "true": 4`},
	} {
		found := false
		doc.Find(tc.sel).Each(func(_ int, s *goquery.Selection) {
			found = found || s.Text() == tc.want
		})
		if !found {
			t.Errorf("%s: no %q", tc.sel, tc.want)
		}
	}
	if href, _ := doc.Find(`#chart-claimants tbody th a`).Attr("href"); href != "/claimants?name=Jo+%27Marsh%27+%26+Sons" {
		t.Errorf("claimant link %q", href)
	}
	if href, _ := doc.Find(`#chart-flow [data-testid="chart-csv"]`).Attr("href"); href != "/dashboard/charts/flow.csv?from=2026-03-01&to=2026-03-28" {
		t.Errorf("CSV link %q", href)
	}
}

// Every bar and part carries its fill pattern, every line its colour and
// markers: at each point of a short line, at about forty of a long one.
func TestChartsCarryPatternsAndMarkers(t *testing.T) {
	for _, tc := range []struct {
		days       int
		thinned    bool
		wantPoints int
	}{{28, false, 28}, {400, true, 0}} {
		doc := render(t, DashboardCharts(DeskCharts(deskForCharts(tc.days))))
		lines := doc.Find(`#chart-flow .chart-line`)
		if lines.Length() != 4 {
			t.Fatalf("%d days: %d lines", tc.days, lines.Length())
		}
		for i := 0; i < 4; i++ {
			l := lines.Eq(i)
			class, _ := l.Find(`.chart-line-path`).Attr("class")
			p := string(rune('0' + i))
			if !strings.Contains(class, " s"+p) {
				t.Errorf("%d days: line %d class %q lacks its stroke", tc.days, i, class)
			}
			marks := l.Find(`.chart-marks`)
			if !tc.thinned {
				if !strings.Contains(class, " k"+p) || marks.Length() != 0 {
					t.Errorf("%d days: line %d class %q: markers not on its own points", tc.days, i, class)
				}
				d, _ := l.Find(`.chart-line-path`).Attr("d")
				if n := strings.Count(d, "L") + 1; n != tc.wantPoints {
					t.Errorf("%d days: line %d has %d points, want %d", tc.days, i, n, tc.wantPoints)
				}
				continue
			}
			mclass, _ := marks.Attr("class")
			d, _ := marks.Attr("d")
			if strings.Contains(class, " k") || mclass != "chart-marks k"+p {
				t.Errorf("%d days: line %d classes %q and %q", tc.days, i, class, mclass)
			}
			if n := strings.Count(d, "L") + 1; n < maxMarkers/2 || n > maxMarkers {
				t.Errorf("%d days: %d markers on a long line", tc.days, n)
			}
		}
		doc.Find(`.chart-bars rect, .chart-bars path`).Each(func(_ int, s *goquery.Selection) {
			if c, _ := s.Attr("class"); len(c) != 2 || c[0] != 'f' {
				t.Errorf("bar without a fill pattern: class %q", c)
			}
		})
		// Each bar of a bar chart is a rectangle of its pattern's path;
		// a bar of no width (Ida submitted nothing) is not drawn.
		reviewers := doc.Find(`#chart-reviewers .chart-bars path`)
		if d := reviewers.Text() + reviewers.Eq(0).AttrOr("d", "") + reviewers.Eq(1).AttrOr("d", ""); reviewers.Length() != 2 || strings.Count(d, "z") != 2 {
			t.Errorf("%d days: the reviewers' bars: %d paths, %q", tc.days, reviewers.Length(), d)
		}
	}
}

// escapeHTML writes what html.EscapeString (templ's escaping) writes, for
// every character that needs escaping, anywhere in a string, and for text
// in other scripts.
func TestEscapeHTMLAsTemplEscapes(t *testing.T) {
	for _, s := range []string{"", "plain", "12.5", `<`, `>`, `&`, `'`, `"`, `a<b>c&d'e"f`, `<<>>&&''""`,
		"Zoë & “quotes” — ünïcode", "\u202egnirts", "tail<", ">head", "ا & ب", strings.Repeat("x&", 100)} {
		got := string(escapeHTML([]byte("pre:"), s))
		if want := "pre:" + html.EscapeString(s); got != want {
			t.Errorf("escapeHTML(%q) = %q, want %q", s, got, want)
		}
	}
}
