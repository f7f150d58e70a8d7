package match

import (
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

// Highlight marks exactly what the plain way of marking does (every
// word's term worked out afresh, every figure read, a map of the terms
// asked): for words, figures, prefixes and phrases, in plain and accented
// text, short and cut around the first mark.
func TestHighlightMarksAsThePlainWayDoes(t *testing.T) {
	vocab := strings.Fields(`the nurses nurse nursing were paid £22bn £22 billion 3,000 3000 5% five per cent rate rates fell falling
		jobless children ran running runs Économie élevée l'été Britain's don't https://example.org/x grew growth 2019 since
		council councils tax taxes a an of in 12.5 million people's wages wage rose rising 40,000 homes home`)
	r := rand.New(rand.NewPCG(11, 12))
	texts := []string{"", "x", "£22bn", "Nurses' pay: 3,000 more nurses."}
	for range 400 {
		var b strings.Builder
		for i := range 3 + r.IntN(120) {
			if i > 0 {
				b.WriteString([]string{" ", " ", ", ", ". ", " — ", "\n"}[r.IntN(6)])
			}
			w := vocab[r.IntN(len(vocab))]
			if r.IntN(8) == 0 {
				w = strings.ToUpper(w[:1]) + w[1:]
			}
			b.WriteString(w)
		}
		texts = append(texts, b.String())
	}
	queries := []string{"nurses", "nurses pay", "£22bn", "3,000 nurses", "running", "rate fell", "nurs*", "\"jobless rate\"",
		"économie", "l'été", "wages 5%", "\"per cent\" growth", "ho*", "children's", "12.5 million", "the", "council tax", "2019"}
	checked := 0
	for _, text := range texts {
		if !utf8.ValidString(text) {
			continue
		}
		for _, qs := range queries {
			q := ParseQuery(qs)
			for _, maxBytes := range []int{40, 240, 100000} {
				got, want := Highlight(text, q, maxBytes), highlightReference(text, q, maxBytes)
				if !reflect.DeepEqual(got, want) {
					t.Fatalf("%q in %q (%d bytes):\n got %v\nwant %v", qs, text, maxBytes, got, want)
				}
				for _, s := range got {
					if s.Mark {
						checked++
					}
				}
			}
		}
	}
	if checked < 1000 {
		t.Errorf("%d marks in all: too few to tell", checked)
	}
}

// highlightReference is Highlight as it was written first: its words and
// figures marked the plain way (a map, every word's term worked out); the
// phrases and the cut are the same code as Highlight's.
func highlightReference(text string, q Query, maxBytes int) []Segment {
	want := map[string]bool{}
	for _, t := range q.Terms {
		want[t] = true
	}
	marks := make([]bool, len(text)+1)
	for _, f := range figureSpans(text) {
		if want[f.term] {
			for i := f.start; i < f.end && i < len(marks); i++ {
				marks[i] = true
			}
		}
	}
	for start, w := range words(text) {
		// Words are folded, so their end is found in the original text.
		end := wordEnd(text, start)
		t := wordTerm(w)
		hit := t != "" && want[t]
		for _, p := range q.Prefixes {
			if strings.HasPrefix(w, p) {
				hit = true
			}
		}
		if hit {
			for i := start; i < end; i++ {
				marks[i] = true
			}
		}
	}
	return markPhrasesAndCut(text, marks, q.Phrases, maxBytes)
}
