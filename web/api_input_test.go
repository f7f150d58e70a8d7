package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"claimtrail/domain"
)

// Dates outside 1900–2100 are refused alike by the API and the browser.
func TestDatesOutOfRangeRefusedByAPIAndBrowser(t *testing.T) {
	env := newTestEnv(t)
	api, _ := env.apiUser("rita@newsroom.example", domain.RoleReviewer)
	browser, _ := env.signedIn("otto@newsroom.example", domain.RoleReviewer)
	for _, date := range []string{"0000-01-01", "0001-01-01", "1899-12-31", "9999-12-31", "9999-12-31T23:00:00Z", "0000-01-01T00:00:00Z"} {
		t.Run(date, func(t *testing.T) {
			res := api.post("/api/v1/articles", map[string]string{"title": "Harbour", "published_at": date, "body": harbourArticle})
			if fields := wantAPIError(t, res, http.StatusUnprocessableEntity, domain.EINVALID); !strings.Contains(fields["published_at"], "1900") {
				t.Errorf("API fields %v", fields)
			}
			if strings.Contains(date, "T") {
				return
			}
			page := browser.postForm("/articles", url.Values{"body": {harbourArticle}, "published": {date}})
			wantStatus(t, page, http.StatusUnprocessableEntity)
			if msg := page.TestID(t, "error-published"); !strings.Contains(msg, "1900") {
				t.Errorf("browser message %q", msg)
			}
		})
	}
	wantStatus(t, api.post("/api/v1/articles", map[string]string{"title": "Harbour", "published_at": "2100-12-31", "body": harbourArticle}), http.StatusCreated)
}

// A lone UTF-16 surrogate in JSON is refused, not stored as U+FFFD; NUL
// in a claim's wording is refused; a pair that makes one character is fine.
func TestAPIRefusesLoneSurrogatesAndNULInWording(t *testing.T) {
	env := newTestEnv(t)
	api, _ := env.apiUser("rita@newsroom.example", domain.RoleReviewer)
	a := postArticle(t, api, "")
	accept := func(i int) string { return "/api/v1/claims/" + itoa(a.Claims[i].ID) + "/accept" }

	for _, body := range []string{`{"text": "Jobs \ud800 rose"}`, `{"text": "Jobs \udc00 rose"}`, `{"text": "Jobs \ud83d rose \ude00"}`} {
		wantAPIError(t, api.post(accept(0), body), http.StatusBadRequest, codeBadRequest)
	}
	fields := wantAPIError(t, api.post(accept(0), `{"text": "Jobs\u0000 rose"}`), http.StatusUnprocessableEntity, domain.EINVALID)
	if fields["text"] == "" {
		t.Errorf("NUL in wording: fields %v", fields)
	}
	// Nothing was accepted by the refused calls.
	if c := decode[apiClaimDetailResponse](t, api.get("/api/v1/claims/"+itoa(a.Claims[0].ID))); c.State != "candidate" {
		t.Errorf("claim is %s after refused accepts", c.State)
	}
	res := api.post(accept(0), `{"text": "Jobs rose \ud83d\ude00 and a back\\u005c slash \\ud800"}`)
	wantStatus(t, res, http.StatusOK)
	if got := decode[struct {
		Text string `json:"text"`
	}](t, res).Text; got != "Jobs rose 😀 and a back\\u005c slash \\ud800" {
		t.Errorf("wording stored as %q", got)
	}
}

func TestLoneSurrogate(t *testing.T) {
	for in, want := range map[string]int{
		`"plain"`:            -1,
		`"\ud83d\ude00"`:     -1,
		`"\\ud800"`:          -1,
		`"\\\ud800"`:         3,
		`"a\ud800"`:          2,
		`"\udfff\ud800"`:     1,
		`"\ud800\u0041"`:     1,
		`"\ud800`:            1,
		`"\u00e9\ud83d\u"`:   7,
		`{"a":"\"\ud800"}`:   8,
		`"\ud83d\ude00\ud8"`: -1,
	} {
		if got := loneSurrogate([]byte(in)); got != want {
			t.Errorf("loneSurrogate(%s) = %d, want %d", in, got, want)
		}
	}
}

// "Return" on a claim that has no verdict yet is a conflict with its state
// (409), like approve, not a missing thing (404).
func TestAPIReturnWithoutVerdictIsConflict(t *testing.T) {
	env := newTestEnv(t)
	rita, _ := env.apiUser("rita@newsroom.example", domain.RoleReviewer)
	ed, _ := env.apiUser("ed@newsroom.example", domain.RoleEditor)
	a := postArticle(t, rita, "")
	id := itoa(a.Claims[0].ID)
	for _, step := range []string{"candidate", "queued"} {
		if step == "queued" {
			wantStatus(t, rita.post("/api/v1/claims/"+id+"/accept", nil), http.StatusOK)
		}
		wantAPIError(t, ed.post("/api/v1/claims/"+id+"/return", map[string]string{"comment": "More sources."}), http.StatusConflict, domain.ECONFLICT)
		wantAPIError(t, ed.post("/api/v1/claims/"+id+"/approve", nil), http.StatusConflict, domain.ECONFLICT)
	}
	wantAPIError(t, ed.post("/api/v1/claims/99999/return", map[string]string{"comment": "x"}), http.StatusNotFound, domain.ENOTFOUND)
}

// TestAPIRefusesAFieldGivenTwice: encoding/json would keep the last of a
// field given twice (or spelt in another case), so what the API stores
// could differ from what a proxy or a log shows of the request: refused,
// nothing done. The same names in different objects are fine.
func TestAPIRefusesAFieldGivenTwice(t *testing.T) {
	env := newTestEnv(t)
	api, _ := env.apiUser("rita@newsroom.example", domain.RoleReviewer)
	body := `"The council said spending rose by 40 percent last year, according to its own accounts."`
	for _, js := range []string{
		`{"body": ` + body + `, "title": "Harbour", "title": "Harbour spending"}`,
		`{"body": ` + body + `, "Body": "x"}`,
	} {
		fields := wantAPIError(t, api.post("/api/v1/articles", js), http.StatusBadRequest, codeBadRequest)
		if fields["title"] == "" && fields["Body"] == "" {
			t.Errorf("%s: fields %v", js, fields)
		}
	}
	a := postArticle(t, api, "")
	claim := "/api/v1/claims/" + itoa(a.Claims[0].ID)
	wantAPIError(t, api.post(claim+"/accept", `{"text": "Jobs rose", "text": "Jobs fell"}`), http.StatusBadRequest, codeBadRequest)
	if c := decode[apiClaimDetailResponse](t, api.get(claim)); c.State != "candidate" {
		t.Errorf("claim is %s after a refused accept", c.State)
	}
	// Each source names its own url and title.
	wantStatus(t, api.post(claim+"/accept", `{"text": "Jobs rose"}`), http.StatusOK)
	if got := repeatedField([]byte(`{"sources": [{"url": "a", "title": "b"}, {"url": "c", "title": "d"}], "version": 1}`)); got != "" {
		t.Errorf("%q counted as given twice", got)
	}
	if got := repeatedField([]byte(`{"sources": [{"url": "a", "URL": "c"}]}`)); got != "URL" {
		t.Errorf("a source's url given twice: %q", got)
	}
}
