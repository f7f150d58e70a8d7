package web

import (
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"net/url"
	"time"

	"claimtrail/components"
	"claimtrail/domain"
	"claimtrail/web/auth"
)

// Two-factor sign-in: turning it on and off on /settings, the second step
// of signing in, and the admin's setting that requires it of admins.

// totpIssuer names claimtrail in people's authenticator apps.
const totpIssuer = "claimtrail"

// pendingSignInLifetime is how long the second step waits after the
// password was right.
const pendingSignInLifetime = 5 * time.Minute

// twoFactorView is the two-factor section of u's settings page.
func (app *App) twoFactorView(w http.ResponseWriter, r *http.Request, u *domain.User) (components.TwoFactorView, error) {
	required, err := app.twoFactorRequiredForAdmins(r)
	if err != nil {
		return components.TwoFactorView{}, err
	}
	v := components.TwoFactorView{On: u.TwoFactor, Required: domain.TwoFactorRequired(u, required)}
	if u.TwoFactor {
		v.CodesLeft, err = app.db.RecoveryCodesLeft(r.Context(), u.ID)
		return v, err
	}
	sess, _ := app.sessions.Get(r, sessionName)
	if secret, _ := sess.Values["totp_pending"].(string); secret != "" {
		v.PendingSecret, v.PendingURI = secret, auth.TOTPURI(totpIssuer, u.Email, secret)
	}
	return v, nil
}

func (app *App) twoFactorRequiredForAdmins(r *http.Request) (bool, error) {
	v, err := app.db.Setting(r.Context(), domain.SettingTwoFactorForAdmins, "")
	return v == "1", err
}

// startTwoFactor makes a new secret, kept in the (encrypted) session cookie
// until the person confirms it with a code.
func (app *App) startTwoFactor(w http.ResponseWriter, r *http.Request) {
	if err := noInput(w, r); err != nil {
		app.error(w, r, err)
		return
	}
	u := currentUser(r)
	if u.TwoFactor {
		// noInput has read the form: what was typed comes back with the reason.
		app.settingsFailed(w, r, domain.Errorf(domain.ECONFLICT, "Two-factor sign-in is already on."))
		return
	}
	secret, _, err := auth.NewTOTPKey(totpIssuer, u.Email)
	if err != nil {
		app.serverError(w, r, err)
		return
	}
	sess, _ := app.sessions.Get(r, sessionName)
	sess.Values["totp_pending"] = secret
	sess.Options.Secure = app.cfg.SecureCookies || r.TLS != nil
	if err := sess.Save(r, w); err != nil {
		app.serverError(w, r, err)
		return
	}
	if parseForm(r) == nil {
		app.carrySettings(r, nil)
	}
	redirect(w, r, "/settings#two-factor")
}

// enableTwoFactor turns it on once the person typed the app's current code,
// and shows their recovery codes once.
func (app *App) enableTwoFactor(w http.ResponseWriter, r *http.Request) {
	var form struct {
		Code string `form:"code"`
	}
	if err := decodeForm(r, &form); err != nil {
		app.error(w, r, err)
		return
	}
	u := currentUser(r)
	sess, _ := app.sessions.Get(r, sessionName)
	secret, _ := sess.Values["totp_pending"].(string)
	if u.TwoFactor || secret == "" {
		app.flash(w, r, "info", "Start setting up two-factor sign-in again.")
		redirect(w, r, "/settings#two-factor")
		return
	}
	code, err := domain.ParseAppCode(form.Code)
	var step int64
	if err == nil {
		var ok bool
		if step, ok = auth.MatchTOTP(secret, code, time.Now()); !ok {
			err = domain.FieldError("code", "That code does not match. Check the key in your app and enter the code it shows now.")
		}
	}
	if err != nil {
		app.renderTwoFactorRefused(w, r, err)
		return
	}
	codes := auth.NewRecoveryCodes()
	if err := app.db.EnableTwoFactor(r.Context(), u.ID, secret, step, codes); err != nil {
		app.settingsFailed(w, r, err)
		return
	}
	delete(sess.Values, "totp_pending")
	sess.Save(r, w)
	shown := make([]string, len(codes))
	for i, c := range codes {
		shown[i] = domain.FormatRecoveryCode(c)
	}
	app.carrySettings(r, map[string][]string{"recovery": shown})
	app.flash(w, r, "success", "Two-factor sign-in is on.")
	redirect(w, r, "/settings#two-factor")
}

