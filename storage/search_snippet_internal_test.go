package storage

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// Lowering a text a piece at a time finds the first needle where lowering
// it whole does: in long texts with the needles anywhere (across where the
// pieces are cut too), in capitals, after letters that change length when
// lowered, in broken UTF-8, and absent.
func TestFirstInLoweredIsAsInTheWholeTextLowered(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	pieces := []string{"a", "B", " ", "budget", "BUDGET", "Ġ", "İ", "ẞ", "é", "\xe2\x80", "\xff", "\u2019", "ΣΑ", "tax", "Taxes", "\n", "1,000"}
	needles := [][]string{{"budget"}, {"tax", "budget"}, {"taxes"}, {"i̇"}, {"ss", "x"}, {"nothere"}, {"budget tax"}, {""}, {"σα", "é"}}
	// A longer needle that starts before a shorter one but ends later,
	// around where a piece is cut.
	var texts []string
	for n := 1000; n < 1030; n++ {
		texts = append(texts, strings.Repeat("a", n)+"Budget Tax and more")
	}
	for i := range 3000 + len(texts) {
		ns := needles[i%len(needles)]
		var text string
		if i < len(texts) {
			text, ns = texts[i], []string{"get", "budget tax"}
		} else {
			var b strings.Builder
			for n := r.IntN(3000); b.Len() < n; {
				b.WriteString(pieces[r.IntN(len(pieces))])
			}
			text = b.String()
		}
		want := -1
		lower := strings.ToLower(text)
		for _, n := range ns {
			if j := strings.Index(lower, n); j >= 0 && (want < 0 || j < want) {
				want = j
			}
		}
		if got := firstInLowered(text, ns); got != want {
			t.Fatalf("%q in a text of %d bytes: at %d, want %d", ns, len(text), got, want)
		}
	}
}
