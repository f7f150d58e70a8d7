package components

import (
	"context"
	"io"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/a-h/templ"

	"claimtrail/components/chart"
	"claimtrail/domain"
)

// ChartView is one chart ready to draw: exactly one of Bars, Lines and
// Stacks is set, or Empty says why there is nothing to draw.
type ChartView struct {
	ID, Title, Desc string
	CSVHref         string
	Table           chart.Table
	Empty           string
	// RowLink, when set, links each table row's first cell: the cell's
	// text is added to it, escaped.
	RowLink string

	Bars   *chart.HBars
	Lines  *chart.Lines
	Stacks *chart.Stacks
}

func (c ChartView) viewBox() string {
	switch {
	case c.Bars != nil:
		return chart.ViewBox(c.Bars.Width, c.Bars.Height)
	case c.Lines != nil:
		return chart.ViewBox(c.Lines.Width, c.Lines.Height)
	case c.Stacks != nil:
		return chart.ViewBox(c.Stacks.Width, c.Stacks.Height)
	}
	return "0 0 1 1"
}

func (c ChartView) rowLink(cell string) string {
	if c.RowLink == "" || cell == "" {
		return ""
	}
	return c.RowLink + url.QueryEscape(cell)
}

// truncateLabel keeps a chart's row label short enough for its column;
// the table under the chart has it whole.
func truncateLabel(s string) string {
	r := []rune(s)
	if len(r) <= 24 {
		return s
	}
	return string(r[:23]) + "…"
}

// maxMarkers is about how many markers a line carries at most.
const maxMarkers = 40

// markerPoints thins a long line's markers to about maxMarkers.
func markerPoints(ps []chart.Point) []chart.Point {
	if len(ps) <= maxMarkers {
		return ps
	}
	every := (len(ps) + maxMarkers - 1) / maxMarkers
	var out []chart.Point
	for i := 0; i < len(ps); i += every {
		out = append(out, ps[i])
	}
	return out
}

// DashboardView is the dashboard page: the filter as typed, its errors,
// the desk and its charts.
type DashboardView struct {
	From, To, Outlet string
	Errors           FieldErrors
	Desk             *domain.Desk
	Charts           []ChartView
	// RenderedCharts, when set, stands for DashboardCharts(Charts) as
	// rendered earlier for the same figures (see KeptHTML).
	RenderedCharts templ.Component
}

// KeptHTML writes out HTML that templ rendered earlier, escaped as it was
// then: a page keeps a part that depends only on figures that have not
// changed, instead of drawing it again.
func KeptHTML(html []byte) templ.Component {
	return templ.ComponentFunc(func(_ context.Context, w io.Writer) error {
		_, err := w.Write(html)
		return err
	})
}

// DashboardCharts are the dashboard's charts, the day-by-day one first at
// the page's full width. They depend on the figures alone, so the page can
// keep them rendered (DashboardView.RenderedCharts).
func DashboardCharts(charts []ChartView) templ.Component {
	return KeptHTML(AppendDashboardCharts(nil, charts))
}

// AppendDashboardCharts appends DashboardCharts(charts) to b.
func AppendDashboardCharts(b []byte, charts []ChartView) []byte {
	b = append(b, `<div class="chart-grid-wide">`...)
	for _, c := range charts {
		if c.ID == "flow" {
			b = AppendChart(b, c)
		}
	}
	b = append(b, `</div><div class="chart-grid">`...)
	for _, c := range charts {
		if c.ID != "flow" {
			b = AppendChart(b, c)
		}
	}
	return append(b, `</div>`...)
}

// Chart returns the chart with id, or nil.
func (v DashboardView) Chart(id string) *ChartView {
	for i := range v.Charts {
		if v.Charts[i].ID == id {
			return &v.Charts[i]
		}
	}
	return nil
}

// DeskQuery is the dashboard's address parameters for a filter.
func DeskQuery(f domain.DeskFilter) url.Values {
	q := url.Values{"from": {f.From.Format("2006-01-02")}, "to": {f.To.Format("2006-01-02")}}
	if f.Outlet != "" {
		q.Set("outlet", f.Outlet)
	}
	return q
}

