package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode"

	"claimtrail/components"
	"claimtrail/domain"
)

// loginMessage is the one message for every failed sign-in, so that nobody
// can learn which email addresses have accounts.
const loginMessage = "That email and password don't match an active account. Check them and try again."

func (app *App) loginPage(w http.ResponseWriter, r *http.Request) {
	if currentUser(r) != nil {
		http.Redirect(w, r, safeNext(r.URL.Query().Get("next")), http.StatusSeeOther)
		return
	}
	app.render(w, r, http.StatusOK, components.LoginPage(app.meta(w, r, "Sign in"), components.LoginForm{Next: safeNext(r.URL.Query().Get("next"))}))
}

func (app *App) login(w http.ResponseWriter, r *http.Request) {
	var form struct {
		Email    string `form:"email"`
		Password string `form:"password,raw"`
		Next     string `form:"next"`
	}
	if err := decodeForm(r, &form); err != nil {
		app.error(w, r, err)
		return
	}
	view := components.LoginForm{Email: form.Email, Next: safeNext(form.Next)}
	kept := keptFromSignIn(r.PostForm)
	view.Kept = keptFields(kept) // shown again if this sign-in fails
	email := domain.SignInAccountKey(form.Email)
	ip := domain.SignInAddressKey(clientAddr(r))

	// Each attempt is counted before the password is hashed, so that parallel
	// guesses cannot all get past the count. A browser that has signed in to
	// this account before answers only for the account's failures.
	known := app.knownBrowsers.knows(r, email)
	if !known {
		if ok, wait := app.loginByIP.Attempt(ip); !ok {
			app.loginThrottled(w, r, view, true, wait)
			return
		}
	}
	if ok, wait := app.loginByAccount.Attempt(email); !ok {
		app.loginThrottled(w, r, view, false, wait)
		return
	}
	refundAddress := func() {
		if !known {
			app.loginByIP.Refund(ip)
		}
	}

	u, hash, err := app.db.UserCredentials(r.Context(), email)
	if err != nil && domain.ErrorCode(err) != domain.ENOTFOUND {
		app.serverError(w, r, err)
		return
	}
	// CheckPassword costs the same whether or not the account exists.
	match, err := app.hashes.CheckPassword(r.Context(), hash, form.Password)
	if err != nil {
		// Nobody's password was checked: the attempt does not count.
		refundAddress()
		app.loginByAccount.Refund(email)
		view.Error = domain.ErrorMessage(busyError())
		w.Header().Set("Retry-After", "5")
		app.render(w, r, http.StatusTooManyRequests, components.LoginPage(app.meta(w, r, "Sign in"), view))
		return
	}
	if !match || u == nil || !u.Active {
		view.Error = loginMessage
		app.render(w, r, http.StatusUnauthorized, components.LoginPage(app.meta(w, r, "Sign in"), view))
		return
	}
	refundAddress()
	if u.TwoFactor {
		// The password was right, so it does not count; the account's
		// failures are not forgotten either until the second step passes,
		// where each code is counted like a password. No session exists
		// until then.
		app.loginByAccount.Refund(email)
		if err := app.beginSecondStep(w, r, u, view.Next, kept); err != nil {
			app.serverError(w, r, err)
			return
		}
		http.Redirect(w, r, "/login/two-factor", http.StatusSeeOther)
		return
	}
	app.loginByAccount.Succeeded(email)
	app.knownBrowsers.remember(w, r, email, app.cfg.SecureCookies || r.TLS != nil)
	sid, err := app.startSession(w, r, u)
	if err != nil {
		app.serverError(w, r, err)
		return
	}
	app.carry.put(sid, view.Next, kept)
	r = withActor(r, u, "")
	if err := app.db.RecordSignIn(r.Context(), u.ID, "user.signed_in"); err != nil {
		app.serverError(w, r, err)
		return
	}
	http.Redirect(w, r, view.Next, http.StatusSeeOther)
}

func (app *App) logout(w http.ResponseWriter, r *http.Request) {
	if u := currentUser(r); u != nil {
		// The session id stops working on the server too, so a copy of the
		// cookie is no use after signing out.
		prune := time.Now().Add(-app.cfg.SessionLifetime)
		if err := app.db.EndSession(r.Context(), u.ID, app.sessionID(r), prune); err != nil {
			app.serverError(w, r, err)
			return
		}
	}
	app.dropSession(w, r)
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

// maxNextLength bounds the page a sign-in returns to: the cookie that
// carries it through the second step holds about 4 KB in all.
const maxNextLength = 1024

// safeNext keeps post-login redirects on this site. Browsers drop tabs and
// newlines from addresses and read a backslash as "/", so "/\t/evil.example"
// would become "//evil.example": any control character or backslash sends
// people home. So does an address too long to keep in the session cookie
// while the second sign-in step waits.
func safeNext(next string) string {
	if len(next) > maxNextLength || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.ContainsRune(next, '\\') ||
		strings.ContainsFunc(next, unicode.IsControl) {
		return "/"
	}
	return next
}

// loginThrottled answers a sign-in attempt that came too soon after failures.
func (app *App) loginThrottled(w http.ResponseWriter, r *http.Request, view components.LoginForm, byAddress bool, wait time.Duration) {
	view.Error = domain.SignInWaitMessage(byAddress, wait)
	setRetryAfter(w, wait)
	app.render(w, r, http.StatusTooManyRequests, components.LoginPage(app.meta(w, r, "Sign in"), view))
}

// setRetryAfter tells a refused client, in the Retry-After header, the
// whole seconds (at least 1) of the wait the refusal's message names.
func setRetryAfter(w http.ResponseWriter, wait time.Duration) {
	w.Header().Set("Retry-After", strconv.Itoa(domain.WaitSeconds(wait)))
}
