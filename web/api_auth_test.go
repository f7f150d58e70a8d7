package web

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"claimtrail/domain"
)

var tokenPattern = regexp.MustCompile(`^ct_[A-Za-z0-9_-]{43}$`)

func TestSettingsPageCreatesAndRevokesTokens(t *testing.T) {
	env := newTestEnv(t)
	c, u := env.signedIn("rita@newsroom.example", domain.RoleReviewer)

	res := c.get("/settings")
	wantStatus(t, res, http.StatusOK)
	if res.TestID(t, "no-tokens") == "" {
		t.Error("no empty state on a fresh settings page")
	}

	// A name is required; what was typed is kept.
	res = c.postForm("/settings/tokens", url.Values{"name": {strings.Repeat("x", 81)}})
	wantStatus(t, res, http.StatusUnprocessableEntity)
	if res.TestID(t, "error-name") == "" {
		t.Error("no message beside the name field")
	}

	res = c.postForm("/settings/tokens", url.Values{"name": {"weekly sheet"}})
	wantStatus(t, res, http.StatusSeeOther)
	if res.Header.Get("Location") != "/settings" {
		t.Fatalf("token created: redirected to %q", res.Header.Get("Location"))
	}
	res = c.get("/settings")
	token := res.TestID(t, "new-token")
	if !tokenPattern.MatchString(token) {
		t.Fatalf("token shown %q", token)
	}
	if res.Header.Get("Cache-Control") != "no-store" {
		t.Error("the page showing a token may be cached")
	}
	// The token is shown once: the next visit does not show it.
	again := c.get("/settings")
	if strings.Contains(again.Body, token) || again.TestID(t, "token-name") != "weekly sheet" {
		t.Errorf("settings page after creation: token shown again or not listed")
	}

	api := &apiClient{t: t, env: env, token: token}
	wantAPIError(t, api.get("/api/v1/claims/999/history"), http.StatusNotFound, domain.ENOTFOUND)

	tokens, err := env.db.ListAPITokens(context.Background(), u.ID)
	if err != nil || len(tokens) != 1 {
		t.Fatal(tokens, err)
	}
	id := strconv.FormatInt(tokens[0].ID, 10)

	// Another user cannot revoke it.
	other, _ := env.signedIn("otto@newsroom.example", domain.RoleEditor)
	wantStatus(t, other.postForm("/settings/tokens/"+id+"/revoke", nil), http.StatusNotFound)
	wantStatus(t, api.get("/api/v1/claims/999/history"), http.StatusNotFound)

	wantStatus(t, c.postForm("/settings/tokens/"+id+"/revoke", nil), http.StatusSeeOther)
	if got := c.get("/settings").TestID(t, "token-status"); !strings.HasPrefix(got, "Revoked") {
		t.Errorf("status after revoking: %q", got)
	}
	wantAPIError(t, api.get("/api/v1/claims/999/history"), http.StatusUnauthorized, domain.EUNAUTHORIZED)

	// Creation and revocation are audited as Rita's actions, never with the token.
	events, err := env.db.EntityHistory(context.Background(), "api_token", tokens[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, e := range events {
		actions = append(actions, e.Action+" by "+e.ActorLabel)
		if strings.Contains(string(e.Before)+string(e.After), token[3:12]) {
			t.Error("audit event contains the token")
		}
	}
	if want := "api_token.created by rita@newsroom.example,api_token.revoked by rita@newsroom.example"; strings.Join(actions, ",") != want {
		t.Errorf("audit: %v", actions)
	}

	// Signed-out visitors are sent to sign in.
	if res := env.newClient().get("/settings"); res.StatusCode != http.StatusSeeOther {
		t.Errorf("signed out: %d", res.StatusCode)
	}
}

func TestAPIRefusesMissingBadRevokedAndDeactivatedTokens(t *testing.T) {
	env := newTestEnv(t)
	admin, _ := env.signedIn("admin@newsroom.example", domain.RoleAdmin)
	api, u := env.apiUser("rita@newsroom.example", domain.RoleReviewer)
	const path = "/api/v1/claims/999/history"
	wantStatus(t, api.get(path), http.StatusNotFound) // the token works

	tests := []struct {
		name, authorization string
		invalidToken        bool
	}{
		{"no header", "", false},
		{"wrong scheme", "Basic " + api.token, false},
		{"unknown token", "Bearer ct_not-a-real-token", true},
		{"token with a character changed", "Bearer " + api.token[:len(api.token)-1] + "x", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodGet, env.srv.URL+path, nil)
			if tt.authorization != "" {
				req.Header.Set("Authorization", tt.authorization)
			}
			res := api.do(req)
			wantAPIError(t, res, http.StatusUnauthorized, domain.EUNAUTHORIZED)
			challenge := res.Header.Get("WWW-Authenticate")
			if !strings.HasPrefix(challenge, "Bearer") || strings.Contains(challenge, "invalid_token") != tt.invalidToken {
				t.Errorf("WWW-Authenticate %q", challenge)
			}
		})
	}

	// A browser session does not authorise API calls.
	res := admin.get(path)
	wantAPIError(t, res, http.StatusUnauthorized, domain.EUNAUTHORIZED)

	// Deactivating the owner stops the token at once.
	wantStatus(t, admin.postForm("/admin/users/"+itoa(u.ID)+"/active", url.Values{"active": {"false"}}), http.StatusSeeOther)
	wantAPIError(t, api.get(path), http.StatusUnauthorized, domain.EUNAUTHORIZED)
	// ...and reactivating does not bring it back: deactivation revoked it.
	wantStatus(t, admin.postForm("/admin/users/"+itoa(u.ID)+"/active", url.Values{"active": {"true"}}), http.StatusSeeOther)
	wantAPIError(t, api.get(path), http.StatusUnauthorized, domain.EUNAUTHORIZED)
}

