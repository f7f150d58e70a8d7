package web

import (
	"net/http"
	"net/url"

	"claimtrail/components"
	"claimtrail/domain"
	"claimtrail/web/auth"
)

// The signed-in user's own settings page (/settings): API tokens and password.

func (app *App) settingsPage(w http.ResponseWriter, r *http.Request) {
	var v components.SettingsView
	kept := app.takeCarried(r, r.URL.Path)
	if kept != nil {
		v.NewToken, v.NewTokenName = kept.Get("secret"), kept.Get("token_name")
		v.TwoFactor.NewCodes = kept["recovery"]
	}
	app.renderSettingsTyped(w, r, http.StatusOK, v, kept)
}

// renderSettings shows the settings page again after a refused post, with
// everything else typed on the page back in place.
func (app *App) renderSettings(w http.ResponseWriter, r *http.Request, status int, v components.SettingsView) {
	app.renderSettingsTyped(w, r, status, v, r.PostForm)
}

// renderSettingsTyped shows the settings page with the user's current
// tokens and choices, and what was typed over them.
func (app *App) renderSettingsTyped(w http.ResponseWriter, r *http.Request, status int, v components.SettingsView, typed url.Values) {
	tokens, err := app.db.ListAPITokens(r.Context(), currentUser(r).ID)
	if err != nil {
		app.serverError(w, r, err)
		return
	}
	v.Tokens = tokens
	tf, err := app.twoFactorView(w, r, currentUser(r))
	if err != nil {
		app.serverError(w, r, err)
		return
	}
	tf.NewCodes, tf.Errors = v.TwoFactor.NewCodes, v.TwoFactor.Errors
	v.TwoFactor = tf
	if v.Notify, err = app.db.NotificationPrefs(r.Context(), currentUser(r).ID); err != nil {
		app.serverError(w, r, err)
		return
	}
	var stored string
	published, requested, err := app.db.PublicName(r.Context(), currentUser(r).ID)
	if err != nil {
		app.serverError(w, r, err)
		return
	}
	v.PublishedName, v.PublicNameRequested = published, requested != nil
	if v.PublicNameErrors == nil {
		// The field holds the byline asked for, while one waits.
		stored = published
		if requested != nil {
			stored = *requested
		}
		v.PublicName = stored
	}
	v.Carried = applySettingsTyped(&v, typed, stored, currentUser(r).Role)
	app.render(w, r, status, components.SettingsPage(app.meta(w, r, "Your account"), v))
}

// settingsFailed answers a refused post on Your account that names no
// field (a token revoked meanwhile, too many attempts, a database that
// cannot take changes now: refusedOnPage): the page again with the reason
// at the top and everything typed in place, passwords and codes excepted.
// Anything else goes to the error page.
func (app *App) settingsFailed(w http.ResponseWriter, r *http.Request, err error) {
	app.refuseOnPage(w, r, err, func(status int, problem string) {
		app.renderSettings(w, r, status, components.SettingsView{Problem: problem})
	})
}

type tokenForm struct {
	Name string `form:"name" label:"token name" validate:"required"`
}

func (app *App) createToken(w http.ResponseWriter, r *http.Request) {
	var form tokenForm
	if err := decodeForm(r, &form); err != nil {
		app.error(w, r, err)
		return
	}
	if errs := app.validate.Check(&form); errs != nil {
		app.renderSettings(w, r, http.StatusUnprocessableEntity, components.SettingsView{TokenName: form.Name, TokenErrors: errs})
		return
	}
	token, hash := auth.NewToken()
	t, err := app.db.CreateAPIToken(r.Context(), currentUser(r).ID, form.Name, hash)
	if err != nil {
		if fe := fieldErrors(err); fe != nil {
			app.renderSettings(w, r, http.StatusUnprocessableEntity, components.SettingsView{TokenName: form.Name, TokenErrors: fe})
			return
		}
		app.settingsFailed(w, r, err)
		return
	}
	// Like a one-time password, the token is shown once, on the page the
	// redirect leads to (see showOnce).
	app.carrySettings(r, url.Values{"secret": {token}, "token_name": {t.Name}}, "name")
	redirect(w, r, "/settings")
}

func (app *App) revokeToken(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		app.error(w, r, err)
		return
	}
	typed := parseForm(r) == nil
	// Storage only revokes the caller's own tokens; anyone else's is "not found".
	t, err := app.db.RevokeAPIToken(r.Context(), currentUser(r).ID, id)
	if err != nil {
		app.settingsFailed(w, r, err)
		return
	}
	if typed {
		app.carrySettings(r, nil)
	}
	app.flash(w, r, "success", "The token \""+t.Name+"\" is revoked; scripts using it no longer work.")
	redirect(w, r, "/settings")
}

