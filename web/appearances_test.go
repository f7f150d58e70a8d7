package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"claimtrail/domain"
)

// approvedThroughBrowser takes the queued claim, completes, submits and
// approves it; it returns the claim's id.
func (e *testEnv) approvedThroughBrowser(rita, eddie *client) int64 {
	e.t.Helper()
	id := e.takeAndComplete(rita)
	wantStatus(e.t, rita.postForm("/claims/"+itoa(id)+"/submit", url.Values{"version": {e.verdictVersion(id)}}), http.StatusSeeOther)
	wantStatus(e.t, eddie.postForm("/claims/"+itoa(id)+"/approve", url.Values{"version": {e.verdictVersion(id)}}), http.StatusSeeOther)
	return id
}

// returningArticle is a later article repeating the checked claim, in a
// sentence of its own, and saying something else.
const returningArticle = "The minister was on the radio again this morning.\n\nUnemployment fell by 3%.\n\nThe new bridge will open in the spring, the council said."

func TestAppearancesFromArticleToPublishedCheck(t *testing.T) {
	env := newTestEnv(t)
	setPublisher(t, env.db)
	env.queuedClaims(1, "unemployment fell by 3%")
	rita, _ := env.signedIn("rita@newsroom.example", domain.RoleReviewer)
	eddie, _ := env.signedIn("eddie@newsroom.example", domain.RoleEditor)
	checked := env.approvedThroughBrowser(rita, eddie)

	// The claim comes back in a new article: recorded at once.
	res := rita.postForm("/articles", url.Values{"title": {"Radio round"}, "outlet": {"The Evening Post"}, "url": {"https://post.example/radio"},
		"published": {"2026-11-30"}, "body": {returningArticle}})
	article := articleIDFrom(t, res)
	page := rita.get("/articles/" + article)
	wantStatus(t, page, http.StatusOK)
	if got := page.TestID(t, "recorded-appearance"); !strings.Contains(got, "claim "+itoa(checked)) {
		t.Fatalf("article page does not say the candidate was recorded: %q", got)
	}
	if page.Doc(t).Find(`[data-testid="appearance-offer"]`).Length() != 1 {
		t.Errorf("the returning candidate is not offered as a new appearance")
	}

	claim := rita.get("/claims/" + itoa(checked))
	doc := claim.Doc(t)
	rows := doc.Find(`[data-testid="appearance"]`)
	if rows.Length() != 1 || !strings.Contains(rows.Find(`[data-testid="appearance-article"]`).Text(), "Radio round") ||
		!strings.Contains(rows.Find(`[data-testid="appearance-outlet"]`).Text(), "The Evening Post") ||
		strings.TrimSpace(rows.Find(`[data-testid="appearance-date"]`).Text()) != "30 Nov 2026" {
		t.Fatalf("claim page appearances: %q", rows.Text())
	}
	aid, _ := rows.Attr("data-appearance-id")
	if doc.Find(`[data-testid="apply-verdict"]`).Length() != 0 {
		t.Error("a reviewer is offered to apply the verdict")
	}
	base := "/claims/" + itoa(checked) + "/appearances/"
	wantStatus(t, rita.postForm(base+aid+"/apply", nil), http.StatusForbidden)

	// The queue and the returning list see it.
	if got := rita.get("/queue?state=approved").TestID(t, "queue-seen"); got != "Seen once more, last 30 Nov 2026" {
		t.Errorf("queue says %q", got)
	}
	since := "2026-11-29"
	ret := rita.get("/returning?since=" + since)
	wantStatus(t, ret, http.StatusOK)
	if got := ret.TestID(t, "returning-claim"); !strings.Contains(got, "unemployment fell by 3%") || !strings.Contains(got, "Radio round") || !strings.Contains(got, "The Evening Post") {
		t.Errorf("returning list: %q", got)
	}
	if link, _ := ret.Doc(t).Find(`[data-testid="returning-article"]`).Attr("href"); link != "https://post.example/radio" {
		t.Errorf("returning list links the article to %q", link)
	}

	// The editor applies the verdict, keeping a comment typed elsewhere.
	if eddie.get("/claims/"+itoa(checked)).Doc(t).Find(`[data-testid="apply-verdict"]`).Length() != 1 {
		t.Fatal("the editor is not offered to apply the verdict")
	}
	applied := eddie.postForm(base+aid+"/apply", url.Values{"body": {"Worth a note to the radio desk."}})
	wantStatus(t, applied, http.StatusSeeOther)
	after := eddie.get("/claims/" + itoa(checked))
	if after.TestID(t, "appearance-applied") == "" {
		t.Error("the appearance does not show the verdict applied")
	}
	if got := after.Doc(t).Find(`#comment-body, textarea[name="body"]`).Text(); !strings.Contains(got, "radio desk") {
		t.Errorf("the comment typed before applying is lost: %q", got)
	}
	wantStatus(t, eddie.postForm(base+aid+"/apply", nil), http.StatusConflict)

	// The public check lists the appearance in its ClaimReview and the feed.
	public := env.newClient().get("/checks/" + itoa(checked))
	wantStatus(t, public, http.StatusOK)
	var cr struct {
		ItemReviewed struct {
			Appearance []struct {
				URL, Headline, DatePublished string
			} `json:"appearance"`
		} `json:"itemReviewed"`
	}
	if err := json.Unmarshal([]byte(public.Doc(t).Find(`script[type="application/ld+json"]`).Text()), &cr); err != nil {
		t.Fatal(err)
	}
	if n := len(cr.ItemReviewed.Appearance); n != 2 || cr.ItemReviewed.Appearance[1].URL != "https://post.example/radio" || cr.ItemReviewed.Appearance[1].DatePublished != "2026-11-30" {
		t.Errorf("ClaimReview appearances: %+v", cr.ItemReviewed.Appearance)
	}
	if got := public.TestID(t, "check-later-appearance"); !strings.Contains(got, "Radio round") || !strings.Contains(got, "The Evening Post, 30 Nov 2026") {
		t.Errorf("the public page lists the later appearance as %q", got)
	}
	feed := env.newClient().get("/checks/feed.jsonld")
	wantStatus(t, feed, http.StatusOK)
	if !strings.Contains(feed.Body, "https://post.example/radio") {
		t.Errorf("the feed does not list the appearance: %s", snippet(feed.Body))
	}

	// Undone by the editor: gone from the page and the published check.
	wantStatus(t, rita.postForm(base+aid+"/undo", nil), http.StatusForbidden)
	wantStatus(t, eddie.postForm(base+aid+"/undo", nil), http.StatusSeeOther)
	if strings.Contains(env.newClient().get("/checks/"+itoa(checked)).Body, "post.example/radio") {
		t.Error("the undone appearance is still published")
	}
	wantStatus(t, eddie.postForm(base+"99999/undo", nil), http.StatusNotFound)
	wantStatus(t, eddie.postForm("/claims/99999/appearances/"+aid+"/apply", nil), http.StatusNotFound)
	wantStatus(t, eddie.postForm(base+"nope/undo", nil), http.StatusNotFound)
}

