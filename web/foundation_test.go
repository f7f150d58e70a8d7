package web

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"claimtrail/domain"
)

func TestLoginSuccessFailureAndNoEnumeration(t *testing.T) {
	env := newTestEnv(t)
	env.createUser("rita@newsroom.example", domain.RoleReviewer)

	c := env.newClient()
	wrongPassword := c.postForm("/login", url.Values{"email": {"rita@newsroom.example"}, "password": {"not the password"}})
	wantStatus(t, wrongPassword, http.StatusUnauthorized)
	unknownEmail := c.postForm("/login", url.Values{"email": {"nobody@newsroom.example"}, "password": {"not the password"}})
	wantStatus(t, unknownEmail, http.StatusUnauthorized)
	if a, b := wrongPassword.TestID(t, "login-error"), unknownEmail.TestID(t, "login-error"); a != b || a == "" {
		t.Errorf("messages differ (account enumeration): %q vs %q", a, b)
	}

	res := c.postForm("/login", url.Values{"email": {"Rita@Newsroom.example"}, "password": {testPassword}, "next": {"/admin/users"}})
	wantStatus(t, res, http.StatusSeeOther)
	if loc := res.Header.Get("Location"); loc != "/admin/users" {
		t.Errorf("redirect to %q", loc)
	}
	home := c.get("/")
	wantStatus(t, home, http.StatusOK)
	if cc := home.Header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("signed-in page Cache-Control %q, want no-store", cc)
	}
	if got := home.TestID(t, "current-user"); got != "rita" {
		t.Errorf("current user %q", got)
	}

	// Already signed in, the sign-in page goes straight to next.
	if res := c.get("/login?next=/queue"); res.Header.Get("Location") != "/queue" {
		t.Errorf("signed in, /login?next=/queue went to %q", res.Header.Get("Location"))
	}

	// An off-site next is ignored.
	c2 := env.newClient()
	res = c2.postForm("/login", url.Values{"email": {"rita@newsroom.example"}, "password": {testPassword}, "next": {"//evil.example/"}})
	if loc := res.Header.Get("Location"); loc != "/" {
		t.Errorf("off-site next followed: %q", loc)
	}

	// Sign out drops the session, and a copy of the cookie taken before it
	// no longer signs anyone in.
	site, _ := url.Parse(env.srv.URL)
	copied := env.newClient()
	copied.http.Jar.SetCookies(site, c.http.Jar.Cookies(site))
	if got := copied.get("/").TestID(t, "current-user"); got != "rita" {
		t.Fatalf("copied cookie before sign-out: current user %q", got)
	}
	wantStatus(t, c.postForm("/logout", nil), http.StatusSeeOther)
	for name, client := range map[string]*client{"signed-out browser": c, "copied cookie": copied} {
		if res := client.get("/"); res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/login") {
			t.Errorf("%s after sign-out: %d %s", name, res.StatusCode, res.Header.Get("Location"))
		}
	}
	// Signing in again starts a new session that works.
	wantStatus(t, c.postForm("/login", url.Values{"email": {"rita@newsroom.example"}, "password": {testPassword}}), http.StatusSeeOther)
	wantStatus(t, c.get("/"), http.StatusOK)
}

func TestLoginRateLimitedPerAccountAndIP(t *testing.T) {
	env := newTestEnv(t)
	env.createUser("ed@newsroom.example", domain.RoleEditor)
	c := env.newClient()
	for i := 0; i < 5; i++ {
		wantStatus(t, c.postForm("/login", url.Values{"email": {"ed@newsroom.example"}, "password": {"wrong wrong wrong"}}), http.StatusUnauthorized)
	}
	// Even the right password is refused while the account is limited.
	res := c.postForm("/login", url.Values{"email": {"ed@newsroom.example"}, "password": {testPassword}})
	wantStatus(t, res, http.StatusTooManyRequests)
	if msg := res.TestID(t, "login-error"); !strings.Contains(msg, "Too many") {
		t.Errorf("message %q", msg)
	}
	// Per IP: many accounts from one address.
	for i := 0; i < 15; i++ {
		c.postForm("/login", url.Values{"email": {"x" + string(rune('a'+i)) + "@newsroom.example"}, "password": {"wrong"}})
	}
	wantStatus(t, c.postForm("/login", url.Values{"email": {"fresh@newsroom.example"}, "password": {"wrong"}}), http.StatusTooManyRequests)
}

