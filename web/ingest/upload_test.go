package ingest

import (
	"bytes"
	"io"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"claimtrail/domain"
)

// Headers of real binary formats, enough for the sniffer to recognise them.
var (
	pngHeader = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10")
	pdfHeader = []byte("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n")
	zipHeader = []byte("PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00word/document.xml")
)

func TestFromText(t *testing.T) {
	tests := []struct {
		name  string
		body  string
		limit int64
		want  string // expected Text when no error
		code  string // expected error code, "" for success
	}{
		{name: "plain", body: "Hello newsroom.", want: "Hello newsroom."},
		{name: "crlf and blank lines", body: "First para.\r\n\r\n\r\n\r\nSecond\r\nline.  \r\n", want: "First para.\n\nSecond\nline."},
		{name: "lone cr", body: "One\rTwo", want: "One\nTwo"},
		{name: "nbsp becomes space", body: "10\u00a0000 people", want: "10 000 people"},
		{name: "bom dropped", body: "\ufeffTitle", want: "Title"},
		{name: "word line break at the start", body: "The minister said\vunemployment rose.", want: "The minister said\nunemployment rose."},
		{name: "word line break later on", body: strings.Repeat("Padding words here. ", 40) + "He said\vit rose.",
			want: strings.Repeat("Padding words here. ", 40) + "He said\nit rose."},
		{name: "form feed and line separator", body: "One.\fTwo.\u2028Three.", want: "One.\nTwo.\nThree."},
		{name: "other control characters part words", body: "rose\x1bby 5%", want: "rose by 5%"},
		{name: "empty", body: "", code: domain.EINVALID},
		{name: "only spaces", body: " \n\t\r\n ", code: domain.EINVALID},
		{name: "oversized", body: strings.Repeat("a", 101), limit: 100, code: domain.ETOOLARGE},
		{name: "exactly at limit", body: strings.Repeat("a", 100), limit: 100, want: strings.Repeat("a", 100)},
		{name: "png", body: string(pngHeader), code: domain.EINVALID},
		{name: "pdf", body: string(pdfHeader), code: domain.EINVALID},
		{name: "nul byte", body: "text\x00more", code: domain.EINVALID},
		{name: "invalid utf-8", body: "caf\xe9 au lait", code: domain.EINVALID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := FromText(tt.body, tt.limit)
			if tt.code != "" {
				assertError(t, err, tt.code, "body")
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if a.Text != tt.want {
				t.Errorf("Text = %q, want %q", a.Text, tt.want)
			}
		})
	}
}

func TestInvalidUTF8NamesLine(t *testing.T) {
	_, err := FromText("line one\nline two\nthird line caf\xe9\n", 0)
	if !strings.Contains(domain.ErrorMessage(err), "line 3") {
		t.Errorf("message %q does not point at line 3", domain.ErrorMessage(err))
	}
}

// countingReader records how many bytes were read from it.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

func TestFromUpload(t *testing.T) {
	tests := []struct {
		name     string
		filename string
		content  []byte
		limit    int64
		wantText string // substring expected in Text
		code     string
	}{
		{name: "txt", filename: "story.txt", content: []byte("A plain story.\r\n\r\nSecond paragraph."), wantText: "A plain story.\n\nSecond paragraph."},
		{name: "upper-case extension", filename: "STORY.TXT", content: []byte("Shouting names."), wantText: "Shouting names."},
		{name: "markdown", filename: "story.md", content: []byte("# Title\n\nSome **bold** claim."), wantText: "Some bold claim."},
		{name: "html", filename: "story.html", content: mustRead(t, "testdata/news.html"), wantText: "48 million euros"},
		{name: "htm", filename: "story.htm", content: []byte("<html><body><article><p>" + strings.Repeat("The mayor said the budget grew. ", 20) + "</p></article></body></html>"), wantText: "The mayor said"},
		{name: "utf-16 with bom", filename: "win.txt", content: []byte("\xff\xfeH\x00i\x00"), wantText: "Hi"},
		{name: "utf-16 without bom", filename: "win.txt", content: utf16le("Unemployment fell by 3% last year."), wantText: "Unemployment fell by 3%"},
		{name: "utf-16 big-endian without bom", filename: "mac.txt", content: utf16be("Prices rose by 4%."), wantText: "Prices rose by 4%."},
		{name: "empty file", filename: "empty.txt", content: nil, code: domain.EINVALID},
		{name: "blank file", filename: "blank.md", content: []byte("\n\n  \n"), code: domain.EINVALID},
		{name: "oversized", filename: "big.txt", content: bytes.Repeat([]byte("x"), 2000), limit: 1000, code: domain.ETOOLARGE},
		{name: "png renamed txt", filename: "photo.txt", content: pngHeader, code: domain.EINVALID},
		{name: "pdf renamed md", filename: "report.md", content: pdfHeader, code: domain.EINVALID},
		{name: "pdf renamed html", filename: "report.html", content: pdfHeader, code: domain.EINVALID},
		{name: "png renamed htm", filename: "photo.htm", content: pngHeader, code: domain.EINVALID},
		{name: "latin-1 html declared in meta", filename: "old.html", content: mustRead(t, "testdata/latin1.html"), wantText: "café owners"},
		{name: "docx renamed txt", filename: "letter.txt", content: zipHeader, code: domain.EINVALID},
		{name: "invalid utf-8", filename: "latin1.txt", content: []byte("ol\xe9 ol\xe9"), code: domain.EINVALID},
		{name: "docx extension", filename: "letter.docx", content: []byte("anything"), code: domain.EINVALID},
		{name: "pdf extension", filename: "report.pdf", content: []byte("anything"), code: domain.EINVALID},
		{name: "no extension", filename: "README", content: []byte("anything"), code: domain.EINVALID},
		{name: "exe extension", filename: "setup.exe", content: []byte("anything"), code: domain.EINVALID},
		{name: "html with no article", filename: "menu.html", content: []byte("<html><body><nav><a href=/>Home</a></nav></body></html>"), code: domain.EINVALID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := FromUpload(tt.filename, bytes.NewReader(tt.content), tt.limit)
			if tt.code != "" {
				assertError(t, err, tt.code, "file")
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(a.Text, tt.wantText) {
				t.Errorf("Text = %q, want it to contain %q", a.Text, tt.wantText)
			}
			if !utf8.ValidString(a.Text) {
				t.Error("Text is not valid UTF-8")
			}
		})
	}
}

