package web

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"claimtrail/domain"
)

type apiClaimDetailResponse struct {
	ID       int64  `json:"id"`
	State    string `json:"state"`
	Assignee *int64 `json:"assignee_id"`
	Verdict  *struct {
		Rating     *string `json:"rating"`
		Conclusion string  `json:"conclusion"`
		Version    int64   `json:"version"`
		Sources    []struct {
			Title    string `json:"title"`
			Position int    `json:"position"`
		} `json:"sources"`
	} `json:"verdict"`
	Comments []struct {
		Kind string `json:"kind"`
		Body string `json:"body"`
	} `json:"comments"`
}

func verdictBody(version int64, sources ...string) map[string]any {
	list := []map[string]string{}
	for _, title := range sources {
		list = append(list, map[string]string{"url": "https://stats.example/" + title, "title": title, "publisher": "Harbour Statistics Office",
			"published_at": "2026-01-15", "type": "official_statistics", "quote": "Unemployment: 4.2%"})
	}
	return map[string]any{"rating": "mostly true", "conclusion": "The rate did fall, to 4.2%.",
		"explanation": "The statistics office's annual table shows 4.2% for last year, against 5.1%.", "sources": list, "version": version}
}

// TestAPIHappyPath runs a claim from article to approval through the API
// only, then checks the history names each step's person and token.
func TestAPIHappyPath(t *testing.T) {
	env := newTestEnv(t)
	rita, _ := env.apiUser("rita@newsroom.example", domain.RoleReviewer)
	ed, _ := env.apiUser("ed@newsroom.example", domain.RoleEditor)

	a := postArticle(t, rita, "https://gazette.example/jobs")
	id := a.Claims[0].ID
	wantStatus(t, rita.post("/api/v1/claims/"+itoa(id)+"/accept", nil), http.StatusOK)

	res := rita.post("/api/v1/queue/next", nil)
	wantStatus(t, res, http.StatusOK)
	c := decode[apiClaimDetailResponse](t, res)
	if c.ID != id || c.State != "in_review" || c.Verdict == nil {
		t.Fatalf("taken: %+v", c)
	}

	res = rita.put("/api/v1/claims/"+itoa(id)+"/verdict", verdictBody(c.Verdict.Version, "annual table", "press release"))
	wantStatus(t, res, http.StatusOK)
	c = decode[apiClaimDetailResponse](t, res)
	if v := c.Verdict; v.Rating == nil || *v.Rating != "Mostly true" || len(v.Sources) != 2 || v.Sources[1].Title != "press release" || v.Sources[1].Position != 2 {
		t.Fatalf("verdict after PUT: %+v", c.Verdict)
	}

	res = rita.post("/api/v1/claims/"+itoa(id)+"/submit", map[string]int64{"version": c.Verdict.Version})
	wantStatus(t, res, http.StatusOK)
	if got := decode[apiClaimDetailResponse](t, res); got.State != "submitted" {
		t.Fatalf("after submit: %s", got.State)
	}

	res = ed.post("/api/v1/claims/"+itoa(id)+"/approve", nil)
	wantStatus(t, res, http.StatusOK)
	if got := decode[apiClaimDetailResponse](t, res); got.State != "approved" {
		t.Fatalf("after approve: %s", got.State)
	}

	// GET shows the final claim; the list and the CSV include it.
	if got := decode[apiClaimDetailResponse](t, rita.get("/api/v1/claims/"+itoa(id))); got.State != "approved" || len(got.Verdict.Sources) != 2 {
		t.Errorf("GET claim: %+v", got)
	}
	list := decode[struct {
		Claims []struct {
			ID int64 `json:"id"`
		} `json:"claims"`
	}](t, rita.get("/api/v1/claims?state=approved"))
	if len(list.Claims) != 1 || list.Claims[0].ID != id {
		t.Errorf("approved list: %+v", list)
	}
	if csv := rita.get("/api/v1/export.csv"); !strings.Contains(csv.Body, "The rate did fall, to 4.2%.") {
		t.Errorf("export lacks the approved verdict:\n%s", csv.Body)
	}

	res = rita.get("/api/v1/claims/" + itoa(id) + "/history")
	wantStatus(t, res, http.StatusOK)
	h := decode[apiHistoryResponse](t, res)
	var steps []string
	for _, e := range h.Events {
		steps = append(steps, e.Action+" "+e.Actor+" ("+e.TokenName+")")
	}
	want := []string{
		"claim.created rita@newsroom.example (rita script)",
		"claim.accepted rita@newsroom.example (rita script)",
		"claim.taken rita@newsroom.example (rita script)",
		"verdict.saved rita@newsroom.example (rita script)",
		"claim.submitted rita@newsroom.example (rita script)",
		"claim.approved ed@newsroom.example (ed script)",
	}
	if strings.Join(steps, "\n") != strings.Join(want, "\n") {
		t.Errorf("history:\n%s\nwant:\n%s", strings.Join(steps, "\n"), strings.Join(want, "\n"))
	}
}

