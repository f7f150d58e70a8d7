package web

import (
	"net/http"
	"strconv"

	"claimtrail/components"
	"claimtrail/domain"
)

func (app *App) ratingsPage(w http.ResponseWriter, r *http.Request) {
	app.renderRatings(w, r, http.StatusOK, components.RatingsView{New: components.RatingForm{OnScale: true}})
}

func (app *App) renderRatings(w http.ResponseWriter, r *http.Request, status int, v components.RatingsView) {
	var err error
	if v.Ratings, err = app.db.ListRatings(r.Context()); err != nil {
		app.serverError(w, r, err)
		return
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
				app.error(w, r, err)
				return
			}
		}
	}
	if errs != nil {
		app.renderRatings(w, r, http.StatusUnprocessableEntity, components.RatingsView{New: form.view(0, errs)})
		return
	}
	app.flash(w, r, "success", "Added the rating "+rt.Name+".")
	redirect(w, r, "/ratings")
}

func (app *App) updateRating(w http.ResponseWriter, r *http.Request) {
	var form ratingForm
	id, err := pathID(r, "id")
	if err == nil {
		err = decodeForm(r, &form)
	}
	if err != nil {
		app.error(w, r, err)
		return
	}
	rt, errs := form.rating(app, id)
	if errs == nil {
		if err := app.db.UpdateRating(r.Context(), rt); err != nil {
			if errs = fieldErrors(err); errs == nil {
				app.error(w, r, err)
				return
			}
		}
	}
	if errs != nil {
		app.renderRatings(w, r, http.StatusUnprocessableEntity, components.RatingsView{New: components.RatingForm{OnScale: true}, Edit: form.view(id, errs)})
		return
	}
	app.flash(w, r, "success", "Saved the rating "+rt.Name+".")
	redirect(w, r, "/ratings")
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
		app.error(w, r, err)
		return
	}
	redirect(w, r, "/ratings")
}

func (app *App) deleteRating(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err == nil {
		err = app.db.DeleteRating(r.Context(), id)
	}
	if err != nil {
		app.error(w, r, err)
		return
	}
	app.flash(w, r, "success", "Rating deleted.")
	redirect(w, r, "/ratings")
}
