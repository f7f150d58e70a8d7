package extract

import (
	"unicode"
	"unicode/utf8"
)

// Split returns the sentences of text as byte ranges, in order, with the
// surrounding whitespace trimmed. Every range starts and ends on a boundary
// of the UTF-8 decoding of text; invalid bytes are kept as they are, each one
// counted as a single character.
//
// A sentence ends at . ! ? or an ellipsis (with any closing quotes or
// brackets) when the next word does not start in lower case, at a blank line,
// and at a line break after a heading, a list item or a finished sentence.
// It does not end after titles (Mr, Dr, Sir, Gen...), initialisms (U.S.,
// e.g.), inside numbers (2.3, 1,500) or at "No. 10".
func Split(text string) []Span {
	spans := make([]Span, 0, len(text)/100+1)
	start, lastEnd := -1, 0
	lineStart := 0 // where the current line's text began
	emit := func() {
		if start >= 0 {
			spans = append(spans, Span{start, lastEnd})
			start = -1
		}
	}
	i := 0
	for i < len(text) {
		r, size := decode(text, i)
		if isSpace(r) {
			// Read the whole run of white space, counting line breaks.
			newlines := 0
			j := i
			for j < len(text) {
				r2, s2 := decode(text, j)
				if !isSpace(r2) {
					break
				}
				if r2 == '\n' {
					newlines++
				}
				j += s2
			}
			if newlines > 0 && start >= 0 {
				if newlines >= 2 || lineBreakEnds(text, lineStart, lastEnd, j) {
					emit()
				}
			}
			if newlines > 0 {
				lineStart = j
			}
			i = j
			continue
		}
		if start < 0 {
			start = i
		}
		i += size
		lastEnd = i
		if r == '.' || isTerminal(r) {
			// Swallow more terminal marks and closing quotes/brackets.
			for i < len(text) {
				r2, s2 := decode(text, i)
				if !isTerminal(r2) && r2 != '.' && !isCloser(r2) {
					break
				}
				i += s2
				lastEnd = i
			}
			if i < len(text) {
				if r2, _ := decode(text, i); !isSpace(r2) {
					continue // 2.3, U.S.-led, "No.10": not an end
				}
			}
			if r == '.' && !periodEnds(text, start, i) {
				continue
			}
			if nextStartsLower(text, i) {
				continue
			}
			emit()
		}
	}
	emit()
	return spans
}

// decode is utf8.DecodeRuneInString with an ASCII fast path.
func decode(s string, i int) (rune, int) {
	if c := s[i]; c < utf8.RuneSelf {
		return rune(c), 1
	}
	return utf8.DecodeRuneInString(s[i:])
}

func isSpace(r rune) bool {
	switch r {
	case ' ', '\t', '\n', '\r', '\v', '\f', '\u00a0', '\u2009', '\u202f', '\u2007', '\u3000', '\u200b', '\ufeff':
		return true
	}
	return false
}

func isTerminal(r rune) bool { return r == '!' || r == '?' || r == '…' }

func isCloser(r rune) bool {
	switch r {
	case '"', '\'', ')', ']', '”', '’', '»':
		return true
	}
	return false
}

// nextStartsLower reports whether the next word after white space at i
// begins with a lower-case letter, which means the sentence goes on.
func nextStartsLower(text string, i int) bool {
	for i < len(text) {
		r, size := decode(text, i)
		if r == '\n' {
			return false // a line break with lower case after it is decided by lineBreakEnds
		}
		if !isSpace(r) {
			return unicode.IsLower(r)
		}
		i += size
	}
	return false
}

// titles never end a sentence: a name follows them.
var titles = map[string]bool{
	"mr": true, "mrs": true, "ms": true, "dr": true, "st": true, "gen": true, "rep": true,
	"sen": true, "sir": true, "prof": true, "gov": true, "lt": true, "col": true, "capt": true,
	"sgt": true, "rev": true, "hon": true, "messrs": true, "mt": true, "supt": true, "insp": true,
	"det": true, "cllr": true, "fr": true, "pres": true, "adm": true, "maj": true, "cpl": true,
	"vs": true, "v": true, "approx": true, "cf": true, "fig": true,
}

