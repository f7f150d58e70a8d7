package web

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"claimtrail/components"
	"claimtrail/domain"
	"claimtrail/domain/match"
)

// claimView loads everything the claim page shows, with its forms filled
// from what is stored; handlers then overlay what the person typed.
func (app *App) claimView(r *http.Request, id int64) (components.ClaimView, error) {
	ctx := r.Context()
	u := currentUser(r)
	gen, keep := app.db.Generation(ctx) // before the read: see keptTimelines
	d, found, err := app.db.ClaimDetailMatches(ctx, id, match.DefaultLimit)
	if err != nil {
		return components.ClaimView{}, err
	}
	v := components.ClaimView{D: d, User: u, Now: time.Now(), May: domain.Permissions(u, d.Claim, d.Workers)}
	v.Timeline = app.keptTimelines.get(ctx, gen, keep, id, func() []components.TimelineEntry { return timeline(d.History, d.Names) })
	if v.Ratings, err = app.db.ListRatings(ctx); err != nil {
		return v, err
	}
	if v.May.Assign {
		if v.Assignees, err = app.db.Assignees(ctx); err != nil {
			return v, err
		}
	}
	if err := app.claimAppearances(r, &v); err != nil {
		return v, err
	}
	for _, f := range found {
		if f.Kind == match.KindImported {
			v.Imported = append(v.Imported, f)
		}
	}
	v.NewSource.Type = string(domain.SourceOfficialStatistics)
	if d.Verdict != nil {
		v.Verdict = components.VerdictForm{Conclusion: d.Verdict.Conclusion, Explanation: d.Verdict.Explanation, Version: d.Verdict.Version}
		if d.Verdict.RatingID != 0 {
			v.Verdict.RatingID = itoa(d.Verdict.RatingID)
		}
	}
	return v, nil
}

func (app *App) claimPage(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		app.error(w, r, err)
		return
	}
	typed := app.takeCarried(r, r.URL.Path)
	// The page as plainly asked for again is kept as drawn while nothing
	// changes (keptPages), for each person apart: what they may do with the claim
	// shows on it. Text carried over from a post is drawn afresh, and a
	// kept page is not served once its claim would show as overdue.
	gen, keep := app.db.Generation(r.Context())
	keep = keep && typed == nil
	key := "claim|" + itoa(id) + "|" + itoa(currentUser(r).ID)
	now := time.Now()
	seen := false
	if keep {
		var html []byte
		if html, seen = app.keptItemPages.get(gen, key, now); html != nil {
			app.render(w, r, http.StatusOK, components.PageWith(app.meta(w, r, "Claim "+itoa(id)), components.KeptHTML(html)))
			return
		}
	}
	v, err := app.claimView(r, id)
	if err != nil {
		app.error(w, r, err)
		return
	}
	if typed != nil {
		v.Carried = applyTyped(&v, typed)
	}
	if keep && !seen {
		app.keptItemPages.mark(gen, key)
	} else if keep {
		if html := keptBody(r.Context(), components.ClaimBody(v)); html != nil {
			app.keptItemPages.put(gen, key, html, turnsOverdue([]*domain.Claim{v.D.Claim}, v.Now))
			app.render(w, r, http.StatusOK, components.PageWith(app.meta(w, r, "Claim "+itoa(id)), components.KeptHTML(html)))
			return
		}
	}
	app.renderClaim(w, r, http.StatusOK, v)
}