// inReview makes a claim, accepts it and lets taker take it; it returns the
// claim id and the verdict version.
func inReview(t *testing.T, creator, taker *apiClient, url string) (int64, int64) {
	t.Helper()
	a := postArticle(t, creator, url)
	id := a.Claims[0].ID
	wantStatus(t, creator.post("/api/v1/claims/"+itoa(id)+"/accept", nil), http.StatusOK)
	c := decode[apiClaimDetailResponse](t, taker.post("/api/v1/queue/next", nil))
	if c.ID != id {
		t.Fatalf("took %d, want %d", c.ID, id)
	}
	return id, c.Verdict.Version
}

func submitted(t *testing.T, author *apiClient, id, version int64) {
	t.Helper()
	res := author.put("/api/v1/claims/"+itoa(id)+"/verdict", verdictBody(version, "annual table"))
	wantStatus(t, res, http.StatusOK)
	wantStatus(t, author.post("/api/v1/claims/"+itoa(id)+"/submit", nil), http.StatusOK)
}

func TestAPIRolesFourEyesAndStateMachine(t *testing.T) {
	env := newTestEnv(t)
	admin, _ := env.signedIn("admin@newsroom.example", domain.RoleAdmin)
	rita, ritaUser := env.apiUser("rita@newsroom.example", domain.RoleReviewer)
	otto, _ := env.apiUser("otto@newsroom.example", domain.RoleReviewer)
	ed, _ := env.apiUser("ed@newsroom.example", domain.RoleEditor)
	eve, _ := env.apiUser("eve@newsroom.example", domain.RoleEditor)

	// Queue empty: 204 with no body.
	res := rita.post("/api/v1/queue/next", nil)
	wantStatus(t, res, http.StatusNoContent)
	if res.Body != "" {
		t.Errorf("204 with a body: %q", res.Body)
	}

	id, version := inReview(t, rita, rita, "https://gazette.example/a")

	// Another reviewer may not write Rita's verdict (the browser's rule).
	wantAPIError(t, otto.put("/api/v1/claims/"+itoa(id)+"/verdict", verdictBody(version, "x")), http.StatusForbidden, domain.EFORBIDDEN)
	// A stale version is refused, and changes nothing.
	wantStatus(t, rita.put("/api/v1/claims/"+itoa(id)+"/verdict", verdictBody(version, "first")), http.StatusOK)
	res = rita.put("/api/v1/claims/"+itoa(id)+"/verdict", verdictBody(version, "stale"))
	wantAPIError(t, res, http.StatusConflict, domain.ECONFLICT)
	if !strings.Contains(res.Body, "is at version "+strconv.FormatInt(version+1, 10)+" now") || !strings.Contains(res.Body, "GET the claim") {
		t.Errorf("stale PUT message speaks to a browser: %s", res.Body)
	}
	if got := decode[apiClaimDetailResponse](t, rita.get("/api/v1/claims/"+itoa(id))); got.Verdict.Sources[0].Title != "first" {
		t.Errorf("stale PUT changed the verdict: %+v", got.Verdict)
	}
	// Approving a claim still in review breaks the state machine.
	wantAPIError(t, ed.post("/api/v1/claims/"+itoa(id)+"/approve", nil), http.StatusConflict, domain.ECONFLICT)
	wantStatus(t, rita.post("/api/v1/claims/"+itoa(id)+"/submit", nil), http.StatusOK)

	// A reviewer's token may not approve: the role check, as in the browser.
	wantAPIError(t, otto.post("/api/v1/claims/"+itoa(id)+"/approve", nil), http.StatusForbidden, domain.EFORBIDDEN)
	wantAPIError(t, otto.post("/api/v1/claims/"+itoa(id)+"/return", map[string]string{"comment": "x"}), http.StatusForbidden, domain.EFORBIDDEN)

	// Four eyes: Rita wrote it; promoted to editor, she still may not approve it.
	wantStatus(t, admin.postForm("/admin/users/"+itoa(ritaUser.ID)+"/role", url.Values{"role": {"editor"}}), http.StatusSeeOther)
	wantAPIError(t, rita.post("/api/v1/claims/"+itoa(id)+"/approve", nil), http.StatusForbidden, domain.EFORBIDDEN)

	// Returning needs a comment (422), then sends it back with the comment.
	fields := wantAPIError(t, ed.post("/api/v1/claims/"+itoa(id)+"/return", map[string]string{}), http.StatusUnprocessableEntity, domain.EINVALID)
	if fields["comment"] == "" {
		t.Errorf("fields %v", fields)
	}
	res = ed.post("/api/v1/claims/"+itoa(id)+"/return", map[string]string{"comment": "Add the 2023 figure's source."})
	wantStatus(t, res, http.StatusOK)
	if got := decode[apiClaimDetailResponse](t, res); got.State != "in_review" {
		t.Errorf("return answered %+v", got)
	}
	// A change answers with the claim and verdict; the thread is on the claim.
	if got := decode[apiClaimDetailResponse](t, ed.get("/api/v1/claims/"+itoa(id))); got.State != "in_review" || len(got.Comments) != 1 || got.Comments[0].Kind != "returned" {
		t.Errorf("after return: %+v", got)
	}

	// An editor who took a claim may not approve it either.
	id2, v2 := inReview(t, otto, ed, "https://gazette.example/b")
	submitted(t, ed, id2, v2)
	wantAPIError(t, ed.post("/api/v1/claims/"+itoa(id2)+"/approve", nil), http.StatusForbidden, domain.EFORBIDDEN)
	wantStatus(t, eve.post("/api/v1/claims/"+itoa(id2)+"/approve", nil), http.StatusOK)
	// Approved once: approving again is a conflict.
	wantAPIError(t, eve.post("/api/v1/claims/"+itoa(id2)+"/approve", nil), http.StatusConflict, domain.ECONFLICT)

	// A queued claim, never taken, cannot be approved or submitted.
	a := postArticle(t, otto, "https://gazette.example/c")
	queued := a.Claims[0].ID
	wantStatus(t, otto.post("/api/v1/claims/"+itoa(queued)+"/accept", nil), http.StatusOK)
	wantAPIError(t, eve.post("/api/v1/claims/"+itoa(queued)+"/approve", nil), http.StatusConflict, domain.ECONFLICT)
	wantAPIError(t, otto.post("/api/v1/claims/"+itoa(queued)+"/submit", nil), http.StatusConflict, domain.ECONFLICT)
	wantAPIError(t, eve.post("/api/v1/claims/99999/approve", nil), http.StatusNotFound, domain.ENOTFOUND)
}

