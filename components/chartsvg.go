package components

import (
	"context"
	"io"
	"strconv"
	"sync"

	"github.com/a-h/templ"

	"claimtrail/components/chart"
)

// The charts are written here as bytes rather than through templ: a
// dashboard read for a new period draws seven of them, some 2,000 SVG
// attributes, and templ boxes and escapes each attribute on its own, which
// made drawing them the larger half of such a request's work. Everything
// that came from people (names, outlets, ratings, titles) still goes
// through escapeHTML, as templ would escape it. How shapes look (fills,
// strokes, dashes, markers, text alignment) is shared CSS (web/static/app.css,
// .chart-svg) and definitions drawn once per page (ChartPatterns), not
// attributes repeated on every element.

// Chart is one chart with its title, a description, the SVG, the numbers
// behind it in a table and a CSV download of them.
func Chart(c ChartView) templ.Component {
	return templ.ComponentFunc(func(_ context.Context, w io.Writer) error {
		b := chartBuffers.Get().(*[]byte)
		*b = AppendChart((*b)[:0], c)
		_, err := w.Write(*b)
		chartBuffers.Put(b)
		return err
	})
}

var chartBuffers = sync.Pool{New: func() any { b := make([]byte, 0, 32<<10); return &b }}

// AppendChart appends chart c as HTML to b.
func AppendChart(b []byte, c ChartView) []byte {
	b = append(b, `<figure class="chart" id="chart-`...)
	b = escapeHTML(b, c.ID)
	b = append(b, `" data-testid="chart-`...)
	b = escapeHTML(b, c.ID)
	b = append(b, `"><figcaption class="chart-caption"><h3 class="chart-title" id="chart-`...)
	b = escapeHTML(b, c.ID)
	b = append(b, `-heading">`...)
	b = escapeHTML(b, c.Title)
	b = append(b, `</h3><a class="chart-csv small" href="`...)
	b = escapeHTML(b, c.CSVHref)
	b = append(b, `" download data-testid="chart-csv">Download CSV<span class="visually-hidden"> of `...)
	b = escapeHTML(b, c.Title)
	b = append(b, `</span></a></figcaption>`...)
	if c.Empty != "" {
		b = append(b, `<p class="empty" data-testid="chart-empty">`...)
		b = escapeHTML(b, c.Empty)
		b = append(b, `</p>`...)
	} else {
		b = append(b, `<svg class="chart-svg" role="img" aria-labelledby="chart-`...)
		b = escapeHTML(b, c.ID)
		b = append(b, `-title chart-`...)
		b = escapeHTML(b, c.ID)
		b = append(b, `-desc" data-testid="chart-svg" viewBox="`...)
		b = escapeHTML(b, c.viewBox())
		b = append(b, `" preserveAspectRatio="xMinYMin meet"><title id="chart-`...)
		b = escapeHTML(b, c.ID)
		b = append(b, `-title">`...)
		b = escapeHTML(b, c.Title)
		b = append(b, `</title><desc id="chart-`...)
		b = escapeHTML(b, c.ID)
		b = append(b, `-desc">`...)
		b = escapeHTML(b, c.Desc)
		b = append(b, `</desc>`...)
		switch {
		case c.Bars != nil:
			b = appendHBars(b, c.Bars)
		case c.Lines != nil:
			b = appendLines(b, c.Lines)
		case c.Stacks != nil:
			b = appendStacks(b, c.Stacks)
		}
		b = append(b, `</svg>`...)
	}
	b = append(b, `<details class="chart-data" data-testid="chart-data"><summary>The numbers behind this chart</summary><div class="table-scroll"><table class="table table-stack"><caption class="visually-hidden">`...)
	b = escapeHTML(b, c.Title)
	b = append(b, `</caption><thead><tr>`...)
	for i, col := range c.Table.Columns {
		if i == 0 {
			b = append(b, `<th scope="col">`...)
		} else {
			b = append(b, `<th scope="col" class="num">`...)
		}
		b = escapeHTML(b, col)
		b = append(b, `</th>`...)
	}
	b = append(b, `</tr></thead><tbody>`...)
	for _, row := range c.Table.Rows {
		b = append(b, `<tr>`...)
		for i, cell := range row {
			if i > 0 {
				// Numbers: right-aligned by the table's CSS (.chart-data td);
				// on a phone each sits on its own line, named by its column.
				b = append(b, `<td data-label="`...)
				if i < len(c.Table.Columns) {
					b = escapeHTML(b, c.Table.Columns[i])
				}
				b = append(b, `">`...)
				b = escapeHTML(b, cell)
				b = append(b, `</td>`...)
				continue
			}
			b = append(b, `<th scope="row">`...)
			if c.RowLink != "" && cell != "" {
				b = append(b, `<a href="`...)
				b = escapeHTML(b, c.rowLink(cell))
				b = append(b, `">`...)
				b = escapeHTML(b, cell)
				b = append(b, `</a>`...)
			} else {
				b = escapeHTML(b, cell)
			}
			b = append(b, `</th>`...)
		}
		b = append(b, `</tr>`...)
	}
	return append(b, `</tbody></table></div></details></figure>`...)
}