func TestSessionRenewedAtLogin(t *testing.T) {
	env := newTestEnv(t)
	env.createUser("rita@newsroom.example", domain.RoleReviewer)
	c := env.newClient()
	c.get("/login")
	// A cookie planted before sign-in must not survive it.
	u, _ := url.Parse(env.srv.URL)
	c.http.Jar.SetCookies(u, []*http.Cookie{{Name: sessionName, Value: "planted-by-attacker", Path: "/"}})
	res := c.postForm("/login", url.Values{"email": {"rita@newsroom.example"}, "password": {testPassword}})
	var cookie *http.Cookie
	for _, ck := range res.Cookies() {
		if ck.Name == sessionName {
			cookie = ck
		}
	}
	if cookie == nil || cookie.Value == "planted-by-attacker" {
		t.Fatalf("no new session cookie at sign-in: %+v", res.Cookies())
	}
	if !cookie.HttpOnly || cookie.SameSite != http.SameSiteLaxMode || cookie.MaxAge <= 0 || cookie.MaxAge > 12*3600 {
		t.Errorf("cookie attributes: %+v", cookie)
	}
	// Signing in again issues a different session.
	c2 := env.newClient()
	res2 := c2.postForm("/login", url.Values{"email": {"rita@newsroom.example"}, "password": {testPassword}})
	for _, ck := range res2.Cookies() {
		if ck.Name == sessionName && ck.Value == cookie.Value {
			t.Error("two sign-ins got the same session cookie")
		}
	}
}

func TestDeactivatedAndDemotedUsersLoseSessionsAtOnce(t *testing.T) {
	env := newTestEnv(t)
	admin, _ := env.signedIn("ada@newsroom.example", domain.RoleAdmin)
	rita, ritaUser := env.signedIn("rita@newsroom.example", domain.RoleReviewer)
	wantStatus(t, rita.get("/"), http.StatusOK)

	// Only an explicit choice deactivates: a missing or odd value changes nothing.
	for _, form := range []url.Values{nil, {"active": {"maybe"}}} {
		wantStatus(t, admin.postForm("/admin/users/"+itoa(ritaUser.ID)+"/active", form), http.StatusUnprocessableEntity)
	}
	wantStatus(t, rita.get("/"), http.StatusOK)

	res := admin.postForm("/admin/users/"+itoa(ritaUser.ID)+"/active", url.Values{"active": {"false"}})
	wantStatus(t, res, http.StatusSeeOther)
	if res := rita.get("/"); res.StatusCode != http.StatusSeeOther {
		t.Errorf("deactivated user still served: %d", res.StatusCode)
	}
	// And cannot sign in again.
	wantStatus(t, rita.postForm("/login", url.Values{"email": {"rita@newsroom.example"}, "password": {testPassword}}), http.StatusUnauthorized)

	ed, edUser := env.signedIn("ed@newsroom.example", domain.RoleEditor)
	wantStatus(t, ed.get("/"), http.StatusOK)
	wantStatus(t, admin.postForm("/admin/users/"+itoa(edUser.ID)+"/role", url.Values{"role": {"reviewer"}}), http.StatusSeeOther)
	if res := ed.get("/"); res.StatusCode != http.StatusSeeOther {
		t.Errorf("session survived a role change: %d", res.StatusCode)
	}
}