// do lets table tests send hand-built requests.
func (c *apiClient) do(req *http.Request) *response {
	c.t.Helper()
	cl := &client{t: c.t, env: c.env, http: http.DefaultClient}
	return cl.do(req)
}

// TestAPIRateLimitPerPerson: the limit is a person's, shared by all their
// tokens, so making more tokens does not multiply it; another person's
// scripts are not held up by it.
func TestAPIRateLimitPerPerson(t *testing.T) {
	env := newTestEnv(t)
	env.app.apiLimiter = newRateLimiter(3)
	api, u := env.apiUser("rita@newsroom.example", domain.RoleReviewer)
	second := env.apiClientFor(u, "second script")
	other, _ := env.apiUser("sam@newsroom.example", domain.RoleReviewer)
	for i := range 3 {
		if res := api.get("/api/v1/claims/999/history"); res.StatusCode != http.StatusNotFound {
			t.Fatalf("request %d: %d", i, res.StatusCode)
		}
	}
	res := api.get("/api/v1/claims/999/history")
	wantAPIError(t, res, http.StatusTooManyRequests, domain.ERATELIMIT)
	if wait, err := strconv.Atoi(res.Header.Get("Retry-After")); err != nil || wait < 1 || wait > 60 {
		t.Errorf("Retry-After %q", res.Header.Get("Retry-After"))
	}
	if want := domain.ErrTooManyAPIRequests(3, 1).Message[:60]; !strings.Contains(res.Body, want) {
		t.Errorf("429 says %s, want %q…", res.Body, want)
	}
	// A second token of the same person draws on the same allowance.
	wantAPIError(t, second.get("/api/v1/claims/999/history"), http.StatusTooManyRequests, domain.ERATELIMIT)
	// Someone else's script is not held up.
	wantStatus(t, other.get("/api/v1/claims/999/history"), http.StatusNotFound)
}

func TestRateLimiterRefills(t *testing.T) {
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	l := newRateLimiter(60)
	l.now = func() time.Time { return now }
	for range 60 {
		if ok, _ := l.allow(1); !ok {
			t.Fatal("refused within the burst")
		}
	}
	ok, wait := l.allow(1)
	if ok || wait <= 0 || wait > time.Second {
		t.Fatalf("after the burst: ok=%v wait=%v", ok, wait)
	}
	now = now.Add(wait)
	if ok, _ := l.allow(1); !ok {
		t.Error("still refused after waiting as told")
	}
}

func TestAPILastUsedRecordedAtMostOnceAMinute(t *testing.T) {
	env := newTestEnv(t)
	api, u := env.apiUser("rita@newsroom.example", domain.RoleReviewer)
	lastUsed := func() time.Time {
		tokens, err := env.db.ListAPITokens(context.Background(), u.ID)
		if err != nil {
			t.Fatal(err)
		}
		return tokens[0].LastUsedAt
	}
	if !lastUsed().IsZero() {
		t.Fatal("used before use")
	}
	api.get("/api/v1/claims/999/history")
	first := lastUsed()
	if first.IsZero() {
		t.Fatal("last_used_at not recorded")
	}
	api.get("/api/v1/claims/999/history")
	if got := lastUsed(); !got.Equal(first) {
		t.Errorf("last_used_at rewritten within a minute: %v then %v", first, got)
	}
}