// Small writers for SVG: an attribute with a number, a text element.

func attrF(b []byte, name string, v float64) []byte {
	b = append(b, ' ')
	b = append(b, name...)
	b = append(b, `="`...)
	b = chart.AppendF(b, v)
	return append(b, '"')
}

// textAt writes <text x y>s</text>; x is left out when it is zero (the
// group's origin).
func textAt(b []byte, x, y float64, s string) []byte {
	b = append(b, `<text`...)
	if x != 0 {
		b = attrF(b, "x", x)
	}
	b = attrF(b, "y", y)
	b = append(b, '>')
	b = escapeHTML(b, s)
	return append(b, `</text>`...)
}

// translateX opens a group moved right by x, with class.
func translateX(b []byte, class string, x float64) []byte {
	b = append(b, `<g class="`...)
	b = append(b, class...)
	b = append(b, `" transform="translate(`...)
	b = chart.AppendF(b, x)
	return append(b, ` 0)">`...)
}

// fillClass is the class that fills a shape with pattern p (app.css .f0 ...).
func fillClass(b []byte, p int) []byte {
	b = append(b, ` class="f`...)
	b = strconv.AppendInt(b, int64(p), 10)
	return append(b, '"')
}

// appendBarAxis writes the value axis under bars or stacks: a grid line
// and a label per tick, and the axis's name.
func appendBarAxis(b []byte, ticks []chart.Tick, gridTop, axisY, plotMid float64, label string) []byte {
	b = append(b, `<g class="chart-axis" aria-hidden="true"><path class="chart-grid" d="`...)
	for _, t := range ticks {
		b = append(b, 'M')
		b = chart.AppendF(b, t.At)
		b = append(b, ' ')
		b = chart.AppendF(b, gridTop)
		b = append(b, 'V')
		b = chart.AppendF(b, axisY)
	}
	b = append(b, `"/><g class="mid">`...)
	for _, t := range ticks {
		b = textAt(b, t.At, axisY+16, t.Label)
	}
	b = append(b, `</g><text`...)
	b = attrF(b, "x", plotMid)
	b = attrF(b, "y", axisY+36)
	b = append(b, ` class="chart-axis-label mid">`...)
	b = escapeHTML(b, label)
	return append(b, `</text></g>`...)
}

func appendHBars(b []byte, c *chart.HBars) []byte {
	b = appendBarAxis(b, c.Ticks, 4, c.AxisY, c.PlotLeft+c.PlotWidth/2, c.AxisLabel)
	// Labels, right-aligned to the left of the plot.
	b = translateX(b, "end", c.PlotLeft-8)
	for _, bar := range c.Bars {
		b = textAt(b, 0, bar.LabelY, truncateLabel(bar.Label))
	}
	// The bars of one pattern are one path of rectangles; a bar of no
	// width is left out, as a rect of no width draws nothing.
	b = append(b, `</g><g class="chart-bars">`...)
	for p := 0; p < chart.Patterns; p++ {
		open := false
		for _, bar := range c.Bars {
			if bar.Pattern != p || bar.W <= 0 {
				continue
			}
			if !open {
				b = append(b, `<path`...)
				b = fillClass(b, p)
				b = append(b, ` d="`...)
				open = true
			}
			b = append(b, 'M')
			b = chart.AppendF(b, bar.X)
			b = append(b, ' ')
			b = chart.AppendF(b, bar.Y)
			b = append(b, 'h')
			b = chart.AppendF(b, bar.W)
			b = append(b, 'v')
			b = chart.AppendF(b, bar.H)
			b = append(b, 'H')
			b = chart.AppendF(b, bar.X)
			b = append(b, 'z')
		}
		if open {
			b = append(b, `"/>`...)
		}
	}
	b = append(b, `</g><g class="chart-value">`...)
	for _, bar := range c.Bars {
		b = textAt(b, bar.ValueX, bar.LabelY, bar.Value)
	}
	return append(b, `</g>`...)
}

