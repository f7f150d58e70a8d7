package web

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"

	"claimtrail/components"
	"claimtrail/domain"
	"claimtrail/web/auth"
)

func (app *App) usersPage(w http.ResponseWriter, r *http.Request) {
	users, err := app.db.ListUsers(r.Context())
	if err != nil {
		app.serverError(w, r, err)
		return
	}
	app.render(w, r, http.StatusOK, components.UsersPage(app.meta(w, r, "Users"), users))
}

func (app *App) newUserPage(w http.ResponseWriter, r *http.Request) {
	app.render(w, r, http.StatusOK, components.NewUserPage(app.meta(w, r, "Add a user"), components.UserForm{Role: string(domain.RoleReviewer)}))
}

type newUserForm struct {
	Name  string `form:"name" label:"name" validate:"required"`
	Email string `form:"email" label:"email address" validate:"required,email"`
	Role  string `form:"role" label:"role"` // checked by domain.ParseRole: a choice, not typed
}

func (app *App) createUser(w http.ResponseWriter, r *http.Request) {
	var form newUserForm
	if err := decodeForm(r, &form); err != nil {
		app.error(w, r, err)
		return
	}
	role, roleErr := domain.ParseRole(form.Role)
	view := components.UserForm{Name: form.Name, Email: form.Email, Role: form.Role,
		Errors: withDomainErrors(withDomainErrors(app.validate.Check(&form), domain.CheckNewUser(form.Name, form.Email)), roleErr)}
	if view.Errors != nil {
		app.render(w, r, http.StatusUnprocessableEntity, components.NewUserPage(app.meta(w, r, "Add a user"), view))
		return
	}
	// A refusal no field holds (hashing too busy, a database that cannot
	// take changes) is said at the top of the form, which keeps what was typed.
	refused := func(err error) {
		app.refuseOnPage(w, r, err, func(status int, problem string) {
			view.Problem = problem
			app.render(w, r, status, components.NewUserPage(app.meta(w, r, "Add a user"), view))
		})
	}
	password, hash, err := app.newPassword(r)
	if err != nil {
		refused(err)
		return
	}
	u := &domain.User{Name: form.Name, Email: form.Email, Role: role, MustChangePassword: domain.IssuedPasswordMustChange(false)}
	if err := app.db.CreateUser(r.Context(), u, hash); err != nil {
		if fe := fieldErrors(err); fe != nil {
			view.Errors = fe
			app.render(w, r, http.StatusUnprocessableEntity, components.NewUserPage(app.meta(w, r, "Add a user"), view))
			return
		}
		refused(err)
		return
	}
	app.flash(w, r, "success", u.Name+"'s account is ready.")
	app.showOnce(w, r, "/admin/users/"+strconv.FormatInt(u.ID, 10), password)
}

// showOnce redirects to page, which shows the one-time secret once: it is
// kept in memory for this browser's sign-in only, never in the database, a
// cookie or the address, and a reload of the page no longer shows it.
func (app *App) showOnce(w http.ResponseWriter, r *http.Request, page, secret string) {
	app.carry.put(app.sessionID(r), page, url.Values{"secret": {secret}})
	redirect(w, r, page)
}

// takeShown returns the secret showOnce kept for this page, or "".
func (app *App) takeShown(r *http.Request) string {
	return app.takeCarried(r, r.URL.Path).Get("secret")
}

func (app *App) userPage(w http.ResponseWriter, r *http.Request) {
	u, err := app.userFromPath(r)
	if err != nil {
		app.error(w, r, err)
		return
	}
	kept := app.takeCarried(r, r.URL.Path)
	app.renderUser(w, r, http.StatusOK, u, kept.Get("secret"), components.UserView{}, kept)
}

// userPagePath is the address of a user's page.
func userPagePath(id int64) string { return "/admin/users/" + strconv.FormatInt(id, 10) }

// renderUser draws a user's page with the role typed over the stored one
// (typed: what a post kept for the page, or a refused post's own form).
func (app *App) renderUser(w http.ResponseWriter, r *http.Request, status int, u *domain.User, secret string, v components.UserView, typed url.Values) {
	tokens, err := app.db.ListAPITokens(r.Context(), u.ID)
	if err != nil {
		app.error(w, r, err)
		return
	}
	v.Role = string(u.Role)
	if role, err := domain.ParseRole(typed.Get("role")); err == nil && role != u.Role {
		v.Role, v.Carried = string(role), status == http.StatusOK
	}
	app.render(w, r, status, components.UserPage(app.meta(w, r, u.Name), u, secret, v, tokens))
}

// carryUser keeps, for the user's page the redirect shows, what the post
// did not save (a role chosen but not applied), with a one-time password
// to show under its own name, which nothing posted may take.
func (app *App) carryUser(r *http.Request, id int64, secret string, saved ...string) {
	rest := without(r.PostForm, append(saved, "secret", "active"))
	if secret != "" {
		rest.Set("secret", secret)
	}
	app.carry.put(app.sessionID(r), userPagePath(id), rest)
}

// userFailed answers a refused post on a user's page (the role they
// already have, the last admin, a token already gone): the page again with
// the reason at the top and the choices made in place. Anything else,
// including an account that does not exist, goes to the error page.
func (app *App) userFailed(w http.ResponseWriter, r *http.Request, id int64, err error) {
	app.refuseOnPage(w, r, err, func(status int, problem string) {
		u, uerr := app.db.UserByID(r.Context(), id)
		if uerr != nil {
			app.error(w, r, uerr)
			return
		}
		app.renderUser(w, r, status, u, "", components.UserView{Problem: problem, Errors: fieldErrors(err)}, r.PostForm)
	})
}