func TestAcceptOffersARecordedAppearanceWithoutLosingTheWording(t *testing.T) {
	env := newTestEnv(t)
	env.queuedClaims(1, "unemployment fell by 3%")
	rita, _ := env.signedIn("rita@newsroom.example", domain.RoleReviewer)
	eddie, _ := env.signedIn("eddie@newsroom.example", domain.RoleEditor)
	checked := env.approvedThroughBrowser(rita, eddie)
	article := articleIDFrom(t, rita.postForm("/articles", url.Values{"title": {"Radio round"}, "body": {returningArticle}}))
	page := rita.get("/articles/" + article)
	offer := page.Doc(t).Find(`[data-testid="appearance-offer"]`)
	row := offer.Closest(`[data-testid="claim-row"]`)
	cid, _ := row.Attr("data-claim-id")
	if offer.Length() != 1 || cid == "" {
		t.Fatalf("no offer on the article page")
	}
	version, _ := row.Find(`input[name="row-` + cid + `-version"]`).Attr("value")
	field := func(name string) string { return "row-" + cid + "-" + name }

	// A plain Accept is answered with the offer, the typed wording kept.
	res := rita.postForm("/claims/"+cid+"/accept", url.Values{field("version"): {version}, field("text"): {"My own wording"}})
	wantStatus(t, res, http.StatusConflict)
	if res.Doc(t).Find(`[data-testid="appearance-offer"]`).Length() != 1 || !strings.Contains(res.Body, "My own wording") {
		t.Errorf("plain accept: no offer or the wording is lost")
	}
	if c, _ := env.db.ClaimByID(t.Context(), mustID(t, cid)); c.State != domain.StateCandidate {
		t.Errorf("the offer changed the candidate: %s", c.State)
	}
	// An unknown check is a clear 422, not a 500.
	bad := rita.postForm("/claims/"+cid+"/accept", url.Values{field("version"): {version}, field("as"): {"appearance"}, field("check"): {"99999"}})
	wantStatus(t, bad, http.StatusUnprocessableEntity)

	res = rita.postForm("/claims/"+cid+"/accept", url.Values{field("version"): {version}, field("as"): {"appearance"}, field("check"): {itoa(checked)}})
	wantStatus(t, res, http.StatusSeeOther)
	c, err := env.db.ClaimByID(t.Context(), mustID(t, cid))
	if err != nil || c.State != domain.StateDismissed || c.DismissCode != domain.DismissDuplicate {
		t.Fatalf("recorded candidate: %+v, %v", c, err)
	}
	apps, err := env.db.ClaimAppearances(t.Context(), checked)
	if err != nil || len(apps) != 1 {
		t.Errorf("appearances: %+v, %v", apps, err)
	}
}

