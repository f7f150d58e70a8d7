package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"claimtrail/components"
	"claimtrail/domain"
)

// TestRatingEditedMeanwhileIsNotOverwritten: two editors open the ratings
// page and change the same rating. The second save, from a page that no
// longer shows the rating as it is, is refused with 409 saying what it is
// now, with what that editor typed still in its row and the first change
// kept; saved again from the page it came back on, it goes through.
func TestRatingEditedMeanwhileIsNotOverwritten(t *testing.T) {
	env := newTestEnv(t)
	eddie, _ := env.signedIn("eddie@newsroom.example", domain.RoleEditor)
	erin, _ := env.signedIn("erin@newsroom.example", domain.RoleEditor)
	id := mustID(t, env.ratingID("Misleading"))
	field := func(name string) string { return components.RatingField(id, name) }
	seen := func(res *response) string {
		t.Helper()
		v, ok := res.Doc(t).Find(`input[name="` + field("seen") + `"]`).Attr("value")
		if !ok || v == "" {
			t.Fatal("the ratings page carries no seen time for the rating")
		}
		return v
	}
	save := func(c *client, seen, name, value string) *response {
		return c.postForm("/ratings/"+itoa(id), url.Values{"id": {itoa(id)}, field("seen"): {seen}, field("shown"): {"1"},
			field("name"): {name}, field("value"): {value}, field("on_scale"): {"true"}})
	}
	eddieSaw, erinSaw := seen(eddie.get("/ratings")), seen(erin.get("/ratings"))

	wantStatus(t, save(eddie, eddieSaw, "Misleading claim", "3"), http.StatusSeeOther)
	late := save(erin, erinSaw, "Missing context", "2.5")
	wantStatus(t, late, http.StatusConflict)
	if msg := late.TestID(t, "error-message"); !strings.Contains(msg, "changed this rating") || !strings.Contains(msg, "Misleading claim") {
		t.Errorf("the refusal says %q", msg)
	}
	doc := late.Doc(t)
	if got, _ := doc.Find(`input[name="` + field("name") + `"]`).Attr("value"); got != "Missing context" {
		t.Errorf("the name typed came back as %q", got)
	}
	if got, _ := doc.Find(`input[name="` + field("value") + `"]`).Attr("value"); got != "2.5" {
		t.Errorf("the value typed came back as %q", got)
	}
	ratings, err := env.db.ListRatings(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range ratings {
		if r.ID == id && (r.Name != "Misleading claim" || r.Value != 3) {
			t.Fatalf("stored rating %q %v: the first change was overwritten", r.Name, r.Value)
		}
	}
	wantStatus(t, save(erin, seen(late), "Missing context", "2.5"), http.StatusSeeOther)
	if page := erin.get("/ratings").Body; !strings.Contains(page, "Missing context") {
		t.Error("the save from the page the refusal showed did not go through")
	}
}