func TestAPIVerdictValidation(t *testing.T) {
	env := newTestEnv(t)
	rita, _ := env.apiUser("rita@newsroom.example", domain.RoleReviewer)
	id, version := inReview(t, rita, rita, "")
	path := "/api/v1/claims/" + itoa(id) + "/verdict"

	body := verdictBody(version, "ok", "bad")
	body["rating"] = "Pants on fire"
	srcs := body["sources"].([]map[string]string)
	srcs[1]["url"] = "javascript:alert(1)"
	srcs[1]["type"] = "rumour"
	srcs[0]["title"] = ""
	// The request's shape is checked first (a required title); after that,
	// everything at fault is named at once: the rating's name, dates that
	// cannot be read and the domain's rules for the text and each source.
	fields := wantAPIError(t, rita.put(path, body), http.StatusUnprocessableEntity, domain.EINVALID)
	if fields["sources[0].title"] == "" {
		t.Errorf("no message for the first source's title: %v", fields)
	}
	srcs[0]["title"] = "ok"
	srcs[0]["published_at"] = "2026-02-30"
	body["conclusion"] = "One line\nand another"
	fields = wantAPIError(t, rita.put(path, body), http.StatusUnprocessableEntity, domain.EINVALID)
	if !strings.Contains(fields["rating"], "Mostly true") {
		t.Errorf("the rating's message does not list the ratings: %v", fields)
	}
	for _, f := range []string{"sources[0].published_at", "sources[1].url", "sources[1].type", "conclusion"} {
		if fields[f] == "" {
			t.Errorf("no message for %s in the same answer: %v", f, fields)
		}
	}
	srcs[0]["published_at"] = ""
	body["conclusion"] = "One line"
	body["rating"] = "True"
	fields = wantAPIError(t, rita.put(path, body), http.StatusUnprocessableEntity, domain.EINVALID)
	if fields["sources[1].url"] == "" || fields["sources[1].type"] == "" {
		t.Errorf("no messages for the second source: %v", fields)
	}
	// No version: 422 naming it. Submitting an empty draft: 422 naming what is missing.
	delete(body, "version")
	if fields := wantAPIError(t, rita.put(path, body), http.StatusUnprocessableEntity, domain.EINVALID); fields["version"] == "" {
		t.Errorf("fields %v", fields)
	}
	fields = wantAPIError(t, rita.post("/api/v1/claims/"+itoa(id)+"/submit", nil), http.StatusUnprocessableEntity, domain.EINVALID)
	if fields["rating"] == "" || fields["sources"] == "" {
		t.Errorf("submit fields %v", fields)
	}
	// Nothing was saved by the refused requests.
	v, err := env.db.VerdictByClaim(context.Background(), id)
	if err != nil || v.Version != version || len(v.Sources) != 0 {
		t.Errorf("verdict changed: %+v %v", v, err)
	}
}