func TestAdminCreatesUserAndResetsPassword(t *testing.T) {
	env := newTestEnv(t)
	admin, _ := env.signedIn("ada@newsroom.example", domain.RoleAdmin)

	bad := admin.postForm("/admin/users", url.Values{"name": {""}, "email": {"not-an-email"}, "role": {"overlord"}})
	wantStatus(t, bad, http.StatusUnprocessableEntity)
	for _, field := range []string{"name", "email", "role"} {
		if bad.TestID(t, "error-"+field) == "" {
			t.Errorf("no message beside %s", field)
		}
	}
	if v, _ := bad.Doc(t).Find(`input[name="email"]`).Attr("value"); v != "not-an-email" {
		t.Errorf("form lost what was typed: %q", v)
	}
	// The role is a dropdown: with none chosen, the message asks for a
	// choice, not for something to be typed.
	noRole := admin.postForm("/admin/users", url.Values{"name": {"Nia"}, "email": {"nia@newsroom.example"}, "role": {""}})
	wantStatus(t, noRole, http.StatusUnprocessableEntity)
	if msg := noRole.TestID(t, "error-role"); !strings.HasPrefix(msg, "Choose a role") {
		t.Errorf("with no role chosen the form says %q", msg)
	}

	res := admin.postForm("/admin/users", url.Values{"name": {"Nia Reviewer"}, "email": {"nia@newsroom.example"}, "role": {"reviewer"}})
	// A redirect, so that reloading the page cannot create the user twice;
	// the page it leads to shows the password once.
	wantStatus(t, res, http.StatusSeeOther)
	shown := admin.get(res.Header.Get("Location"))
	wantStatus(t, shown, http.StatusOK)
	password := shown.TestID(t, "one-time-password")
	if len(password) < 12 {
		t.Fatalf("one-time password %q", password)
	}
	if again := admin.get(res.Header.Get("Location")); strings.Contains(again.Body, password) {
		t.Error("the one-time password is shown again on reload")
	}
	dup := admin.postForm("/admin/users", url.Values{"name": {"Nia Again"}, "email": {"NIA@newsroom.example"}, "role": {"editor"}})
	wantStatus(t, dup, http.StatusUnprocessableEntity)
	if dup.TestID(t, "error-email") == "" {
		t.Error("duplicate email: no message beside the field")
	}

	nia := env.newClient()
	wantStatus(t, nia.postForm("/login", url.Values{"email": {"nia@newsroom.example"}, "password": {password}}), http.StatusSeeOther)
	// The issued password must be replaced first: pages lead to the settings page.
	if res := nia.get("/"); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/settings" {
		t.Errorf("first sign-in with an issued password: %d %q", res.StatusCode, res.Header.Get("Location"))
	}
	wantStatus(t, nia.get("/settings"), http.StatusOK)

	u, _ := env.db.UserByEmail(context.Background(), "nia@newsroom.example")
	reset := admin.postForm("/admin/users/"+itoa(u.ID)+"/password", nil)
	wantStatus(t, reset, http.StatusSeeOther)
	newPassword := admin.get(reset.Header.Get("Location")).TestID(t, "one-time-password")
	if newPassword == "" || newPassword == password {
		t.Fatalf("reset gave %q", newPassword)
	}
	if res := nia.get("/settings"); res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/login") {
		t.Error("session survived a password reset")
	}
	wantStatus(t, nia.postForm("/login", url.Values{"email": {"nia@newsroom.example"}, "password": {password}}), http.StatusUnauthorized)
	wantStatus(t, nia.postForm("/login", url.Values{"email": {"nia@newsroom.example"}, "password": {newPassword}}), http.StatusSeeOther)

	// Every change is in the audit log, with the admin as actor.
	audit := admin.get("/admin/audit?entity=user&entity_id=" + itoa(u.ID))
	wantStatus(t, audit, http.StatusOK)
	for _, action := range []string{"user.created", "user.password_reset", "user.signed_in"} {
		if !strings.Contains(audit.Body, action) {
			t.Errorf("audit page lacks %s", action)
		}
	}
	created := admin.get("/admin/audit?actor=ada@&action=user.created").Doc(t)
	if !strings.Contains(created.Find(`[data-testid="audit-changes"]`).Text(), "nia@newsroom.example") {
		t.Error("audit filter by actor and action found nothing, or the change does not show the new email")
	}
	// Unreadable filters are named beside their fields; the log still shows.
	badFilters := admin.get("/admin/audit?since=last+week&entity_id=abc")
	wantStatus(t, badFilters, http.StatusUnprocessableEntity)
	if badFilters.TestID(t, "error-since") == "" || badFilters.TestID(t, "error-entity_id") == "" || badFilters.Doc(t).Find(`[data-testid="audit-row"]`).Length() == 0 {
		t.Errorf("bad audit filters:\n%s", snippet(badFilters.Body))
	}
}

