package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"claimtrail/domain"
	"claimtrail/storage/storagetest"
)

// TestInternalPagesShowTextWithoutHiddenCharacters: text stored before the
// hidden-characters rule (an override in a claim's wording, a headline, a
// conclusion, a source's title; an invisible character in an outlet or a
// claimant) reads on the newsroom's own pages as it is published, without
// them, while right-to-left words keep the marks they need; and the article's
// edit form, sent back as shown, is accepted and stores the plain text.
func TestInternalPagesShowTextWithoutHiddenCharacters(t *testing.T) {
	env := newTestEnv(t)
	editor, _ := env.signedIn("editor@example.com", domain.RoleEditor)
	s := storagetest.New(t, env.db.Path)
	a := s.Article(storagetest.Article{Title: "Harbour \u202espending", Outlet: "The\u2060Gazette", URL: "https://gazette.example/h"})
	rating := s.Rating("False", 1, 1)
	submitted := s.Claim(storagetest.Claim{ArticleID: a, Text: "Harbour spending rose by \u202e%04", Claimant: "Min\u200bister", RatingID: rating,
		State: domain.StateSubmitted, Conclusion: "It rose from 100\u200f-\u200f200.", Explanation: "See\u2067 table\n\u05e9\u200f1",
		Sources: []storagetest.Source{{Title: "Annual\u202d table", URL: "https://stats.example/t"}}})
	s.Claim(storagetest.Claim{ArticleID: a, Text: "Harbour dues fell \u2066by half\u2069", State: domain.StateQueued})

	for _, path := range []string{"/claims/" + itoa(submitted), "/articles/" + itoa(a), "/articles", "/queue", "/review", "/search?q=harbour"} {
		res := editor.get(path)
		wantStatus(t, res, http.StatusOK)
		if domain.HidesOrReorders(res.Body) {
			t.Errorf("%s holds characters that hide or reorder text", path)
		}
		if path == "/claims/"+itoa(submitted) {
			if !strings.Contains(res.Body, "Harbour spending rose by %04") || !strings.Contains(res.Body, "It rose from 100-200.") {
				t.Errorf("%s does not show the claim and its conclusion as published", path)
			}
			if !strings.Contains(res.Body, "\u05e9\u200f1") {
				t.Errorf("%s took the mark right-to-left words need", path)
			}
		}
	}

	// The details as the edit form shows them, sent back unchanged.
	res := editor.get("/articles/" + itoa(a))
	form := url.Values{}
	res.Doc(t).Find(`[form="` + "article-page" + `"]`).Each(func(_ int, n *goquery.Selection) {
		name, _ := n.Attr("name")
		value, _ := n.Attr("value")
		switch name {
		case "title", "outlet", "author", "url", "published", "article_seen":
			form.Set(name, value)
		}
	})
	if form.Get("title") != "Harbour spending" || form.Get("outlet") != "TheGazette" {
		t.Fatalf("edit form holds %q, %q", form.Get("title"), form.Get("outlet"))
	}
	saved := editor.postForm("/articles/"+itoa(a)+"/edit", form)
	wantStatus(t, saved, http.StatusSeeOther)
	stored, err := env.db.ArticleByID(t.Context(), a)
	if err != nil || stored.Title != "Harbour spending" {
		t.Errorf("stored %q, %v", stored.Title, err)
	}

	// The audit log shows what was stored as it was stored: the override
	// the edit took out is written out, not left to reorder the page.
	admin, _ := env.signedIn("admin@example.com", domain.RoleAdmin)
	audit := admin.get("/admin/audit")
	wantStatus(t, audit, http.StatusOK)
	if !strings.Contains(audit.Body, "Harbour ⟨U+202E⟩spending") || domain.HidesOrReorders(audit.Body) {
		t.Errorf("the audit log does not show the override the edit removed as a code")
	}
}

// TestPlainPageKeepsMarkupAndRightToLeftMarks: each text and attribute value
// is tidied on its own, so a mark stays beside right-to-left letters and goes
// elsewhere; markup is never touched.
func TestPlainPageKeepsMarkupAndRightToLeftMarks(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`<p title="a` + "\u202e" + `b">12345678 1` + "\u200f" + `-2</p>`, `<p title="ab">12345678 1-2</p>`},
		{"<td>\u05e9\u200f1</td><td>1\u200f-2</td>", "<td>\u05e9\u200f1</td><td>1-2</td>"},
		{"<textarea>line\u2066\n\u05e9\u200f</textarea>", "<textarea>line\n\u05e9\u200f</textarea>"},
		{"<p>caf\u00e9 \u2013 \u201cplain\u201d \U0001F468\u200D\U0001F469</p>", "<p>caf\u00e9 \u2013 \u201cplain\u201d \U0001F468\u200D\U0001F469</p>"},
	} {
		if got := string(plainPage([]byte(tc.in))); got != tc.want {
			t.Errorf("plainPage(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func BenchmarkPlainPage(b *testing.B) {
	page := []byte(strings.Repeat(`<tr><td><a href="/claims/12">The Chancellor said spending rose by 2.3% – “the most since 2010”</a></td><td>4 Dec 2026</td></tr>`, 600))
	b.SetBytes(int64(len(page)))
	for b.Loop() {
		plainPage(page)
	}
}
