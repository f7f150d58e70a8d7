package match

import (
	"math/rand/v2"
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

// Highlight works out the terms of only the words whose first byte one of
// the query's terms allows (wordStarts): every word's term must allow its
// own first byte, for plain and made-up words, numbers, irregular forms
// and folded accented words.
func TestWordStartsAllowEveryWordsOwnTerm(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	var all []string
	for w := range irregular {
		all = append(all, w)
	}
	for w := range stopWords {
		all = append(all, w)
	}
	for _, w := range words("Économie élevée l'été naïve café 3,000 2019 12 don't Britain's nurses agreed hopping relational ponies sky y yy yes eyes ies sses") {
		all = append(all, w)
	}
	const letters = "abcdefghijklmnopqrstuvwxyzaeiouyesdn"
	for range 300000 {
		b := make([]byte, 1+r.IntN(14))
		for i := range b {
			b[i] = letters[r.IntN(len(letters))]
		}
		all = append(all, string(b))
	}
	checked := 0
	for _, w := range all {
		term := wordTerm(w)
		if term == "" {
			continue
		}
		checked++
		if !wordStarts([]string{term})[w[0]] {
			t.Errorf("%q has the term %q, whose first bytes leave out %q", w, term, w[:1])
		}
	}
	if checked < 100000 {
		t.Errorf("%d words with a term: too few to tell", checked)
	}
}
