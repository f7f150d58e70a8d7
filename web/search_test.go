package web

import (
	"context"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/chromedp/chromedp"

	"claimtrail/domain"
	"claimtrail/web/browsertest"
)

func searchEnv(t *testing.T) (*testEnv, int64) {
	env := newTestEnv(t)
	id := env.queuedClaims(1, "the Tories left a £22 billion black hole in the public finances")[0]
	env.queuedClaims(1, "bus fares rose by 12% in Bristol")
	if _, err := env.db.ImportChecks(domain.WithActor(context.Background(), domain.SystemActor), []domain.ImportedCheck{{
		URL: "https://checks.example/hole", Claim: "Labour says there is a £22bn black hole in the finances.", Publisher: "Example Checks", Rating: "Misleading"}}); err != nil {
		t.Fatal(err)
	}
	env.searchIndexed()
	return env, id
}

func TestSearchFindsFiguresAnyWayPhrasesAndPrefixes(t *testing.T) {
	env, id := searchEnv(t)
	rita, _ := env.signedIn("rita@newsroom.example", domain.RoleReviewer)
	for _, c := range []struct {
		q, kind string
		want    int
	}{
		{"22 billion pounds", "", 3}, {"£22bn", "claim", 1}, {`"black hole"`, "imported", 1}, {`"hole black"`, "", 0},
		{"financ*", "", 3}, {"financ*", "article", 1}, {"bristol fares", "", 2}, {"bristol fares", "claim", 1}, {"unheard-of words", "", 0},
	} {
		doc := rita.get("/search?" + url.Values{"q": {c.q}, "kind": {c.kind}}.Encode()).Doc(t)
		if n := doc.Find(`[data-testid="search-result"]`).Length(); n != c.want {
			t.Errorf("%q in %q: %d results, want %d", c.q, c.kind, n, c.want)
		}
	}
	doc := rita.get("/search?q=" + url.QueryEscape("£22bn")).Doc(t)
	if href := doc.Find(`[data-testid="search-result"][data-kind="claim"] a`).AttrOr("href", ""); href != "/claims/"+itoa(id) {
		t.Errorf("claim result links to %q", href)
	}
	if mark := doc.Find(`[data-testid="search-result"][data-kind="claim"] mark`).First().Text(); mark != "£22 billion" {
		t.Errorf("highlighted %q", mark)
	}

	api, _ := env.apiUser("script@newsroom.example", domain.RoleReviewer)
	res := api.get("/api/v1/search?q=" + url.QueryEscape(`"black hole"`) + "&limit=5")
	wantStatus(t, res, http.StatusOK)
	got := decode[struct {
		Results []struct {
			Kind, Text, Snippet string
			Score               float64
		} `json:"results"`
	}](t, res)
	if len(got.Results) != 3 || !strings.Contains(got.Results[0].Snippet, "[black hole]") && !strings.Contains(got.Results[0].Snippet, "[black] [hole]") {
		t.Errorf("API search: %+v", got.Results)
	}
	for _, limit := range []string{"0", "51", "x", "-3"} {
		if res := api.get("/api/v1/search?q=hole&limit=" + limit); res.StatusCode != http.StatusBadRequest && res.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("limit %s: status %d", limit, res.StatusCode)
		}
	}
}

// Whatever is typed into the search box, the answer is a page or a JSON
// answer, never a server error.
func TestSearchNeverAServerError(t *testing.T) {
	env, _ := searchEnv(t)
	rita, _ := env.signedIn("rita@newsroom.example", domain.RoleReviewer)
	api, _ := env.apiUser("script@newsroom.example", domain.RoleReviewer)
	pieces := []string{`"`, `*`, `“`, "NEAR", "OR", "AND", "NOT", "(", ")", "^", "-", "£", "%", "22bn", "black", "hole", "\x00", "\xff",
		"é", "🙂", "'", ";", "--", "/*", "select", strings.Repeat("w", 300), "1e309", "NaN", " ", "\t", "*b"}
	r := rand.New(rand.NewPCG(7, 7))
	for i := 0; i < 200; i++ {
		var q strings.Builder
		for range 1 + r.IntN(8) {
			q.WriteString(pieces[r.IntN(len(pieces))])
			if r.IntN(2) == 0 {
				q.WriteString(" ")
			}
		}
		qs := url.Values{"q": {q.String()}, "kind": {[]string{"", "claim", "imported", "article"}[i%4]}, "state": {[]string{"", "approved", "queued"}[i%3]}}.Encode()
		if res := rita.get("/search?" + qs); res.StatusCode != http.StatusOK {
			t.Fatalf("page for %q: status %d", q.String(), res.StatusCode)
		}
		if res := api.get("/api/v1/search?" + qs); res.StatusCode != http.StatusOK {
			t.Fatalf("API for %q: status %d", q.String(), res.StatusCode)
		}
	}
}

// The search box is in the navigation on every page.
func TestBrowserSearchFromTheNavigation(t *testing.T) {
	env, id := searchEnv(t)
	env.createUser("rita@newsroom.example", domain.RoleReviewer)
	b := &browser{t: t, ctx: browsertest.New(t), env: env}
	b.signIn("rita@newsroom.example")
	b.do("search for a figure written another way",
		chromedp.Navigate(env.srv.URL+"/queue"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="nav-q"]`)),
		chromedp.SendKeys(chromedp.CSS(`[data-testid="nav-q"]`), "22 billion pounds\n"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="search-results"]`)),
	)
	if n := b.eval(`String(document.querySelectorAll('[data-testid="search-result"]').length)`); n != "3" {
		t.Errorf("%s results, want our claim, its article and the imported check", n)
	}
	if m := b.eval(`document.querySelector('[data-testid="search-result"] mark').innerText`); m == "" {
		t.Error("nothing highlighted")
	}
	browsertest.Screenshot(t, b.ctx, "search")
	b.do("open our claim", chromedp.Click(chromedp.CSS(`[data-testid="search-result"][data-kind="claim"] a`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="nav"]`)))
	if loc := b.eval(`location.pathname`); loc != "/claims/"+itoa(id) {
		t.Errorf("at %s, want /claims/%d", loc, id)
	}
}

// TestSearchResultMetaHasNoStraySeparator: a result whose first detail is
// missing (an article has no state) does not start its line with "·", and
// every separator stands between two details.
func TestSearchResultMetaHasNoStraySeparator(t *testing.T) {
	env, _ := searchEnv(t)
	rita, _ := env.signedIn("rita@newsroom.example", domain.RoleReviewer)
	doc := rita.get("/search?q=" + url.QueryEscape("financ*")).Doc(t)
	n := 0
	doc.Find(`[data-testid="search-result"] p.small`).Each(func(_ int, s *goquery.Selection) {
		n++
		meta := strings.Join(strings.Fields(s.Text()), " ")
		if strings.HasPrefix(meta, "·") || strings.HasSuffix(meta, "·") || strings.Contains(meta, "· ·") {
			t.Errorf("result details %q", meta)
		}
	})
	if n < 2 {
		t.Errorf("%d results with details, want the claim, the article and the check", n)
	}
}