func TestAPIListClaimsPages(t *testing.T) {
	env := newTestEnv(t)
	rita, _ := env.apiUser("rita@newsroom.example", domain.RoleReviewer)
	a := postArticle(t, rita, "")
	for _, c := range a.Claims[:3] {
		wantStatus(t, rita.post("/api/v1/claims/"+itoa(c.ID)+"/accept", nil), http.StatusOK)
	}
	type page struct {
		Claims []struct {
			ID    int64  `json:"id"`
			State string `json:"state"`
		} `json:"claims"`
		NextCursor *string `json:"next_cursor"`
	}
	seen := map[int64]bool{}
	next := ""
	for i := 0; ; i++ {
		p := decode[page](t, rita.get("/api/v1/claims?limit=2&cursor="+url.QueryEscape(next)))
		for _, c := range p.Claims {
			if seen[c.ID] || c.State != "queued" {
				t.Errorf("claim %d repeated or not queued (%s)", c.ID, c.State)
			}
			seen[c.ID] = true
		}
		if p.NextCursor == nil {
			break
		}
		next = *p.NextCursor
		if i > 5 {
			t.Fatal("paging does not end")
		}
	}
	if len(seen) != 3 {
		t.Errorf("paged through %d claims, want 3", len(seen))
	}
	// A damaged cursor is an error that says so, not an empty page.
	if fields := wantAPIError(t, rita.get("/api/v1/claims?cursor=garbage"), http.StatusUnprocessableEntity, domain.EINVALID); fields["cursor"] == "" {
		t.Errorf("damaged cursor: fields %v", fields)
	}
	if p := decode[page](t, rita.get("/api/v1/claims?state=candidate,queued")); len(p.Claims) != len(a.Claims) {
		t.Errorf("candidate,queued: %d claims, want %d", len(p.Claims), len(a.Claims))
	}
	// A listed claim carries its figures and reasons, as the single claim does.
	type full struct {
		Claims []struct {
			Figures []domain.Figure `json:"figures"`
			Reasons []string        `json:"reasons"`
		} `json:"claims"`
	}
	var figures, reasons int
	for _, c := range decode[full](t, rita.get("/api/v1/claims?state=candidate,queued")).Claims {
		figures += len(c.Figures)
		reasons += len(c.Reasons)
	}
	var wantFigures int
	for _, c := range a.Claims {
		wantFigures += len(c.Figures)
	}
	if figures != wantFigures || reasons == 0 {
		t.Errorf("listed claims carry %d figures (want %d) and %d reasons", figures, wantFigures, reasons)
	}
	wantAPIError(t, rita.get("/api/v1/claims?state=pending"), http.StatusUnprocessableEntity, domain.EINVALID)
	wantAPIError(t, rita.get("/api/v1/claims?limit=0"), http.StatusUnprocessableEntity, domain.EINVALID)
	wantAPIError(t, rita.get("/api/v1/claims/99999"), http.StatusNotFound, domain.ENOTFOUND)
}