func appendLines(b []byte, c *chart.Lines) []byte {
	b = append(b, `<g class="chart-axis" aria-hidden="true"><path class="chart-grid" d="`...)
	for _, t := range c.YTicks {
		b = append(b, 'M')
		b = chart.AppendF(b, c.PlotLeft)
		b = append(b, ' ')
		b = chart.AppendF(b, t.At)
		b = append(b, 'H')
		b = chart.AppendF(b, c.PlotRight)
	}
	b = append(b, `"/><g class="end">`...)
	for _, t := range c.YTicks {
		b = textAt(b, c.PlotLeft-6, t.At+4, t.Label)
	}
	b = append(b, `</g><path class="chart-tick" d="`...)
	for _, t := range c.XTicks {
		b = append(b, 'M')
		b = chart.AppendF(b, t.At)
		b = append(b, ' ')
		b = chart.AppendF(b, c.PlotBottom)
		b = append(b, "v5"...)
	}
	b = append(b, `"/><g class="mid">`...)
	for _, t := range c.XTicks {
		b = textAt(b, t.At, c.PlotBottom+18, t.Label)
	}
	b = append(b, `</g><path class="chart-baseline" d="M`...)
	b = chart.AppendF(b, c.PlotLeft)
	b = append(b, ' ')
	b = chart.AppendF(b, c.PlotBottom)
	b = append(b, 'H')
	b = chart.AppendF(b, c.PlotRight)
	b = append(b, `"/><text`...)
	b = attrF(b, "x", (c.PlotLeft+c.PlotRight)/2)
	b = attrF(b, "y", c.Height-6)
	b = append(b, ` class="chart-axis-label mid">`...)
	b = escapeHTML(b, c.XLabel)
	midY := (c.PlotTop + c.PlotBottom) / 2
	b = append(b, `</text><text x="12"`...)
	b = attrF(b, "y", midY)
	b = append(b, ` class="chart-axis-label mid" transform="rotate(-90 12 `...)
	b = chart.AppendF(b, midY)
	b = append(b, `)">`...)
	b = escapeHTML(b, c.YLabel)
	b = append(b, `</text></g>`...)
	for _, l := range c.Series {
		// Each line's markers are the SVG markers of its pattern
		// (ChartPatterns), drawn at the vertices of the line itself or,
		// on a long line, of a path through every few of its points.
		p := strconv.Itoa(l.Pattern)
		thin := len(l.Points) > maxMarkers
		b = append(b, `<g class="chart-line"><path class="chart-line-path s`...)
		b = append(b, p...)
		if !thin {
			b = append(b, " k"...)
			b = append(b, p...)
		}
		b = append(b, `" d="`...)
		b = escapeHTML(b, l.Path)
		b = append(b, `"/>`...)
		if thin {
			b = append(b, `<path class="chart-marks k`...)
			b = append(b, p...)
			b = append(b, `" d="`...)
			for i, pt := range markerPoints(l.Points) {
				if i == 0 {
					b = append(b, 'M')
				} else {
					b = append(b, 'L')
				}
				b = chart.AppendF(b, pt.X)
				b = append(b, ' ')
				b = chart.AppendF(b, pt.Y)
			}
			b = append(b, `"/>`...)
		}
		b = append(b, `<text`...)
		b = attrF(b, "x", l.LabelX)
		b = attrF(b, "y", l.LabelY)
		b = append(b, ` class="chart-line-label">`...)
		b = escapeHTML(b, l.Name)
		b = append(b, `</text></g>`...)
	}
	return b
}

func appendStacks(b []byte, c *chart.Stacks) []byte {
	b = append(b, `<g class="chart-legend">`...)
	for _, k := range c.Legend {
		b = append(b, `<rect`...)
		b = attrF(b, "x", k.X)
		b = attrF(b, "y", k.Y-11)
		b = append(b, ` width="22" height="14"`...)
		b = fillClass(b, k.Pattern)
		b = append(b, `/>`...)
		b = textAt(b, k.X+28, k.Y, k.Key)
	}
	b = append(b, `</g>`...)
	b = appendBarAxis(b, c.Ticks, c.AxisY-float64(len(c.Rows))*28-4, c.AxisY, c.PlotLeft+c.PlotWidth/2, c.AxisLabel)
	b = translateX(b, "end", c.PlotLeft-8)
	for _, r := range c.Rows {
		b = textAt(b, 0, r.LabelY, truncateLabel(r.Label))
	}
	b = append(b, `</g><g class="chart-bars">`...)
	for _, r := range c.Rows {
		for _, p := range r.Parts {
			b = append(b, `<rect`...)
			b = attrF(b, "x", p.X)
			b = attrF(b, "y", r.Y)
			b = attrF(b, "width", p.W)
			b = attrF(b, "height", r.H)
			b = fillClass(b, p.Pattern)
			b = append(b, `><title>`...)
			b = escapeHTML(b, p.Key)
			b = append(b, `: `...)
			b = escapeHTML(b, p.Value)
			b = append(b, `</title></rect>`...)
		}
	}
	b = append(b, `</g><g class="chart-part-value mid">`...)
	for _, r := range c.Rows {
		for _, p := range r.Parts {
			if p.Text != "" {
				b = textAt(b, p.TextX, r.LabelY, p.Text)
			}
		}
	}
	b = append(b, `</g><g class="chart-value">`...)
	for _, r := range c.Rows {
		b = textAt(b, r.TotalX, r.LabelY, r.Total)
	}
	return append(b, `</g>`...)
}

// escapeHTML appends s escaped as templ escapes text and attributes
// (html.EscapeString: the same five characters, the same entities), straight
// into b: a new period's charts escape some two thousand strings, nearly
// all of them numbers and names with nothing to escape.
func escapeHTML(b []byte, s string) []byte {
	start := 0
	for i := 0; i < len(s); i++ {
		esc := htmlEscapes[s[i]]
		if esc == "" {
			continue
		}
		b = append(append(b, s[start:i]...), esc...)
		start = i + 1
	}
	return append(b, s[start:]...)
}

// htmlEscapes is what html.EscapeString writes for each byte it escapes.
var htmlEscapes = [256]string{'<': "&lt;", '>': "&gt;", '&': "&amp;", '\'': "&#39;", '"': "&#34;"}
