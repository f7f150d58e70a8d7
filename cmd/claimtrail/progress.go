package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"
)

// progress reports how far a long command has got. On a terminal it redraws
// one line, a bar with the rate and the time left; anywhere else (a log, a
// pipe, cron) it writes a plain line every interval, so logs stay readable.
//
//	p := newProgress(env.stderr, "articles", total)
//	for ... { p.Add(1) }
//	p.Finish()
type progress struct {
	w        io.Writer
	unit     string // what is counted, plural: "articles", "claims"
	total    int64  // 0 when unknown
	done     int64
	terminal bool
	interval time.Duration // between plain lines; the bar redraws at most every tenth of a second
	now      func() time.Time
	start    time.Time
	last     time.Time // last report
}

// newProgress starts a reporter writing to w, drawing a bar when w is a
// terminal.
func newProgress(w io.Writer, unit string, total int64) *progress {
	p := &progress{w: w, unit: unit, total: total, terminal: isTerminal(w), interval: 5 * time.Second, now: time.Now}
	p.start = p.now()
	p.last = p.start
	return p
}

// isTerminal reports whether w is a character device such as a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// Add counts n more done and reports when it is time to.
func (p *progress) Add(n int64) {
	p.done += n
	now := p.now()
	every := p.interval
	if p.terminal {
		every = 100 * time.Millisecond
	}
	if now.Sub(p.last) >= every {
		p.last = now
		p.report(now)
	}
}

// Finish writes the final state and ends the bar's line.
func (p *progress) Finish() {
	now := p.now()
	if p.terminal {
		p.report(now)
		fmt.Fprintln(p.w)
		return
	}
	if p.done > 0 && now.Sub(p.start) >= p.interval {
		// Short runs say nothing; the command's summary says it all.
		p.report(now)
	}
}

func (p *progress) report(now time.Time) {
	elapsed := now.Sub(p.start)
	rate := 0.0
	if elapsed > 0 {
		rate = float64(p.done) / elapsed.Seconds()
	}
	left := ""
	if p.total > 0 && rate > 0 && p.done < p.total {
		left = formatDuration(time.Duration(float64(p.total-p.done) / rate * float64(time.Second)))
	}
	if p.terminal {
		fmt.Fprintf(p.w, "\r%s\033[K", p.barLine(rate, left))
		return
	}
	fmt.Fprintln(p.w, p.plainLine(rate, left))
}

// barLine is the terminal form: "[#####.....]  50%  500/1000 articles  42.0/s  0:12 left".
func (p *progress) barLine(rate float64, left string) string {
	var b strings.Builder
	if p.total > 0 {
		const width = 30
		filled := int(min(p.done, p.total) * width / p.total)
		b.WriteString("[" + strings.Repeat("#", filled) + strings.Repeat(".", width-filled) + "]")
		fmt.Fprintf(&b, " %3d%%  %d/%d %s", p.done*100/p.total, p.done, p.total, p.unit)
	} else {
		fmt.Fprintf(&b, "%d %s", p.done, p.unit)
	}
	fmt.Fprintf(&b, "  %s/s", formatRate(rate))
	if left != "" {
		b.WriteString("  " + left + " left")
	}
	return b.String()
}

// plainLine is the log form: "500 of 1000 articles (50%), 42.0 a second, about 0:12 left".
func (p *progress) plainLine(rate float64, left string) string {
	var b strings.Builder
	if p.total > 0 {
		fmt.Fprintf(&b, "%d of %d %s (%d%%)", p.done, p.total, p.unit, p.done*100/p.total)
	} else {
		fmt.Fprintf(&b, "%d %s", p.done, p.unit)
	}
	fmt.Fprintf(&b, ", %s a second", formatRate(rate))
	if left != "" {
		b.WriteString(", about " + left + " left")
	}
	return b.String()
}

func formatRate(r float64) string {
	if r >= 100 {
		return fmt.Sprintf("%.0f", r)
	}
	return fmt.Sprintf("%.1f", r)
}

// formatDuration writes a duration as m:ss, or h:mm:ss from an hour.
func formatDuration(d time.Duration) string {
	s := int64(d.Round(time.Second) / time.Second)
	if s >= 3600 {
		return fmt.Sprintf("%d:%02d:%02d", s/3600, s/60%60, s%60)
	}
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}