// applyTyped puts text typed on the claim page back into the forms the page
// shows in the claim's present state, and reports whether any of it differs
// from what is stored. Version stamps come from the stored claim: the
// person's own change since has moved them on.
func applyTyped(v *components.ClaimView, typed url.Values) bool {
	changed := false
	// put reports whether it changed dst.
	put := func(dst *string, name string) bool {
		vals, ok := typed[name]
		if !ok || len(vals) == 0 || vals[0] == *dst {
			return false
		}
		*dst, changed = vals[0], true
		return true
	}
	c := v.D.Claim
	if v.May.Work {
		put(&v.Verdict.RatingID, "rating")
		put(&v.Verdict.Conclusion, "conclusion")
		put(&v.Verdict.Explanation, "explanation")
		nf := &v.NewSource
		for name, dst := range map[string]*string{"url": &nf.URL, "title": &nf.Title, "publisher": &nf.Publisher, "type": &nf.Type,
			"published_at": &nf.PublishedAt, "accessed_at": &nf.AccessedAt, "quote": &nf.Quote} {
			put(dst, name)
		}
		for _, s := range v.D.Verdict.Sources {
			// Whether this source's fields differ, whatever else did.
			edited := false
			ef := components.SourceFormFrom(s)
			prefix := components.EditSourcePrefix(s.ID)
			for name, dst := range map[string]*string{"url": &ef.URL, "title": &ef.Title, "publisher": &ef.Publisher, "type": &ef.Type,
				"published_at": &ef.PublishedAt, "accessed_at": &ef.AccessedAt, "quote": &ef.Quote} {
				edited = put(dst, prefix+name) || edited
			}
			if edited {
				if v.EditedSources == nil {
					v.EditedSources = map[int64]components.SourceForm{}
				}
				v.EditedSources[s.ID] = ef
			}
		}
	}
	put(&v.Comment.Text, "body")
	if v.May.Release {
		put(&v.Release.Text, "comment")
	}
	if v.May.Decide {
		put(&v.Return.Text, "comment")
	}
	if v.May.Reopen {
		put(&v.Reopen.Text, "reason")
	}
	if v.May.SetDue {
		stored := components.DateValue(c.DueAt)
		if d, ok := typed["due"]; ok && len(d) > 0 && d[0] != stored {
			v.Due.Text, changed = d[0], true
		}
	}
	return changed
}

// keepTyped answers the claim page's default button (Enter in a field
// without JavaScript): it saves nothing and shows the page again with
// everything typed still in place.
func (app *App) keepTyped(w http.ResponseWriter, r *http.Request) {
	id, err := claimForm(r, &struct{}{})
	if err != nil {
		app.error(w, r, err)
		return
	}
	app.carryTyped(r, "/claims/"+itoa(id))
	app.flash(w, r, "info", "Nothing is saved yet: press the button beside what you typed.")
	redirect(w, r, "/claims/"+itoa(id))
}

func (app *App) renderClaim(w http.ResponseWriter, r *http.Request, status int, v components.ClaimView) {
	app.render(w, r, status, components.ClaimPage(app.meta(w, r, "Claim "+itoa(v.D.Claim.ID)), v))
}

// claimFailed answers a failed claim form: field errors re-render the page
// with 422 and what was typed (set puts it back); anything else goes to the
// error page.
//
// A refusal without fields (a colleague's change in between, a source
// they removed, a state that no longer allows it: refusedOnPage) also
// shows the claim page, with the reason at the top, so that nothing typed
// anywhere on the page is lost.
func (app *App) claimFailed(w http.ResponseWriter, r *http.Request, id int64, err error, set func(v *components.ClaimView, fe components.FieldErrors)) {
	fe := fieldErrors(err)
	var stale *domain.StaleVerdictError
	errors.As(err, &stale)
	err, onPage := app.refusedOnPage(r, err)
	code := domain.ErrorCode(err)
	if fe == nil && stale == nil && !onPage {
		app.error(w, r, err)
		return
	}
	v, verr := app.claimView(r, id)
	if verr != nil {
		app.error(w, r, verr)
		return
	}
	status := http.StatusUnprocessableEntity
	switch {
	case stale != nil:
		status, v.Stale = http.StatusConflict, stale
	case fe == nil:
		status, v.Problem = statusOf(code), domain.ErrorMessage(err)
	}
	applyTyped(&v, r.PostForm)
	if set == nil {
		set = func(*components.ClaimView, components.FieldErrors) {}
	}
	set(&v, fe)
	if stale != nil {
		// Saving again now is a deliberate overwrite of the version shown.
		v.Verdict.Version = stale.Current.Version
	}
	app.renderClaim(w, r, status, v)
}

