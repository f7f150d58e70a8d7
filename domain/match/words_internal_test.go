package match

import (
	"testing"
	"unicode"
)

// Plain ASCII is folded without the general path; it must fold exactly as
// that path does, alone and inside words with other letters.
func TestWordsFoldPlainLettersAsFoldDoes(t *testing.T) {
	for r := rune(0); r < 0x80; r++ {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			continue
		}
		text := "É" + string(r) + "ß"
		want := fold("É") + fold(string(r)) + fold("ß")
		var got []string
		for _, w := range words(text) {
			got = append(got, w)
		}
		if len(got) != 1 || got[0] != want {
			t.Errorf("%q: words %q, want [%q]", text, got, want)
		}
	}
}

// A word's remembered term is its term, the first time and every time
// after, also once the memory has been emptied for being full.
func TestHighlightTermIsWordTerm(t *testing.T) {
	text := "Britain's 3,000 nurses were paid £22bn; the jobless rate fell as children ran running runs. Économie élevée, l'été."
	for round := range 3 {
		for _, w := range words(text) {
			if got, want := highlightTerm(w), wordTerm(w); got != want {
				t.Errorf("round %d: %q remembered as %q, is %q", round, w, got, want)
			}
		}
		if round == 1 {
			for i := range maxHighlightTerms {
				highlightTerm("filler" + string(rune('a'+i%26)) + string(rune('a'+i/26%26)) + string(rune('a'+i/676%26)) + string(rune('a'+i/17576%26)))
			}
		}
	}
}
