package web

import (
	"context"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"claimtrail/domain"
	"claimtrail/web/auth"
)

// loginFrom posts a sign-in, optionally as relayed by a proxy for client.
func (c *client) loginFrom(forwardedFor, email, password string) *response {
	c.t.Helper()
	form := url.Values{"email": {email}, "password": {password}}
	req, _ := http.NewRequest(http.MethodPost, c.env.srv.URL+"/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", c.env.srv.URL)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	if forwardedFor != "" {
		req.Header.Set("X-Forwarded-For", forwardedFor)
	}
	return c.do(req)
}

// Parallel guesses at one account are each counted before the password is
// hashed, so no more of them are checked than the account's free failures.
func TestParallelSignInGuessesAreCountedBeforeHashing(t *testing.T) {
	env := newTestEnv(t)
	env.createUser("ed@newsroom.example", domain.RoleEditor)
	const guesses = 40
	statuses := make(chan int, guesses)
	var wg sync.WaitGroup
	for i := 0; i < guesses; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			statuses <- env.newClient().loginFrom("", "ed@newsroom.example", "wrong guess").StatusCode
		}()
	}
	wg.Wait()
	close(statuses)
	checked := 0
	for s := range statuses {
		switch s {
		case http.StatusUnauthorized:
			checked++
		case http.StatusTooManyRequests:
		default:
			t.Errorf("status %d", s)
		}
	}
	if checked != domain.AccountFreeFailures {
		t.Errorf("%d of %d parallel guesses were checked, want %d", checked, guesses, domain.AccountFreeFailures)
	}
}

