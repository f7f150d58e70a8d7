package web

import (
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/url"

	"claimtrail/components"
	"claimtrail/domain"
	"claimtrail/storage"
)

// codeStatuses is the one table between domain error codes and HTTP
// statuses, read by code in statusOf and by status in codeOfStatus.
var codeStatuses = []struct {
	code   string
	status int
}{
	{domain.ENOTFOUND, http.StatusNotFound},
	{domain.EFORBIDDEN, http.StatusForbidden},
	{domain.EUNAUTHORIZED, http.StatusUnauthorized},
	{domain.EINVALID, http.StatusUnprocessableEntity},
	{domain.ECONFLICT, http.StatusConflict},
	{domain.ETOOLARGE, http.StatusRequestEntityTooLarge},
	{domain.ERATELIMIT, http.StatusTooManyRequests},
	{domain.EUNAVAILABLE, http.StatusServiceUnavailable},
	{domain.EBADREQUEST, http.StatusBadRequest},
}

// statusOf maps a domain error code to an HTTP status; unknown codes are internal.
func statusOf(code string) int {
	for _, cs := range codeStatuses {
		if cs.code == code {
			return cs.status
		}
	}
	return http.StatusInternalServerError
}

var headings = map[int]string{
	http.StatusNotFound:              "We can't find that page",
	http.StatusForbidden:             "You don't have access to that",
	http.StatusUnauthorized:          "Please sign in",
	http.StatusUnprocessableEntity:   "Something in the form needs fixing",
	http.StatusConflict:              "That change could not be made",
	http.StatusRequestEntityTooLarge: "That is too large",
	http.StatusTooManyRequests:       "Too many attempts",
	http.StatusServiceUnavailable:    "Changes can't be saved right now",
	http.StatusInternalServerError:   "Something went wrong",
	http.StatusMethodNotAllowed:      "That action isn't available here",
	http.StatusBadRequest:            "That request didn't make sense",
}

// error answers a request that failed with err: a friendly page (or an htmx
// fragment) whose status follows the error's code. Only internal errors are
// logged, and their text never reaches the user.
func (app *App) error(w http.ResponseWriter, r *http.Request, err error) {
	if clientGone(r) {
		return
	}
	if isAPI(r) {
		app.apiError(w, r, err)
		return
	}
	// An oversized body is the sender's doing, not ours: a 413, not a logged 500.
	// The limit named is the article limit people know, not the room left
	// around it for the rest of the form.
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		limit := app.cfg.MaxUploadBytes // article routes: name the article limit people know
		if tooBig.Limit < limit {
			limit = tooBig.Limit
		}
		err = domain.Errorf(domain.ETOOLARGE, "That is more than we accept in one go (%s). Try a smaller file or shorter text.", sizeLabel(limit))
	}
	err = app.unavailable(r, err)
	code := domain.ErrorCode(err)
	status := statusOf(code)
	if status == http.StatusInternalServerError {
		app.logInternal(r, err)
	}
	if status == http.StatusUnauthorized && !isHTMX(r) && r.Method == http.MethodGet {
		http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
		return
	}
	if status == http.StatusUnauthorized && !isHTMX(r) && r.Method == http.MethodPost && app.signedOutPost(w, r) {
		return
	}
	app.errorStatus(w, r, status, domain.ErrorMessage(err))
}

// errorStatus renders the friendly error page with a given status and message.
func (app *App) errorStatus(w http.ResponseWriter, r *http.Request, status int, message string) {
	if clientGone(r) {
		return
	}
	if isAPI(r) {
		app.apiErrorStatus(w, r, status, codeOfStatus(status), message, nil)
		return
	}
	if isHTMX(r) {
		w.Header().Set("HX-Retarget", "#flash")
		w.Header().Set("HX-Reswap", "innerHTML")
		if status == http.StatusUnauthorized {
			app.render(w, r, status, components.SignInFragment(message, signInURL(r)))
			return
		}
		app.render(w, r, status, components.ErrorFragment(message))
		return
	}
	heading := headings[status]
	if heading == "" {
		heading = http.StatusText(status)
	}
	app.render(w, r, status, components.ErrorPage(app.meta(w, r, heading), status, heading, message))
}

