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