func TestReturningSinceIsCheckedTheSameInBrowserAndAPI(t *testing.T) {
	env := newTestEnv(t)
	c, _ := env.signedIn("rita@newsroom.example", domain.RoleReviewer)
	api, _ := env.apiUser("api@newsroom.example", domain.RoleReviewer)
	tomorrow := time.Now().UTC().AddDate(0, 0, 2).Format("2006-01-02")
	for _, since := range []string{"yesterday", "2026-13-01", "0001-01-01", tomorrow, "2026-12-01T00:00:00Z"} {
		page := c.get("/returning?since=" + url.QueryEscape(since))
		wantStatus(t, page, http.StatusUnprocessableEntity)
		msg := page.TestID(t, "error-since")
		res := api.get("/api/v1/returning?since=" + url.QueryEscape(since))
		fields := wantAPIError(t, res, http.StatusUnprocessableEntity, domain.EINVALID)
		if msg == "" || fields["since"] != msg {
			t.Errorf("since=%q: browser says %q, API %q", since, msg, fields["since"])
		}
		if !strings.Contains(page.Body, since) && since != "0001-01-01" {
			t.Errorf("since=%q: the page does not keep what was typed", since)
		}
	}
	ok := api.get("/api/v1/returning")
	wantStatus(t, ok, http.StatusOK)
	var body struct {
		Since  string            `json:"since"`
		Claims []json.RawMessage `json:"claims"`
	}
	if err := json.Unmarshal([]byte(ok.Body), &body); err != nil || body.Since != time.Now().UTC().AddDate(0, 0, -domain.ReturningSinceDays).Format("2006-01-02") || body.Claims == nil {
		t.Errorf("default since: %s, %v", ok.Body, err)
	}
}

