package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"claimtrail/components"
	"claimtrail/domain"
	"claimtrail/storage"
)

// queueFilter turns the queue page's query string into a storage filter.
func queueFilter(form components.QueueFilterForm) (domain.QueueFilter, error) {
	f := domain.QueueFilter{Type: domain.ClaimType(form.Type), Outlet: form.Outlet, Limit: 50}
	switch form.State {
	case "", "queued":
		f.States = []domain.ClaimState{domain.StateQueued}
	case "open":
		f.States = []domain.ClaimState{domain.StateQueued, domain.StateInReview, domain.StateSubmitted}
	default:
		f.States = []domain.ClaimState{domain.ClaimState(form.State)}
	}
	switch form.Assignee {
	case "":
	case "none":
		f.Unassigned = true
	default:
		id, err := strconv.ParseInt(form.Assignee, 10, 64)
		if err != nil {
			return f, domain.FieldError("assignee", "Choose someone from the list.")
		}
		f.AssigneeID = id
	}
	var err error
	if f.Since, err = parseDate("since", form.Since); err != nil {
		return f, err
	}
	if f.Until, err = parseDate("until", form.Until); err != nil {
		return f, err
	}
	if !f.Until.IsZero() {
		f.Until = f.Until.AddDate(0, 0, 1) // "to" includes that whole day
	}
	return f, nil
}

func (app *App) queuePage(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	app.renderQueue(w, r, http.StatusOK, queueFilterForm(q), q.Get("after"), nil, components.QueueBulk{})
}

// queueFilterForm reads the queue's filter from a query string.
func queueFilterForm(q url.Values) components.QueueFilterForm {
	return components.QueueFilterForm{State: q.Get("state"), Type: q.Get("type"), Assignee: q.Get("assignee"),
		Outlet: q.Get("outlet"), Since: q.Get("since"), Until: q.Get("until")}
}

// queueQuery writes the queue's filter (and page) as a query string.
func queueQuery(form components.QueueFilterForm, cursor string) string {
	q := url.Values{}
	for k, v := range map[string]string{"state": form.State, "type": form.Type, "assignee": form.Assignee,
		"outlet": form.Outlet, "since": form.Since, "until": form.Until, "after": cursor} {
		if v != "" {
			q.Set(k, v)
		}
	}
	return q.Encode()
}

func (app *App) renderQueue(w http.ResponseWriter, r *http.Request, status int, form components.QueueFilterForm, cursor string, errs components.FieldErrors, bulk components.QueueBulk) {
	now := time.Now()
	canEdit := domain.CanAssign(currentUser(r))
	// The list as plainly asked for is kept as rendered while nothing changes
	// (keptPages); a page with messages on it is drawn afresh.
	gen, keep := app.db.Generation(r.Context())
	keep = keep && status == http.StatusOK && errs == nil
	key := ""
	if keep {
		key = "queue|" + strconv.FormatBool(canEdit) + "|" + queueQuery(form, cursor)
		if html, ok := app.keptPages.get(gen, key, now); ok {
			app.render(w, r, status, components.PageWith(app.meta(w, r, "Queue"), components.KeptHTML(html)))
			return
		}
	}
	// A filter that cannot be read is named beside its field and left out,
	// so the page still shows the queue rather than an error.
	var filterErrs components.FieldErrors
	typed := form
	var items []*domain.QueueItem
	var next string
	for tries := 0; ; tries++ {
		f, err := queueFilter(form)
		if err == nil {
			f.Cursor = cursor
			items, next, err = app.db.ListQueue(r.Context(), f)
		}
		if err == nil {
			break
		}
		fe := fieldErrors(err)
		if fe == nil || tries == 6 {
			app.error(w, r, err)
			return
		}
		if fe["cursor"] != "" {
			// A damaged "next page" link: show the first page and say why.
			cursor = ""
		}
		if filterErrs == nil {
			filterErrs = components.FieldErrors{}
		}
		for name, msg := range fe {
			filterErrs[name] = msg
			form = form.Without(name)
		}
		status = http.StatusUnprocessableEntity
	}
	view := components.QueueView{Filter: typed, Items: items, CanEdit: canEdit, Now: now, Errors: errs,
		FilterErrors: filterErrs, FilterQuery: queueQuery(form, cursor), Bulk: bulk}
	var err error
	if view.Assignees, err = app.db.Assignees(r.Context()); err != nil {
		app.serverError(w, r, err)
		return
	}
	if view.Outlets, err = app.db.Outlets(r.Context()); err != nil {
		app.serverError(w, r, err)
		return
	}
	if view.Seen, err = app.db.AppearanceSummaries(r.Context(), queueIDs(items)); err != nil {
		app.serverError(w, r, err)
		return
	}
	if next != "" {
		nq := url.Values{}
		for k, v := range map[string]string{"state": form.State, "type": form.Type, "assignee": form.Assignee,
			"outlet": form.Outlet, "since": form.Since, "until": form.Until} {
			if v != "" {
				nq.Set(k, v)
			}
		}
		nq.Set("after", next)
		view.NextURL = "/queue?" + nq.Encode()
	}
	if keep && filterErrs == nil {
		if html := keptBody(r.Context(), components.QueueBody(view)); html != nil {
			app.keptPages.put(gen, key, html, turnsOverdue(queueClaims(items), now))
			app.render(w, r, status, components.PageWith(app.meta(w, r, "Queue"), components.KeptHTML(html)))
			return
		}
	}
	app.render(w, r, status, components.QueuePage(app.meta(w, r, "Queue"), view))
}