// Each change through the API answers with the claim and its verdict as
// they were saved: every field of the answer is what a GET of the claim
// right afterwards says, through a take, a verdict written, a submit, a
// return, a second submit with new words and an approval.
func TestAPIChangeAnswersWithTheClaimAsSaved(t *testing.T) {
	env := newTestEnv(t)
	rita, _ := env.apiUser("rita@newsroom.example", domain.RoleReviewer)
	ed, _ := env.apiUser("ed@newsroom.example", domain.RoleEditor)
	a := postArticle(t, rita, "https://gazette.example/jobs")
	id := a.Claims[0].ID
	wantStatus(t, rita.post("/api/v1/claims/"+itoa(id)+"/accept", nil), http.StatusOK)

	same := func(step string, res *response) map[string]any {
		t.Helper()
		wantStatus(t, res, http.StatusOK)
		answer := decode[map[string]any](t, res)
		got := rita.get("/api/v1/claims/" + itoa(id))
		wantStatus(t, got, http.StatusOK)
		stored := decode[map[string]any](t, got)
		if len(answer) < 5 {
			t.Fatalf("%s: answer %v", step, answer)
		}
		for k, v := range answer {
			if !reflect.DeepEqual(v, stored[k]) {
				t.Errorf("%s: %s answered %v, stored %v", step, k, v, stored[k])
			}
		}
		return answer
	}
	version := func(c map[string]any) int64 { return int64(c["verdict"].(map[string]any)["version"].(float64)) }

	c := same("taken", rita.post("/api/v1/queue/next", nil))
	c = same("written", rita.put("/api/v1/claims/"+itoa(id)+"/verdict", verdictBody(version(c), "annual table", "press release")))
	c = same("submitted", rita.post("/api/v1/claims/"+itoa(id)+"/submit", map[string]int64{"version": version(c)}))
	c = same("returned", ed.post("/api/v1/claims/"+itoa(id)+"/return", map[string]any{"comment": "Name the release.", "version": version(c)}))
	c = same("written again", rita.put("/api/v1/claims/"+itoa(id)+"/verdict", verdictBody(version(c), "annual table")))
	c = same("submitted again", rita.post("/api/v1/claims/"+itoa(id)+"/submit", nil))
	c = same("approved", ed.post("/api/v1/claims/"+itoa(id)+"/approve", nil))
	if c["state"] != "approved" || c["verdict"].(map[string]any)["rating"] != "Mostly true" {
		t.Errorf("approved: %v", c)
	}
}

