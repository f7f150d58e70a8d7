package domain

import (
	"strings"
	"time"
)

// The dates a newsroom writes down (publication, access, due, filters) lie
// between these years; anything outside is a typing slip such as 0000 or 9999.
const (
	EarliestYear = 1900
	LatestYear   = 2100
)

// CheckDate refuses a date that was written down outside
// EarliestYear–LatestYear, naming field. The browser and the API both check
// every date they read with it, so 0000-01-01, 0001-01-01 (which would read
// as "no date") and 9999-12-31 get the same answer.
func CheckDate(field string, t time.Time) error {
	if y := t.UTC().Year(); y < EarliestYear || y > LatestYear {
		return FieldError(field, "Enter a date between 1900 and 2100, like 2025-02-23.")
	}
	return nil
}

// ErrUnreadableRequest refuses an action that takes nothing from its
// request's body (take the next claim, start two-factor set-up, mark
// notifications read) when a body came with it that cannot be read as the
// form or JSON it says it is: refused, not ignored, with the same answer
// in the browser and the API.
var ErrUnreadableRequest = &Error{Code: EBADREQUEST, Message: "We could not read what was sent with this request, and this action needs nothing from it. Reload the page and try again, or send it with an empty body."}

// CheckClaimWording refuses a claim's wording that holds a NUL or another
// control character: wording is one line of text shown and exported as is.
func CheckClaimWording(field, s string) error {
	if strings.ContainsFunc(s, isControlChar) {
		return FieldError(field, "The claim's wording contains a control character (such as NUL or a line break); write it as one line of plain text.")
	}
	return nil
}

// isControlChar reports whether r is a control character: C0, DEL or C1.
func isControlChar(r rune) bool { return r < 0x20 || r == 0x7F || (r >= 0x80 && r < 0xA0) }

// CheckPlainLine refuses a one-line field (a conclusion, a title, a name)
// that holds a NUL or another control character, naming it as what: such
// text is published, exported and sent on as typed, and a NUL or an escape
// in it is never meant.
func CheckPlainLine(field, what, s string) error {
	if strings.ContainsFunc(s, isControlChar) {
		return FieldError(field, "The "+what+" contains a control character (such as NUL or a tab); write it as plain text.")
	}
	return nil
}

// CheckPlainText is CheckPlainLine for text of several lines (an
// explanation, a quote, a comment): line breaks and tabs are fine.
func CheckPlainText(field, what, s string) error {
	if strings.ContainsFunc(s, func(r rune) bool { return isControlChar(r) && r != '\n' && r != '\r' && r != '\t' }) {
		return FieldError(field, "The "+what+" contains a control character (such as NUL); line breaks are fine, other control characters are not.")
	}
	return nil
}
