package domain

import (
	"fmt"
	"strings"
	"time"
)

// The dates a newsroom writes down (publication, access, due, filters) lie
// between these years; anything outside is a typing slip such as 0000 or 9999.
const (
	EarliestYear = 1900
	LatestYear   = 2100
)

// DateMessage is what every date field says when it cannot be read: the
// browser's date picker sends this form whatever order it shows the day,
// month and year in, and the API takes the same.
const DateMessage = "Enter a date like 2025-02-23."

// IncompleteDateMessage is what a date field says when its picker holds a
// date not finished (a day and month without a year, say): the browser
// sends such a field as empty, so it is caught on the page before it is
// sent, where scripts run.
const IncompleteDateMessage = "This date is not complete: enter the day, month and year, or clear the field."

// ParseDay reads a date field written year-month-day, as midnight UTC;
// empty (spaces around it ignored) is the zero time. Every date field of
// the browser and the API reads here, so a bad one gets the same message.
func ParseDay(field, s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		return time.Time{}, FieldError(field, DateMessage)
	}
	if err := CheckDate(field, t); err != nil {
		return time.Time{}, err
	}
	return t, nil
}

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
// control character, or a character that hides or reorders text: wording is
// one line of text shown, exported and published as is.
func CheckClaimWording(field, s string) error {
	if strings.ContainsFunc(s, isControlChar) {
		return FieldError(field, "The claim's wording contains a control character (such as NUL or a line break); write it as one line of plain text.")
	}
	if HidesOrReorders(s) {
		return FieldError(field, "The claim's wording contains "+hiddenCharacters+"; write it as plain text.")
	}
	return nil
}

// isControlChar reports whether r is a control character: C0, DEL or C1.
func isControlChar(r rune) bool { return r < 0x20 || r == 0x7F || (r >= 0x80 && r < 0xA0) }

// UploadNameMessage refuses an uploaded file whose name holds a control
// character (a tab, a line break, an escape): a browser sends such a name
// as is, a name is shown as the source of what it brought, and some are
// lost on the way, so the file would seem never chosen.
const UploadNameMessage = "The file's name contains a control character (such as a tab or an escape), which claimtrail cannot read. Rename the file, then upload it again."

// CheckUploadName refuses, on field, an uploaded file's name that holds a
// control character. unreadable says a file came whose name was lost on
// the way for that reason.
func CheckUploadName(field, name string, unreadable bool) error {
	if unreadable || strings.ContainsFunc(name, isControlChar) {
		return FieldError(field, UploadNameMessage)
	}
	return nil
}

// CheckPlainLine refuses a one-line field (a conclusion, a title, a name)
// that holds a NUL or another control character, or a character that hides
// or reorders text, naming it as what: such text is published, exported and
// sent on as typed, and none of these is ever meant.
func CheckPlainLine(field, what, s string) error {
	if strings.ContainsFunc(s, isControlChar) {
		return FieldError(field, "The "+what+" contains a control character (such as NUL or a tab); write it as plain text.")
	}
	if HidesOrReorders(s) {
		return FieldError(field, "The "+what+" contains "+hiddenCharacters+"; write it as plain text.")
	}
	return nil
}

// CheckPlainText is CheckPlainLine for text of several lines (an
// explanation, a quote, a comment): line breaks and tabs are fine, and so
// are the invisible marks right-to-left writing uses; overrides are not.
func CheckPlainText(field, what, s string) error {
	if strings.ContainsFunc(s, func(r rune) bool { return isControlChar(r) && r != '\n' && r != '\r' && r != '\t' }) {
		return FieldError(field, "The "+what+" contains a control character (such as NUL); line breaks are fine, other control characters are not.")
	}
	if strings.ContainsFunc(s, isBidiControl) {
		return FieldError(field, "The "+what+" contains "+hiddenCharacters+"; write it as plain text.")
	}
	return nil
}

// hiddenCharacters names, in the messages, what HidesOrReorders finds.
const hiddenCharacters = "an invisible character that hides or reorders text (such as a right-to-left override or a zero-width space)"

// isBidiControl reports the embeddings, overrides (U+202A–202E) and
// isolates (U+2066–2069): they make published words display in another
// order than they were written ("invoice‮fdp.exe"), even past their field.
func isBidiControl(r rune) bool { return (r >= 0x202A && r <= 0x202E) || (r >= 0x2066 && r <= 0x2069) }

// isBidiMark reports the left-to-right, right-to-left and Arabic letter
// marks: right-to-left writing needs them, and elsewhere they only reorder
// figures ("100–200" shown as "200–100").
func isBidiMark(r rune) bool { return r == 0x200E || r == 0x200F || r == 0x061C }

