// Package chart works out the geometry of the charts claimtrail draws on the
// server as SVG: where every bar, line, tick and label goes. It is plain Go
// with no drawing of its own; components turn the geometry into SVG, and
// each chart's numbers also go out as a table and as CSV.
//
// Charts must read without colour: bars and stacks carry a fill pattern
// per series and their value as text, and lines carry a dash and a marker
// per series and their name at the line's end.
package chart

import (
	"math"
	"strconv"
	"strings"
)

// Table is the numbers behind a chart, for the table under it and its CSV.
type Table struct {
	Columns []string
	Rows    [][]string
}

// Tick is one labelled mark on an axis, at a position in SVG units.
type Tick struct {
	At    float64
	Label string
}

// Patterns is how many distinct fills there are; series beyond it reuse them.
const Patterns = 7

// PatternOf is the fill pattern of series i.
func PatternOf(i int) int { return i % Patterns }

// niceStep picks a round step (1, 2 or 5 times a power of ten) that splits
// 0..max into at most about n intervals.
func niceStep(max float64, n int) float64 {
	if max <= 0 {
		return 1
	}
	raw := max / float64(n)
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 5, 10} {
		if m*mag >= raw {
			return math.Max(1, m*mag) // counts: never a step under one
		}
	}
	return 10 * mag
}

// scaleTicks returns round ticks from 0 to at least max and the top of the
// scale.
func scaleTicks(max float64, n int) ([]float64, float64) {
	step := niceStep(max, n)
	top := math.Ceil(max/step) * step
	if top == 0 {
		top = step
	}
	var ticks []float64
	for v := 0.0; v <= top+step/2; v += step {
		ticks = append(ticks, v)
	}
	return ticks, top
}

// Count writes a count as it appears on a chart.
func Count(v float64) string {
	if v == math.Trunc(v) {
		return strconv.FormatInt(int64(v), 10)
	}
	return strconv.FormatFloat(v, 'f', 1, 64)
}

// f2 writes an SVG coordinate: v to two decimals, trailing zeros and a
// trailing point dropped.
func f2(v float64) string {
	var b [32]byte
	return string(AppendF(b[:0], v))
}

// AppendF appends an SVG coordinate to b as f2 writes it. A chart writes
// thousands, so the hundredths are rounded as an integer whenever v*100 is
// clearly not halfway between two (then the integer is what decimal
// rounding gives); otherwise, and for huge or non-finite values, strconv
// decides.
func AppendF(b []byte, v float64) []byte {
	if r := v * 100; math.Abs(r) < 1e12 {
		if frac := r - math.Floor(r); math.Abs(frac-0.5) > 1e-6 {
			return appendHundredths(b, int64(math.Round(r)))
		}
	}
	return append(b, f2Slow(v)...)
}

// appendHundredths appends n/100 as f2 writes it.
func appendHundredths(b []byte, n int64) []byte {
	if n < 0 {
		b = append(b, '-')
		n = -n
	}
	b = strconv.AppendInt(b, n/100, 10)
	if frac := n % 100; frac != 0 {
		b = append(b, '.', byte('0'+frac/10))
		if frac%10 != 0 {
			b = append(b, byte('0'+frac%10))
		}
	}
	return b
}

func f2Slow(v float64) string {
	s := strconv.FormatFloat(v, 'f', 2, 64)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	if s == "-0" || s == "" {
		return "0"
	}
	return s
}

// Bar is one labelled value.
type Bar struct {
	Label string
	Value float64
}

// HBars is a horizontal bar chart: one bar per row, its label on the left
// and its value written at the bar's end.
type HBars struct {
	Width, Height float64
	PlotLeft      float64 // where bars start
	PlotWidth     float64
	Bars          []HBar
	Ticks         []Tick // along the bottom axis
	AxisY         float64
	AxisLabel     string
}

// HBar is one bar's geometry.
type HBar struct {
	Label      string
	Value      string
	X, Y, W, H float64
	LabelY     float64 // text baseline, centred on the bar
	ValueX     float64 // where the value text starts
	Pattern    int
}

// Horizontal lays out bars across width, each row rowHeight high.
func Horizontal(bars []Bar, width float64, axisLabel string) HBars {
	const (
		labelWidth = 170.0
		rowHeight  = 26.0
		barHeight  = 18.0
		top        = 8.0
		valueRoom  = 60.0
		axisRoom   = 44.0
	)
	c := HBars{Width: width, PlotLeft: labelWidth, PlotWidth: math.Max(40, width-labelWidth-valueRoom), AxisLabel: axisLabel}
	max := 0.0
	for _, b := range bars {
		max = math.Max(max, b.Value)
	}
	ticks, scaleTop := scaleTicks(max, 5)
	c.Bars = make([]HBar, 0, len(bars))
	for i, b := range bars {
		y := top + float64(i)*rowHeight
		w := c.PlotWidth * math.Max(0, b.Value) / scaleTop
		c.Bars = append(c.Bars, HBar{Label: b.Label, Value: Count(b.Value), X: c.PlotLeft, Y: y, W: w, H: barHeight,
			LabelY: y + barHeight/2 + 4, ValueX: c.PlotLeft + w + 6, Pattern: PatternOf(i)})
	}
	c.AxisY = top + float64(len(bars))*rowHeight + 4
	for _, v := range ticks {
		c.Ticks = append(c.Ticks, Tick{At: c.PlotLeft + c.PlotWidth*v/scaleTop, Label: Count(v)})
	}
	c.Height = c.AxisY + axisRoom
	return c
}

