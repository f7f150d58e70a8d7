package web

import (
	"context"
	"encoding/csv"
	"net/http"
	"strings"
	"testing"

	"claimtrail/domain"
)

// harbourArticle is a made-up local news story with three checkable claims
// and one sentence of colour.
const harbourArticle = "Harbour Council says unemployment in the district fell to 4.2% last year, down from 5.1% in 2023.\n\n" +
	"The mayor said the new tram line would cut commuting times by 15 minutes for 20,000 residents.\n\n" +
	"Locals enjoyed a sunny afternoon at the fair.\n\n" +
	"According to the ministry, hospital waiting lists grew by 12% since March."

// urlNote makes each test article's text distinct, so that articles with
// different addresses are not duplicates by text.
func urlNote(url string) string {
	if url == "" {
		return ""
	}
	return "\n\nFirst published at " + url + "."
}

type apiArticleResponse struct {
	ID          int64   `json:"id"`
	Title       string  `json:"title"`
	PublishedAt *string `json:"published_at"`
	Origin      string  `json:"origin"`
	Claims      []struct {
		ID       int64   `json:"id"`
		Text     string  `json:"text"`
		Score    float64 `json:"score"`
		Type     string  `json:"type"`
		Claimant string  `json:"claimant"`
		State    string  `json:"state"`
		Version  int64   `json:"version"`
		Figures  []struct {
			Text string `json:"text"`
		} `json:"figures"`
	} `json:"claims"`
}

// postArticle adds harbourArticle (with a distinct title and URL) and returns the response.
func postArticle(t *testing.T, api *apiClient, url string) apiArticleResponse {
	t.Helper()
	res := api.post("/api/v1/articles", map[string]string{
		"title": "Harbour jobs and trams", "url": url, "outlet": "Harbour Gazette",
		"published_at": "2026-02-23", "body": harbourArticle + urlNote(url),
	})
	wantStatus(t, res, http.StatusCreated)
	return decode[apiArticleResponse](t, res)
}

func TestAPICreateArticleWithCandidatesAndDuplicates(t *testing.T) {
	env := newTestEnv(t)
	api, _ := env.apiUser("rita@newsroom.example", domain.RoleReviewer)

	a := postArticle(t, api, "https://gazette.example/jobs?utm_source=feed")
	if a.ID == 0 || a.Origin != domain.OriginAPI || a.PublishedAt == nil || *a.PublishedAt != "2026-02-23" {
		t.Errorf("article %+v", a)
	}
	if len(a.Claims) < 3 {
		t.Fatalf("candidates: %+v", a.Claims)
	}
	first := a.Claims[0]
	if first.ID == 0 || first.State != "candidate" || first.Type != "quantity" || len(first.Figures) == 0 ||
		!strings.Contains(first.Text, "4.2%") || first.Score <= 0 {
		t.Errorf("first candidate %+v", first)
	}

	// The same address (tracking parameters aside) or the same text is a duplicate: 409 with the stored id.
	for name, body := range map[string]map[string]string{
		"same address": {"title": "Again", "url": "https://gazette.example/jobs", "body": "Completely different text of 12 words."},
		"same text":    {"title": "Again", "body": harbourArticle + urlNote("https://gazette.example/jobs?utm_source=feed")},
	} {
		t.Run(name, func(t *testing.T) {
			res := api.post("/api/v1/articles", body)
			wantAPIError(t, res, http.StatusConflict, domain.ECONFLICT)
			if got := decode[struct {
				ArticleID int64 `json:"article_id"`
			}](t, res); got.ArticleID != a.ID {
				t.Errorf("existing id %d, want %d", got.ArticleID, a.ID)
			}
		})
	}

	// The article and its claims can be read back; the audit names the token.
	res := api.get("/api/v1/articles/" + itoa(a.ID))
	wantStatus(t, res, http.StatusOK)
	if got := decode[apiArticleResponse](t, res); len(got.Claims) != len(a.Claims) {
		t.Errorf("read back %d claims, want %d", len(got.Claims), len(a.Claims))
	}
	events, err := env.db.EntityHistory(context.Background(), "article", a.ID)
	if err != nil || len(events) != 1 || events[0].TokenName != "rita script" || events[0].ActorLabel != "rita@newsroom.example" {
		t.Errorf("article audit: %+v %v", events, err)
	}
}