// isInvisible reports characters that show nothing, so two names that look
// alike differ (a claimant's page, a byline): the soft hyphen, zero-width
// space, word joiner and invisible operators, the byte-order mark, line
// and paragraph separators, the deprecated format controls, interlinear
// annotations, tags and the blank fillers. Zero-width joiners (U+200C,
// U+200D) stay: Persian, Indic scripts and emoji need them.
func isInvisible(r rune) bool {
	switch {
	case r == 0x00AD, r == 0x034F, r == 0x180E, r == 0x200B, r == 0x2028, r == 0x2029,
		r == 0xFEFF, r == 0x115F, r == 0x1160, r == 0x3164, r == 0xFFA0:
		return true
	case r >= 0x2060 && r <= 0x2064, r >= 0x206A && r <= 0x206F, r >= 0xFFF9 && r <= 0xFFFB, r >= 0xE0000 && r <= 0xE007F:
		return true
	}
	return false
}

// isRightToLeft reports letters of the right-to-left scripts (Hebrew,
// Arabic, Syriac, Thaana, N'Ko and their presentation forms).
func isRightToLeft(r rune) bool {
	return (r >= 0x0590 && r <= 0x08FF) || (r >= 0xFB1D && r <= 0xFDFF) || (r >= 0xFE70 && r <= 0xFEFC) || (r >= 0x10800 && r <= 0x10FFF) || (r >= 0x1E800 && r <= 0x1EFFF)
}

// HidesOrReorders reports whether one line of text holds a character that
// hides or reorders what a reader sees: a bidi override, embedding or
// isolate, an invisible character, or a direction mark in text with no
// right-to-left letters to need it. It is the rule for every one-line field
// that is shown or published; StripHiddenFormatting is the same rule for
// text that comes from outside (an article, an imported check).
func HidesOrReorders(s string) bool {
	if isASCII(s) {
		return false // every character it looks for lies beyond ASCII
	}
	if strings.ContainsFunc(s, func(r rune) bool { return isBidiControl(r) || isInvisible(r) }) {
		return true
	}
	return strings.ContainsFunc(s, isBidiMark) && !strings.ContainsFunc(s, isRightToLeft)
}

// isASCII reports whether s is plain ASCII, which holds none of the
// characters above: a byte at a time, much cheaper than decoding runes.
func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// MayHideOrReorder reports whether r is one of the characters
// HidesOrReorders looks for (a direction mark among them, which right-to-left
// text may need): text without any is left as it is by StripHiddenFormatting.
func MayHideOrReorder(r rune) bool { return isBidiControl(r) || isInvisible(r) || isBidiMark(r) }

// StripHiddenFormatting removes from one line of text what HidesOrReorders
// finds, so text taken from articles and other publishers reads as it is
// stored; a line separator becomes a space.
func StripHiddenFormatting(s string) string {
	return replaceHidden(s, func(r rune) string {
		if r == 0x2028 || r == 0x2029 {
			return " "
		}
		return ""
	})
}

// StripHiddenFormattingLines is StripHiddenFormatting for text of several
// lines, one line at a time, so right-to-left words on one line keep the
// marks they need while a line without any loses them.
func StripHiddenFormattingLines(s string) string {
	return replaceHiddenLines(s, StripHiddenFormatting)
}

// ShowHiddenFormatting writes out, as its code point ("⟨U+202E⟩"), each
// character StripHiddenFormatting would remove, for the one page that must
// show what was stored as it was stored: the audit log.
func ShowHiddenFormatting(s string) string {
	return replaceHiddenLines(s, func(line string) string {
		return replaceHidden(line, func(r rune) string { return fmt.Sprintf("⟨U+%04X⟩", r) })
	})
}

// replaceHidden replaces in one line of text each character
// HidesOrReorders finds with what with says.
func replaceHidden(s string, with func(rune) string) string {
	if !HidesOrReorders(s) {
		return s
	}
	keepMarks := strings.ContainsFunc(s, isRightToLeft)
	var b strings.Builder
	for _, r := range s {
		if isBidiControl(r) || isInvisible(r) || isBidiMark(r) && !keepMarks {
			b.WriteString(with(r))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

func replaceHiddenLines(s string, line func(string) string) string {
	if isASCII(s) || !strings.ContainsFunc(s, MayHideOrReorder) {
		return s
	}
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = line(l)
	}
	return strings.Join(lines, "\n")
}
