package web

import (
	"net/http"
	"net/url"
	"strconv"

	"claimtrail/components"
	"claimtrail/domain"
)

func (app *App) auditPage(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	form := components.AuditFilterForm{
		Actor: q.Get("actor"), Action: q.Get("action"), Entity: q.Get("entity"),
		EntityID: q.Get("entity_id"), Since: q.Get("since"), Until: q.Get("until"),
	}
	f := domain.AuditFilter{Actor: form.Actor, Action: form.Action, Entity: form.Entity, Limit: 100}
	// A filter that cannot be read is named beside its field and left out.
	status := http.StatusOK
	fail := func(field, msg string) {
		if form.Errors == nil {
			form.Errors = components.FieldErrors{}
		}
		form.Errors[field], status = msg, http.StatusUnprocessableEntity
	}
	var err error
	if form.EntityID != "" {
		if f.EntityID, err = strconv.ParseInt(form.EntityID, 10, 64); err != nil {
			fail("entity_id", "The ID must be a number.")
		}
	}
	if f.Since, err = parseDate("since", form.Since); err != nil {
		fail("since", domain.ErrorMessage(err))
	}
	if f.Until, err = parseDate("until", form.Until); err != nil {
		fail("until", domain.ErrorMessage(err))
	}
	if !f.Until.IsZero() {
		f.Until = f.Until.AddDate(0, 0, 1) // "to" includes that whole day
	}
	f.BeforeID, _ = strconv.ParseInt(q.Get("before"), 10, 64)
	events, err := app.db.ListAuditEvents(r.Context(), f)
	if err != nil {
		app.serverError(w, r, err)
		return
	}
	next := ""
	if len(events) == f.Limit {
		nq := url.Values{}
		for k, v := range q {
			nq[k] = v
		}
		nq.Set("before", strconv.FormatInt(events[len(events)-1].ID, 10))
		next = "/admin/audit?" + nq.Encode()
	}
	app.render(w, r, status, components.AuditPage(app.meta(w, r, "Audit log"), form, events, next))
}
