package web

import (
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"claimtrail/components"
	"claimtrail/domain"
)

const sessionName = "claimtrail_session"

// loadSession finds the signed-in user. A session only counts while the
// account is active, its session version matches, it is younger than the
// configured lifetime and it was not ended by signing out; otherwise it is
// dropped.
func (app *App) loadSession(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if isAPI(r) {
			// The API authenticates by bearer token only (apiAuth): a cookie
			// must never authorise a call a script could be tricked into.
			next.ServeHTTP(w, withActor(r, nil, ""))
			return
		}
		sess, _ := app.sessions.Get(r, sessionName)
		uid, _ := sess.Values["uid"].(int64)
		if uid == 0 {
			next.ServeHTTP(w, withActor(r, nil, ""))
			return
		}
		if r.Method == http.MethodGet || r.Method == http.MethodHead {
			// A page's reads (who is signed in, the unread count, the page
			// itself) ask once whether anything changed; see storage.
			r = r.WithContext(app.db.PinGeneration(r.Context()))
		}
		ver, _ := sess.Values["ver"].(int64)
		issued, _ := sess.Values["iat"].(int64)
		sid, _ := sess.Values["sid"].(string)
		u, ended, err := app.db.SessionUser(r.Context(), uid, sid)
		expired := time.Since(time.Unix(issued, 0)) > app.cfg.SessionLifetime
		if err != nil || sid == "" || ended || !u.Active || u.SessionVersion != ver || expired {
			if err != nil && domain.ErrorCode(err) != domain.ENOTFOUND {
				app.serverError(w, r, err)
				return
			}
			app.dropSession(w, r)
			next.ServeHTTP(w, withActor(r, nil, ""))
			return
		}
		if !strings.HasPrefix(r.URL.Path, "/static/") {
			// A signed-in page (one-time passwords, unpublished verdicts)
			// must not be kept by the browser or a proxy on a shared machine.
			w.Header().Set("Cache-Control", "no-store")
		}
		next.ServeHTTP(w, withActor(r, u, ""))
	})
}

// startSession replaces any session with a fresh one for u, so that a
// session identifier planted before sign-in is never carried over.
func (app *App) startSession(w http.ResponseWriter, r *http.Request, u *domain.User) (sid string, err error) {
	sess, _ := app.sessions.New(r, sessionName)
	sess.Values = map[any]any{}
	nonce := make([]byte, 16)
	rand.Read(nonce)
	sid = hex.EncodeToString(nonce)
	sess.Values["sid"] = sid
	sess.Values["uid"] = u.ID
	sess.Values["ver"] = u.SessionVersion
	sess.Values["iat"] = time.Now().Unix()
	sess.Options.Secure = app.cfg.SecureCookies || r.TLS != nil
	return sid, sess.Save(r, w)
}

// sessionID is the random id of the browser's session, "" if none.
func (app *App) sessionID(r *http.Request) string {
	sess, _ := app.sessions.Get(r, sessionName)
	sid, _ := sess.Values["sid"].(string)
	return sid
}

// dropSession deletes the session cookie.
func (app *App) dropSession(w http.ResponseWriter, r *http.Request) {
	sess, _ := app.sessions.Get(r, sessionName)
	sess.Values = map[any]any{}
	sess.Options.MaxAge = -1
	sess.Save(r, w)
}

// flash queues a message for the next page this browser loads. Messages
// travel in the session cookie, so each is bounded
// (domain.BoundMessage); should the cookie still not be written (many
// messages queued and not yet shown), the older ones give way to this one,
// and a failure is logged, never dropped silently.
func (app *App) flash(w http.ResponseWriter, r *http.Request, kind, message string) {
	sess, _ := app.sessions.Get(r, sessionName)
	if _, signedIn := sess.Values["uid"]; !signedIn {
		return
	}
	message = domain.BoundMessage(message)
	sess.AddFlash(kind + "\x00" + message)
	sess.Options.Secure = app.cfg.SecureCookies || r.TLS != nil
	err := sess.Save(r, w)
	if err == nil {
		return
	}
	app.log.WarnContext(r.Context(), "flash not saved; dropping the older ones", slog.String("request_id", requestID(r)),
		slog.String("path", r.URL.Path), slog.Int("bytes", len(message)), slog.Any("error", err))
	sess.Flashes() // takes every queued message
	sess.AddFlash(kind + "\x00" + message)
	if err := sess.Save(r, w); err != nil {
		app.log.ErrorContext(r.Context(), "flash not saved", slog.String("request_id", requestID(r)),
			slog.String("path", r.URL.Path), slog.Int("bytes", len(message)), slog.Any("error", err))
	}
}

// popFlashes takes the queued messages, if any.
func (app *App) popFlashes(w http.ResponseWriter, r *http.Request) []components.Flash {
	sess, _ := app.sessions.Get(r, sessionName)
	raw := sess.Flashes()
	if len(raw) == 0 {
		return nil
	}
	sess.Options.Secure = app.cfg.SecureCookies || r.TLS != nil
	sess.Save(r, w)
	out := make([]components.Flash, 0, len(raw))
	for _, f := range raw {
		s, _ := f.(string)
		for i := 0; i < len(s); i++ {
			if s[i] == 0 {
				out = append(out, components.Flash{Kind: s[:i], Message: s[i+1:]})
				break
			}
		}
	}
	return out
}

// requireRole wraps a handler so that only signed-in users whose role passes
// allowed reach it; others are sent to sign in (401) or refused (403).
func (app *App) requireRole(allowed func(*domain.User) bool, next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		u := currentUser(r)
		if u == nil {
			app.error(w, r, domain.Errorf(domain.EUNAUTHORIZED, "Please sign in to continue."))
			return
		}
		if !allowed(u) {
			app.forbidden(w, r)
			return
		}
		if domain.MustChangePassword(u) && !domain.PasswordChangeAllows(r.Method, r.URL.Path) {
			app.mustChangePassword(w, r)
			return
		}
		if u.Role == domain.RoleAdmin && !u.TwoFactor && !domain.TwoFactorSetupAllows(r.Method, r.URL.Path) {
			required, err := app.twoFactorRequiredForAdmins(r)
			if err != nil {
				app.serverError(w, r, err)
				return
			}
			if domain.MustSetUpTwoFactor(u, required) {
				app.mustSetUpTwoFactor(w, r)
				return
			}
		}
		next(w, r)
	}
}

func (app *App) reviewer(h http.HandlerFunc) http.HandlerFunc {
	return app.requireRole(domain.CanReview, h)
}
func (app *App) editor(h http.HandlerFunc) http.HandlerFunc {
	return app.requireRole(domain.CanEdit, h)
}
func (app *App) admin(h http.HandlerFunc) http.HandlerFunc {
	return app.requireRole(domain.CanManageUsers, h)
}

// mustChangePassword sends someone signed in with an issued password to
// choose their own first: a page goes to the settings page, anything else
// is refused.
func (app *App) mustChangePassword(w http.ResponseWriter, r *http.Request) {
	msg := "Your password was issued by an admin. Choose your own password before you continue."
	if r.Method == http.MethodGet && !isHTMX(r) {
		app.flash(w, r, "info", msg)
		http.Redirect(w, r, "/settings", http.StatusSeeOther)
		return
	}
	app.error(w, r, domain.Errorf(domain.EFORBIDDEN, "%s", msg))
}
