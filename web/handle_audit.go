package web

import (
	"encoding/json"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"unicode/utf8"

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
	rows := make([]components.AuditRow, len(events))
	for i, e := range events {
		rows[i] = components.AuditRow{Event: e, Changes: auditChanges(e.Before, e.After)}
	}
	app.render(w, r, status, components.AuditPage(app.meta(w, r, "Audit log"), form, rows, next))
}

// auditChanges lists, field by field in name order, what an event changed:
// the audit log's before and after as a reader compares them. Fields that
// did not change are left out; long values are cut short (the whole record
// stays in the database, hashed into the chain).
func auditChanges(before, after json.RawMessage) []components.Change {
	b, a := map[string]any{}, map[string]any{}
	okB := len(before) == 0 || json.Unmarshal(before, &b) == nil
	okA := len(after) == 0 || json.Unmarshal(after, &a) == nil
	if !okB || !okA {
		// Not an object: show the values as they are.
		return []components.Change{{Field: "value", Before: shownValue(string(before)), After: shownValue(string(after))}}
	}
	fields := maps.Clone(a)
	maps.Copy(fields, b) // every field either side has
	// Compare whole values; shorten only what is shown.
	out := diffStates(b, a, slices.Sorted(maps.Keys(fields)), func(_ string, v any, _ bool) string { return auditValue(v) })
	for i := range out {
		out[i].Before, out[i].After = shownValue(out[i].Before), shownValue(out[i].After)
	}
	return out
}

func auditValue(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	}
	j, _ := json.Marshal(v)
	return string(j)
}

// shownValue is a value as the audit page shows it: characters that hide
// or reorder text written out (every other page leaves them out, and this
// one shows what was stored), and cut to 300 characters.
func shownValue(s string) string {
	s = domain.ShowHiddenFormatting(s)
	if utf8.RuneCountInString(s) <= 300 {
		return s
	}
	return string([]rune(s)[:300]) + "…"
}
