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
