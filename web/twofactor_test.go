package web

import (
	"context"
	"database/sql"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"claimtrail/domain"
	"claimtrail/storage/keyfile"
)

// appCode is what an authenticator app shows for secret at t.
func appCode(t *testing.T, secret string, at time.Time) string {
	t.Helper()
	code, err := totp.GenerateCodeCustom(secret, at, totp.ValidateOpts{Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		t.Fatal(err)
	}
	return code
}

// newTwoFactorEnv is a test server whose database has a two-factor key, as
// one started with its key file has.
func newTwoFactorEnv(t *testing.T) *testEnv {
	e := newTestEnv(t)
	e.db.SetTwoFactorKey((&keyfile.Keys{Audit: keyfile.NewAuditKey()}).TwoFactorKey())
	return e
}

// turnOnTwoFactor goes through the settings page as a person would and
// returns the secret and the recovery codes shown.
func turnOnTwoFactor(t *testing.T, c *client) (string, []string) {
	t.Helper()
	wantStatus(t, c.postForm("/settings/two-factor/start", nil), http.StatusSeeOther)
	page := c.get("/settings")
	wantStatus(t, page, http.StatusOK)
	secret := page.TestID(t, "two-factor-secret")
	if secret == "" || !strings.Contains(page.TestID(t, "two-factor-uri"), "otpauth://totp/") {
		t.Fatalf("no secret or otpauth address shown:\n%s", snippet(page.Body))
	}
	// A wrong code keeps it off and says why, beside the field.
	wrong := c.postForm("/settings/two-factor/enable", url.Values{"code": {"000000"}})
	if appCode(t, secret, time.Now()) != "000000" {
		wantStatus(t, wrong, http.StatusUnprocessableEntity)
	}
	res := c.postForm("/settings/two-factor/enable", url.Values{"code": {appCode(t, secret, time.Now())}})
	wantStatus(t, res, http.StatusSeeOther)
	page = c.get("/settings")
	var codes []string
	page.Doc(t).Find(`[data-testid="recovery-code"]`).Each(func(_ int, s *goquery.Selection) {
		codes = append(codes, strings.TrimSpace(s.Text()))
	})
	if len(codes) != domain.RecoveryCodeCount {
		t.Fatalf("%d recovery codes shown, want %d", len(codes), domain.RecoveryCodeCount)
	}
	// Shown once only.
	if again := c.get("/settings"); strings.Contains(again.Body, codes[0]) {
		t.Fatal("recovery codes shown a second time")
	}
	return secret, codes
}

// signInPassword does the first step and returns the client.
func signInPassword(t *testing.T, e *testEnv, email string) *client {
	t.Helper()
	c := e.newClient()
	res := c.postForm("/login", url.Values{"email": {email}, "password": {testPassword}})
	wantStatus(t, res, http.StatusSeeOther)
	if loc := res.Header.Get("Location"); loc != "/login/two-factor" {
		t.Fatalf("after the password: sent to %q, want the second step", loc)
	}
	// Not signed in yet.
	if home := c.get("/"); home.StatusCode == http.StatusOK {
		t.Fatal("signed in before the second step")
	}
	wantStatus(t, c.get("/login/two-factor"), http.StatusOK)
	return c
}

func TestTwoFactorSignIn(t *testing.T) {
	e := newTwoFactorEnv(t)
	c, u := e.signedIn("rita@example.org", domain.RoleReviewer)
	secret, codes := turnOnTwoFactor(t, c)

	// The secret is stored encrypted: the database never holds it as text.
	var stored []byte
	raw, err := sql.Open("sqlite", "file:"+e.db.Path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	if err := raw.QueryRow(`SELECT totp_secret FROM users WHERE id = ?`, u.ID).Scan(&stored); err != nil {
		t.Fatal(err)
	}
	if len(stored) == 0 || strings.Contains(string(stored), secret) {
		t.Fatalf("secret stored as %q", stored)
	}

	t.Run("wrong code refused", func(t *testing.T) {
		s := signInPassword(t, e, u.Email)
		wrong := "123456"
		if wrong == appCode(t, secret, time.Now()) {
			wrong = "654321"
		}
		res := s.postForm("/login/two-factor", url.Values{"code": {wrong}})
		wantStatus(t, res, http.StatusUnauthorized)
		if s.get("/").StatusCode == http.StatusOK {
			t.Fatal("a wrong code signed in")
		}
	})

	t.Run("code used to turn it on cannot sign in", func(t *testing.T) {
		s := signInPassword(t, e, u.Email)
		res := s.postForm("/login/two-factor", url.Values{"code": {appCode(t, secret, time.Now())}})
		wantStatus(t, res, http.StatusUnauthorized)
	})

	t.Run("next code signs in once", func(t *testing.T) {
		next := appCode(t, secret, time.Now().Add(30*time.Second))
		s := signInPassword(t, e, u.Email)
		res := s.postForm("/login/two-factor", url.Values{"code": {next[:3] + " " + next[3:]}})
		wantStatus(t, res, http.StatusSeeOther)
		wantStatus(t, s.get("/"), http.StatusOK)

		again := signInPassword(t, e, u.Email)
		wantStatus(t, again.postForm("/login/two-factor", url.Values{"code": {next}}), http.StatusUnauthorized)
	})

	t.Run("recovery code works once", func(t *testing.T) {
		s := signInPassword(t, e, u.Email)
		wantStatus(t, s.postForm("/login/two-factor", url.Values{"code": {strings.ToUpper(codes[3])}}), http.StatusSeeOther)
		wantStatus(t, s.get("/"), http.StatusOK)

		again := signInPassword(t, e, u.Email)
		wantStatus(t, again.postForm("/login/two-factor", url.Values{"code": {codes[3]}}), http.StatusUnauthorized)
		if left := again.get("/"); left.StatusCode == http.StatusOK {
			t.Fatal("a used recovery code signed in")
		}
		if got := s.get("/settings").TestID(t, "two-factor-status"); !strings.Contains(got, "9 unused") {
			t.Fatalf("status %q, want 9 unused recovery codes", got)
		}
	})

	t.Run("second step is throttled with the password", func(t *testing.T) {
		s := signInPassword(t, e, u.Email)
		var last *response
		for range 8 {
			last = s.postForm("/login/two-factor", url.Values{"code": {"99999a"}})
			if last.StatusCode == http.StatusTooManyRequests {
				break
			}
		}
		wantStatus(t, last, http.StatusTooManyRequests)
	})

	t.Run("turning it off needs a code or the password", func(t *testing.T) {
		e.app.loginByAccount.Succeeded(u.Email)
		wantStatus(t, c.postForm("/settings/two-factor/disable", url.Values{"password": {"not the password"}}), http.StatusUnprocessableEntity)
		wantStatus(t, c.postForm("/settings/two-factor/disable", url.Values{"password": {testPassword}}), http.StatusSeeOther)
		res := e.newClient().postForm("/login", url.Values{"email": {u.Email}, "password": {testPassword}})
		wantStatus(t, res, http.StatusSeeOther)
		if loc := res.Header.Get("Location"); loc != "/" {
			t.Fatalf("with two-factor off, sent to %q", loc)
		}
	})

	events, err := e.db.ListAuditEvents(context.Background(), domain.AuditFilter{Action: "user.", EntityID: u.ID, Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	count := map[string]int{}
	for _, ev := range events {
		count[ev.Action]++
	}
	if count["user.two_factor_enabled"] != 1 || count["user.two_factor_disabled"] != 1 || count["user.recovery_code_used"] != 1 {
		t.Fatalf("audit events %v", count)
	}
}

func TestTwoFactorRequiredForAdmins(t *testing.T) {
	e := newTwoFactorEnv(t)
	admin, _ := e.signedIn("ada@example.org", domain.RoleAdmin)
	reviewer, _ := e.signedIn("rui@example.org", domain.RoleReviewer)

	wantStatus(t, admin.postForm("/admin/security", url.Values{"two_factor_admins": {"1"}}), http.StatusSeeOther)
	for _, path := range []string{"/", "/admin/users", "/admin/security"} {
		res := admin.get(path)
		wantStatus(t, res, http.StatusSeeOther)
		if loc := res.Header.Get("Location"); !strings.HasPrefix(loc, "/settings") {
			t.Fatalf("%s: sent to %q, want the settings page", path, loc)
		}
	}
	wantStatus(t, admin.postForm("/admin/security", url.Values{}), http.StatusForbidden)
	page := admin.get("/settings")
	wantStatus(t, page, http.StatusOK)
	if page.TestID(t, "two-factor-required") == "" {
		t.Fatal("settings page does not say two-factor is required")
	}
	wantStatus(t, reviewer.get("/"), http.StatusOK) // only admins

	turnOnTwoFactor(t, admin)
	wantStatus(t, admin.get("/admin/users"), http.StatusOK)

	events, err := e.db.ListAuditEvents(context.Background(), domain.AuditFilter{Action: "setting.changed", Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	if len(events) != 1 || !strings.Contains(string(events[0].After), domain.SettingTwoFactorForAdmins) {
		t.Fatalf("setting change not audited once: %d events", len(events))
	}
}

// TestTwoFactorSignInWithALongReturnAddress: the page a person was on is
// carried through sign-in; a return address too long to keep in the
// session cookie (a long search, a link pasted from elsewhere) sends them
// home after the second step instead of failing sign-in with a 500.
func TestTwoFactorSignInWithALongReturnAddress(t *testing.T) {
	e := newTwoFactorEnv(t)
	c, u := e.signedIn("rita@example.org", domain.RoleReviewer)
	secret, _ := turnOnTwoFactor(t, c)
	next := "/search?q=" + strings.Repeat("harbour+spending+", 400)
	s := e.newClient()
	res := s.postForm("/login", url.Values{"email": {u.Email}, "password": {testPassword}, "next": {next}})
	wantStatus(t, res, http.StatusSeeOther)
	if loc := res.Header.Get("Location"); loc != "/login/two-factor" {
		t.Fatalf("after the password: sent to %q", loc)
	}
	res = s.postForm("/login/two-factor", url.Values{"code": {appCode(t, secret, time.Now().Add(30*time.Second))}})
	wantStatus(t, res, http.StatusSeeOther)
	if loc := res.Header.Get("Location"); loc != "/" {
		t.Errorf("signed in and sent to %.60q, want home", loc)
	}
}

// TestTwoFactorUnderAnotherKeyFileSaysWhy: a database restored or copied
// without its own key file holds two-factor secrets the server cannot
// open; signing in with an app code says so instead of failing with a 500.
func TestTwoFactorUnderAnotherKeyFileSaysWhy(t *testing.T) {
	env := newTwoFactorEnv(t)
	c, _ := env.signedIn("tess@newsroom.example", domain.RoleReviewer)
	secret, _ := turnOnTwoFactor(t, c)
	env.db.SetTwoFactorKey((&keyfile.Keys{Audit: keyfile.NewAuditKey()}).TwoFactorKey()) // another key file

	second := signInPassword(t, env, "tess@newsroom.example")
	res := second.postForm("/login/two-factor", url.Values{"code": {appCode(t, secret, time.Now())}})
	if res.StatusCode == http.StatusInternalServerError || res.StatusCode < 400 {
		t.Fatalf("status %d\n%s", res.StatusCode, snippet(res.Body))
	}
	if !strings.Contains(res.Body, "key file") {
		t.Errorf("no word of the key file:\n%s", snippet(res.Body))
	}
}

// TestWrongPasswordsAndCodesSayTheRealWait: changing one's password,
// turning two-factor sign-in off and its second sign-in step are refused
// while the account's failures make it wait; each refusal's Retry-After
// is what is left of that wait in whole seconds, rounded up, and its
// message says the same wait, as the domain words it.
func TestWrongPasswordsAndCodesSayTheRealWait(t *testing.T) {
	e := newTwoFactorEnv(t)
	rita, _ := e.signedIn("rita@newsroom.example", domain.RoleReviewer)
	tess, _ := e.signedIn("tess@newsroom.example", domain.RoleReviewer)
	turnOnTwoFactor(t, tess)
	secondStep := signInPassword(t, e, "tess@newsroom.example") // before the failures: the password step is throttled too

	now := time.Now()
	e.app.loginByAccount.Now = func() time.Time { return now }
	// failed gives email's account failures failures, the last one now.
	failed := func(email string, failures int) {
		t.Helper()
		e.app.loginByAccount.Succeeded(email)
		for range failures {
			now = now.Add(domain.AccountMaxDelay)
			if ok, _ := e.app.loginByAccount.Attempt(email); !ok {
				t.Fatalf("attempt for %s refused while setting up", email)
			}
		}
	}
	const failures = domain.AccountFreeFailures + 3 // an 8-second wait
	elapsed := 2500 * time.Millisecond
	left := domain.AccountSignInDelay(failures) - elapsed // 5.5 s: Retry-After 6
	cases := []struct {
		name  string
		email string
		post  func() *response
		where string // data-testid of the message
		want  *domain.Error
	}{
		{"change one's password", "rita@newsroom.example", func() *response {
			return rita.postForm("/settings/password", url.Values{"current_password": {testPassword}, "new_password": {"a long new passphrase"}, "confirm_password": {"a long new passphrase"}})
		}, "error-current_password", domain.ErrTooManyWrongPasswords(left)},
		{"turn two-factor sign-in off", "tess@newsroom.example", func() *response {
			return tess.postForm("/settings/two-factor/disable", url.Values{"code": {"123456"}})
		}, "error-message", domain.ErrTooManyWrongCodes(left)},
		{"second sign-in step", "tess@newsroom.example", func() *response {
			return secondStep.postForm("/login/two-factor", url.Values{"code": {"123456"}})
		}, "login-error", domain.ErrTooManyWrongCodes(left)},
	}
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			failed(tt.email, failures)
			now = now.Add(elapsed)
			res := tt.post()
			wantStatus(t, res, http.StatusTooManyRequests)
			if got := res.Header.Get("Retry-After"); got != "6" {
				t.Errorf("Retry-After %q with %v left, want 6", got, left)
			}
			if got := res.TestID(t, tt.where); got != tt.want.Message {
				t.Errorf("%s says %q, want %q", tt.where, got, tt.want.Message)
			}
			if !strings.Contains(tt.want.Message, "Wait 6 seconds") {
				t.Errorf("the message %q does not say the wait", tt.want.Message)
			}
		})
	}
}