// Chart widths in SVG units, near the width each is shown at, so that
// their text reads at about the page's size.
const (
	chartWidth     = 460 // charts two to a row
	wideChartWidth = 960 // the day-by-day chart, the page's full width
)

// DeskCharts draws the dashboard's charts.
func DeskCharts(d *domain.Desk) []ChartView {
	q := DeskQuery(d.Filter).Encode()
	csv := func(id string) string { return "/dashboard/charts/" + id + ".csv?" + q }
	period := describePeriod(d.Filter)
	var charts []ChartView

	// Claims over time, by day or, over long periods, by week.
	days, unit, byUnit, firstColumn := d.Days, "day", "day by day", "Day"
	if len(days) > 62 {
		days, unit, byUnit, firstColumn = d.Weeks(), "week", "week by week", "Week starting"
	}
	flow := ChartView{ID: "flow", CSVHref: csv("flow"),
		Title: "Claims added, accepted, approved and dismissed, " + byUnit,
		Desc: "Line chart, " + period + ". In all: " + count(d.Added) + " added, " + count(d.Accepted) + " accepted, " +
			count(d.Approved) + " approved, " + count(d.Dismissed) + " dismissed.",
		Table: chart.Table{Columns: []string{firstColumn, "Added", "Accepted", "Approved", "Dismissed"}}}
	labels := make([]string, len(days))
	values := make([]float64, 4*len(days))
	series := []chart.Series{{Name: "added"}, {Name: "accepted"}, {Name: "approved"}, {Name: "dismissed"}}
	for s := range series {
		series[s].Values = values[s*len(days) : (s+1)*len(days)]
	}
	flow.Table.Rows = make([][]string, len(days))
	cells := make([]string, 5*len(days))
	for i, day := range days {
		labels[i] = day.Day.Format("2 Jan")
		for s, v := range [4]int{day.Added, day.Accepted, day.Approved, day.Dismissed} {
			series[s].Values[i] = float64(v)
		}
		row := cells[5*i : 5*i+5 : 5*i+5]
		row[0], row[1], row[2], row[3], row[4] = day.Day.Format("2006-01-02"), count(day.Added), count(day.Accepted), count(day.Approved), count(day.Dismissed)
		flow.Table.Rows[i] = row
	}
	lines := chart.LinesOver(labels, series, wideChartWidth, 320, unit, "claims", 10)
	flow.Lines = &lines
	charts = append(charts, flow)

	// Verdicts by rating.
	ratings := ChartView{ID: "ratings", CSVHref: csv("ratings"), Title: "Verdicts approved, by rating",
		Table: chart.Table{Columns: []string{"Rating", "Verdicts"}}}
	var bars []chart.Bar
	for _, r := range d.Ratings {
		bars = append(bars, chart.Bar{Label: r.Rating, Value: float64(r.N)})
		ratings.Table.Rows = append(ratings.Table.Rows, []string{r.Rating, count(r.N)})
	}
	ratings.Desc = "Bar chart, " + period + ": " + describeBars(bars) + "."
	withBars(&ratings, bars, "verdicts approved", d.Approved == 0, "No verdicts were approved in this period.")
	charts = append(charts, ratings)

	// Returns per verdict.
	returns := ChartView{ID: "returns", CSVHref: csv("returns"), Title: "Returns before approval",
		Table: chart.Table{Columns: []string{"Returned", "Verdicts"}}}
	bars = nil
	for i, label := range []string{"Not returned", "Returned once", "Returned twice", "3 times or more"} {
		bars = append(bars, chart.Bar{Label: label, Value: float64(d.Returns[i])})
		returns.Table.Rows = append(returns.Table.Rows, []string{label, count(d.Returns[i])})
	}
	returns.Desc = "Bar chart of the verdicts approved " + period + " by how often an editor sent them back first: " + describeBars(bars) + ". " +
		strconv.FormatFloat(d.ReturnsPerVerdict(), 'f', 2, 64) + " returns per verdict."
	withBars(&returns, bars, "verdicts approved", d.Approved == 0, "No verdicts were approved in this period.")
	charts = append(charts, returns)

	// Work per reviewer and per editor.
	reviewers := ChartView{ID: "reviewers", CSVHref: csv("reviewers"), Title: "Verdicts submitted, per reviewer",
		Table: chart.Table{Columns: []string{"Reviewer", "Submitted", "Approved", "Returned"}}}
	bars = make([]chart.Bar, 0, len(d.Reviewers))
	reviewers.Table.Rows = make([][]string, len(d.Reviewers))
	cells = make([]string, 4*len(d.Reviewers))
	for i, p := range d.Reviewers {
		name := personName(p)
		bars = append(bars, chart.Bar{Label: name, Value: float64(p.Submitted)})
		row := cells[4*i : 4*i+4 : 4*i+4]
		row[0], row[1], row[2], row[3] = name, count(p.Submitted), count(p.Approved), count(p.Returned)
		reviewers.Table.Rows[i] = row
	}
	reviewers.Desc = "Bar chart, " + period + ": " + describeBars(bars) + ". The table adds how many of each reviewer's verdicts were approved and returned."
	withBars(&reviewers, bars, "verdicts submitted", len(bars) == 0, "No verdicts were submitted in this period.")
	charts = append(charts, reviewers)

	editors := ChartView{ID: "editors", CSVHref: csv("editors"), Title: "Verdicts approved and returned, per editor",
		Table: chart.Table{Columns: []string{"Editor", "Approved", "Returned"}}}
	var stacks []chart.Stack
	for _, p := range d.Editors {
		stacks = append(stacks, chart.Stack{Label: personName(p), Values: []float64{float64(p.Approved), float64(p.Returned)}})
		editors.Table.Rows = append(editors.Table.Rows, []string{personName(p), count(p.Approved), count(p.Returned)})
	}
	editors.Desc = "Stacked bar chart, " + period + ", one bar per editor split into verdicts approved and returned: " + describeTable(editors.Table) + "."
	withStacks(&editors, stacks, []string{"Approved", "Returned"}, "decisions", "No verdicts were approved or returned in this period.")
	charts = append(charts, editors)

	// Who was checked most, and how they fared.
	names := make([]string, len(d.Ratings))
	for i, r := range d.Ratings {
		names[i] = r.Rating
	}
	for _, m := range []struct {
		id, title, who, link string
		rows                 []domain.RatingMix
	}{
		{"outlets", "Outlets with the most checked claims, by rating", "Outlet", "/outlets?name=", d.TopOutlets},
		{"claimants", "Claimants with the most checked claims, by rating", "Claimant", "/claimants?name=", d.TopClaimants},
	} {
		c := ChartView{ID: m.id, CSVHref: csv(m.id), Title: m.title, RowLink: m.link,
			Table: chart.Table{Columns: append([]string{m.who, "Checked"}, names...)}}
		stacks = make([]chart.Stack, 0, len(m.rows))
		c.Table.Rows = make([][]string, 0, len(m.rows))
		for _, mix := range m.rows {
			vals := make([]float64, len(mix.ByRating))
			row := make([]string, 2, 2+len(mix.ByRating))
			row[0], row[1] = mix.Name, count(mix.Total)
			for i, n := range mix.ByRating {
				vals[i] = float64(n)
				row = append(row, count(n))
			}
			stacks = append(stacks, chart.Stack{Label: mix.Name, Values: vals})
			c.Table.Rows = append(c.Table.Rows, row)
		}
		c.Desc = "Stacked bar chart of verdicts approved " + period + ", one bar per " + strings.ToLower(m.who) +
			" split by rating, most checked first: " + describeMixes(m.rows) + "."
		withStacks(&c, stacks, names, "verdicts approved", "No verdicts were approved in this period.")
		charts = append(charts, c)
	}
	return charts
}