// queueClaims are the claims of a page of the queue.
func queueClaims(items []*domain.QueueItem) []*domain.Claim {
	out := make([]*domain.Claim, len(items))
	for i, it := range items {
		out[i] = it.Claim
	}
	return out
}

// takeNext gives the reviewer the top claim and opens it; an empty queue is
// news, not an error.
func (app *App) takeNext(w http.ResponseWriter, r *http.Request) {
	if err := noInput(w, r); err != nil {
		app.error(w, r, err)
		return
	}
	c, err := app.db.TakeNext(r.Context())
	if errors.Is(err, domain.ErrQueueEmpty) {
		app.flash(w, r, "info", "Nothing waiting: the queue is empty right now.")
		redirect(w, r, "/queue")
		return
	} else if err != nil {
		app.error(w, r, err)
		return
	}
	app.flash(w, r, "success", "Claim "+itoa(c.ID)+" is yours.")
	redirect(w, r, "/claims/"+itoa(c.ID))
}

type bulkForm struct {
	IDs      []int64  `form:"ids"`
	Seen     []string `form:"seen"` // "id:version" for every claim on the page
	Action   string   `form:"action"`
	Assignee int64    `form:"assignee"`
	Priority string   `form:"priority"`
}

// refs pairs each ticked claim with the version the editor saw on the page.
func (f bulkForm) refs() ([]storage.ClaimRef, error) {
	seen := make(map[int64]int64, len(f.Seen))
	for _, s := range f.Seen {
		id, v, ok := strings.Cut(s, ":")
		claimID, err1 := strconv.ParseInt(id, 10, 64)
		version, err2 := strconv.ParseInt(v, 10, 64)
		if !ok || err1 != nil || err2 != nil || version <= 0 {
			if len(s) > 40 {
				s = s[:40] + "…"
			}
			return nil, domain.FieldError("ids", fmt.Sprintf("The selection could not be read (%q is not a claim and its version). Reload the page and try again.", strings.ToValidUTF8(s, "")))
		}
		seen[claimID] = version
	}
	refs := make([]storage.ClaimRef, len(f.IDs))
	for i, id := range f.IDs {
		if seen[id] == 0 {
			// Every row of the queue page carries its version; without one
			// a change could overwrite someone else's unseen.
			return nil, domain.FieldError("ids", fmt.Sprintf("Claim %d was ticked without the version shown on the page. Reload the page and tick the claims again.", id))
		}
		refs[i] = storage.ClaimRef{ID: id, Seen: seen[id]}
	}
	return refs, nil
}

// bulkQueue assigns or reprioritises the ticked claims; each change is still
// its own audit event.
func (app *App) bulkQueue(w http.ResponseWriter, r *http.Request) {
	var form bulkForm
	// The body is the bulk form; the address carries the filter shown, so
	// the page it leads back to lists the same claims.
	err := parseForm(r)
	if err == nil {
		err = fillForm(r.PostForm, &form)
	}
	shown, cursor := queueFilterForm(r.URL.Query()), r.URL.Query().Get("after")
	var refs []storage.ClaimRef
	changed := 0
	if err == nil {
		refs, err = form.refs()
	}
	switch {
	case err != nil:
	case len(form.IDs) == 0:
		err = domain.FieldError("ids", "Tick at least one claim.")
	case form.Action == "assign" && form.Assignee == 0:
		err = domain.FieldError("assignee", "Choose who to assign the claims to.")
	case form.Action == "assign":
		changed, err = app.db.BulkAssign(r.Context(), refs, form.Assignee)
	case form.Action == "priority":
		var p domain.Priority
		if p, err = domain.ParsePriority(form.Priority); err == nil {
			changed, err = app.db.SetClaimPriority(r.Context(), refs, p)
		}
	default:
		err = domain.FieldError("ids", "Choose Assign or Set priority.")
	}
	// A refusal shows the list again with the ticks and choices as posted.
	bulk := components.QueueBulk{Ticked: map[int64]bool{}, Assignee: r.PostForm.Get("assignee"), Priority: r.PostForm.Get("priority")}
	for _, id := range form.IDs {
		bulk.Ticked[id] = true
	}
	if fe := fieldErrors(err); fe != nil {
		app.renderQueue(w, r, http.StatusUnprocessableEntity, shown, cursor, fe, bulk)
		return
	} else if err != nil {
		// A ticked claim changed, cannot take this change or is gone, a
		// database that cannot take changes now (refusedOnPage): the
		// current list with the reason beside the selection.
		app.refuseOnPage(w, r, err, func(status int, problem string) {
			app.renderQueue(w, r, status, shown, cursor, components.FieldErrors{"ids": problem}, bulk)
		})
		return
	}
	switch changed {
	case 0:
		app.flash(w, r, "info", "Nothing to change: the ticked claims already had that priority.")
	case 1:
		app.flash(w, r, "success", "Updated 1 claim.")
	default:
		app.flash(w, r, "success", "Updated "+itoa(int64(changed))+" claims.")
	}
	if q := queueQuery(shown, cursor); q != "" {
		redirect(w, r, "/queue?"+q)
		return
	}
	redirect(w, r, "/queue")
}
