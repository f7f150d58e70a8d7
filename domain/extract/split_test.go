package extract

import (
	"reflect"
	"testing"
	"unicode/utf8"
)

func splitTexts(text string) []string {
	var out []string
	for _, sp := range Split(text) {
		out = append(out, text[sp.Start:sp.End])
	}
	return out
}

func TestSplit(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{"honorifics", "Mr. Hale met Mrs. Osei and Dr. Kaur. They spoke for an hour.",
			[]string{"Mr. Hale met Mrs. Osei and Dr. Kaur.", "They spoke for an hour."}},
		{"titles without stops", "Sir Alan and Gen. Park visited St. Albans with Rep. Diaz and Sen. Cho. Nobody else came.",
			[]string{"Sir Alan and Gen. Park visited St. Albans with Rep. Diaz and Sen. Cho.", "Nobody else came."}},
		{"initialisms mid sentence", "The U.S. and the U.K. signed it. Talks resumed.",
			[]string{"The U.S. and the U.K. signed it.", "Talks resumed."}},
		{"initialism ends sentence", "Exports rose in the U.S. The rise was small.",
			[]string{"Exports rose in the U.S.", "The rise was small."}},
		{"e.g. and i.e.", "Some fruit, e.g. apples, went up, i.e. cost more. Bread did not.",
			[]string{"Some fruit, e.g. apples, went up, i.e. cost more.", "Bread did not."}},
		{"decimals and thousands", "Inflation was 2.3% and 1,500 firms closed. Rates held at 4.75.",
			[]string{"Inflation was 2.3% and 1,500 firms closed.", "Rates held at 4.75."}},
		{"No 10", "A No. 10 spokesman declined. No 10 said later it was wrong.",
			[]string{"A No. 10 spokesman declined.", "No 10 said later it was wrong."}},
		{"ellipsis continues", "We waited... and waited. Then it came… Nobody cheered.",
			[]string{"We waited... and waited.", "Then it came…", "Nobody cheered."}},
		{"closing quotes", "She said: “It is over.” He replied: \"No.\" They left? ‘Yes.’ Done.",
			[]string{"She said: “It is over.”", "He replied: \"No.\"", "They left?", "‘Yes.’", "Done."}},
		{"question inside quote", "“Why now?” she asked. Nobody knew.",
			[]string{"“Why now?” she asked.", "Nobody knew."}},
		{"dashes", "The plan – costed at £2bn – was dropped. Then — briefly — revived.",
			[]string{"The plan – costed at £2bn – was dropped.", "Then — briefly — revived."}},
		{"paragraph break without stop", "A line with no full stop\n\nNext paragraph here.",
			[]string{"A line with no full stop", "Next paragraph here."}},
		{"heading and list", "Key points\n- Taxes rise by 2p\n- Spending falls\n1. First item\n2) Second item",
			[]string{"Key points", "- Taxes rise by 2p", "- Spending falls", "1. First item", "2) Second item"}},
		{"hard-wrapped prose joins", "The committee found that the programme had cost far more than was\nplanned in every year since it began.",
			[]string{"The committee found that the programme had cost far more than was\nplanned in every year since it began."}},
		{"CRLF", "First sentence.\r\nSecond sentence.\r\n\r\nThird one.",
			[]string{"First sentence.", "Second sentence.", "Third one."}},
		{"non-breaking spaces", "Prices\u00a0rose.\u00a0Wages\u00a0did\u00a0not.",
			[]string{"Prices\u00a0rose.", "Wages\u00a0did\u00a0not."}},
		{"only whitespace", " \n\t\u00a0 ", nil},
		{"empty", "", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := splitTexts(tc.in); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("Split(%q)\n got  %q\n want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestSplitInvalidUTF8(t *testing.T) {
	in := "Bad \xff bytes here. And \xe2\x80 more. Fine."
	spans := Split(in)
	if len(spans) != 3 {
		t.Fatalf("got %d sentences, want 3: %q", len(spans), splitTexts(in))
	}
	checkSpans(t, in, spans)
	ss := Extract(in)
	if !utf8.ValidString(ss[0].Text) || ss[0].Text != "Bad \uFFFD bytes here." {
		t.Errorf("Text = %q, want invalid byte replaced", ss[0].Text)
	}
	if ss[0].End-ss[0].Start != len("Bad \xff bytes here.") {
		t.Errorf("offsets %d..%d do not cover the original bytes", ss[0].Start, ss[0].End)
	}
}

// checkSpans asserts spans are ordered, in range, non-empty and on the
// boundaries utf8.DecodeRuneInString walks over.
func checkSpans(t testing.TB, text string, spans []Span) {
	t.Helper()
	grid := decodeGrid(text)
	prev := 0
	for _, sp := range spans {
		if sp.Start < prev || sp.End <= sp.Start || sp.End > len(text) {
			t.Fatalf("span %+v out of order or range (len %d, prev end %d)", sp, len(text), prev)
		}
		if !grid[sp.Start] || !grid[sp.End] {
			t.Fatalf("span %+v splits a UTF-8 sequence in %q", sp, text)
		}
		prev = sp.End
	}
}

// decodeGrid marks the offsets utf8.DecodeRuneInString stops at: rune
// starts, each invalid byte, and the end.
func decodeGrid(text string) []bool {
	grid := make([]bool, len(text)+1)
	for i := 0; i < len(text); {
		grid[i] = true
		_, n := utf8.DecodeRuneInString(text[i:])
		i += n
	}
	grid[len(text)] = true
	return grid
}
