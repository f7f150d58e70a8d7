package web

import (
	"net/http"
	"net/url"
	"testing"

	"claimtrail/domain"
)

// A password reset and a deactivation revoke the user's API tokens, and a
// reactivation does not bring them back.
func TestTokensRevokedOnResetAndDeactivation(t *testing.T) {
	env := newTestEnv(t)
	admin, _ := env.signedIn("ada@newsroom.example", domain.RoleAdmin)
	script, rita := env.apiUser("rita@newsroom.example", domain.RoleReviewer)
	user := "/admin/users/" + itoa(rita.ID)
	wantStatus(t, script.get("/api/v1/claims"), http.StatusOK)

	wantStatus(t, admin.postForm(user+"/password", nil), http.StatusSeeOther)
	wantAPIError(t, script.get("/api/v1/claims"), http.StatusUnauthorized, domain.EUNAUTHORIZED)

	second := env.apiClientFor(rita, "second script")
	wantStatus(t, second.get("/api/v1/claims"), http.StatusOK)
	wantStatus(t, admin.postForm(user+"/active", url.Values{"active": {"false"}}), http.StatusSeeOther)
	wantStatus(t, admin.postForm(user+"/active", url.Values{"active": {"true"}}), http.StatusSeeOther)
	wantAPIError(t, second.get("/api/v1/claims"), http.StatusUnauthorized, domain.EUNAUTHORIZED)

	page := admin.get(user)
	wantStatus(t, page, http.StatusOK)
	if n := page.Doc(t).Find(`[data-testid="user-token-row"]`).Length(); n != 2 {
		t.Errorf("admin sees %d tokens, want 2", n)
	}
	if n := page.Doc(t).Find(`[data-testid="admin-revoke-token"]`).Length(); n != 0 {
		t.Errorf("%d revoke buttons for revoked tokens", n)
	}
}

// Admins list any user's tokens and revoke any of them; nobody else may.
func TestAdminRevokesAnyUsersToken(t *testing.T) {
	env := newTestEnv(t)
	admin, _ := env.signedIn("ada@newsroom.example", domain.RoleAdmin)
	editor, _ := env.signedIn("ed@newsroom.example", domain.RoleEditor)
	script, rita := env.apiUser("rita@newsroom.example", domain.RoleReviewer)
	_, otto := env.apiUser("otto@newsroom.example", domain.RoleReviewer)
	tokens, err := env.db.ListAPITokens(t.Context(), rita.ID)
	if err != nil || len(tokens) != 1 {
		t.Fatal(err, tokens)
	}
	revoke := "/admin/users/" + itoa(rita.ID) + "/tokens/" + itoa(tokens[0].ID) + "/revoke"

	page := admin.get("/admin/users/" + itoa(rita.ID))
	if got := page.TestID(t, "user-token-name"); got != "rita script" {
		t.Errorf("admin's user page lists token %q", got)
	}
	wantStatus(t, editor.postForm(revoke, nil), http.StatusForbidden)
	// A token id under another user's address is not found.
	wantStatus(t, admin.postForm("/admin/users/"+itoa(otto.ID)+"/tokens/"+itoa(tokens[0].ID)+"/revoke", nil), http.StatusNotFound)
	wantStatus(t, script.get("/api/v1/claims"), http.StatusOK)

	wantStatus(t, admin.postForm(revoke, nil), http.StatusSeeOther)
	wantAPIError(t, script.get("/api/v1/claims"), http.StatusUnauthorized, domain.EUNAUTHORIZED)
	wantStatus(t, admin.postForm(revoke, nil), http.StatusConflict)
	events, err := env.db.EntityHistory(t.Context(), "api_token", tokens[0].ID)
	if err != nil || len(events) != 2 || events[1].Action != "api_token.revoked" || events[1].ActorLabel != "ada@newsroom.example" {
		t.Errorf("token history: %v %+v", err, events)
	}
}