func TestRoleChecks(t *testing.T) {
	env := newTestEnv(t)
	rita, _ := env.signedIn("rita@newsroom.example", domain.RoleReviewer)
	ed, _ := env.signedIn("ed@newsroom.example", domain.RoleEditor)
	anon := env.newClient()
	for _, path := range []string{"/admin/users", "/admin/users/new", "/admin/audit", "/admin/users/1"} {
		wantStatus(t, rita.get(path), http.StatusForbidden)
		wantStatus(t, ed.get(path), http.StatusForbidden)
		if res := anon.get(path); res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/login") {
			t.Errorf("anonymous %s: %d", path, res.StatusCode)
		}
	}
	res := rita.postForm("/admin/users", url.Values{"name": {"X"}, "email": {"x@newsroom.example"}, "role": {"admin"}})
	wantStatus(t, res, http.StatusForbidden)
	if _, err := env.db.UserByEmail(context.Background(), "x@newsroom.example"); domain.ErrorCode(err) != domain.ENOTFOUND {
		t.Error("a reviewer created an account")
	}
	// The reviewer's navigation has no admin links.
	nav := rita.get("/").Doc(t).Find(`[data-testid="nav"] a`).Text()
	if strings.Contains(nav, "Users") || strings.Contains(nav, "Audit") || strings.Contains(nav, "Review") {
		t.Errorf("reviewer nav = %q", nav)
	}
}

func TestCrossOriginPostRefused(t *testing.T) {
	env := newTestEnv(t)
	admin, _ := env.signedIn("ada@newsroom.example", domain.RoleAdmin)
	req, _ := http.NewRequest(http.MethodPost, env.srv.URL+"/admin/users", strings.NewReader("name=X&email=x@newsroom.example&role=admin"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", "https://evil.example")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	res := admin.do(req)
	wantStatus(t, res, http.StatusForbidden)
	if _, err := env.db.UserByEmail(context.Background(), "x@newsroom.example"); domain.ErrorCode(err) != domain.ENOTFOUND {
		t.Error("cross-origin post created an account")
	}
}

func TestSecurityHeadersAndFriendlyNotFound(t *testing.T) {
	env := newTestEnv(t)
	res := env.newClient().get("/no/such/page")
	wantStatus(t, res, http.StatusNotFound)
	if res.TestID(t, "error-page") == "" {
		t.Error("404 is not the friendly page")
	}
	csp := res.Header.Get("Content-Security-Policy")
	for _, want := range []string{"script-src 'self'", "frame-ancestors 'none'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP %q lacks %q", csp, want)
		}
	}
	if strings.Contains(csp, "unsafe-inline") {
		t.Error("CSP allows inline script or style")
	}
	if res.Header.Get("X-Content-Type-Options") != "nosniff" || res.Header.Get("Referrer-Policy") == "" || res.Header.Get("X-Request-Id") == "" {
		t.Errorf("headers: %v", res.Header)
	}
	// Unknown ids are the same friendly 404, not a raw error.
	admin, _ := env.signedIn("ada@newsroom.example", domain.RoleAdmin)
	for _, path := range []string{"/admin/users/999", "/admin/users/abc"} {
		r := admin.get(path)
		wantStatus(t, r, http.StatusNotFound)
		if strings.Contains(strings.ToLower(r.Body), "sql") {
			t.Errorf("%s leaks internals", path)
		}
	}
}

func TestMalformedFormsGetClearErrors(t *testing.T) {
	env := newTestEnv(t)
	admin, _ := env.signedIn("ada@newsroom.example", domain.RoleAdmin)
	res := admin.postForm("/admin/users", url.Values{"name": {"Bad \xff\xfe bytes"}, "email": {"b@newsroom.example"}, "role": {"reviewer"}})
	wantStatus(t, res, http.StatusUnprocessableEntity)
	// Oversized bodies are refused with 413, not a crash.
	big := strings.Repeat("x", 7<<20)
	res = admin.postForm("/admin/users", url.Values{"name": {big}})
	wantStatus(t, res, http.StatusRequestEntityTooLarge)
	// Forms that are not articles are capped at 1 MB.
	res = admin.postForm("/admin/users", url.Values{"name": {strings.Repeat("x", 2<<20)}})
	wantStatus(t, res, http.StatusRequestEntityTooLarge)
}