// disableTwoFactor turns it off with a current app code or the password,
// both throttled like signing in.
func (app *App) disableTwoFactor(w http.ResponseWriter, r *http.Request) {
	var form struct {
		Code     string `form:"code"`
		Password string `form:"password,raw"`
	}
	if err := decodeForm(r, &form); err != nil {
		app.error(w, r, err)
		return
	}
	u := currentUser(r)
	if !u.TwoFactor {
		redirect(w, r, "/settings#two-factor")
		return
	}
	if ok, wait := app.loginByAccount.Attempt(u.Email); !ok {
		setRetryAfter(w, wait)
		app.renderTwoFactorRefused(w, r, domain.ErrTooManyWrongCodes(wait))
		return
	}
	proved := false
	if form.Code != "" {
		code, err := domain.ParseAppCode(form.Code)
		if err == nil {
			secret, err := app.db.TwoFactorSecret(r.Context(), u.ID)
			if err != nil {
				app.error(w, r, err)
				return
			}
			_, proved = auth.MatchTOTP(secret, code, time.Now())
		}
	} else if form.Password != "" {
		_, hash, err := app.db.UserCredentials(r.Context(), u.Email)
		if err != nil {
			app.error(w, r, err)
			return
		}
		if proved, err = app.hashes.CheckPassword(r.Context(), hash, form.Password); err != nil {
			app.loginByAccount.Refund(u.Email)
			app.settingsFailed(w, r, busyError())
			return
		}
	}
	if !proved {
		app.renderTwoFactorRefused(w, r, domain.FieldError("code", "Enter the code your app shows now, or your password, to turn two-factor sign-in off."))
		return
	}
	app.loginByAccount.Succeeded(u.Email)
	if err := app.db.DisableTwoFactor(r.Context(), u.ID); err != nil {
		app.settingsFailed(w, r, err)
		return
	}
	app.carrySettings(r, nil)
	app.flash(w, r, "success", "Two-factor sign-in is off.")
	redirect(w, r, "/settings#two-factor")
}

// renderTwoFactorRefused shows the settings page again with err beside the
// two-factor form (422), or at the top with err's own status.
func (app *App) renderTwoFactorRefused(w http.ResponseWriter, r *http.Request, err error) {
	fe := fieldErrors(err)
	if fe == nil {
		app.settingsFailed(w, r, err)
		return
	}
	v, verr := app.twoFactorView(w, r, currentUser(r))
	if verr != nil {
		app.serverError(w, r, verr)
		return
	}
	v.Errors = fe
	app.renderSettings(w, r, http.StatusUnprocessableEntity, components.SettingsView{TwoFactor: v})
}

// pendingSignIn is someone whose password was right and who still owes the
// second step; it lives in the session cookie, without signing them in.
// What was typed on the page a sign-in returns to (kept) waits for the
// second step under a random key, which only a right password earns.
func (app *App) beginSecondStep(w http.ResponseWriter, r *http.Request, u *domain.User, next string, kept url.Values) error {
	sess, _ := app.sessions.New(r, sessionName)
	sess.Values = map[any]any{
		"mfa_uid":  u.ID,
		"mfa_ver":  u.SessionVersion,
		"mfa_at":   time.Now().Unix(),
		"mfa_next": next,
	}
	if len(kept) > 0 {
		key := make([]byte, 16)
		rand.Read(key)
		sess.Values["mfa_kept"] = hex.EncodeToString(key)
		app.carry.put(pendingKeptSession+hex.EncodeToString(key), next, kept)
	}
	sess.Options.Secure = app.cfg.SecureCookies || r.TLS != nil
	return sess.Save(r, w)
}

// pendingKeptSession prefixes the carry store's key for what waits for a
// second step; a real session id is hex alone, so the two never meet.
const pendingKeptSession = "pending-"

// pendingUser is the person owing the second step, or nil.
func (app *App) pendingUser(r *http.Request) (*domain.User, string) {
	sess, _ := app.sessions.Get(r, sessionName)
	uid, _ := sess.Values["mfa_uid"].(int64)
	ver, _ := sess.Values["mfa_ver"].(int64)
	at, _ := sess.Values["mfa_at"].(int64)
	next, _ := sess.Values["mfa_next"].(string)
	if uid == 0 || time.Since(time.Unix(at, 0)) > pendingSignInLifetime {
		return nil, ""
	}
	u, _, err := app.db.SessionUser(r.Context(), uid, "")
	if err != nil || !u.Active || u.SessionVersion != ver || !u.TwoFactor {
		return nil, ""
	}
	return u, safeNext(next)
}

func (app *App) secondStepPage(w http.ResponseWriter, r *http.Request) {
	if u, _ := app.pendingUser(r); u == nil {
		redirect(w, r, "/login")
		return
	}
	app.render(w, r, http.StatusOK, components.TwoFactorLoginPage(app.meta(w, r, "Sign in"), components.TwoFactorLoginForm{}))
}