func withBars(c *ChartView, bars []chart.Bar, axis string, empty bool, why string) {
	if empty {
		c.Empty = why
		return
	}
	b := chart.Horizontal(bars, chartWidth, axis)
	c.Bars = &b
}

func withStacks(c *ChartView, rows []chart.Stack, keys []string, axis, why string) {
	if len(rows) == 0 {
		c.Empty = why
		return
	}
	s := chart.Stacked(rows, keys, chartWidth, axis)
	c.Stacks = &s
}

// RatingMixChart draws one claimant's or outlet's verdicts by rating.
func RatingMixChart(id, who string, ratings []domain.RatingCount, csvHref string) ChartView {
	c := ChartView{ID: id, CSVHref: csvHref, Title: "Verdicts on " + who + ", by rating",
		Table: chart.Table{Columns: []string{"Rating", "Verdicts"}}}
	var bars []chart.Bar
	total := 0
	for _, r := range ratings {
		bars = append(bars, chart.Bar{Label: r.Rating, Value: float64(r.N)})
		c.Table.Rows = append(c.Table.Rows, []string{r.Rating, count(r.N)})
		total += r.N
	}
	c.Desc = "Bar chart of the published verdicts: " + describeBars(bars) + "."
	withBars(&c, bars, "verdicts", total == 0, "No verdicts have been published yet.")
	return c
}