// starters are words that begin a new sentence after an initialism, as in
// "moved to the U.S. The next year".
var starters = map[string]bool{
	"The": true, "He": true, "She": true, "It": true, "They": true, "We": true, "I": true,
	"But": true, "And": true, "This": true, "That": true, "In": true, "A": true, "An": true,
	"Its": true, "Their": true, "His": true, "Her": true, "There": true, "Yet": true,
	"However": true, "So": true, "Our": true, "Some": true, "Many": true, "Most": true,
}

// periodEnds decides whether the full stop just before end (after any
// closers) ends a sentence, from the word before it and the word after.
func periodEnds(text string, sentStart, end int) bool {
	dot := end - 1
	for dot > sentStart && text[dot] != '.' {
		dot--
	}
	for dot > sentStart && text[dot-1] == '.' {
		dot-- // "..." is an ellipsis: ends when the next word is not lower case
	}
	if dot+2 < len(text) && text[dot:dot+3] == "..." {
		return true
	}
	a := dot
	for a > sentStart && (isLetter(text[a-1]) || text[a-1] == '.') {
		a--
	}
	word := text[a:dot]
	if word == "" {
		return true
	}
	lower := make([]byte, 0, 8)
	hasDot := false
	for k := 0; k < len(word) && k < 8; k++ {
		c := word[k]
		if c == '.' {
			hasDot = true
		}
		if c >= 'A' && c <= 'Z' {
			c += 32
		}
		lower = append(lower, c)
	}
	if len(word) <= 8 && titles[string(lower)] {
		return false
	}
	next := nextWord(text, end)
	switch string(lower) {
	case "no", "nos", "art", "p", "pp", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec":
		if next != "" && next[0] >= '0' && next[0] <= '9' {
			return false // No. 10, Jan. 5
		}
	}
	// U.S., e.g., single initials as in "George W. Bush".
	if hasDot || len(word) == 1 && word[0] >= 'A' && word[0] <= 'Z' {
		return starters[next]
	}
	return true
}

// nextWord returns the letters of the word after white space at i.
func nextWord(text string, i int) string {
	for i < len(text) && (text[i] == ' ' || text[i] == '\t' || text[i] == '\r' || text[i] == '\n') {
		i++
	}
	j := i
	for j < len(text) && isWordByte(text[j]) {
		j++
	}
	return text[i:j]
}

// lineBreakEnds decides whether a single line break (the line ran from
// lineStart to lastEnd, the next line starts at next) ends the sentence.
// Headings and list items end at the break; prose hard-wrapped at a fixed
// width carries on into the next line.
func lineBreakEnds(text string, lineStart, lastEnd, next int) bool {
	if next >= len(text) {
		return true
	}
	if isBullet(text, next) || isBullet(text, lineStart) {
		return true
	}
	r, _ := decode(text, next)
	if unicode.IsLower(r) {
		return false
	}
	// A short line without a closing mark is a heading or a caption.
	if lastEnd-lineStart < 50 {
		return true
	}
	last, _ := utf8.DecodeLastRuneInString(text[:lastEnd])
	return last == ':' || last == '.' || isTerminal(last) || isCloser(last)
}

// isBullet reports whether a list marker starts at i: - * • # or "1." "2)".
func isBullet(text string, i int) bool {
	if i >= len(text) {
		return false
	}
	switch text[i] {
	case '-', '*', '#', '>':
		return i+1 < len(text) && (text[i+1] == ' ' || text[i] == '#')
	}
	if r, _ := decode(text, i); r == '•' || r == '–' || r == '—' || r == '▪' {
		return true
	}
	j := i
	for j < len(text) && j-i < 3 && text[j] >= '0' && text[j] <= '9' {
		j++
	}
	return j > i && j+1 < len(text) && (text[j] == '.' || text[j] == ')') && text[j+1] == ' '
}