// keepUserTyped answers the page's default button (Enter without
// JavaScript): nothing is saved and what was chosen comes back.
func (app *App) keepUserTyped(w http.ResponseWriter, r *http.Request) {
	id, err := postedID(r)
	if err != nil {
		app.error(w, r, err)
		return
	}
	app.carryUser(r, id, "")
	app.flash(w, r, "info", "Nothing is saved yet: press the button for what you want to change.")
	redirect(w, r, userPagePath(id))
}

// revokeUserToken lets an admin revoke any user's API token.
func (app *App) revokeUserToken(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	var tid int64
	if err == nil {
		tid, err = pathID(r, "tid")
	}
	if err == nil {
		err = parseForm(r)
	}
	if err != nil {
		app.error(w, r, err)
		return
	}
	t, err := app.db.RevokeAPIToken(r.Context(), id, tid)
	if err != nil {
		app.userFailed(w, r, id, err)
		return
	}
	app.carryUser(r, id, "")
	app.flash(w, r, "success", "The token "+strconv.Quote(t.Name)+" is revoked; scripts using it stop working at once.")
	redirect(w, r, userPagePath(id))
}

func (app *App) userFromPath(r *http.Request) (*domain.User, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	return app.db.UserByID(r.Context(), id)
}

func (app *App) setUserRole(w http.ResponseWriter, r *http.Request) {
	var form struct {
		Role string `form:"role"`
	}
	id, err := pathID(r, "id")
	if err == nil {
		err = decodeForm(r, &form)
	}
	var role domain.Role
	if err == nil {
		role, err = domain.ParseRole(form.Role)
	}
	var u *domain.User
	if err == nil {
		u, err = app.db.SetUserRole(r.Context(), id, role)
	}
	if err != nil {
		if id != 0 && r.PostForm != nil {
			app.userFailed(w, r, id, err)
			return
		}
		app.error(w, r, err)
		return
	}
	app.carryUser(r, u.ID, "", "role")
	app.flash(w, r, "success", u.Name+" is now "+u.Role.Label()+". They have been signed out everywhere.")
	redirect(w, r, userPagePath(u.ID))
}

func (app *App) setUserActive(w http.ResponseWriter, r *http.Request) {
	var form struct {
		Active string `form:"active"`
	}
	id, err := pathID(r, "id")
	if err == nil {
		err = decodeForm(r, &form)
	}
	// Deactivating signs someone out, so only an explicit choice counts.
	if err == nil && form.Active != "true" && form.Active != "false" {
		err = domain.Errorf(domain.EINVALID, "Use the Deactivate or Reactivate button on the user's page.")
	}
	var u *domain.User
	if err == nil {
		u, err = app.db.SetUserActive(r.Context(), id, form.Active == "true")
	}
	if err != nil {
		if id != 0 && r.PostForm != nil {
			app.userFailed(w, r, id, err)
			return
		}
		app.error(w, r, err)
		return
	}
	app.carryUser(r, u.ID, "")
	msg := u.Name + "'s account is deactivated and signed out."
	if u.Active {
		msg = u.Name + "'s account is active again."
	}
	app.flash(w, r, "success", msg)
	redirect(w, r, userPagePath(u.ID))
}

func (app *App) resetUserPassword(w http.ResponseWriter, r *http.Request) {
	id, err := postedID(r)
	if err != nil {
		app.error(w, r, err)
		return
	}
	password, hash, err := app.newPassword(r)
	var u *domain.User
	if err == nil {
		u, err = app.db.SetUserPassword(r.Context(), id, hash, domain.IssuedPasswordMustChange(false))
	}
	if err != nil {
		app.userFailed(w, r, id, err)
		return
	}
	// The new password works at once, whatever failures came before it.
	app.loginByAccount.Succeeded(u.Email)
	app.carryUser(r, u.ID, password)
	redirect(w, r, userPagePath(u.ID))
}

// busyError is the answer when every password-hashing slot stayed taken.
func busyError() error {
	return domain.Errorf(domain.ERATELIMIT, "Many people are signing in right now. Wait a few seconds and try again.")
}

// hashError turns a failure to get a hashing slot into busyError; anything
// else stays internal.
func hashError(err error) error {
	if errors.Is(err, auth.ErrBusy) {
		return busyError()
	}
	return err
}

// fieldErrors returns the per-field messages of a domain error, if it has any.
func fieldErrors(err error) components.FieldErrors {
	if e, ok := err.(*domain.Error); ok && len(e.Fields) > 0 {
		return components.FieldErrors(e.Fields)
	}
	return nil
}

// withDomainErrors adds the per-field messages of the domain's check, err,
// to the form validator's shape messages errs; a field the shape check
// already named keeps its message.
func withDomainErrors(errs components.FieldErrors, err error) components.FieldErrors {
	fe := fieldErrors(err)
	if fe == nil {
		return errs
	}
	if errs == nil {
		errs = components.FieldErrors{}
	}
	for field, msg := range fe {
		if _, named := errs[field]; !named {
			errs[field] = msg
		}
	}
	return errs
}

// newPassword makes a one-time password for an admin to hand over, with its
// hash to store; a hashing failure comes back as hashError says.
func (app *App) newPassword(r *http.Request) (password, hash string, err error) {
	password = auth.GeneratePassword()
	hash, err = app.hashes.HashPassword(r.Context(), password)
	if err != nil {
		return "", "", hashError(err)
	}
	return password, hash, nil
}
