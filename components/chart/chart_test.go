package chart

import (
	"math"
	"strings"
	"testing"
)

func near(a, b float64) bool { return math.Abs(a-b) < 0.01 }

func TestScaleTicksAreRound(t *testing.T) {
	for _, tc := range []struct {
		max    float64
		top    float64
		nTicks int
	}{
		{0, 1, 2},       // nothing yet: a scale of 0..1
		{3, 3, 4},       // small counts step by one
		{7, 8, 5},       // step 2
		{48, 50, 6},     // step 10
		{1234, 1500, 4}, // step 500
	} {
		ticks, top := scaleTicks(tc.max, 5)
		if top != tc.top || len(ticks) != tc.nTicks || ticks[0] != 0 || ticks[len(ticks)-1] != top {
			t.Errorf("max %v: ticks %v top %v; want top %v and %d ticks", tc.max, ticks, top, tc.top, tc.nTicks)
		}
	}
}

func TestHorizontalBars(t *testing.T) {
	c := Horizontal([]Bar{{"True", 10}, {"False", 5}, {"Unverifiable", 0}}, 600, "verdicts")
	if len(c.Bars) != 3 {
		t.Fatalf("%d bars", len(c.Bars))
	}
	// The scale tops out at 10, so the longest bar fills the plot and the
	// next is half as long; the empty one has no width but keeps its row.
	if !near(c.Bars[0].W, c.PlotWidth) || !near(c.Bars[1].W, c.PlotWidth/2) || c.Bars[2].W != 0 {
		t.Errorf("widths %v %v %v of %v", c.Bars[0].W, c.Bars[1].W, c.Bars[2].W, c.PlotWidth)
	}
	if c.PlotLeft+c.PlotWidth > c.Width {
		t.Errorf("plot runs off the chart: %v + %v > %v", c.PlotLeft, c.PlotWidth, c.Width)
	}
	if c.Bars[1].Y <= c.Bars[0].Y || c.Bars[0].Pattern == c.Bars[1].Pattern {
		t.Errorf("rows overlap or share a pattern: %+v", c.Bars)
	}
	if c.Bars[1].Value != "5" || !near(c.Bars[1].ValueX, c.PlotLeft+c.PlotWidth/2+6) {
		t.Errorf("value label %q at %v", c.Bars[1].Value, c.Bars[1].ValueX)
	}
	last := c.Ticks[len(c.Ticks)-1]
	if last.Label != "10" || !near(last.At, c.PlotLeft+c.PlotWidth) || c.Height <= c.AxisY {
		t.Errorf("axis: %+v, height %v axis %v", c.Ticks, c.Height, c.AxisY)
	}
}

func TestLines(t *testing.T) {
	days := []string{"1 Mar", "2 Mar", "3 Mar", "4 Mar", "5 Mar"}
	c := LinesOver(days, []Series{{"added", []float64{0, 10, 20, 10, 0}}, {"approved", []float64{0, 10, 20, 10, 0}}}, 600, 300, "day", "claims", 3)
	a := c.Series[0]
	if len(a.Points) != 5 || !near(a.Points[0].X, c.PlotLeft) || !near(a.Points[4].X, c.PlotRight) {
		t.Fatalf("points %+v", a.Points)
	}
	if !near(a.Points[0].Y, c.PlotBottom) || !near(a.Points[2].Y, c.PlotTop) {
		t.Errorf("zero at the bottom, the peak (20, the scale's top) at the top: %+v", a.Points)
	}
	if !strings.HasPrefix(a.Path, "M56 252") || strings.Count(a.Path, "L") != 4 {
		t.Errorf("path %q", a.Path)
	}
	// Two lines that end at the same point get their names apart, and
	// they are told apart by dash and marker, not colour alone.
	b := c.Series[1]
	if math.Abs(a.LabelY-b.LabelY) < 13 {
		t.Errorf("end labels overlap: %v and %v", a.LabelY, b.LabelY)
	}
	if a.Dash == b.Dash || a.Marker == b.Marker {
		t.Errorf("series look alike: %+v %+v", a, b)
	}
	// At most about three day labels along the bottom.
	if len(c.XTicks) != 3 || c.XTicks[0].Label != "1 Mar" || c.XTicks[1].Label != "3 Mar" {
		t.Errorf("x ticks %+v", c.XTicks)
	}
}

func TestStacked(t *testing.T) {
	keys := []string{"True", "Half true", "False"}
	c := Stacked([]Stack{{"Morning Post", []float64{30, 1, 19}}, {"City Wire", []float64{0, 0, 10}}}, keys, 600, "verdicts")
	if len(c.Rows) != 2 || len(c.Legend) != 3 {
		t.Fatalf("rows %d legend %d", len(c.Rows), len(c.Legend))
	}
	r := c.Rows[0]
	// Parts follow one another and add up to the row's total (50, the top
	// of the scale, so the whole plot width).
	if len(r.Parts) != 3 || !near(r.Parts[1].X, r.Parts[0].X+r.Parts[0].W) || !near(r.Parts[2].X+r.Parts[2].W, c.PlotLeft+c.PlotWidth) {
		t.Errorf("parts %+v", r.Parts)
	}
	if r.Total != "50" || r.Parts[0].Text != "30" || r.Parts[1].Text != "" {
		t.Errorf("a wide part shows its count and a narrow one leaves it to the table: %+v", r.Parts)
	}
	if r.Parts[2].Pattern != 2 || c.Legend[2].Pattern != 2 {
		t.Errorf("a key's part and its legend share a pattern")
	}
	if len(c.Rows[1].Parts) != 1 || c.Rows[1].Parts[0].Key != "False" {
		t.Errorf("empty parts are left out: %+v", c.Rows[1].Parts)
	}
	// A narrow chart wraps its legend.
	narrow := Stacked(nil, []string{"Mostly true", "Half true", "Mostly false", "Unverifiable"}, 300, "")
	if narrow.Legend[len(narrow.Legend)-1].Y <= narrow.Legend[0].Y {
		t.Errorf("legend did not wrap: %+v", narrow.Legend)
	}
}

func TestSpreadLabelsKeepsOrder(t *testing.T) {
	ys := []float64{100, 100, 101, 300}
	spreadLabels(ys, 13, 0, 400)
	if ys[1]-ys[0] < 13 || ys[2]-ys[1] < 13 || ys[3] != 300 {
		t.Errorf("spread %v", ys)
	}
	low := []float64{395, 396}
	spreadLabels(low, 13, 0, 400)
	if low[1] > 400 || low[1]-low[0] < 13 {
		t.Errorf("labels past the bottom are pulled back up: %v", low)
	}
}

// f2 writes what strconv's rounding to two decimals writes, for values of
// every size a chart uses and for those halfway between two hundredths.
func TestF2MatchesStrconv(t *testing.T) {
	values := []float64{0, -0.0, 0.005, 0.015, 0.125, -0.125, 1.005, 2.675, 0.1, -0.001, 12.5, 99.995, 1e11, -1e13, math.Inf(1), math.NaN()}
	for i := 0; i < 200000; i++ {
		x := float64(i)*0.0137 - 900
		values = append(values, x, x/7, float64(i)/8, float64(i)/200)
	}
	for _, v := range values {
		if got, want := f2(v), f2Slow(v); got != want {
			t.Fatalf("f2(%v) = %q, strconv gives %q", v, got, want)
		}
	}
}
