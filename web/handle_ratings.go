package web

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

	"claimtrail/components"
	"claimtrail/domain"
)

// The ratings page's controls share one form (components.RatingsFormID):
// whichever button is pressed, the post holds every row as typed and the
// new rating; a successful post keeps what it did not save for the page
// its redirect shows, and a refused one draws the page with all of it.

func (app *App) ratingsPage(w http.ResponseWriter, r *http.Request) {
	app.renderRatingsTyped(w, r, http.StatusOK, components.RatingsView{New: components.RatingForm{OnScale: true}}, app.takeCarried(r, "/ratings"))
}

// keepRatingsTyped answers the page's default button (Enter in a field
// without JavaScript): nothing is saved and everything typed comes back.
func (app *App) keepRatingsTyped(w http.ResponseWriter, r *http.Request) {
	if err := parseForm(r); err != nil {
		app.error(w, r, err)
		return
	}
	app.carryTyped(r, "/ratings")
	app.flash(w, r, "info", "Nothing is saved yet: press the button beside what you typed.")
	redirect(w, r, "/ratings")
}

// ratingsDone answers a successful post on the ratings page: saved names
// the fields it saved, the rest is kept for the page.
func (app *App) ratingsDone(w http.ResponseWriter, r *http.Request, msg string, saved ...string) {
	app.carryTyped(r, "/ratings", saved...)
	if msg != "" {
		app.flash(w, r, "success", msg)
	}
	redirect(w, r, "/ratings")
}

// ratingRowFields are one rating's fields as the page's one form posts them.
func ratingRowFields(id int64) []string {
	return []string{components.RatingField(id, "name"), components.RatingField(id, "value"),
		components.RatingField(id, "on_scale"), components.RatingField(id, "shown")}
}

// ratingValues are one rating's posted fields without their prefix; a post
// without them (an older page, a script) is read as it is.
func ratingValues(values url.Values, id int64) url.Values {
	return rowPart(values, components.RatingField(id, ""))
}

// renderRatingsTyped draws the page with what was typed put back: each
// row that was posted and differs from the stored rating, and the new
// rating's fields. A row that failed (v.Edit) keeps its own values.
func (app *App) renderRatingsTyped(w http.ResponseWriter, r *http.Request, status int, v components.RatingsView, typed url.Values) {
	var err error
	if v.Ratings, err = app.db.ListRatings(r.Context()); err != nil {
		app.serverError(w, r, err)
		return
	}
	if len(typed) > 0 {
		for _, rt := range v.Ratings {
			if typed.Get(components.RatingField(rt.ID, "shown")) == "" || rt.ID == v.Edit.ID {
				continue
			}
			f := components.RatingForm{ID: rt.ID,
				Name:    echoText(typed.Get(components.RatingField(rt.ID, "name"))),
				Value:   echoText(typed.Get(components.RatingField(rt.ID, "value"))),
				OnScale: typed.Get(components.RatingField(rt.ID, "on_scale")) == "true"}
			if f.Name == rt.Name && f.Value == strconv.FormatFloat(rt.Value, 'f', -1, 64) && f.OnScale == rt.OnScale {
				continue
			}
			if v.Typed == nil {
				v.Typed = map[int64]components.RatingForm{}
			}
			v.Typed[rt.ID], v.Carried = f, true
		}
		if typed.Get("shown") != "" && v.New.Errors == nil {
			v.New.Name, v.New.Value = echoText(typed.Get("name")), echoText(typed.Get("value"))
			v.New.OnScale = typed.Get("on_scale") == "true"
			if v.New.Name != "" || v.New.Value != "" {
				v.Carried = true
			}
		}
	}
	app.renderRatings(w, r, status, v)
}

func (app *App) renderRatings(w http.ResponseWriter, r *http.Request, status int, v components.RatingsView) {
	var err error
	if v.Ratings == nil {
		if v.Ratings, err = app.db.ListRatings(r.Context()); err != nil {
			app.serverError(w, r, err)
			return
		}
	}
	if v.Use, err = app.db.RatingUse(r.Context()); err != nil {
		app.serverError(w, r, err)
		return
	}
	app.render(w, r, status, components.RatingsPage(app.meta(w, r, "Ratings"), v))
}

type ratingForm struct {
	Name    string `form:"name" label:"name" validate:"required"`
	Value   string `form:"value" label:"value" validate:"required"`
	OnScale bool   `form:"on_scale"`
}