func TestFromUploadReadsAtMostLimitPlusOne(t *testing.T) {
	r := &countingReader{r: io.LimitReader(zeroes{}, 1<<30)}
	_, err := FromUpload("huge.txt", r, 4096)
	assertError(t, err, domain.ETOOLARGE, "file")
	if r.n > 4097 {
		t.Errorf("read %d bytes, want at most 4097", r.n)
	}
}

// zeroes is an endless stream, standing in for a hostile upload.
type zeroes struct{}

func (zeroes) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 'a'
	}
	return len(p), nil
}

func TestMarkdownReduction(t *testing.T) {
	src := strings.Join([]string{
		"# Budget *claims* checked",
		"",
		"The minister said [unemployment fell](https://example.org/stats) by **3%**",
		"last year, according to _official_ figures in `table_2`.",
		"",
		"Second heading",
		"--------------",
		"",
		"> A quoted line",
		"> continues here.",
		"",
		"- first point",
		"- second point with ![a chart](chart.png)",
		"",
		"***",
		"",
		"```",
		"raw *code* stays",
		"```",
		"",
		"[ref]: https://example.org/ref",
		"snake_case_names stay whole.",
	}, "\n")
	a := markdownArticle(src)
	want := strings.Join([]string{
		"Budget claims checked",
		"The minister said unemployment fell by 3% last year, according to official figures in table_2.",
		"Second heading",
		"A quoted line continues here.",
		"first point\nsecond point with a chart",
		"raw *code* stays",
		"snake_case_names stay whole.",
	}, "\n\n")
	if a.Text != want {
		t.Errorf("Text =\n%s\n\nwant\n%s", a.Text, want)
	}
	if a.Title != "Budget claims checked" {
		t.Errorf("Title = %q", a.Title)
	}
}

func TestLeadingDateIsThePublicationDate(t *testing.T) {
	day := time.Date(2025, 2, 23, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		text string
		want time.Time
	}{
		{"date 2025-02-23 Your support helps us tell the story\n\nThe minister said…", day},
		{"Published: 2025-02-23\n\nThe minister said…", day},
		{"Updated 2025-02-23T10:00\n\nThe minister said…", day},
		{"The minister said on 2025-02-23 that…", time.Time{}},
		{"date 2025-13-40 nonsense", time.Time{}},
		{"date 2025-02-230", time.Time{}},
		{"date", time.Time{}},
	}
	for _, tt := range tests {
		a, err := FromText(tt.text, 0)
		if err != nil {
			t.Fatal(err)
		}
		if !a.PublishedAt.Equal(tt.want) {
			t.Errorf("%q: PublishedAt = %v, want %v", tt.text, a.PublishedAt, tt.want)
		}
		up, err := FromUpload("a.txt", strings.NewReader(tt.text), 0)
		if err != nil {
			t.Fatal(err)
		}
		if !up.PublishedAt.Equal(tt.want) {
			t.Errorf("upload %q: PublishedAt = %v, want %v", tt.text, up.PublishedAt, tt.want)
		}
	}
}

func utf16le(s string) []byte {
	var b []byte
	for _, r := range s {
		b = append(b, byte(r), byte(r>>8))
	}
	return b
}

func utf16be(s string) []byte {
	var b []byte
	for _, r := range s {
		b = append(b, byte(r>>8), byte(r))
	}
	return b
}

// TestArticleTextLosesHiddenOrReorderingCharacters: claims and claimants are
// cut from an article's text and a page's headline and outlet are shown as
// found, so what hides or reorders words goes at the door; right-to-left
// lines keep the marks they need.
func TestArticleTextLosesHiddenOrReorderingCharacters(t *testing.T) {
	a, err := FromText("The minister said spending rose by \u202e%04 last year.\nIt went from 100\u200f-\u200f200.\n\u05e9\u05dc\u05d5\u05dd 100\u200f-200\nTax\u2066 fell\u2069 by 3\u200b%.", 0)
	if err != nil {
		t.Fatal(err)
	}
	want := "The minister said spending rose by %04 last year.\nIt went from 100-200.\n\u05e9\u05dc\u05d5\u05dd 100\u200f-200\nTax fell by 3%."
	if a.Text != want {
		t.Errorf("text %q, want %q", a.Text, want)
	}
	page := []byte(`<html><head><title>Harbour &#x202E;spending</title><meta property="og:site_name" content="The&#x2060;Gazette"></head><body><article><h1>Harbour spending</h1>` +
		strings.Repeat("<p>The council said harbour spending rose by 40 percent last year, according to its own accounts.</p>", 5) + `</article></body></html>`)
	h, err := HTML(page, "https://gazette.example/a")
	if err != nil {
		t.Fatal(err)
	}
	if domain.HidesOrReorders(h.Title) || domain.HidesOrReorders(h.Outlet) {
		t.Errorf("headline %q, outlet %q keep hidden characters", h.Title, h.Outlet)
	}
}
