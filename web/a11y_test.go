package web

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/PuerkitoBio/goquery"

	"claimtrail/components"
	"claimtrail/domain"
)

// Every control marked as wrong tells screen readers so, and points at the
// message that says why.
func TestFieldErrorsAreTiedToTheirControls(t *testing.T) {
	env := newTestEnv(t)
	admin, _ := env.signedIn("ada@newsroom.example", domain.RoleAdmin)
	eddie, _ := env.signedIn("eddie@newsroom.example", domain.RoleEditor)
	claim := env.queuedClaims(1, "unemployment fell by 3%")[0]

	pages := map[string]*response{
		"empty article":   eddie.postForm("/articles", url.Values{"body": {""}}),
		"empty comment":   eddie.postForm("/claims/"+itoa(claim)+"/comments", url.Values{"body": {""}}),
		"bad new user":    admin.postForm("/admin/users", url.Values{"name": {""}, "email": {"not-an-email"}, "role": {"overlord"}}),
		"bad queue dates": eddie.get("/queue?since=soon&until=later"),
	}
	for name, res := range pages {
		if res.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("%s: status %d, want 422", name, res.StatusCode)
			continue
		}
		doc := res.Doc(t)
		marked := doc.Find(".input-error")
		if marked.Length() == 0 {
			t.Errorf("%s: no control is marked as wrong", name)
		}
		marked.Each(func(_ int, c *goquery.Selection) {
			id := c.AttrOr("id", "?")
			if c.AttrOr("aria-invalid", "") != "true" {
				t.Errorf("%s: #%s lacks aria-invalid", name, id)
			}
			described := c.AttrOr("aria-describedby", "")
			if described == "" || doc.Find("#"+described+".field-error").Length() == 0 {
				t.Errorf("%s: #%s is described by %q, which is not an error message on the page", name, id, described)
			}
		})
	}
}

func TestAuditChangesListOnlyWhatChanged(t *testing.T) {
	got := auditChanges([]byte(`{"name":"Rita","role":"reviewer","version":1}`), []byte(`{"name":"Rita","role":"editor","version":2,"note":null}`))
	want := []components.Change{{Field: "role", Before: "reviewer", After: "editor"}, {Field: "version", Before: "1", After: "2"}}
	if !slices.Equal(got, want) {
		t.Errorf("changes %+v, want %+v", got, want)
	}
	if got := auditChanges(nil, []byte(`{"sources":[{"title":"ONS"}]}`)); len(got) != 1 || got[0].After != `[{"title":"ONS"}]` {
		t.Errorf("nested value: %+v", got)
	}
	if got := auditChanges(nil, []byte(`"plain"`)); len(got) != 1 || got[0].Field != "value" {
		t.Errorf("a value that is not an object: %+v", got)
	}
	// A change past the cut is still a change.
	url := "https://example.com/" + strings.Repeat("a", 400)
	if got := auditChanges([]byte(`{"url":"`+url+`1"}`), []byte(`{"url":"`+url+`2"}`)); len(got) != 1 {
		t.Errorf("a change after 300 characters was not shown: %+v", got)
	}
	long := strings.Repeat("é", 400)
	if got := auditChanges(nil, []byte(`{"body":"`+long+`"}`)); utf8.RuneCountInString(got[0].After) != 301 {
		t.Errorf("long value not cut to 300 characters: %d", utf8.RuneCountInString(got[0].After))
	}
}

// TestRowButtonsNameTheirRow: the controls repeated in every row of a list
// (a candidate's tick, Accept and Dismiss; a review row's Approve; a
// rating's fields, Save and Delete) tell a screen reader which row they act
// on, which a list of identical "Accept" or "Delete" buttons did not.
func TestRowButtonsNameTheirRow(t *testing.T) {
	env := newTestEnv(t)
	rita, _ := env.signedIn("rita@newsroom.example", domain.RoleReviewer)
	eddie, _ := env.signedIn("eddie@newsroom.example", domain.RoleEditor)
	env.queuedClaims(1, "unemployment fell by 3%")
	article, _ := env.triageArticle(rita)
	id := env.takeAndComplete(rita)
	wantStatus(t, rita.postForm("/claims/"+itoa(id)+"/submit", url.Values{"version": {env.verdictVersion(id)},
		"rating": {env.ratingID("Mostly false")}, "conclusion": {"It fell by 0.3 points, not 3%."}, "explanation": {"The ONS says so."}}), http.StatusSeeOther)

	// describedByRow checks that each control points at the text of its
	// own row.
	describedByRow := func(page string, doc *goquery.Document, rows, controls, text string) {
		t.Helper()
		n := 0
		doc.Find(rows).Each(func(_ int, row *goquery.Selection) {
			want := strings.TrimSpace(row.Find(text).First().Text())
			row.Find(controls).Each(func(_ int, c *goquery.Selection) {
				n++
				ref := c.AttrOr("aria-describedby", "")
				if ref == "" {
					t.Errorf("%s: %q does not say which row it acts on", page, strings.TrimSpace(c.Text()))
					return
				}
				if got := strings.TrimSpace(doc.Find("#" + ref).Text()); got != want || want == "" {
					t.Errorf("%s: %q is described by %q, want its row's %q", page, strings.TrimSpace(c.Text()), got, want)
				}
			})
		})
		if n == 0 {
			t.Errorf("%s: no %s in %s", page, controls, rows)
		}
	}
	describedByRow("article", rita.get(article).Doc(t), `[data-testid="claim-row"][data-state="candidate"]`,
		`[data-testid="select-claim"], [data-testid="accept"], [data-testid="dismiss"]`, `[data-testid="claim-sentence"]`)
	describedByRow("review", eddie.get("/review").Doc(t), `[data-testid="review-row"]`, `[data-testid="approve"]`, `a[href^="/claims/"]`)

	doc := eddie.get("/ratings").Doc(t)
	names := map[string]bool{}
	doc.Find(`[data-testid="rating-row"]`).Each(func(_ int, row *goquery.Selection) {
		rating := row.Find(`[data-testid="rating-name"]`).AttrOr("value", "")
		for _, sel := range []string{`[data-testid="rating-save"]`, `[data-testid="rating-delete"]`} {
			c := row.Find(sel)
			if c.Length() == 0 {
				continue // a rating in use has no Delete
			}
			label := c.AttrOr("aria-label", "")
			if !strings.Contains(label, rating) || names[label] {
				t.Errorf("ratings: %s of %q is labelled %q", sel, rating, label)
			}
			names[label] = true
		}
		for _, field := range []string{"rating-name", "rating-value"} {
			input := row.Find(`[data-testid="` + field + `"]`)
			label := doc.Find(`label[for="` + input.AttrOr("id", "") + `"]`).Text()
			if !strings.Contains(label, rating) {
				t.Errorf("ratings: the %s field of %q is labelled %q", field, rating, label)
			}
		}
	})
	if len(names) < 2 {
		t.Errorf("ratings: %d labelled buttons, want one per row at least", len(names))
	}
}