// claimDone answers a successful claim form with a flash and the claim
// page, carrying over everything else typed on the page; saved names the
// fields this form saved, which the page now shows from storage.
func (app *App) claimDone(w http.ResponseWriter, r *http.Request, id int64, msg, anchor string, saved ...string) {
	app.carryTyped(r, "/claims/"+itoa(id), saved...)
	app.flash(w, r, "success", msg)
	redirect(w, r, "/claims/"+itoa(id)+anchor)
}

// claimForm reads the claim id from the path and the form into dst.
func claimForm(r *http.Request, dst any) (int64, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return 0, err
	}
	return id, decodeForm(r, dst)
}

func (app *App) assignClaim(w http.ResponseWriter, r *http.Request) {
	var form struct {
		Assignee int64 `form:"assignee"`
		Seen     int64 `form:"claim_version"`
	}
	id, err := claimForm(r, &form)
	if err != nil {
		app.error(w, r, err)
		return
	}
	assignee, err := app.db.AssignClaim(r.Context(), id, form.Assignee, form.Seen)
	if err != nil {
		app.claimFailed(w, r, id, err, func(v *components.ClaimView, fe components.FieldErrors) { v.Assign.Errors = fe })
		return
	}
	app.claimDone(w, r, id, "Claim "+itoa(id)+" is assigned to "+assignee.Name+".", "", "assignee")
}

func (app *App) setClaimPriority(w http.ResponseWriter, r *http.Request) {
	var form struct {
		Priority string `form:"priority"`
		Seen     int64  `form:"claim_version"`
	}
	id, err := claimForm(r, &form)
	var p domain.Priority
	if err == nil {
		p, err = domain.ParsePriority(form.Priority)
	}
	if err == nil {
		err = app.db.PrioritiseClaim(r.Context(), id, p, form.Seen)
	}
	if err != nil {
		app.claimFailed(w, r, id, err, nil)
		return
	}
	app.claimDone(w, r, id, "Priority set to "+p.Label()+".", "", "priority")
}

func (app *App) setClaimDue(w http.ResponseWriter, r *http.Request) {
	var form struct {
		Due   string `form:"due"`
		Clear string `form:"clear_due"`
		Seen  int64  `form:"claim_version"`
	}
	id, err := claimForm(r, &form)
	if err != nil {
		app.error(w, r, err)
		return
	}
	due, err := domain.ReadDue(form.Due, form.Clear != "")
	if err == nil {
		_, err = app.db.SetClaimDue(r.Context(), id, due, form.Seen)
	}
	if err != nil {
		app.claimFailed(w, r, id, err, func(v *components.ClaimView, fe components.FieldErrors) {
			v.Due = components.TextForm{Text: form.Due, Errors: fe}
		})
		return
	}
	msg := "Due date cleared."
	if !due.IsZero() {
		msg = "Due " + components.FormatDate(due) + "."
	}
	app.claimDone(w, r, id, msg, "", "due")
}

func (app *App) releaseClaim(w http.ResponseWriter, r *http.Request) {
	var form struct {
		Comment string `form:"comment"`
	}
	id, err := claimForm(r, &form)
	if err == nil {
		_, err = app.db.ReleaseClaim(r.Context(), id, form.Comment)
	}
	if err != nil {
		app.claimFailed(w, r, id, err, func(v *components.ClaimView, fe components.FieldErrors) {
			v.Release = components.TextForm{Text: form.Comment, Errors: fe}
		})
		return
	}
	app.claimDone(w, r, id, "Claim "+itoa(id)+" is back in the queue.", "", "comment")
}

