// Package ingest turns what a fact-checker brings in — pasted text, an
// uploaded file or a web address — into a clean Article: its main text and
// whatever metadata the page offers. Everything that comes from outside is
// treated as hostile: sizes are capped before reading, binary and badly
// encoded input is refused, and fetching never reaches our own network.
//
// Errors caused by the input are *domain.Error values whose Message a
// journalist can read and whose Fields name the form field at fault
// ("body", "file" or "url"). Any other error is internal.
package ingest

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"claimtrail/domain"
)

// Article is a piece of journalism ready for claim extraction.
type Article struct {
	Title, Outlet, Author, URL string
	PublishedAt                time.Time // zero when not detected
	Text                       string    // main text, valid UTF-8, paragraphs separated by "\n\n"
}

// DefaultMaxBytes is used wherever a size limit of zero or less is given.
const DefaultMaxBytes = 5 << 20

// Form field names used in the Fields of returned errors.
const (
	fieldBody = "body"
	fieldFile = "file"
	fieldURL  = "url"
)

// fieldErr returns a user-facing error with the given code that names field.
func fieldErr(code, field, format string, args ...any) *domain.Error {
	msg := fmt.Sprintf(format, args...)
	return &domain.Error{Code: code, Message: msg, Fields: map[string]string{field: msg}}
}

// onField returns a copy of e that names field instead of whatever it named.
func onField(e *domain.Error, field string) *domain.Error {
	return &domain.Error{Code: e.Code, Message: e.Message, Fields: map[string]string{field: e.Message}}
}

// humanSize writes a byte count the way a newsroom would say it.
func humanSize(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MB", n>>20)
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%d KB", n>>10)
	default:
		return fmt.Sprintf("%d bytes", n)
	}
}

func tooLarge(field string, limit int64) *domain.Error {
	return fieldErr(domain.ETOOLARGE, field, "%s", TooLargeMessage(field, limit))
}

// TooLargeMessage says that text, a file or a page (by form field: body,
// file or url) is over the size limit, and what to do instead.
func TooLargeMessage(field string, limit int64) string {
	switch field {
	case fieldFile:
		return fmt.Sprintf("That file is larger than %s, the most claimtrail accepts. Upload a file holding only the article, or paste its text.", humanSize(limit))
	case fieldURL:
		return fmt.Sprintf("That page is larger than %s, the most claimtrail accepts. Save the article's text and paste it instead.", humanSize(limit))
	}
	return fmt.Sprintf("That text is larger than %s, the most claimtrail accepts. Paste only the article itself.", humanSize(limit))
}

// checkText refuses content that is empty, binary or not UTF-8. It does not
// check size: callers do that before reading everything.
func checkText(b []byte, field string) error {
	what := map[string]string{fieldFile: "That file", fieldURL: "That page"}[field]
	if len(bytes.TrimSpace(b)) == 0 {
		if what == "" {
			return fieldErr(domain.EINVALID, field, "Paste the article text: the box is empty.")
		}
		return fieldErr(domain.EINVALID, field, "%s is empty.", what)
	}
	if kind := binaryKind(b); kind != "" {
		if what == "" {
			what = "That text"
		}
		return fieldErr(domain.EINVALID, field,
			"%s is not text: it looks like %s. Paste the article text or upload a .txt, .md or .html file.", what, kind)
	}
	if !utf8.Valid(b) {
		return fieldErr(domain.EINVALID, field,
			"The text has characters we cannot read around line %d. Save it as UTF-8 text and try again.", badUTF8Line(b))
	}
	return nil
}

// binaryKind names what b looks like when it is not text, or returns "".
// BinaryKind says what kind of file b looks like when it is not text ("a
// PDF", "an image", …), and "" when it is text.
func BinaryKind(b []byte) string { return binaryKind(b) }

func binaryKind(b []byte) string {
	// Word's line break (Shift+Enter) copies as a vertical tab, and a page
	// break as a form feed; the sniffer would call text holding them binary.
	head := bytes.Clone(b[:min(len(b), 512)])
	for i, c := range head {
		if c == '\v' || c == '\f' {
			head[i] = ' '
		}
	}
	ct := http.DetectContentType(head)
	switch {
	case strings.HasPrefix(ct, "application/pdf"):
		return "a PDF"
	case strings.HasPrefix(ct, "image/"):
		return "an image"
	case strings.HasPrefix(ct, "audio/"), strings.HasPrefix(ct, "video/"), ct == "application/ogg":
		return "a sound or video file"
	case strings.HasPrefix(ct, "application/zip"), strings.HasPrefix(ct, "application/x-gzip"),
		strings.HasPrefix(ct, "application/x-rar-compressed"):
		return "a compressed archive or a Word document"
	case strings.HasPrefix(ct, "font/"), strings.HasPrefix(ct, "application/vnd.ms-fontobject"):
		return "a font"
	}
	// The sniffer only looks at the first 512 bytes; a NUL anywhere means
	// binary, and so does a text type the sniffer did not recognise.
	if bytes.IndexByte(b, 0) >= 0 || !(strings.HasPrefix(ct, "text/") || strings.Contains(ct, "xml") || strings.Contains(ct, "json")) {
		return "a binary file such as a PDF or an image"
	}
	return ""
}

// badUTF8Line returns the 1-based line number of the first invalid byte.
func badUTF8Line(b []byte) int {
	line := 1
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		if r == utf8.RuneError && size <= 1 {
			return line
		}
		if r == '\n' {
			line++
		}
		b = b[size:]
	}
	return line
}

// cleanText normalises text that is already valid UTF-8: line endings become
// "\n", no-break spaces become ordinary spaces (so quotes match when searched),
// invisible characters go, trailing spaces go and blank lines are collapsed so
// that paragraphs are separated by exactly one empty line.
func cleanText(s string) string {
	s = strings.TrimPrefix(s, "\uFEFF")
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	s = strings.Map(func(r rune) rune {
		switch {
		case r == '\u00A0' || r == '\u202F' || r == '\u2007':
			return ' '
		case r == '\n' || r == '\t':
			return r
		case r == '\v' || r == '\f' || r == '\u2028' || r == '\u2029':
			return '\n' // line breaks from word processors
		case r == '\u00AD' || r == '\u200B' || r == '\uFEFF' || r == utf8.RuneError:
			return -1
		case r < 0x20 || r == 0x7F || (r >= 0x80 && r < 0xA0):
			return ' ' // other control characters part words like a space
		}
		return r
	}, s)
	s = domain.StripHiddenFormattingLines(s) // claims and claimants are cut from it

	lines := strings.Split(s, "\n")
	var b strings.Builder
	b.Grow(len(s))
	blank := false
	for _, line := range lines {
		line = strings.TrimRight(line, " \t")
		if strings.TrimSpace(line) == "" {
			blank = b.Len() > 0
			continue
		}
		if b.Len() > 0 {
			if blank {
				b.WriteString("\n\n")
			} else {
				b.WriteByte('\n')
			}
		}
		blank = false
		b.WriteString(line)
	}
	return b.String()
}