// Series is one named line of values, one per point on the x axis.
type Series struct {
	Name   string
	Values []float64
}

// Lines is a line chart over a category axis (days or weeks).
type Lines struct {
	Width, Height                            float64
	PlotLeft, PlotTop, PlotRight, PlotBottom float64
	Series                                   []Line
	XTicks, YTicks                           []Tick
	XLabel, YLabel                           string
}

// Line is one series' geometry: an SVG path, its points for markers, and
// where its name goes at the end. Its dash, marker and colour all follow
// its pattern, so that one number says how a line looks.
type Line struct {
	Name    string
	Path    string
	Points  []Point
	Dash    string // stroke-dasharray, "" for solid
	Marker  string // circle, square, triangle or diamond
	LabelX  float64
	LabelY  float64
	Pattern int
}

// Point is a point of a line.
type Point struct{ X, Y float64 }

var (
	dashes  = []string{"", "6 3", "2 3", "8 3 2 3"}
	markers = []string{"circle", "square", "triangle", "diamond"}
)

// LinesOver lays out series over the x labels in width × height, with at
// most about maxXTicks labels along the bottom.
func LinesOver(xLabels []string, series []Series, width, height float64, xLabel, yLabel string, maxXTicks int) Lines {
	c := Lines{Width: width, Height: height, PlotLeft: 56, PlotTop: 12, PlotRight: width - 110, PlotBottom: height - 48,
		XLabel: xLabel, YLabel: yLabel}
	max := 0.0
	for _, s := range series {
		for _, v := range s.Values {
			max = math.Max(max, v)
		}
	}
	ticks, top := scaleTicks(max, 5)
	plotH := c.PlotBottom - c.PlotTop
	for _, v := range ticks {
		c.YTicks = append(c.YTicks, Tick{At: c.PlotBottom - plotH*v/top, Label: Count(v)})
	}
	n := len(xLabels)
	x := func(i int) float64 {
		if n <= 1 {
			return (c.PlotLeft + c.PlotRight) / 2
		}
		return c.PlotLeft + (c.PlotRight-c.PlotLeft)*float64(i)/float64(n-1)
	}
	every := 1
	if maxXTicks > 0 && n > maxXTicks {
		every = (n + maxXTicks - 1) / maxXTicks
	}
	for i := 0; i < n; i += every {
		c.XTicks = append(c.XTicks, Tick{At: x(i), Label: xLabels[i]})
	}
	var ends []float64
	for si, s := range series {
		p := PatternOf(si)
		l := Line{Name: s.Name, Dash: dashes[p%len(dashes)], Marker: markers[p%len(markers)], Pattern: p}
		path := make([]byte, 0, 14*min(n, len(s.Values)))
		l.Points = make([]Point, 0, min(n, len(s.Values)))
		for i, v := range s.Values {
			if i >= n {
				break
			}
			p := Point{X: x(i), Y: c.PlotBottom - plotH*math.Max(0, v)/top}
			l.Points = append(l.Points, p)
			if i == 0 {
				path = append(path, 'M')
			} else {
				path = append(path, " L"...)
			}
			path = append(AppendF(path, p.X), ' ')
			path = AppendF(path, p.Y)
		}
		l.Path = string(path)
		if len(l.Points) > 0 {
			last := l.Points[len(l.Points)-1]
			l.LabelX, l.LabelY = last.X+10, last.Y+4
		}
		ends = append(ends, l.LabelY)
		c.Series = append(c.Series, l)
	}
	// Names at the line ends must not sit on one another: push them apart.
	spreadLabels(ends, 13, c.PlotTop+4, c.PlotBottom+4)
	for i := range c.Series {
		c.Series[i].LabelY = ends[i]
	}
	return c
}