func TestAPIUnknownPathsAndMethodsAnswerJSON(t *testing.T) {
	env := newTestEnv(t)
	api, _ := env.apiUser("rita@newsroom.example", domain.RoleReviewer)
	wantAPIError(t, api.get("/api/v1/nothing-here"), http.StatusNotFound, domain.ENOTFOUND)
	res := api.post("/api/v1/claims/1/history", "{}")
	wantAPIError(t, res, http.StatusMethodNotAllowed, "method_not_allowed")
	if res.Header.Get("Allow") != "GET" {
		t.Errorf("Allow %q", res.Header.Get("Allow"))
	}
	// A cross-site browser request is refused in JSON too.
	req, _ := http.NewRequest(http.MethodPost, env.srv.URL+"/api/v1/claims/1/accept", strings.NewReader("{}"))
	req.Header.Set("Authorization", "Bearer "+api.token)
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	req.Header.Set("Origin", "https://elsewhere.example")
	wantAPIError(t, api.do(req), http.StatusForbidden, domain.EFORBIDDEN)
}

func TestChangeOwnPassword(t *testing.T) {
	env := newTestEnv(t)
	c, u := env.signedIn("rita@newsroom.example", domain.RoleReviewer)
	elsewhere := env.newClient()
	wantStatus(t, elsewhere.postForm("/login", url.Values{"email": {u.Email}, "password": {testPassword}}), http.StatusSeeOther)

	const newPassword = "a brand new passphrase"
	tests := []struct {
		name                   string
		current, next, confirm string
		field                  string
	}{
		{"wrong current password", "not my password", newPassword, newPassword, "current_password"},
		{"too short", testPassword, "short", "short", "new_password"},
		{"confirmation differs", testPassword, newPassword, newPassword + "!", "confirm_password"},
		{"nothing typed", "", "", "", "current_password"},
		{"the same password again", testPassword, testPassword, testPassword, "new_password"},
		{"only spaces", testPassword, strings.Repeat(" ", 14), strings.Repeat(" ", 14), "new_password"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := c.postForm("/settings/password", url.Values{"current_password": {tt.current}, "new_password": {tt.next}, "confirm_password": {tt.confirm}})
			wantStatus(t, res, http.StatusUnprocessableEntity)
			if res.TestID(t, "error-"+tt.field) == "" {
				t.Errorf("no message beside %s", tt.field)
			}
			if strings.Contains(res.Body, newPassword) {
				t.Error("the page echoes a typed password")
			}
		})
	}

	res := c.postForm("/settings/password", url.Values{"current_password": {testPassword}, "new_password": {newPassword}, "confirm_password": {newPassword}})
	wantStatus(t, res, http.StatusSeeOther)
	// This browser stays signed in and sees the confirmation; the other is signed out.
	page := c.get("/settings")
	wantStatus(t, page, http.StatusOK)
	if page.TestID(t, "flash-success") == "" {
		t.Error("no confirmation")
	}
	if res := elsewhere.get("/settings"); res.StatusCode != http.StatusSeeOther {
		t.Errorf("other session still signed in: %d", res.StatusCode)
	}
	fresh := env.newClient()
	wantStatus(t, fresh.postForm("/login", url.Values{"email": {u.Email}, "password": {newPassword}}), http.StatusSeeOther)
	events, _ := env.db.EntityHistory(context.Background(), "user", u.ID)
	found := false
	for _, e := range events {
		found = found || e.Action == "user.password_changed"
	}
	if !found {
		t.Error("password change not audited")
	}
}

// TestAPIRefusesTwoAuthorizationHeaders: a request with two Authorization
// headers is refused with 400, whichever of them is the working token, as
// a JSON field given twice is: a proxy or a log could read the other one.
func TestAPIRefusesTwoAuthorizationHeaders(t *testing.T) {
	env := newTestEnv(t)
	api, _ := env.apiUser("rita@newsroom.example", domain.RoleReviewer)
	const path = "/api/v1/claims/999/history"
	for _, pair := range [][2]string{
		{"Bearer " + api.token, "Bearer ct_someone-elses"},
		{"Bearer ct_someone-elses", "Bearer " + api.token},
		{"Bearer " + api.token, "Bearer " + api.token},
	} {
		req, _ := http.NewRequest(http.MethodGet, env.srv.URL+path, nil)
		req.Header.Add("Authorization", pair[0])
		req.Header.Add("Authorization", pair[1])
		res := api.do(req)
		wantAPIError(t, res, http.StatusBadRequest, domain.EBADREQUEST)
		if !strings.Contains(res.Body, "one Authorization header") {
			t.Errorf("answered %s", res.Body)
		}
	}
	wantStatus(t, api.get(path), http.StatusNotFound) // one header still works
}
