package extract

import (
	"testing"
	"unicode/utf8"
)

// FuzzSplitAndFigures feeds arbitrary bytes to the splitter, the figure
// parser and the whole pipeline: nothing may panic, and every offset must be
// in range and on a UTF-8 boundary. The seeds run in plain `go test`.
func FuzzSplitAndFigures(f *testing.F) {
	for _, seed := range []string{
		"", ".", "...", "“”", "Mr. Smith said £22 billion. Dr.", "U.S. 2.3% of GDP. No. 10.\r\n\r\n- item",
		"between 2% and", "£", "$1.5bn€300m40p", "one in", "third-", "2025-02-", "\xff\xfe.\xe2\x80", "\u00a0\u00a0.\u00a0A",
		"1,500 people 1,50 people", "“quote\n\n“more", "He added: “", "9999999999999999999999999999%",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, text string) {
		checkSpans(t, text, Split(text))
		for _, s := range Extract(text) {
			if s.Start < 0 || s.End > len(text) || s.Start >= s.End {
				t.Fatalf("sentence offsets %d..%d out of range", s.Start, s.End)
			}
			if !utf8.ValidString(s.Text) {
				t.Fatalf("sentence text is not valid UTF-8: %q", s.Text)
			}
			if s.Score < 0 || s.Score > 1 {
				t.Fatalf("score %v", s.Score)
			}
			checkFigures(t, s.Text, s.Figures)
		}
		checkFigures(t, text, Figures(text))
	})
}

func checkFigures(t *testing.T, text string, figs []Figure) {
	t.Helper()
	grid := decodeGrid(text)
	for _, f := range figs {
		if f.Start < 0 || f.End > len(text) || f.Start >= f.End {
			t.Fatalf("figure %+v out of range of %q", f, text)
		}
		if text[f.Start:f.End] != f.Text {
			t.Fatalf("figure text %q != text[%d:%d] %q", f.Text, f.Start, f.End, text[f.Start:f.End])
		}
		if !grid[f.Start] || !grid[f.End] {
			t.Fatalf("figure %+v splits a UTF-8 sequence", f)
		}
	}
}