func TestAppearancesThroughTheAPI(t *testing.T) {
	env := newTestEnv(t)
	env.queuedClaims(1, "unemployment fell by 3%")
	rita, _ := env.signedIn("rita@newsroom.example", domain.RoleReviewer)
	eddie, _ := env.signedIn("eddie@newsroom.example", domain.RoleEditor)
	checked := env.approvedThroughBrowser(rita, eddie)
	reviewer, _ := env.apiUser("bot@newsroom.example", domain.RoleReviewer)
	editor, _ := env.apiUser("desk@newsroom.example", domain.RoleEditor)

	res := reviewer.post("/api/v1/articles", map[string]any{"title": "Radio round", "outlet": "The Evening Post", "url": "https://post.example/radio",
		"published_at": "2026-11-30", "body": returningArticle})
	wantStatus(t, res, http.StatusCreated)
	var art struct {
		ID     int64 `json:"id"`
		Claims []struct {
			ID      int64 `json:"id"`
			Matches []struct {
				ID   int64  `json:"id"`
				Tier string `json:"tier"`
			} `json:"matches"`
		} `json:"claims"`
	}
	got := reviewer.get("/api/v1/articles/" + itoa(decode[struct {
		ID int64 `json:"id"`
	}](t, res).ID))
	if err := json.Unmarshal([]byte(got.Body), &art); err != nil {
		t.Fatal(err)
	}
	matched := false
	for _, c := range art.Claims {
		if len(c.Matches) > 0 && c.Matches[0].ID == checked && c.Matches[0].Tier == "same" {
			matched = true
		}
	}
	if !matched {
		t.Errorf("no claim of the article carries the match: %s", snippet(got.Body))
	}

	type detail struct {
		Appearances []struct {
			ID           int64   `json:"id"`
			ArticleTitle string  `json:"article_title"`
			URL          *string `json:"url"`
			Date         *string `json:"date"`
			Origin       string  `json:"origin"`
			Applied      bool    `json:"applied"`
		} `json:"appearances"`
		Matches []json.RawMessage `json:"matches"`
	}
	d := decode[detail](t, reviewer.get("/api/v1/claims/"+itoa(checked)))
	if len(d.Appearances) != 1 || d.Appearances[0].ArticleTitle != "Radio round" || d.Appearances[0].Date == nil || *d.Appearances[0].Date != "2026-11-30" ||
		d.Appearances[0].Origin != "matcher" || d.Appearances[0].Applied || d.Matches == nil {
		t.Fatalf("claim detail: %+v", d)
	}
	aid := itoa(d.Appearances[0].ID)
	base := "/api/v1/claims/" + itoa(checked) + "/appearances/"
	wantAPIError(t, reviewer.post(base+aid+"/apply", nil), http.StatusForbidden, domain.EFORBIDDEN)
	wantAPIError(t, editor.post(base+"99999/apply", nil), http.StatusNotFound, domain.ENOTFOUND)
	wantAPIError(t, editor.post("/api/v1/claims/99999/appearances/"+aid+"/apply", nil), http.StatusNotFound, domain.ENOTFOUND)
	ok := editor.post(base+aid+"/apply", nil)
	wantStatus(t, ok, http.StatusOK)
	if a := decode[detail](t, ok); len(a.Appearances) != 1 || !a.Appearances[0].Applied {
		t.Errorf("after applying: %s", ok.Body)
	}
	wantAPIError(t, editor.post(base+aid+"/apply", nil), http.StatusConflict, domain.ECONFLICT)

	ret := reviewer.get("/api/v1/returning?since=2026-11-01")
	wantStatus(t, ret, http.StatusOK)
	var list struct {
		Claims []struct {
			ID          int64   `json:"id"`
			Rating      *string `json:"rating"`
			Appearances []struct {
				URL      *string `json:"url"`
				Outlet   string  `json:"outlet"`
				Claimant *string `json:"claimant"`
			} `json:"appearances"`
		} `json:"claims"`
	}
	if err := json.Unmarshal([]byte(ret.Body), &list); err != nil || len(list.Claims) != 1 || list.Claims[0].ID != checked ||
		list.Claims[0].Rating == nil || len(list.Claims[0].Appearances) != 1 || list.Claims[0].Appearances[0].Outlet != "The Evening Post" {
		t.Errorf("returning: %s, %v", ret.Body, err)
	}

	wantAPIError(t, reviewer.post(base+aid+"/undo", map[string]any{"reason": "Not the same"}), http.StatusForbidden, domain.EFORBIDDEN)
	undone := editor.post(base+aid+"/undo", map[string]any{"reason": "A different year."})
	wantStatus(t, undone, http.StatusOK)
	if a := decode[detail](t, undone); len(a.Appearances) != 0 {
		t.Errorf("after undoing: %s", undone.Body)
	}
	wantAPIError(t, reviewer.post("/api/v1/claims/99999/appearance-of", map[string]any{"check_id": checked}), http.StatusNotFound, domain.ENOTFOUND)
	wantAPIError(t, reviewer.post("/api/v1/claims/"+itoa(checked)+"/appearance-of", map[string]any{"check_id": "x"}), http.StatusBadRequest, "bad_request")
}