func TestInternalErrorsNeverLeak(t *testing.T) {
	env := newTestEnv(t)
	req := httptest.NewRequest(http.MethodGet, "/anything", nil)
	rec := httptest.NewRecorder()
	env.app.error(rec, req, errors.New("SQL logic error: no such table: users (1)"))
	if rec.Code != http.StatusInternalServerError {
		t.Fatalf("status %d", rec.Code)
	}
	body := rec.Body.String()
	if strings.Contains(body, "SQL") || strings.Contains(body, "no such table") || !strings.Contains(body, "error-page") {
		t.Errorf("500 page leaks or is not the friendly page:\n%s", body)
	}
	// A panicking handler is caught by the middleware the same way.
	h := env.app.recoverPanic(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("secret internals") }))
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusInternalServerError || strings.Contains(rec.Body.String(), "secret internals") {
		t.Errorf("panic: status %d body leaks: %v", rec.Code, strings.Contains(rec.Body.String(), "secret"))
	}
}

// After sign-in people go back where they were, but never to another site,
// however the address is disguised.
func TestSignInReturnsOnlyToThisSite(t *testing.T) {
	env := newTestEnv(t)
	env.createUser("rita@newsroom.example", domain.RoleReviewer)
	for _, tc := range []struct{ next, want string }{
		{"/queue?state=open&type=quantity", "/queue?state=open&type=quantity"},
		{"", "/"},
		{"https://evil.example/", "/"},
		{"//evil.example/", "/"},
		{"/\\evil.example/", "/"},
		{"/\t/evil.example/", "/"},
		{"/\n/evil.example/", "/"},
		{"/x\\..\\/evil.example/", "/"},
	} {
		// The client refuses to read a Location with a control character in
		// it, which fails the test as surely as a wrong address would.
		res := env.newClient().postForm("/login", url.Values{"email": {"rita@newsroom.example"}, "password": {testPassword}, "next": {tc.next}})
		wantStatus(t, res, http.StatusSeeOther)
		if got := res.Header.Get("Location"); got != tc.want {
			t.Errorf("next %q: sent to %q, want %q", tc.next, got, tc.want)
		}
	}

	// A signed-out visit keeps its whole address, query and all, for after sign-in.
	res := env.newClient().get("/queue?state=open&type=quantity")
	wantStatus(t, res, http.StatusSeeOther)
	loc, err := url.Parse(res.Header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	if loc.Path != "/login" || loc.Query().Get("next") != "/queue?state=open&type=quantity" {
		t.Errorf("signed-out visit sent to %q, want /login with the whole address as next", res.Header.Get("Location"))
	}
}

// An oversized form is the sender's mistake: a 413 naming the limit people
// know, and nothing in the log of internal errors.
func TestOversizedFormIsNotAnInternalError(t *testing.T) {
	var log bytes.Buffer
	env := newTestEnv(t, func(c *Config) { c.Logger = slog.New(slog.NewTextHandler(&log, nil)) })
	c, _ := env.signedIn("rita@newsroom.example", domain.RoleReviewer)
	res := c.postForm("/articles", url.Values{"body": {strings.Repeat("x", 7<<20)}})
	wantStatus(t, res, http.StatusRequestEntityTooLarge)
	if !strings.Contains(res.Body, "That text is larger than 5 MB") {
		t.Errorf("413 page does not name the 5 MB article limit:\n%s", snippet(res.Body))
	}
	// A file says file, whether the body limit or the reader stops it.
	for _, size := range []int{5<<20 + 1000, 7 << 20} {
		res := c.upload("/articles/upload", "long.txt", bytes.Repeat([]byte("Words. "), size/7), nil)
		wantStatus(t, res, http.StatusRequestEntityTooLarge)
		if !strings.Contains(res.Body, "That file is larger than 5 MB") {
			t.Errorf("%d-byte upload: message does not speak of the file:\n%s", size, snippet(res.Body))
		}
	}
	res = c.postForm("/settings/tokens", url.Values{"name": {strings.Repeat("x", 2<<20)}})
	wantStatus(t, res, http.StatusRequestEntityTooLarge)
	if !strings.Contains(res.Body, "(1 MB)") {
		t.Errorf("413 page does not name the 1 MB form limit:\n%s", res.TestID(t, "error-message"))
	}
	if strings.Contains(log.String(), "internal error") {
		t.Errorf("an oversized form was logged as an internal error:\n%s", log.String())
	}
}