// verdictForm is the verdict as typed; its rules (one-line conclusion, the
// lengths) are domain.Verdict.CheckText, applied by storage on save.
// verdictFields are the verdict form's inputs on the claim page.
var verdictFields = []string{"rating", "conclusion", "explanation"}

type verdictForm struct {
	Version     int64  `form:"version"`
	Rating      string `form:"rating"`
	Conclusion  string `form:"conclusion"`
	Explanation string `form:"explanation,raw"`
}

func (f verdictForm) view(errs components.FieldErrors) components.VerdictForm {
	return components.VerdictForm{RatingID: f.Rating, Conclusion: f.Conclusion, Explanation: f.Explanation, Version: f.Version, Errors: errs}
}

func (f verdictForm) input() (domain.VerdictInput, error) {
	in := domain.VerdictInput{Conclusion: f.Conclusion, Explanation: f.Explanation}
	if f.Rating != "" {
		id, err := strconv.ParseInt(f.Rating, 10, 64)
		if err != nil {
			return in, domain.FieldError("rating", "Choose a rating from the list.")
		}
		in.RatingID = id
	}
	return in, nil
}

func (app *App) saveVerdict(w http.ResponseWriter, r *http.Request) {
	var form verdictForm
	id, err := claimForm(r, &form)
	if err != nil {
		app.error(w, r, err)
		return
	}
	in, err := form.input()
	if err == nil {
		_, err = app.db.SaveVerdict(r.Context(), id, in, form.Version)
	}
	if err != nil {
		app.claimFailed(w, r, id, err, func(v *components.ClaimView, fe components.FieldErrors) { v.Verdict = form.view(fe) })
		return
	}
	app.claimDone(w, r, id, "Draft saved.", "#verdict", verdictFields...)
}

// submitVerdict saves what is in the verdict form and submits it, in one
// change, so that nothing typed is lost on the way to the editors.
func (app *App) submitVerdict(w http.ResponseWriter, r *http.Request) {
	var form verdictForm
	id, err := claimForm(r, &form)
	if err != nil {
		app.error(w, r, err)
		return
	}
	var text *domain.VerdictInput
	if _, typed := r.PostForm["conclusion"]; typed {
		var in domain.VerdictInput
		if in, err = form.input(); err == nil {
			text = &in
		}
	}
	if err == nil {
		_, err = app.db.SubmitVerdict(r.Context(), id, text, form.Version)
	}
	if err != nil {
		app.claimFailed(w, r, id, err, func(v *components.ClaimView, fe components.FieldErrors) {
			vf := form.view(fe)
			vf.Version = v.Verdict.Version
			if _, typed := r.PostForm["conclusion"]; !typed {
				vf = v.Verdict
				vf.Errors = fe
			}
			v.Verdict = vf
		})
		return
	}
	app.claimDone(w, r, id, "Verdict submitted for approval.", "", verdictFields...)
}

type sourceForm struct {
	Version     int64  `form:"version"`
	URL         string `form:"url"`
	Title       string `form:"title"`
	Publisher   string `form:"publisher"`
	PublishedAt string `form:"published_at"`
	AccessedAt  string `form:"accessed_at"`
	Type        string `form:"type"`
	Quote       string `form:"quote,raw"`
}

func (f sourceForm) view(id int64, errs components.FieldErrors) components.SourceForm {
	return components.SourceForm{ID: id, URL: f.URL, Title: f.Title, Publisher: f.Publisher, PublishedAt: f.PublishedAt,
		AccessedAt: f.AccessedAt, Type: f.Type, Quote: f.Quote, Errors: errs}
}