// rating checks the form and turns it into a rating, or returns per-field messages.
func (f *ratingForm) rating(app *App, id int64) (*domain.Rating, components.FieldErrors) {
	errs := app.validate.Check(f)
	v, err := strconv.ParseFloat(f.Value, 64)
	if f.Value != "" && err != nil {
		if errs == nil {
			errs = components.FieldErrors{}
		}
		errs["value"] = "Enter the value as a number, like 3 or 2.5."
	}
	if errs != nil {
		return nil, errs
	}
	return &domain.Rating{ID: id, Name: f.Name, Value: v, OnScale: f.OnScale}, nil
}

func (f *ratingForm) view(id int64, errs components.FieldErrors) components.RatingForm {
	return components.RatingForm{ID: id, Name: f.Name, Value: f.Value, OnScale: f.OnScale, Errors: errs}
}

func (app *App) createRating(w http.ResponseWriter, r *http.Request) {
	var form ratingForm
	if err := decodeForm(r, &form); err != nil {
		app.error(w, r, err)
		return
	}
	rt, errs := form.rating(app, 0)
	if errs == nil {
		if err := app.db.CreateRating(r.Context(), rt); err != nil {
			if errs = fieldErrors(err); errs == nil {
				app.ratingsFailed(w, r, err, components.RatingForm{})
				return
			}
		}
	}
	if errs != nil {
		app.renderRatingsTyped(w, r, http.StatusUnprocessableEntity, components.RatingsView{New: form.view(0, errs)}, r.PostForm)
		return
	}
	app.ratingsDone(w, r, "Added the rating "+rt.Name+".", "name", "value", "on_scale", "shown")
}

func (app *App) updateRating(w http.ResponseWriter, r *http.Request) {
	var form ratingForm
	id, err := postedID(r)
	if err == nil {
		err = fillForm(ratingValues(r.Form, id), &form)
	}
	if err != nil {
		app.error(w, r, err)
		return
	}
	rt, errs := form.rating(app, id)
	if errs == nil {
		// When the rating was last changed, as this page showed it; a page
		// from before the field was sent checks nothing.
		if seen, err := strconv.ParseInt(ratingValues(r.Form, id).Get("seen"), 10, 64); err == nil && seen > 0 {
			rt.UpdatedAt = time.UnixMicro(seen).UTC()
		}
		if err := app.db.UpdateRating(r.Context(), rt); err != nil {
			if errs = fieldErrors(err); errs == nil {
				// What was typed stays in its row, beside the rating as
				// saved meanwhile, or the reason it is gone.
				app.ratingsFailed(w, r, err, form.view(id, nil))
				return
			}
		}
	}
	if errs != nil {
		app.renderRatingsTyped(w, r, http.StatusUnprocessableEntity, components.RatingsView{New: components.RatingForm{OnScale: true}, Edit: form.view(id, errs)}, r.PostForm)
		return
	}
	app.ratingsDone(w, r, "Saved the rating "+rt.Name+".", ratingRowFields(id)...)
}

func (app *App) moveRating(w http.ResponseWriter, r *http.Request) {
	var form struct {
		Direction string `form:"direction"`
	}
	id, err := pathID(r, "id")
	if err == nil {
		err = decodeForm(r, &form)
	}
	if err == nil {
		err = app.db.MoveRating(r.Context(), id, form.Direction == "up")
	}
	if err != nil {
		app.ratingsFailed(w, r, err, components.RatingForm{})
		return
	}
	app.ratingsDone(w, r, "")
}

func (app *App) deleteRating(w http.ResponseWriter, r *http.Request) {
	id, err := postedID(r)
	if err == nil {
		err = app.db.DeleteRating(r.Context(), id)
	}
	if err != nil {
		app.ratingsFailed(w, r, err, components.RatingForm{})
		return
	}
	app.ratingsDone(w, r, "Rating deleted.", ratingRowFields(id)...)
}

// ratingsFailed answers a refused change without fields (a rating now in
// use, one a colleague changed or removed: refusedOnPage): the page again,
// the reason at the top and everything typed in place, edit's row as
// posted when it is set. Other errors go to the error page.
func (app *App) ratingsFailed(w http.ResponseWriter, r *http.Request, err error, edit components.RatingForm) {
	app.refuseOnPage(w, r, err, func(status int, problem string) {
		app.renderRatingsTyped(w, r, status, components.RatingsView{New: components.RatingForm{OnScale: true}, Edit: edit, Problem: problem}, r.PostForm)
	})
}
