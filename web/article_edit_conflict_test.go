package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"claimtrail/domain"
)

// TestArticleDetailsEditedMeanwhileAreNotOverwritten: two people open the
// same article and change its headline. The second save, from a page that
// no longer shows the details as they are, is refused with 409 saying so,
// with what that person typed still in the form and the first change kept;
// saved again from the page it came back on, it goes through.
func TestArticleDetailsEditedMeanwhileAreNotOverwritten(t *testing.T) {
	env := articleEnv(t)
	rita, _ := env.signedIn("rita@newsroom.example", domain.RoleReviewer)
	eddie, _ := env.signedIn("eddie@newsroom.example", domain.RoleEditor)
	id := articleIDFrom(t, rita.postForm("/articles", url.Values{"body": {testReport}, "title": {"Budget speech"}}))
	seen := func(c *client) string {
		t.Helper()
		v, ok := c.get("/articles/" + id).Doc(t).Find(`input[name="article_seen"]`).Attr("value")
		if !ok || v == "" {
			t.Fatal("the article page carries no article_seen")
		}
		return v
	}
	ritaSaw, eddieSaw := seen(rita), seen(eddie)

	wantStatus(t, rita.postForm("/articles/"+id+"/edit", url.Values{"article_seen": {ritaSaw}, "title": {"Chancellor's budget speech"}}), http.StatusSeeOther)
	late := eddie.postForm("/articles/"+id+"/edit", url.Values{"article_seen": {eddieSaw}, "title": {"Budget speech to MPs"}})
	wantStatus(t, late, http.StatusConflict)
	if msg := late.TestID(t, "error-message"); !strings.Contains(msg, "changed this article's details") {
		t.Errorf("the refusal says %q", msg)
	}
	if got, _ := late.Doc(t).Find(`[data-testid="edit-article-form"] input[name="title"]`).Attr("value"); got != "Budget speech to MPs" {
		t.Errorf("the headline typed came back as %q", got)
	}
	a, err := env.db.ArticleByID(context.Background(), mustID(t, id))
	if err != nil {
		t.Fatal(err)
	}
	if a.Title != "Chancellor's budget speech" {
		t.Fatalf("stored headline %q: the first change was overwritten", a.Title)
	}
	again, _ := late.Doc(t).Find(`input[name="article_seen"]`).Attr("value")
	wantStatus(t, eddie.postForm("/articles/"+id+"/edit", url.Values{"article_seen": {again}, "title": {"Budget speech to MPs"}}), http.StatusSeeOther)
}

// TestPublishedArticleDetailsAreEditorsToChange: once a claim of an
// article is published, its public check shows the article's headline and
// links to its address, so a reviewer can no longer change them (403, what
// they typed still in the form, nothing stored), as only editors publish;
// an editor still can.
func TestPublishedArticleDetailsAreEditorsToChange(t *testing.T) {
	env := newTestEnv(t)
	rita, _ := env.signedIn("rita@newsroom.example", domain.RoleReviewer)
	eddie, _ := env.signedIn("eddie@newsroom.example", domain.RoleEditor)
	env.queuedClaims(1, "unemployment fell by 3% last year")
	claim := env.takeAndComplete(rita)
	wantStatus(t, rita.postForm("/claims/"+itoa(claim)+"/submit", url.Values{"version": {env.verdictVersion(claim)}}), http.StatusSeeOther)
	wantStatus(t, eddie.postForm("/claims/"+itoa(claim)+"/approve", url.Values{"version": {env.verdictVersion(claim)}}), http.StatusSeeOther)
	article := itoa(int64(env.count(`SELECT article_id FROM claims WHERE id = ?`, claim)))

	res := rita.postForm("/articles/"+article+"/edit", url.Values{"title": {"Jobs figures"}, "url": {"https://elsewhere.example/login"}})
	wantStatus(t, res, http.StatusForbidden)
	if msg := res.TestID(t, "error-message"); !strings.Contains(msg, "only an editor") {
		t.Errorf("the refusal says %q", msg)
	}
	if got, _ := res.Doc(t).Find(`[data-testid="edit-article-form"] input[name="url"]`).Attr("value"); got != "https://elsewhere.example/login" {
		t.Errorf("the address typed came back as %q", got)
	}
	if n := env.count(`SELECT count(*) FROM articles WHERE url IS NOT NULL AND url != ''`); n != 0 {
		t.Fatal("a reviewer changed a published article's address")
	}
	wantStatus(t, eddie.postForm("/articles/"+article+"/edit", url.Values{"title": {"Jobs figures"}, "url": {"https://ledger.example/jobs"}}), http.StatusSeeOther)
	if n := env.count(`SELECT count(*) FROM articles WHERE url = 'https://ledger.example/jobs'`); n != 1 {
		t.Error("an editor could not change a published article's address")
	}
}

// TestArticleEditNamesEveryProblemAtOnce: the "Edit details" form says what
// is wrong with every field in one answer (an emptied headline, a date out
// of range, an author too long, an address that is not one), each beside
// its field, with everything typed still there, rather than one problem per
// try; the stored details are unchanged.
func TestArticleEditNamesEveryProblemAtOnce(t *testing.T) {
	env := articleEnv(t)
	rita, _ := env.signedIn("rita@newsroom.example", domain.RoleReviewer)
	id := articleIDFrom(t, rita.postForm("/articles", url.Values{"body": {testReport}, "title": {"Budget speech"}}))
	typed := url.Values{"title": {"  "}, "outlet": {"The Ledger"}, "author": {strings.Repeat("a", domain.MaxAuthorLength+1)},
		"url": {"ledger.example/budget"}, "published": {"1850-03-01"}}
	res := rita.postForm("/articles/"+id+"/edit", typed)
	wantStatus(t, res, http.StatusUnprocessableEntity)
	form := res.Doc(t).Find(`[data-testid="edit-article-form"]`)
	for _, field := range []string{"title", "author", "url", "published"} {
		if msg := strings.TrimSpace(form.Find(`[data-testid="error-` + field + `"]`).Text()); msg == "" {
			t.Errorf("no message beside %s", field)
		}
	}
	for _, field := range []string{"outlet", "author", "url", "published"} {
		if got, _ := form.Find(`[name="` + field + `"]`).Attr("value"); got != typed.Get(field) {
			t.Errorf("%s came back as %q, want %q", field, got, typed.Get(field))
		}
	}
	if n := env.count(`SELECT count(*) FROM articles WHERE title = 'Budget speech'`); n != 1 {
		t.Error("the stored headline changed")
	}
}