func TestAPIRequestErrors(t *testing.T) {
	env := newTestEnv(t, func(c *Config) { c.MaxUploadBytes = 64 << 10 })
	api, _ := env.apiUser("rita@newsroom.example", domain.RoleReviewer)
	big := `{"title": "Big", "body": "` + strings.Repeat("Numbers rose by 5%. ", 10_000) + `"}`

	tests := []struct {
		name   string
		path   string
		body   string
		status int
		code   string
		fields []string
	}{
		{"malformed JSON", "/api/v1/articles", `{"title": "x", `, 400, codeBadRequest, nil},
		{"not JSON at all", "/api/v1/articles", `title=x`, 400, codeBadRequest, nil},
		{"empty body", "/api/v1/articles", ``, 400, codeBadRequest, nil},
		{"two objects", "/api/v1/articles", `{"title":"a","body":"b"} {}`, 400, codeBadRequest, nil},
		{"not UTF-8", "/api/v1/articles", "{\"title\": \"API \xff art\", \"body\": \"The rate rose to 5%.\"}", 400, codeBadRequest, nil},
		{"not UTF-8 in a small body", "/api/v1/claims/1/dismiss", "{\"reason\": \"bad \xff utf\"}", 400, codeBadRequest, nil},
		{"unknown field", "/api/v1/articles", `{"title": "x", "body": "y", "headline": "z"}`, 400, codeBadRequest, []string{"headline"}},
		{"wrong type", "/api/v1/articles", `{"title": 12, "body": "y"}`, 400, codeBadRequest, []string{"title"}},
		{"oversized", "/api/v1/articles", big, 413, domain.ETOOLARGE, nil},
		{"missing body", "/api/v1/articles", `{"title": "Gazette"}`, 422, domain.EINVALID, []string{"body"}},
		{"overlong title", "/api/v1/articles", `{"title": "` + strings.Repeat("t", 301) + `", "body": "The rate rose to 5%."}`, 422, domain.EINVALID, []string{"title"}},
		{"bad date and address", "/api/v1/articles", `{"title": "t", "body": "The rate rose to 5%.", "published_at": "23/02/2026"}`, 422, domain.EINVALID, []string{"published_at"}},
		{"bad address", "/api/v1/articles", `{"title": "t", "body": "The rate rose to 5%.", "url": "ftp://x.example/a"}`, 422, domain.EINVALID, []string{"url"}},
		{"dismiss without reason", "/api/v1/claims/1/dismiss", `{}`, 422, domain.EINVALID, []string{"reason_code"}},
		{"dismiss for an unknown reason", "/api/v1/claims/1/dismiss", `{"reason_code": "boring"}`, 422, domain.EINVALID, []string{"reason_code"}},
		{"dismiss as other without a note", "/api/v1/claims/1/dismiss", `{"reason_code": "other"}`, 422, domain.EINVALID, []string{"reason"}},
		{"small endpoints take 1 MB at most", "/api/v1/claims/1/dismiss", `{"reason": "` + strings.Repeat("x", 1<<20) + `"}`, 413, domain.ETOOLARGE, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fields := wantAPIError(t, api.post(tt.path, tt.body), tt.status, tt.code)
			for _, f := range tt.fields {
				if fields[f] == "" {
					t.Errorf("no message for field %q: %v", f, fields)
				}
			}
		})
	}
}

