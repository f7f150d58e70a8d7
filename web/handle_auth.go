package web

import (
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode"

	"claimtrail/components"
	"claimtrail/domain"
	"claimtrail/web/auth"
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
	email := strings.ToLower(form.Email)
	ip := clientAddr(r)

	for _, check := range []struct {
		l   *auth.Limiter
		key string
	}{{app.loginByIP, ip}, {app.loginByAccount, email}} {
		if ok, wait := check.l.Allowed(check.key); !ok {
			view.Error = fmt.Sprintf("Too many failed sign-in attempts. Wait %s and try again, or ask an admin to reset your password.", roundWait(wait))
			app.render(w, r, http.StatusTooManyRequests, components.LoginPage(app.meta(w, r, "Sign in"), view))
			return
		}
	}

	u, hash, err := app.db.UserCredentials(r.Context(), email)
	if err != nil && domain.ErrorCode(err) != domain.ENOTFOUND {
		app.serverError(w, r, err)
		return
	}
	// CheckPassword costs the same whether or not the account exists.
	if !auth.CheckPassword(hash, form.Password) || u == nil || !u.Active {
		app.loginByIP.Fail(ip)
		app.loginByAccount.Fail(email)
		view.Error = loginMessage
		app.render(w, r, http.StatusUnauthorized, components.LoginPage(app.meta(w, r, "Sign in"), view))
		return
	}
	app.loginByAccount.Reset(email)
	if err := app.startSession(w, r, u); err != nil {
		app.serverError(w, r, err)
		return
	}
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

// safeNext keeps post-login redirects on this site. Browsers drop tabs and
// newlines from addresses and read a backslash as "/", so "/\t/evil.example"
// would become "//evil.example": any control character or backslash sends
// people home.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.ContainsRune(next, '\\') ||
		strings.ContainsFunc(next, unicode.IsControl) {
		return "/"
	}
	return next
}

func roundWait(d time.Duration) string {
	if m := int(d.Minutes() + 0.999); m > 1 {
		return fmt.Sprintf("%d minutes", m)
	}
	return "a minute"
}
