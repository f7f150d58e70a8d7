package web

import (
	"encoding/binary"
	"unicode/utf8"

	"claimtrail/domain"
)

// plainPage removes from a rendered page what domain.HidesOrReorders finds,
// text by text: text stored before that rule (or taken from outside, or
// allowed in text of several lines, such as a soft hyphen) reads on every
// page as it is published (domain.PublishedCheck.Plain), so no override can
// make an editor approve other words than the public will read, and an edit
// form holds the text without them, so saving it again is accepted. A page
// holding none comes back as it is, after one quick look.
func plainPage(page []byte) []byte {
	if !mayHideOrReorder(page) {
		return page
	}
	out := make([]byte, 0, len(page))
	start := 0
	for i, c := range page {
		// templ escapes these in whatever it writes, so each one here is
		// markup or a line break, and between two of them lies one text
		// (or one attribute's value): right-to-left words keep the marks
		// they need, other words on the page do not.
		if c == '<' || c == '>' || c == '"' || c == '\'' || c == '\n' {
			out = appendPlain(out, page[start:i])
			out = append(out, c)
			start = i + 1
		}
	}
	return appendPlain(out, page[start:])
}

func appendPlain(out, text []byte) []byte {
	if !mayHideOrReorder(text) {
		return append(out, text...)
	}
	return append(out, domain.StripHiddenFormatting(string(text))...)
}

// mayHideOrReorder reports whether b holds a character
// domain.MayHideOrReorder names, skipping plain ASCII eight bytes at a time
// (most of a page).
func mayHideOrReorder(b []byte) bool {
	for i := 0; i < len(b); {
		if i+8 <= len(b) && binary.LittleEndian.Uint64(b[i:])&0x8080808080808080 == 0 {
			i += 8
			continue
		}
		if b[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, n := utf8.DecodeRune(b[i:])
		if domain.MayHideOrReorder(r) {
			return true
		}
		i += n
	}
	return false
}