// signInURL is the sign-in page, leading back to the page an htmx request
// came from (HX-Current-URL, its path only).
func signInURL(r *http.Request) string {
	next := "/"
	if u, err := url.Parse(r.Header.Get("HX-Current-URL")); err == nil && u.Path != "" {
		next = u.Path
		if u.RawQuery != "" {
			next += "?" + u.RawQuery
		}
	}
	return "/login?next=" + url.QueryEscape(safeNext(next))
}

func (app *App) serverError(w http.ResponseWriter, r *http.Request, err error) {
	app.error(w, r, err)
}

// clientGone reports whether the client hung up or the request ran out of
// time. Such a request is not an internal error: nobody is left to read an
// error page, so none is written, and logRequests logs it once as "client left".
func clientGone(r *http.Request) bool {
	return r.Context().Err() != nil
}

// logInternal logs an internal error once, with what identifies the request.
func (app *App) logInternal(r *http.Request, err error) {
	app.log.ErrorContext(r.Context(), "internal error", slog.String("request_id", requestID(r)),
		slog.String("method", r.Method), slog.String("path", r.URL.Path), slog.Any("error", err))
}

// renderFailed answers a page that could not be rendered. It never renders
// anything again: the error page could fail the same way, and each failure
// would call the next. A plain-text 500 cannot fail like that.
func (app *App) renderFailed(w http.ResponseWriter, r *http.Request, err error) {
	if clientGone(r) {
		return
	}
	app.logInternal(r, err)
	h := w.Header()
	for _, k := range []string{"HX-Retarget", "HX-Reswap", "Content-Disposition"} {
		h.Del(k)
	}
	h.Set("Content-Type", "text/plain; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusInternalServerError)
	io.WriteString(w, "Something went wrong on our side, and this page could not be shown. Try again in a moment; if it keeps happening, tell an admin and quote request "+requestID(r)+".\n")
}

func (app *App) notFound(w http.ResponseWriter, r *http.Request) {
	app.errorStatus(w, r, http.StatusNotFound, "The page may have moved, or the link may be mistyped. Check the address, or start again from the home page.")
}

func (app *App) forbidden(w http.ResponseWriter, r *http.Request) {
	app.errorStatus(w, r, http.StatusForbidden, "Your role does not allow this. Ask an admin if you think you need access.")
}

// unavailable turns a database that cannot be written (disk full, read-only,
// failing disk) into a clear refusal for the person, and a log line naming
// the cause for whoever runs the server. Other errors pass through.
func (app *App) unavailable(r *http.Request, err error) error {
	derr, ok := storage.Unavailable(err)
	if ok {
		app.log.Error("database cannot be written", "cause", derr.Message, "err", err,
			"method", r.Method, "path", r.URL.Path, "request_id", requestID(r))
		return derr
	}
	return err
}

// refusedOnPage reports whether a refusal is shown at the top of the page
// its form is on, with everything typed there kept, rather than on the
// error page, which would lose it: a colleague's change in between, a
// thing removed meanwhile, a state or role that no longer allows it, too
// many attempts, a database that cannot take changes now. err comes back
// as the person is to read it (a database that cannot be written, named
// so and logged once). Internal errors, a sign-in that has ended and a
// body too large still go to app.error.
func (app *App) refusedOnPage(r *http.Request, err error) (error, bool) {
	err = app.unavailable(r, err)
	switch domain.ErrorCode(err) {
	case domain.EINVALID, domain.ECONFLICT, domain.EFORBIDDEN, domain.ENOTFOUND, domain.ERATELIMIT, domain.EUNAVAILABLE:
		return err, true
	}
	return err, false
}

// refuseOnPage answers a refused post by the one rule of refusedOnPage: a
// refusal kept on the form's page is drawn by show, with the refusal's
// status and the reason as the person is to read it; anything else goes
// to the error page.
func (app *App) refuseOnPage(w http.ResponseWriter, r *http.Request, err error, show func(status int, problem string)) {
	err, onPage := app.refusedOnPage(r, err)
	if !onPage {
		app.error(w, r, err)
		return
	}
	show(statusOf(domain.ErrorCode(err)), domain.ErrorMessage(err))
}