// Submit and approve without a version take the verdict as it stands inside
// the change's own transaction (storage.AnyVersion); with a version, a stale
// one is still refused and changes nothing.
func TestAPIDecisionWithoutAVersionTakesTheVerdictAsItStands(t *testing.T) {
	env := newTestEnv(t)
	rita, _ := env.apiUser("rita@newsroom.example", domain.RoleReviewer)
	ed, _ := env.apiUser("ed@newsroom.example", domain.RoleEditor)
	id, version := inReview(t, rita, rita, "https://gazette.example/v")
	wantStatus(t, rita.put("/api/v1/claims/"+itoa(id)+"/verdict", verdictBody(version, "annual table")), http.StatusOK)
	state := func() string { return decode[apiClaimDetailResponse](t, rita.get("/api/v1/claims/"+itoa(id))).State }

	wantAPIError(t, rita.post("/api/v1/claims/"+itoa(id)+"/submit", map[string]int64{"version": version}), http.StatusConflict, domain.ECONFLICT)
	if got := state(); got != "in_review" {
		t.Fatalf("a stale submit moved the claim to %s", got)
	}
	res := rita.post("/api/v1/claims/"+itoa(id)+"/submit", nil)
	wantStatus(t, res, http.StatusOK)
	if got := decode[apiClaimDetailResponse](t, res); got.State != "submitted" || got.Verdict.Version != version+2 {
		t.Fatalf("submit without a version answered %s at version %d, want submitted at %d", got.State, got.Verdict.Version, version+2)
	}

	wantAPIError(t, ed.post("/api/v1/claims/"+itoa(id)+"/approve", map[string]int64{"version": version}), http.StatusConflict, domain.ECONFLICT)
	if got := state(); got != "submitted" {
		t.Fatalf("a stale approval moved the claim to %s", got)
	}
	wantStatus(t, ed.post("/api/v1/claims/"+itoa(id)+"/approve", nil), http.StatusOK)
	if got := state(); got != "approved" {
		t.Fatalf("approval without a version left the claim %s", got)
	}
}

// TestAPIOptionalBodyLeftOutHoweverSent: a body the action may do without
// (submit's, approve's, accept's) counts as left out when it is empty or
// white space, sent without a length (chunked) as with a length of 0: the
// same request is not refused for how the script's library frames it.
func TestAPIOptionalBodyLeftOutHoweverSent(t *testing.T) {
	env := newTestEnv(t)
	rita, _ := env.apiUser("rita@newsroom.example", domain.RoleReviewer)
	ed, _ := env.apiUser("ed@newsroom.example", domain.RoleEditor)
	id, version := inReview(t, rita, rita, "https://gazette.example/chunked")
	wantStatus(t, rita.put("/api/v1/claims/"+itoa(id)+"/verdict", verdictBody(version, "annual table")), http.StatusOK)
	post := func(c *apiClient, path, body string) *response {
		t.Helper()
		// A reader of unknown length: sent chunked, with no Content-Length.
		req, _ := http.NewRequest(http.MethodPost, env.srv.URL+path, io.MultiReader(strings.NewReader(body)))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+c.token)
		res := send(t, http.DefaultClient, req)
		if res.Request.ContentLength != -1 && res.Request.ContentLength != 0 {
			t.Fatalf("sent with a length of %d", res.Request.ContentLength)
		}
		return res
	}
	wantStatus(t, post(rita, "/api/v1/claims/"+itoa(id)+"/submit", ""), http.StatusOK)
	wantStatus(t, post(ed, "/api/v1/claims/"+itoa(id)+"/approve", " \n"), http.StatusOK)
}