// secondStep checks the code; only then is the session started.
func (app *App) secondStep(w http.ResponseWriter, r *http.Request) {
	var form struct {
		Code string `form:"code"`
	}
	if err := decodeForm(r, &form); err != nil {
		app.error(w, r, err)
		return
	}
	u, next := app.pendingUser(r)
	if u == nil {
		app.flash(w, r, "info", "Sign in again.")
		redirect(w, r, "/login")
		return
	}
	refuse := func(status int, msg string) {
		app.render(w, r, status, components.TwoFactorLoginPage(app.meta(w, r, "Sign in"), components.TwoFactorLoginForm{Error: msg}))
	}
	if ok, wait := app.loginByAccount.Attempt(u.Email); !ok {
		setRetryAfter(w, wait)
		refuse(http.StatusTooManyRequests, domain.ErrTooManyWrongCodes(wait).Message)
		return
	}
	code, kind, err := domain.ParseSecondFactor(form.Code)
	if err != nil {
		refuse(http.StatusUnauthorized, domain.ErrorMessage(err))
		return
	}
	r = withActor(r, u, "")
	switch kind {
	case domain.AppCode:
		secret, err := app.db.TwoFactorSecret(r.Context(), u.ID)
		if err != nil {
			app.serverError(w, r, err)
			return
		}
		step, ok := auth.MatchTOTP(secret, code, time.Now())
		if !ok {
			refuse(http.StatusUnauthorized, domain.SecondFactorMessage)
			return
		}
		if err := app.db.SignInWithAppCode(r.Context(), u.ID, step); err != nil {
			if domain.ErrorCode(err) == domain.ECONFLICT {
				refuse(http.StatusUnauthorized, domain.ErrorMessage(err))
				return
			}
			app.serverError(w, r, err)
			return
		}
	case domain.RecoveryCode:
		if err := app.db.UseRecoveryCode(r.Context(), u.ID, code); err != nil {
			if domain.ErrorCode(err) == domain.EINVALID {
				refuse(http.StatusUnauthorized, domain.SecondFactorMessage)
				return
			}
			app.serverError(w, r, err)
			return
		}
		if err := app.db.RecordSignIn(r.Context(), u.ID, "user.signed_in"); err != nil {
			app.serverError(w, r, err)
			return
		}
	}
	app.loginByAccount.Succeeded(u.Email)
	app.knownBrowsers.remember(w, r, domain.SignInAccountKey(u.Email), app.cfg.SecureCookies || r.TLS != nil)
	pending, _ := app.sessions.Get(r, sessionName)
	keptKey, _ := pending.Values["mfa_kept"].(string)
	sid, err := app.startSession(w, r, u)
	if err != nil {
		app.serverError(w, r, err)
		return
	}
	if keptKey != "" {
		app.carry.put(sid, next, app.carry.take(pendingKeptSession+keptKey, next))
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// securitySettingsPage is the admin's page for sign-in rules.
func (app *App) securitySettingsPage(w http.ResponseWriter, r *http.Request) {
	required, err := app.twoFactorRequiredForAdmins(r)
	if err != nil {
		app.serverError(w, r, err)
		return
	}
	app.render(w, r, http.StatusOK, components.AdminSecurityPage(app.meta(w, r, "Sign-in security"), required, ""))
}

func (app *App) saveSecuritySettings(w http.ResponseWriter, r *http.Request) {
	var form struct {
		TwoFactorAdmins string `form:"two_factor_admins"`
	}
	if err := decodeForm(r, &form); err != nil {
		app.error(w, r, err)
		return
	}
	value := "0"
	if form.TwoFactorAdmins == "1" {
		value = "1"
	}
	if err := app.db.SetSettings(r.Context(), map[string]string{domain.SettingTwoFactorForAdmins: value}); err != nil {
		// The choice made stays made, beside why it was not saved.
		app.refuseOnPage(w, r, err, func(status int, problem string) {
			app.render(w, r, status, components.AdminSecurityPage(app.meta(w, r, "Sign-in security"), value == "1", problem))
		})
		return
	}
	app.flash(w, r, "success", "Sign-in security saved.")
	redirect(w, r, "/admin/security")
}

// mustSetUpTwoFactor sends an admin who must turn two-factor sign-in on to
// their settings page first: a page is redirected, anything else refused.
func (app *App) mustSetUpTwoFactor(w http.ResponseWriter, r *http.Request) {
	msg := "The newsroom requires two-factor sign-in for admins. Set it up before you continue."
	if r.Method == http.MethodGet && !isHTMX(r) {
		app.flash(w, r, "info", msg)
		http.Redirect(w, r, "/settings#two-factor", http.StatusSeeOther)
		return
	}
	app.error(w, r, domain.Errorf(domain.EFORBIDDEN, "%s", msg))
}
