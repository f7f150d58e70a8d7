package ingest

import (
	"bytes"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"claimtrail/domain"
)

func TestHTMLExtractsArticleNotChrome(t *testing.T) {
	tests := []struct {
		name    string
		fixture string
		want    Article // Text is checked through mustHave and mustNotHave
		// Paragraphs (or headings) that must appear as whole blocks.
		mustHave []string
		// Phrases from the page's chrome that must not appear at all.
		mustNotHave []string
	}{
		{
			name:    "news page",
			fixture: "testdata/news.html",
			want: Article{
				Title:       "Harbour bridge repairs will cost twice the estimate",
				Outlet:      "The Riverside Ledger",
				Author:      "Mara Quillfeather",
				URL:         "https://ledger.example/2025/bridge",
				PublishedAt: time.Date(2025, 3, 14, 8, 30, 0, 0, time.UTC),
			},
			mustHave: []string{
				"The council's engineering office told councillors on Thursday that the repair of the old harbour bridge will cost about 48 million euros, almost twice the 25 million announced when the work was approved last spring.",
				"Who pays for the overrun",
				"Work is now expected to finish in the autumn of 2027, eighteen months later than planned. The bridge will stay open to buses and cyclists throughout.",
			},
			mustNotHave: []string{
				"cookies", "Subscribe", "Politics", "Share on social media", "Copy link",
				"Read more", "Council approves", "Related articles", "Ferry timetable",
				"All rights reserved", "Privacy policy", "Enjoyed this story", "analytics",
			},
		},
		{
			name:    "blog with json-ld graph and time element",
			fixture: "testdata/blog.html",
			want: Article{
				Title:       "What the water board really spends",
				Outlet:      "Valley Notes",
				Author:      "Ines Harrow",
				URL:         "https://valley.example/water",
				PublishedAt: time.Date(2024, 11, 2, 0, 0, 0, 0, time.UTC),
			},
			mustHave: []string{
				"What the numbers mean for households",
				"Board spokesperson Lena Ortiz confirmed the figures and said the split was a long-standing accounting practice, not an attempt to hide spending from residents.",
			},
			mustNotHave: []string{"Sign in", "Popular this week", "Five myths", "Great post", "independent local blog", "Share:"},
		},
		{
			name:    "latin-1 page declared in meta",
			fixture: "testdata/latin1.html",
			want:    Article{Title: "Café prices in Münster", URL: "https://cafe.example/"},
			mustHave: []string{
				"The association said rising rents, not the price of beans, explained most of the increase, and urged café owners to publish their prices outside.",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := HTML(mustRead(t, tt.fixture), tt.want.URL)
			if err != nil {
				t.Fatal(err)
			}
			if a.Title != tt.want.Title || a.Outlet != tt.want.Outlet || a.Author != tt.want.Author || a.URL != tt.want.URL {
				t.Errorf("metadata = %q / %q / %q / %q, want %q / %q / %q / %q",
					a.Title, a.Outlet, a.Author, a.URL, tt.want.Title, tt.want.Outlet, tt.want.Author, tt.want.URL)
			}
			if !a.PublishedAt.Equal(tt.want.PublishedAt) {
				t.Errorf("PublishedAt = %v, want %v", a.PublishedAt, tt.want.PublishedAt)
			}
			paragraphs := strings.Split(a.Text, "\n\n")
			for _, p := range tt.mustHave {
				if !slices.Contains(paragraphs, p) {
					t.Errorf("paragraph missing: %q\ntext:\n%s", p, a.Text)
				}
			}
			for _, s := range tt.mustNotHave {
				if strings.Contains(a.Text, s) {
					t.Errorf("text contains page chrome %q\ntext:\n%s", s, a.Text)
				}
			}
			if !utf8.ValidString(a.Text) || strings.Contains(a.Text, "\n\n\n") || strings.Contains(a.Text, "\r") {
				t.Errorf("text is not clean: %q", a.Text)
			}
		})
	}
}

func TestHTMLRefusesPagesWithoutArticle(t *testing.T) {
	for _, page := range []string{
		"",
		"<html><head><title>Login</title></head><body></body></html>",
		"<html><body><nav><a href=/>Home</a> <a href=/news>News</a></nav></body></html>",
	} {
		_, err := HTML([]byte(page), "")
		assertError(t, err, domain.EINVALID, "body")
	}
}

func TestParseTime(t *testing.T) {
	for _, s := range []string{"2025-03-14T09:30:00+01:00", "2025-03-14T08:30:00Z", "2025-03-14T08:30:00.000Z", "2025-03-14T09:30+01:00"} {
		got, ok := parseTime(s)
		if !ok || !got.Equal(time.Date(2025, 3, 14, 8, 30, 0, 0, time.UTC)) {
			t.Errorf("parseTime(%q) = %v, %v", s, got, ok)
		}
	}
	if _, ok := parseTime("last Tuesday"); ok {
		t.Error("parseTime accepted a vague date")
	}
}

// BenchmarkHTML measures extraction speed on a long page (about 2 MB) with
// its chrome repeated, reported in MB/s.
func BenchmarkHTML(b *testing.B) {
	page := mustRead(b, "testdata/news.html")
	i := bytes.Index(page, []byte("<p>Opposition"))
	j := i + bytes.Index(page[i:], []byte("</p>")) + len("</p>")
	long := slices.Concat(page[:i], bytes.Repeat(page[i:j], 8000), page[i:])
	b.SetBytes(int64(len(long)))
	for b.Loop() {
		if _, err := HTML(long, ""); err != nil {
			b.Fatal(err)
		}
	}
}

// TestHTMLHeadlineWithoutOutletName: a page whose only title is its
// <title>, which adds the outlet's name, gives the headline alone; the
// outlet stays in its own field, and a headline that merely contains a
// separator, or names another outlet, is left whole.
func TestHTMLHeadlineWithoutOutletName(t *testing.T) {
	body := `<article><h1>Story</h1><p>The council leader said on Monday that the budget gap had grown to £48 million, up from £30 million last year, and that social care now takes 62% of spending.</p><p>Opposition councillors said the figures had been known for months and that nothing had been done about them.</p></article>`
	tests := []struct{ title, site, want string }{
		{"Council budget gap widens | The Riverside Courier", "The Riverside Courier", "Council budget gap widens"},
		{"Council budget gap widens - The Riverside Courier", "the riverside courier", "Council budget gap widens"},
		{"The Riverside Courier — Council budget gap widens", "The Riverside Courier", "Council budget gap widens"},
		{"Council budget gap widens | Politics | The Riverside Courier", "The Riverside Courier", "Council budget gap widens | Politics"},
		{"Budget gap - what the council says", "The Riverside Courier", "Budget gap - what the council says"},
		{"Council budget gap widens | Another Paper", "The Riverside Courier", "Council budget gap widens | Another Paper"},
		{"The Riverside Courier", "The Riverside Courier", "The Riverside Courier"},
	}
	for _, tc := range tests {
		page := `<!doctype html><html><head><title>` + tc.title + `</title><meta property="og:site_name" content="` + tc.site + `"></head><body>` + body + `</body></html>`
		a, err := HTML([]byte(page), "")
		if err != nil {
			t.Fatalf("%q: %v", tc.title, err)
		}
		if a.Title != tc.want {
			t.Errorf("title %q with outlet %q: headline %q, want %q", tc.title, tc.site, a.Title, tc.want)
		}
		if a.Outlet != tc.site {
			t.Errorf("title %q: outlet %q, want %q", tc.title, a.Outlet, tc.site)
		}
	}
}
