package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"claimtrail/domain"
)

// A password an admin issued must be replaced at first sign-in: until then
// only the settings page (to change it) and signing out work. A common
// password is refused there.
func TestIssuedPasswordMustBeChangedFirst(t *testing.T) {
	env := newTestEnv(t)
	admin, _ := env.signedIn("ada@newsroom.example", domain.RoleAdmin)
	res := admin.postForm("/admin/users", url.Values{"name": {"Nia Reviewer"}, "email": {"nia@newsroom.example"}, "role": {"reviewer"}})
	wantStatus(t, res, http.StatusSeeOther)
	issued := admin.get(res.Header.Get("Location")).TestID(t, "one-time-password")

	nia := env.newClient()
	wantStatus(t, nia.postForm("/login", url.Values{"email": {"nia@newsroom.example"}, "password": {issued}}), http.StatusSeeOther)
	for _, path := range []string{"/", "/queue", "/articles/new"} {
		res := nia.get(path)
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/settings" {
			t.Errorf("GET %s: %d %q, want the settings page", path, res.StatusCode, res.Header.Get("Location"))
		}
	}
	settings := nia.get("/settings")
	wantStatus(t, settings, http.StatusOK)
	if !strings.Contains(settings.Body, "Choose your own password") {
		t.Error("the settings page does not say why they are there")
	}
	wantStatus(t, nia.postForm("/articles", url.Values{"body": {harbourArticle}}), http.StatusForbidden)
	wantStatus(t, nia.postForm("/settings/tokens", url.Values{"name": {"script"}}), http.StatusForbidden)

	// A common password is refused, beside the field.
	for _, common := range []string{"Password2024!", "qwertyuiop12", "Newsroom-2026!", "123456789012345"} {
		res := nia.postForm("/settings/password", url.Values{"current_password": {issued}, "new_password": {common}, "confirm_password": {common}})
		wantStatus(t, res, http.StatusUnprocessableEntity)
		if msg := res.TestID(t, "error-new_password"); !strings.Contains(msg, "guessing") {
			t.Errorf("%q: message %q", common, msg)
		}
	}
	own := "harbour trams run late on sundays"
	wantStatus(t, nia.postForm("/settings/password", url.Values{"current_password": {issued}, "new_password": {own}, "confirm_password": {own}}), http.StatusSeeOther)
	wantStatus(t, nia.get("/"), http.StatusOK)
	wantStatus(t, nia.get("/queue"), http.StatusOK)

	// A reset issues a password again, which must again be changed.
	u, _ := env.db.UserByEmail(t.Context(), "nia@newsroom.example")
	reset := admin.postForm("/admin/users/"+itoa(u.ID)+"/password", nil)
	again := admin.get(reset.Header.Get("Location")).TestID(t, "one-time-password")
	fresh := env.newClient()
	wantStatus(t, fresh.postForm("/login", url.Values{"email": {"nia@newsroom.example"}, "password": {again}}), http.StatusSeeOther)
	if res := fresh.get("/"); res.Header.Get("Location") != "/settings" {
		t.Errorf("after a reset: %d %q", res.StatusCode, res.Header.Get("Location"))
	}
}