// source turns the form into a domain source; bad dates are field errors
// gathered with the source's own checks.
func (f sourceForm) source() (domain.Source, error) {
	s := domain.Source{URL: f.URL, Title: f.Title, Publisher: f.Publisher, Type: domain.SourceType(f.Type), Quote: f.Quote}
	s.Tidy()
	fields := map[string]string{}
	var err error
	if s.PublishedAt, err = parseDate("published_at", f.PublishedAt); err != nil {
		fields["published_at"] = domain.ErrorMessage(err)
	}
	if s.AccessedAt, err = parseDate("accessed_at", f.AccessedAt); err != nil {
		fields["accessed_at"] = domain.ErrorMessage(err)
	}
	if e, ok := s.Check().(*domain.Error); ok {
		for k, m := range e.Fields {
			if fields[k] == "" {
				fields[k] = m
			}
		}
	}
	if len(fields) > 0 {
		return s, &domain.Error{Code: domain.EINVALID, Message: "Some details of this source need fixing.", Fields: fields}
	}
	return s, nil
}

// sourceChange runs one change to a verdict's sources and answers it: htmx
// gets the sources panel back (with the form's errors and 422 when it
// failed), a plain request the claim page.
func (app *App) sourceChange(w http.ResponseWriter, r *http.Request, editing bool,
	change func(id, sid int64, form sourceForm) (*domain.Verdict, error)) {
	var form sourceForm
	id, err := pathID(r, "id")
	var sid int64
	if err == nil && r.PathValue("sid") != "" {
		sid, err = pathID(r, "sid")
	}
	// An edit's fields are named after their source on the claim page
	// (src-7-url); a plain url, title, ... is read as well.
	prefix := ""
	if err == nil {
		err = parseForm(r)
	}
	if err == nil {
		if editing && sid != 0 {
			if p := components.EditSourcePrefix(sid); r.PostForm.Has(p + "url") {
				prefix = p
			}
		}
		err = fillForm(unprefixed(r.Form, prefix), &form)
	}
	if err != nil {
		app.error(w, r, err)
		return
	}
	_, err = change(id, sid, form)
	// What this change saved, when it did: the new source's fields, or
	// those of the source changed. Everything else typed stays.
	var saved []string
	if !editing {
		saved = sourceFields
	} else if prefix != "" {
		for _, f := range sourceFields {
			saved = append(saved, prefix+f)
		}
	}
	if !isHTMX(r) {
		if err != nil {
			app.claimFailed(w, r, id, err, func(v *components.ClaimView, fe components.FieldErrors) {
				if editing {
					v.EditSource = form.view(sid, fe)
				} else {
					v.NewSource = form.view(0, fe)
				}
			})
			return
		}
		app.carryTyped(r, "/claims/"+itoa(id), saved...)
		redirect(w, r, "/claims/"+itoa(id)+"#sources")
		return
	}
	fe := fieldErrors(err)
	if err != nil && fe == nil {
		app.error(w, r, err)
		return
	}
	v, verr := app.claimView(r, id)
	if verr != nil {
		app.error(w, r, verr)
		return
	}
	// The panel replaces the page's sources: a new source or another
	// source's edit typed but not saved by this change is drawn again as
	// typed, as the page without JavaScript does.
	typed := r.PostForm
	if err == nil {
		typed = without(r.PostForm, saved)
	}
	applyTyped(&v, typed)
	status := http.StatusOK
	if err != nil {
		status = http.StatusUnprocessableEntity
		if editing {
			v.EditSource = form.view(sid, fe)
		} else {
			v.NewSource = form.view(0, fe)
		}
	}
	app.render(w, r, status, components.SourcesPanel(v, true))
}

// sourceFields are a source's inputs, as named in the add-source form.
var sourceFields = []string{"url", "title", "publisher", "type", "published_at", "accessed_at", "quote"}

// unprefixed returns the values whose names start with prefix, without it,
// with the version stamp; with no prefix, all of them.
func unprefixed(values url.Values, prefix string) url.Values {
	if prefix == "" {
		return values
	}
	out := url.Values{"version": values["version"]}
	for k, v := range values {
		if name, ok := strings.CutPrefix(k, prefix); ok {
			out[name] = v
		}
	}
	return out
}