func personName(p domain.PersonWork) string {
	if p.Name == "" {
		return "Account " + strconv.FormatInt(p.UserID, 10)
	}
	return p.Name
}

func count(n int) string { return strconv.Itoa(n) }

func describePeriod(f domain.DeskFilter) string {
	s := "from " + f.From.Format("2 January 2006") + " to " + f.To.Format("2 January 2006")
	if f.Outlet != "" {
		s += ", " + f.Outlet + " only"
	}
	return s
}

func describeBars(bars []chart.Bar) string {
	if len(bars) == 0 {
		return "none"
	}
	var s strings.Builder
	for i, b := range bars {
		if i > 0 {
			s.WriteString(", ")
		}
		s.WriteString(b.Label)
		s.WriteString(" ")
		s.WriteString(chart.Count(b.Value))
	}
	return s.String()
}

func describeTable(t chart.Table) string {
	if len(t.Rows) == 0 {
		return "none"
	}
	var s strings.Builder
	for i, row := range t.Rows {
		if i > 0 {
			s.WriteString("; ")
		}
		s.WriteString(row[0])
		for j := 1; j < len(row); j++ {
			s.WriteString(", ")
			s.WriteString(t.Columns[j])
			s.WriteString(" ")
			s.WriteString(row[j])
		}
	}
	return s.String()
}

func describeMixes(rows []domain.RatingMix) string {
	if len(rows) == 0 {
		return "none"
	}
	var s strings.Builder
	for i, m := range rows {
		if i > 0 {
			s.WriteString("; ")
		}
		s.WriteString(m.Name)
		s.WriteString(" ")
		s.WriteString(count(m.Total))
	}
	return s.String()
}

// Span writes a duration the way an editor says it: "3 days 4 hours",
// "2 hours 5 minutes", "40 minutes".
func Span(d time.Duration) string {
	if d <= 0 {
		return "none"
	}
	days, hours, mins := int(d/(24*time.Hour)), int(d%(24*time.Hour)/time.Hour), int(d%time.Hour/time.Minute)
	unit := func(n int, one string) string {
		if n == 1 {
			return "1 " + one
		}
		return count(n) + " " + one + "s"
	}
	switch {
	case days > 0 && hours > 0:
		return unit(days, "day") + " " + unit(hours, "hour")
	case days > 0:
		return unit(days, "day")
	case hours > 0 && mins > 0:
		return unit(hours, "hour") + " " + unit(mins, "minute")
	case hours > 0:
		return unit(hours, "hour")
	case mins > 0:
		return unit(mins, "minute")
	}
	return "under a minute"
}

func approvalSpan(count int, d time.Duration) string {
	switch {
	case count == 0:
		return "none approved"
	case d < time.Minute:
		return "under a minute"
	}
	return "about " + Span(d)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// ClaimantHref is the address of a claimant's page.
func ClaimantHref(name string) string { return "/claimants?name=" + url.QueryEscape(name) }

// OutletHref is the address of an outlet's page.
func OutletHref(name string) string { return "/outlets?name=" + url.QueryEscape(name) }

func profileKindLabel(k domain.ProfileKind) string {
	if k == domain.ProfileOutlet {
		return "Outlet"
	}
	return "Claimant"
}