// A burst of sign-ins waits for a hashing slot; one that waits too long gets
// 429 rather than another 19 MiB hash.
func TestSignInWaitsForAHashingSlot(t *testing.T) {
	env := newTestEnv(t)
	env.createUser("ed@newsroom.example", domain.RoleEditor)
	env.app.hashes = auth.NewGate(1, 20*time.Millisecond)
	release, err := env.app.hashes.Enter(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	c := env.newClient()
	res := c.loginFrom("", "ed@newsroom.example", testPassword)
	wantStatus(t, res, http.StatusTooManyRequests)
	if msg := res.TestID(t, "login-error"); !strings.Contains(msg, "Wait a few seconds") {
		t.Errorf("busy message %q", msg)
	}
	release()
	// The busy answer did not count as a failure.
	for i := 0; i < domain.AccountFreeFailures-1; i++ {
		wantStatus(t, c.loginFrom("", "ed@newsroom.example", "wrong"), http.StatusUnauthorized)
	}
	wantStatus(t, c.loginFrom("", "ed@newsroom.example", testPassword), http.StatusSeeOther)
}

// Failures slow an account down for a growing while but never lock it:
// after the wait, the right password works; an admin's reset lifts the wait.
func TestSignInFailuresDelayRatherThanLock(t *testing.T) {
	env := newTestEnv(t)
	admin, _ := env.signedIn("ada@newsroom.example", domain.RoleAdmin)
	u := env.createUser("ed@newsroom.example", domain.RoleEditor)
	now := time.Now()
	env.app.loginByAccount.Now = func() time.Time { return now }
	// This test is about the account; the per-address throttle has its own.
	env.app.loginByIP = auth.NewThrottle(func(int) time.Duration { return 0 }, time.Hour)
	c := env.newClient()
	for i := 0; i < domain.AccountFreeFailures; i++ {
		wantStatus(t, c.loginFrom("", u.Email, "wrong"), http.StatusUnauthorized)
	}
	res := c.loginFrom("", u.Email, testPassword)
	wantStatus(t, res, http.StatusTooManyRequests)
	if got := res.Header.Get("Retry-After"); got != "1" {
		t.Errorf("Retry-After %q after %d failures, want 1", got, domain.AccountFreeFailures)
	}
	now = now.Add(time.Second)
	wantStatus(t, c.loginFrom("", u.Email, "wrong"), http.StatusUnauthorized)
	// The next wait is twice as long.
	now = now.Add(time.Second)
	wantStatus(t, c.loginFrom("", u.Email, testPassword), http.StatusTooManyRequests)
	now = now.Add(time.Second)
	wantStatus(t, c.loginFrom("", u.Email, testPassword), http.StatusSeeOther)

	// Many failures make the wait long, but never longer than the ceiling...
	for i := 0; i < 30; i++ {
		now = now.Add(domain.AccountMaxDelay)
		wantStatus(t, env.newClient().loginFrom("", u.Email, "wrong"), http.StatusUnauthorized)
	}
	res = c.loginFrom("", u.Email, testPassword)
	wantStatus(t, res, http.StatusTooManyRequests)
	if got := res.Header.Get("Retry-After"); got != "60" {
		t.Errorf("Retry-After %q at the ceiling, want 60", got)
	}
	// ...and an admin's password reset lifts it at once, as the message says.
	reset := admin.postForm("/admin/users/"+itoa(u.ID)+"/password", nil)
	wantStatus(t, reset, http.StatusSeeOther)
	password := admin.get(reset.Header.Get("Location")).TestID(t, "one-time-password")
	wantStatus(t, env.newClient().loginFrom("", u.Email, password), http.StatusSeeOther)
}

// Behind a trusted proxy, the per-address throttle keys on the client the
// proxy names, so one guesser does not block everyone; without that setting
// the header is ignored, so a client cannot choose its own address.
func TestSignInThrottleKeysOnClientBehindTrustedProxy(t *testing.T) {
	env := newTestEnv(t, func(c *Config) { c.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")} })
	env.createUser("rita@newsroom.example", domain.RoleReviewer)
	c := env.newClient()
	for i := 0; i < domain.AddressFreeFailures; i++ {
		email := "nobody" + itoa(int64(i)) + "@newsroom.example"
		wantStatus(t, c.loginFrom("203.0.113.5", email, "guess"), http.StatusUnauthorized)
	}
	wantStatus(t, c.loginFrom("203.0.113.5", "another@newsroom.example", "guess"), http.StatusTooManyRequests)
	// A proxy's own address in the chain is skipped; a client's claim before it is not believed.
	wantStatus(t, c.loginFrom("10.9.9.9, 203.0.113.5, 127.0.0.1", "another@newsroom.example", "guess"), http.StatusTooManyRequests)
	wantStatus(t, env.newClient().loginFrom("198.51.100.7", "rita@newsroom.example", testPassword), http.StatusSeeOther)
	events, err := env.db.ListAuditEvents(context.Background(), domain.AuditFilter{Action: "user.signed_in"})
	if err != nil || len(events) != 1 || events[0].ClientAddr != "198.51.100.7" {
		t.Errorf("audit of the sign-in: %v %+v", err, events)
	}

	direct := newTestEnv(t)
	direct.createUser("rita@newsroom.example", domain.RoleReviewer)
	dc := direct.newClient()
	for i := 0; i < domain.AddressFreeFailures; i++ {
		dc.loginFrom("192.0.2."+itoa(int64(i)), "nobody"+itoa(int64(i))+"@newsroom.example", "guess")
	}
	wantStatus(t, dc.loginFrom("192.0.2.200", "rita@newsroom.example", testPassword), http.StatusTooManyRequests)
}

// TestSignInThrottleCountsAnIPv6BlockAsOneAddress: a host given an IPv6
// /64 can send from countless addresses; its failures are counted for the
// block, so stepping through it buys no further guesses, while a
// neighbouring block is not slowed.
func TestSignInThrottleCountsAnIPv6BlockAsOneAddress(t *testing.T) {
	env := newTestEnv(t, func(c *Config) { c.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")} })
	env.createUser("rita@newsroom.example", domain.RoleReviewer)
	c := env.newClient()
	for i := 0; i < domain.AddressFreeFailures; i++ {
		from := "2001:db8:5:7:" + strconv.FormatInt(int64(i+1), 16) + "::1"
		wantStatus(t, c.loginFrom(from, "nobody"+itoa(int64(i))+"@newsroom.example", "guess"), http.StatusUnauthorized)
	}
	wantStatus(t, c.loginFrom("2001:db8:5:7:ffff:1:2:3", "another@newsroom.example", "guess"), http.StatusTooManyRequests)
	wantStatus(t, env.newClient().loginFrom("2001:db8:5:8::1", "rita@newsroom.example", testPassword), http.StatusSeeOther)
}

// TestSignInFromASharedNewsroomNetwork: a newsroom signs in from one
// address, where everyone's typos add up. Once they pass the address's
// free failures, a browser new to an account waits, told that the
// failures are the network's; a browser that has signed in to that
// account before still gets in, and its mark proves nothing for another
// account.
func TestSignInFromASharedNewsroomNetwork(t *testing.T) {
	env := newTestEnv(t)
	env.createUser("rita@newsroom.example", domain.RoleReviewer)
	env.createUser("ed@newsroom.example", domain.RoleEditor)
	ritas := env.newClient()
	wantStatus(t, ritas.loginFrom("", "rita@newsroom.example", testPassword), http.StatusSeeOther)
	wantStatus(t, ritas.postForm("/logout", nil), http.StatusSeeOther)

	for i := 0; i < domain.AddressFreeFailures; i++ {
		wantStatus(t, env.newClient().loginFrom("", "colleague"+itoa(int64(i))+"@newsroom.example", "typo"), http.StatusUnauthorized)
	}

	res := env.newClient().loginFrom("", "rita@newsroom.example", testPassword)
	wantStatus(t, res, http.StatusTooManyRequests)
	if msg := res.TestID(t, "login-error"); !strings.Contains(msg, "from this network") {
		t.Errorf("a new browser is told %q, want it to say the failures are the network's", msg)
	}
	wantStatus(t, ritas.loginFrom("", "rita@newsroom.example", testPassword), http.StatusSeeOther)
	wantStatus(t, ritas.postForm("/logout", nil), http.StatusSeeOther)
	wantStatus(t, ritas.loginFrom("", "ed@newsroom.example", testPassword), http.StatusTooManyRequests)
}