func TestAPITriage(t *testing.T) {
	env := newTestEnv(t)
	api, _ := env.apiUser("rita@newsroom.example", domain.RoleReviewer)
	a := postArticle(t, api, "")
	accept, dismiss, reworded := a.Claims[0], a.Claims[1], a.Claims[2]

	// A stale version is refused; the right one works.
	wantAPIError(t, api.post("/api/v1/claims/"+itoa(accept.ID)+"/accept", map[string]any{"version": accept.Version + 1}), http.StatusConflict, domain.ECONFLICT)
	res := api.post("/api/v1/claims/"+itoa(accept.ID)+"/accept", map[string]any{"version": accept.Version})
	wantStatus(t, res, http.StatusOK)
	if got := decode[apiClaimResponse](t, res); got.State != "queued" {
		t.Errorf("accepted claim is %s", got.State)
	}
	// No body at all is fine, and text rewords the claim.
	res = api.post("/api/v1/claims/"+itoa(reworded.ID)+"/accept", map[string]any{"text": "Waiting lists grew 12% since March."})
	if got := decode[apiClaimResponse](t, res); got.Text != "Waiting lists grew 12% since March." {
		t.Errorf("reworded text %q", got.Text)
	}

	res = api.post("/api/v1/claims/"+itoa(dismiss.ID)+"/dismiss", map[string]string{"reason": "prediction, not checkable yet"})
	wantStatus(t, res, http.StatusOK)
	if got := decode[apiClaimResponse](t, res); got.State != "dismissed" {
		t.Errorf("dismissed claim is %s", got.State)
	}
	// The state machine holds: neither can be triaged again.
	wantAPIError(t, api.post("/api/v1/claims/"+itoa(accept.ID)+"/dismiss", map[string]string{"reason": "x"}), http.StatusConflict, domain.ECONFLICT)
	wantAPIError(t, api.post("/api/v1/claims/"+itoa(dismiss.ID)+"/accept", nil), http.StatusConflict, domain.ECONFLICT)
	wantAPIError(t, api.post("/api/v1/claims/99999/accept", nil), http.StatusNotFound, domain.ENOTFOUND)
	wantAPIError(t, api.post("/api/v1/claims/abc/accept", nil), http.StatusNotFound, domain.ENOTFOUND)

	// History, oldest first, with the token recorded.
	res = api.get("/api/v1/claims/" + itoa(accept.ID) + "/history")
	wantStatus(t, res, http.StatusOK)
	h := decode[apiHistoryResponse](t, res)
	if len(h.Events) != 2 || h.Events[0].Action != "claim.created" || h.Events[1].Action != "claim.accepted" || h.Events[1].TokenName != "rita script" {
		t.Errorf("history: %+v", h.Events)
	}
}

type apiClaimResponse struct {
	ID      int64   `json:"id"`
	Text    string  `json:"text"`
	State   string  `json:"state"`
	Version int64   `json:"version"`
	Assign  *int64  `json:"assignee_id"`
	Due     *string `json:"due_at"`
}

type apiHistoryResponse struct {
	Events []struct {
		Action    string `json:"action"`
		Actor     string `json:"actor"`
		TokenName string `json:"token_name"`
	} `json:"events"`
}

func TestAPIExportCSV(t *testing.T) {
	env := newTestEnv(t)
	api, _ := env.apiUser("rita@newsroom.example", domain.RoleReviewer)
	a := postArticle(t, api, "")

	res := api.get("/api/v1/export.csv?state=all&claim_type=quantity")
	wantStatus(t, res, http.StatusOK)
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") {
		t.Errorf("Content-Type %q", ct)
	}
	rows, err := csv.NewReader(strings.NewReader(res.Body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) < 2 || rows[0][0] != "claim_id" || rows[1][0] != itoa(a.Claims[0].ID) {
		t.Errorf("CSV rows: %v", rows)
	}
	// Approved only by default: nothing is approved yet, so just the header.
	rows, _ = csv.NewReader(strings.NewReader(api.get("/api/v1/export.csv").Body)).ReadAll()
	if len(rows) != 1 {
		t.Errorf("default export has %d rows", len(rows))
	}
	fields := wantAPIError(t, api.get("/api/v1/export.csv?since=yesterday"), http.StatusUnprocessableEntity, domain.EINVALID)
	if fields["since"] == "" {
		t.Errorf("fields %v", fields)
	}
}
