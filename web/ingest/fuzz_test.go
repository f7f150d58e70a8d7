package ingest

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"
)

// The fuzz targets check that hostile input never panics and that whatever
// comes out is valid UTF-8. Their seeds run under plain `go test`; fuzz
// with `go test -fuzz=FuzzHTML ./web/ingest/`.

func FuzzHTML(f *testing.F) {
	for _, name := range []string{"testdata/news.html", "testdata/blog.html", "testdata/latin1.html"} {
		f.Add(mustRead(f, name))
	}
	f.Add([]byte(""))
	f.Add([]byte("<html><body><p>caf\xe9 \xff\xfe</p></body></html>"))
	f.Add([]byte(`<script type="application/ld+json">[[[{"@type":"NewsArticle","author":[1,{"name":2}]}]]]</script><p>x</p>`))
	f.Add([]byte("<meta charset=shift_jis><p>\x82\xa0\x82\xa2\x82\xa4 text text text text</p>"))
	f.Add([]byte("<table><tr><td><div><p>" + strings.Repeat("<b>", 500) + "deep words here now ok"))
	f.Fuzz(func(t *testing.T, page []byte) {
		a, err := HTML(page, "https://example.com/a")
		if err != nil {
			return
		}
		for _, s := range []string{a.Text, a.Title, a.Author, a.Outlet} {
			if !utf8.ValidString(s) {
				t.Fatalf("output is not valid UTF-8: %q", s)
			}
		}
		if strings.Contains(a.Text, "\n\n\n") || strings.Contains(a.Text, "\r") {
			t.Fatalf("text has unclean breaks: %q", a.Text)
		}
	})
}

func FuzzFromUpload(f *testing.F) {
	f.Add("story.txt", []byte("Plain text.\r\n\r\nSecond."))
	f.Add("story.md", []byte("# T\n\n*a* **b** [c](d) ![e](f)\n\n```\ncode\n"))
	f.Add("story.md", []byte("> > - [x]() __ ** ` \\* ~~ ~~\n===\n---\n| a | b |\n|---|---|"))
	f.Add("page.html", mustRead(f, "testdata/news.html"))
	f.Add("page.htm", []byte("<p>\x00</p>"))
	f.Add("win.txt", []byte("\xff\xfeH\x00\xd8"))
	f.Add("photo.txt", pngHeader)
	f.Fuzz(func(t *testing.T, filename string, content []byte) {
		a, err := FromUpload(filename, bytes.NewReader(content), 1<<16)
		if err != nil {
			return
		}
		if !utf8.ValidString(a.Text) || !utf8.ValidString(a.Title) {
			t.Fatalf("output is not valid UTF-8: %q", a.Text)
		}
		if strings.TrimSpace(a.Text) == "" {
			t.Fatal("accepted an upload with no text")
		}
	})
}