type passwordForm struct {
	Current string `form:"current_password,raw" label:"current password" validate:"required"`
	New     string `form:"new_password,raw" label:"new password" validate:"required"`
	Confirm string `form:"confirm_password,raw" label:"new password again" validate:"required"`
}

// changePassword checks the current password (rate-limited like sign-in)
// and stores the new one, which ends every session but this one.
func (app *App) changePassword(w http.ResponseWriter, r *http.Request) {
	var form passwordForm
	if err := decodeForm(r, &form); err != nil {
		app.error(w, r, err)
		return
	}
	u := currentUser(r)
	fail := func(errs components.FieldErrors) {
		app.renderSettings(w, r, http.StatusUnprocessableEntity, components.SettingsView{PasswordErrors: errs})
	}
	if errs := app.validate.Check(&form); errs != nil {
		fail(errs)
		return
	}
	if ok, wait := app.loginByAccount.Attempt(u.Email); !ok {
		// Beside the field, with the rest of the page as typed.
		setRetryAfter(w, wait)
		app.renderSettings(w, r, http.StatusTooManyRequests, components.SettingsView{PasswordErrors: components.FieldErrors{
			"current_password": domain.ErrTooManyWrongPasswords(wait).Message}})
		return
	}
	_, hash, err := app.db.UserCredentials(r.Context(), u.Email)
	if err != nil {
		app.settingsFailed(w, r, err)
		return
	}
	match, err := app.hashes.CheckPassword(r.Context(), hash, form.Current)
	if err != nil {
		app.loginByAccount.Refund(u.Email)
		app.settingsFailed(w, r, busyError())
		return
	}
	if !match {
		fail(components.FieldErrors{"current_password": "That is not your current password."})
		return
	}
	app.loginByAccount.Succeeded(u.Email)
	if err := domain.CheckPassword(form.New); err != nil {
		fail(components.FieldErrors{"new_password": domain.ErrorMessage(err)})
		return
	}
	if form.New != form.Confirm {
		fail(components.FieldErrors{"confirm_password": "The two new passwords differ; type the same one twice."})
		return
	}
	if form.New == form.Current {
		fail(components.FieldErrors{"new_password": "Choose a new password, not the one you have now."})
		return
	}
	newHash, err := app.hashes.HashPassword(r.Context(), form.New)
	if err != nil {
		app.settingsFailed(w, r, hashError(err))
		return
	}
	u, err = app.db.ChangeOwnPassword(r.Context(), u.ID, newHash)
	if err != nil {
		app.settingsFailed(w, r, err)
		return
	}
	// Keep this browser's session by moving it to the new session version;
	// app.flash then saves it. (The request's session object is shared, so
	// starting a separate one here would be overwritten by the flash.)
	sess, _ := app.sessions.Get(r, sessionName)
	sess.Values["ver"] = u.SessionVersion
	app.carrySettings(r, nil)
	app.flash(w, r, "success", "Your password is changed. You have been signed out everywhere else.")
	redirect(w, r, "/settings")
}

// setPublicName asks for the name the user's published checks carry as a
// byline: a new one waits for an editor's approval, an empty one takes the
// byline off at once (domain.DecideBylineChange).
func (app *App) setPublicName(w http.ResponseWriter, r *http.Request) {
	var form struct {
		Name string `form:"public_name"`
	}
	if err := decodeForm(r, &form); err != nil {
		app.error(w, r, err)
		return
	}
	ch, err := app.db.SetPublicName(r.Context(), currentUser(r).ID, form.Name)
	if err != nil {
		if fe := fieldErrors(err); fe != nil {
			app.renderSettings(w, r, http.StatusUnprocessableEntity, components.SettingsView{PublicName: form.Name, PublicNameErrors: fe})
			return
		}
		app.settingsFailed(w, r, err)
		return
	}
	msg := "Your published checks carry no byline."
	switch {
	case ch.Change == domain.BylineRequested:
		msg = "Your byline \"" + ch.Requested + "\" waits for an editor's approval; until then your published checks carry none."
		if ch.Published != "" {
			msg = "Your byline \"" + ch.Requested + "\" waits for an editor's approval; until then your published checks say \"" + ch.Published + "\"."
		}
	case ch.Published != "":
		msg = "Your published checks say \"" + ch.Published + "\"."
	}
	app.carrySettings(r, nil, "public_name")
	app.flash(w, r, "success", msg)
	redirect(w, r, "/settings")
}