func (app *App) addSource(w http.ResponseWriter, r *http.Request) {
	app.sourceChange(w, r, false, func(id, _ int64, form sourceForm) (*domain.Verdict, error) {
		s, err := form.source()
		if err != nil {
			return nil, err
		}
		return app.db.AddSource(r.Context(), id, s, form.Version)
	})
}

func (app *App) updateSource(w http.ResponseWriter, r *http.Request) {
	app.sourceChange(w, r, true, func(id, sid int64, form sourceForm) (*domain.Verdict, error) {
		s, err := form.source()
		if err != nil {
			return nil, err
		}
		return app.db.UpdateSource(r.Context(), id, sid, s, form.Version)
	})
}

func (app *App) removeSource(w http.ResponseWriter, r *http.Request) {
	app.sourceChange(w, r, true, func(id, sid int64, form sourceForm) (*domain.Verdict, error) {
		return app.db.RemoveSource(r.Context(), id, sid, form.Version)
	})
}

func (app *App) moveSource(w http.ResponseWriter, r *http.Request) {
	app.sourceChange(w, r, true, func(id, sid int64, form sourceForm) (*domain.Verdict, error) {
		return app.db.MoveSource(r.Context(), id, sid, r.PostForm.Get("direction") == "up", form.Version)
	})
}

func (app *App) approveVerdict(w http.ResponseWriter, r *http.Request) {
	var form struct {
		Version int64  `form:"version"`
		From    string `form:"from"`
	}
	id, err := claimForm(r, &form)
	if err == nil {
		_, err = app.db.ApproveVerdict(r.Context(), id, form.Version)
	}
	if err != nil {
		if form.From == "review" {
			app.error(w, r, err)
		} else {
			app.claimFailed(w, r, id, err, nil)
		}
		return
	}
	if isHTMX(r) && form.From == "review" {
		c, err := app.db.ClaimByID(r.Context(), id)
		if err != nil {
			app.error(w, r, err)
			return
		}
		app.render(w, r, http.StatusOK, components.ApprovedRow(id, c.Text))
		return
	}
	app.claimDone(w, r, id, "Verdict approved and published.", "")
}

func (app *App) returnVerdict(w http.ResponseWriter, r *http.Request) {
	var form struct {
		Version int64  `form:"version"`
		Comment string `form:"comment,raw"`
	}
	id, err := claimForm(r, &form)
	if err == nil {
		_, err = app.db.ReturnVerdict(r.Context(), id, form.Comment, form.Version)
	}
	if err != nil {
		app.claimFailed(w, r, id, err, func(v *components.ClaimView, fe components.FieldErrors) {
			v.Return = components.TextForm{Text: form.Comment, Errors: fe}
		})
		return
	}
	app.claimDone(w, r, id, "Verdict returned to the reviewer.", "", "comment")
}

func (app *App) reopenClaim(w http.ResponseWriter, r *http.Request) {
	var form struct {
		Reason string `form:"reason,raw"`
	}
	id, err := claimForm(r, &form)
	if err == nil {
		_, err = app.db.ReopenClaim(r.Context(), id, form.Reason)
	}
	if err != nil {
		app.claimFailed(w, r, id, err, func(v *components.ClaimView, fe components.FieldErrors) {
			v.Reopen = components.TextForm{Text: form.Reason, Errors: fe}
		})
		return
	}
	app.claimDone(w, r, id, "Claim reopened; it is back in review.", "", "reason")
}

func (app *App) addComment(w http.ResponseWriter, r *http.Request) {
	var form struct {
		Body string `form:"body,raw"`
	}
	id, err := claimForm(r, &form)
	if err == nil {
		_, err = app.db.AddComment(r.Context(), id, form.Body)
	}
	if err != nil {
		app.claimFailed(w, r, id, err, func(v *components.ClaimView, fe components.FieldErrors) {
			v.Comment = components.TextForm{Text: form.Body, Errors: fe}
		})
		return
	}
	app.claimDone(w, r, id, "Comment added.", "#comments", "body")
}