// spreadLabels moves the y positions apart so that no two are closer than
// gap, keeping their order and staying within lo..hi where it can.
func spreadLabels(ys []float64, gap, lo, hi float64) {
	idx := make([]int, len(ys))
	for i := range idx {
		idx[i] = i
	}
	// Sort indexes by position (few series: insertion sort).
	for i := 1; i < len(idx); i++ {
		for j := i; j > 0 && ys[idx[j]] < ys[idx[j-1]]; j-- {
			idx[j], idx[j-1] = idx[j-1], idx[j]
		}
	}
	for k := 1; k < len(idx); k++ {
		if ys[idx[k]] < ys[idx[k-1]]+gap {
			ys[idx[k]] = ys[idx[k-1]] + gap
		}
	}
	if len(idx) > 0 && ys[idx[len(idx)-1]] > hi {
		shift := ys[idx[len(idx)-1]] - hi
		for _, i := range idx {
			ys[i] -= shift
		}
		for k := 0; k < len(idx); k++ {
			if ys[idx[k]] < lo {
				ys[idx[k]] = lo + float64(k)*gap
			}
		}
	}
}

// Stack is one row of a stacked bar chart: parts of a whole.
type Stack struct {
	Label  string
	Values []float64 // one per key
}

// Stacks is a horizontal stacked bar chart: each row a bar split into its
// parts, each part filled with its key's pattern and, where it is wide
// enough, labelled with its count.
type Stacks struct {
	Width, Height float64
	PlotLeft      float64
	PlotWidth     float64
	Rows          []StackRow
	Legend        []LegendItem
	Ticks         []Tick
	AxisY         float64
	AxisLabel     string
}

// StackRow is one bar of a stacked chart.
type StackRow struct {
	Label  string
	LabelY float64
	Total  string
	TotalX float64
	Y, H   float64
	Parts  []StackPart
}

// StackPart is one key's part of a row.
type StackPart struct {
	Key     string
	Value   string
	X, W    float64
	Pattern int
	// TextX is where the count is written inside the part; empty Text when
	// the part is too narrow to hold it (the table has every number).
	TextX float64
	Text  string
}

// LegendItem says which pattern stands for which key.
type LegendItem struct {
	Key     string
	Pattern int
	X, Y    float64
}

// Stacked lays out rows split by keys across width.
func Stacked(rows []Stack, keys []string, width float64, axisLabel string) Stacks {
	const (
		labelWidth = 170.0
		rowHeight  = 28.0
		barHeight  = 20.0
		legendRow  = 22.0
		valueRoom  = 50.0
		axisRoom   = 44.0
	)
	c := Stacks{Width: width, PlotLeft: labelWidth, PlotWidth: math.Max(40, width-labelWidth-valueRoom), AxisLabel: axisLabel}
	// The legend on top, as many keys a line as fit.
	x, y := 0.0, 14.0
	for i, k := range keys {
		w := 34 + 7.5*float64(len([]rune(k)))
		if x > 0 && x+w > width {
			x, y = 0, y+legendRow
		}
		c.Legend = append(c.Legend, LegendItem{Key: k, Pattern: PatternOf(i), X: x, Y: y})
		x += w + 12
	}
	top := y + 16
	max := 0.0
	for _, r := range rows {
		max = math.Max(max, sum(r.Values))
	}
	ticks, scaleTop := scaleTicks(max, 5)
	c.Rows = make([]StackRow, 0, len(rows))
	parts := make([]StackPart, 0, len(rows)*len(keys)) // every row's parts, one after another
	for i, r := range rows {
		ry := top + float64(i)*rowHeight
		row := StackRow{Label: r.Label, Y: ry, H: barHeight, LabelY: ry + barHeight/2 + 4}
		first := len(parts)
		px := c.PlotLeft
		for k, v := range r.Values {
			if v <= 0 || k >= len(keys) {
				continue
			}
			w := c.PlotWidth * v / scaleTop
			part := StackPart{Key: keys[k], Value: Count(v), X: px, W: w, Pattern: PatternOf(k)}
			if text := part.Value; w >= 8*float64(len(text))+8 {
				part.Text, part.TextX = text, px+w/2
			}
			parts = append(parts, part)
			px += w
		}
		row.Parts = parts[first:len(parts):len(parts)]
		row.Total, row.TotalX = Count(sum(r.Values)), px+6
		c.Rows = append(c.Rows, row)
	}
	c.AxisY = top + float64(len(rows))*rowHeight + 4
	for _, v := range ticks {
		c.Ticks = append(c.Ticks, Tick{At: c.PlotLeft + c.PlotWidth*v/scaleTop, Label: Count(v)})
	}
	c.Height = c.AxisY + axisRoom
	return c
}

func sum(vs []float64) float64 {
	t := 0.0
	for _, v := range vs {
		t += math.Max(0, v)
	}
	return t
}

// ViewBox is an SVG viewBox for a width and height.
func ViewBox(w, h float64) string {
	b := append(make([]byte, 0, 24), "0 0 "...)
	b = append(AppendF(b, w), ' ')
	return string(AppendF(b, h))
}

// F writes a coordinate for an SVG attribute.
func F(v float64) string { return f2(v) }
