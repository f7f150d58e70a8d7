package ingest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/text/encoding/unicode"

	"claimtrail/domain"
)

// FromText validates text pasted into the article box and cleans it up.
// A limit of zero or less means DefaultMaxBytes.
func FromText(body string, limit int64) (Article, error) {
	if limit <= 0 {
		limit = DefaultMaxBytes
	}
	if int64(len(body)) > limit {
		return Article{}, tooLarge(fieldBody, limit)
	}
	if err := checkText([]byte(body), fieldBody); err != nil {
		return Article{}, err
	}
	text := cleanText(body)
	return Article{Text: text, PublishedAt: leadingDate(text)}, nil
}

// FromUpload reads an uploaded .txt, .md or .html file, reading at most
// limit+1 bytes from r. A limit of zero or less means DefaultMaxBytes.
func FromUpload(filename string, r io.Reader, limit int64) (Article, error) {
	if limit <= 0 {
		limit = DefaultMaxBytes
	}
	kind, err := uploadKind(filename)
	if err != nil {
		return Article{}, err
	}

	b, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return Article{}, fmt.Errorf("read upload %q: %w", filename, err)
	}
	if int64(len(b)) > limit {
		return Article{}, tooLarge(fieldFile, limit)
	}
	b = fromUTF16(b)
	if kind == "html" && !utf8.Valid(b) && binaryKind(b) == "" {
		// A saved web page may declare another character set; decode it
		// before deciding the text is unreadable.
		b = htmlToUTF8(b, "")
	}
	if err := checkText(b, fieldFile); err != nil {
		return Article{}, err
	}

	var a Article
	switch kind {
	case "markdown":
		a = markdownArticle(string(b))
	case "html":
		a, err = HTML(b, "")
		var de *domain.Error
		if errors.As(err, &de) {
			return Article{}, onField(de, fieldFile)
		} else if err != nil {
			return Article{}, err
		}
	default:
		a = Article{Text: cleanText(string(b))}
	}
	if strings.TrimSpace(a.Text) == "" {
		return Article{}, fieldErr(domain.EINVALID, fieldFile, "We found no article text in that file.")
	}
	if a.PublishedAt.IsZero() {
		a.PublishedAt = leadingDate(a.Text)
	}
	return a, nil
}

// leadingDate reads a publication date that scrapers and content systems put
// at the top of a text export: a first line starting "date 2025-02-23",
// "Published: 2025-02-23" or "Updated 2025-02-23". Anything else is no date.
func leadingDate(text string) time.Time {
	line, _, _ := strings.Cut(strings.TrimSpace(text), "\n")
	label, rest, ok := strings.Cut(line, " ")
	if !ok {
		return time.Time{}
	}
	switch strings.ToLower(strings.TrimSuffix(label, ":")) {
	case "date", "dated", "published", "updated":
	default:
		return time.Time{}
	}
	rest = strings.TrimSpace(rest)
	if len(rest) < 10 {
		return time.Time{}
	}
	t, err := time.Parse("2006-01-02", rest[:10])
	if err != nil || (len(rest) > 10 && rest[10] != ' ' && rest[10] != 'T') {
		return time.Time{}
	}
	return t
}

// uploadKind tells what reader a file name calls for.
func uploadKind(filename string) (string, error) {
	ext := strings.ToLower(filepath.Ext(filename))
	switch ext {
	case ".txt", ".text":
		return "text", nil
	case ".md", ".markdown":
		return "markdown", nil
	case ".html", ".htm", ".xhtml":
		return "html", nil
	case ".docx", ".doc", ".odt", ".rtf", ".pages":
		return "", fieldErr(domain.EINVALID, fieldFile,
			"claimtrail cannot read word-processor files (%s). Save the article as plain text (.txt) or paste its text.", ext)
	case ".pdf":
		return "", fieldErr(domain.EINVALID, fieldFile,
			"claimtrail cannot read PDF files. Copy the article text from the PDF and paste it, or upload a .txt, .md or .html file.")
	case "":
		return "", fieldErr(domain.EINVALID, fieldFile,
			"That file has no type in its name. Upload a .txt, .md or .html file.")
	}
	if len(ext) > 10 || !utf8.ValidString(ext) {
		ext = "that kind of"
	}
	return "", fieldErr(domain.EINVALID, fieldFile,
		"claimtrail cannot read %s files. Upload a .txt, .md or .html file, or paste the article text.", ext)
}

// FromUTF16 decodes text that starts with a UTF-16 byte-order mark, as some
// Windows editors still save it, and leaves everything else alone.
func FromUTF16(b []byte) []byte { return fromUTF16(b) }

func fromUTF16(b []byte) []byte {
	if !bytes.HasPrefix(b, []byte{0xFF, 0xFE}) && !bytes.HasPrefix(b, []byte{0xFE, 0xFF}) {
		if order, ok := utf16WithoutBOM(b); ok {
			if out, err := unicode.UTF16(order, unicode.IgnoreBOM).NewDecoder().Bytes(b); err == nil {
				return out
			}
		}
		return b
	}
	dec := unicode.UTF16(unicode.BigEndian, unicode.ExpectBOM).NewDecoder()
	out, err := dec.Bytes(b)
	if err != nil {
		return b
	}
	return out
}

// utf16WithoutBOM recognises UTF-16 text saved without a byte-order mark by
// its pattern: in text that is mostly Latin script, one byte of every pair
// is zero, always the same one. Binary files do not keep to that.
func utf16WithoutBOM(b []byte) (unicode.Endianness, bool) {
	n := min(len(b), 1024) &^ 1
	if n < 8 || len(b)%2 != 0 {
		return unicode.BigEndian, false
	}
	var evenZero, oddZero int
	for i := 0; i < n; i += 2 {
		if b[i] == 0 {
			evenZero++
		}
		if b[i+1] == 0 {
			oddZero++
		}
	}
	pairs := n / 2
	switch {
	case oddZero*10 >= pairs*9 && evenZero == 0:
		return unicode.LittleEndian, true
	case evenZero*10 >= pairs*9 && oddZero == 0:
		return unicode.BigEndian, true
	}
	return unicode.BigEndian, false
}
