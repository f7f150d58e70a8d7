package web

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"claimtrail/domain"
	"claimtrail/domain/extract"
)

// saveEagerModel stores a newsroom model that scores every sentence near 1,
// so what it scored is told apart from the base model's work.
func saveEagerModel(t *testing.T, env *testEnv) int64 {
	t.Helper()
	var file bytes.Buffer
	if err := extract.WriteModel(&file, &extract.Model{Weights: make([]float32, extract.NumSlots), Bias: 8, Threshold: 0.5}); err != nil {
		t.Fatal(err)
	}
	m := &domain.ScorerModel{Threshold: 0.5}
	if err := env.db.SaveScorerModel(context.Background(), m, file.Bytes()); err != nil {
		t.Fatal(err)
	}
	return m.Version
}

func TestNewArticlesAreScoredByTheModelInUse(t *testing.T) {
	env := newTestEnv(t)
	c, _ := env.signedIn("rita@newsroom.example", domain.RoleReviewer)
	api, _ := env.apiUser("api@newsroom.example", domain.RoleReviewer)
	const body = "Good evening and welcome to the Harbour debate tonight, everyone in the hall."

	// Before any newsroom model: the base model, named on the page.
	id := articleIDFrom(t, c.postForm("/articles", url.Values{"body": {body}, "title": {"Before"}}))
	page := c.get("/articles/" + id)
	if got := page.TestID(t, "article-scorer"); got != "the base claim scorer" {
		t.Errorf("scorer before adapting: %q", got)
	}

	v := saveEagerModel(t, env)
	id = articleIDFrom(t, c.postForm("/articles", url.Values{"body": {body + " Again."}, "title": {"After"}}))
	page = c.get("/articles/" + id)
	if got := page.TestID(t, "article-scorer"); got != "the newsroom's claim scorer, version "+itoa(v) {
		t.Errorf("scorer after adapting: %q", got)
	}
	claims, err := env.db.ArticleClaims(context.Background(), mustID(t, id))
	if err != nil || len(claims) == 0 || claims[0].Score < 0.99 {
		t.Fatalf("claims scored by the newsroom model: %+v %v", claims, err)
	}

	// A passage added by hand is scored by it too.
	res := c.postForm("/articles/"+id+"/claims", url.Values{"quote": {"Good evening and welcome"}})
	wantStatus(t, res, http.StatusSeeOther)
	claims, _ = env.db.ArticleClaims(context.Background(), mustID(t, id))
	manual := 0
	for _, cl := range claims {
		if cl.Manual {
			manual++
			if cl.Score < 0.99 {
				t.Errorf("claim added by hand scored %.3f, not by the newsroom model", cl.Score)
			}
		}
	}
	if manual != 1 {
		t.Errorf("%d claims added by hand, want 1", manual)
	}

	res = api.post("/api/v1/articles", map[string]string{"title": "By API", "body": body + " Once more."})
	wantStatus(t, res, http.StatusCreated)
	a := decode[struct {
		ScorerVersion int64 `json:"scorer_version"`
		Claims        []struct {
			Score float64 `json:"score"`
		} `json:"claims"`
	}](t, res)
	if a.ScorerVersion != v || len(a.Claims) == 0 || a.Claims[0].Score < 0.99 {
		t.Errorf("API article: %+v", a)
	}

	// Rolled back: new articles are the base model's again.
	if err := env.db.UseScorerModel(context.Background(), 0); err != nil {
		t.Fatal(err)
	}
	id = articleIDFrom(t, c.postForm("/articles", url.Values{"body": {strings.ToUpper(body)}, "title": {"Rolled back"}}))
	if got := c.get("/articles/"+id).TestID(t, "article-scorer"); got != "the base claim scorer" {
		t.Errorf("scorer after rollback: %q", got)
	}
}
