package web

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

	"claimtrail/components"
	"claimtrail/domain"
)

// reviewPage lists submitted verdicts for editors, oldest first.
func (app *App) reviewPage(w http.ResponseWriter, r *http.Request) {
	now, after := time.Now(), r.URL.Query().Get("after")
	// Each editor's list (what they may decide) is kept as rendered while
	// nothing changes (keptPages).
	gen, keep := app.db.Generation(r.Context())
	key := "review|" + strconv.FormatInt(currentUser(r).ID, 10) + "|" + after
	if keep {
		if html, ok := app.keptPages.get(gen, key, now); ok {
			app.render(w, r, http.StatusOK, components.PageWith(app.meta(w, r, "Review"), components.KeptHTML(html)))
			return
		}
	}
	items, next, err := app.db.ListReview(r.Context(), after, 50)
	if err != nil {
		app.error(w, r, err)
		return
	}
	v := components.ReviewView{Items: items, Now: now, EditorID: currentUser(r).ID}
	if after == "" {
		if v.Bylines, err = app.db.BylineRequests(r.Context()); err != nil {
			app.error(w, r, err)
			return
		}
	}
	if next != "" {
		v.NextURL = "/review?" + url.Values{"after": {next}}.Encode()
	}
	if keep {
		if html := keptBody(r.Context(), components.ReviewBody(v)); html != nil {
			claims := make([]*domain.Claim, len(items))
			for i, it := range items {
				claims[i] = it.Claim
			}
			app.keptPages.put(gen, key, html, turnsOverdue(claims, now))
			app.render(w, r, http.StatusOK, components.PageWith(app.meta(w, r, "Review"), components.KeptHTML(html)))
			return
		}
	}
	app.render(w, r, http.StatusOK, components.ReviewPage(app.meta(w, r, "Review"), v))
}

// approveByline puts the byline a person asked for on their published
// checks; refuseByline drops the request. Either decides exactly the name
// the editor's page showed (seen), as another editor than its owner
// (domain.CanDecideByline, CheckBylineSeen).
func (app *App) approveByline(w http.ResponseWriter, r *http.Request) { app.decideByline(w, r, true) }

func (app *App) refuseByline(w http.ResponseWriter, r *http.Request) { app.decideByline(w, r, false) }

func (app *App) decideByline(w http.ResponseWriter, r *http.Request, approve bool) {
	id, err := pathID(r, "id")
	if err != nil {
		app.error(w, r, err)
		return
	}
	var form struct {
		Seen string `form:"seen,raw"`
	}
	if err := decodeForm(r, &form); err != nil {
		app.error(w, r, err)
		return
	}
	if err := app.db.DecideByline(r.Context(), id, form.Seen, approve); err != nil {
		app.error(w, r, err)
		return
	}
	msg := "Byline refused; the published checks keep the one they had."
	if approve {
		msg = "Byline \"" + form.Seen + "\" approved: the published checks carry it now."
	}
	app.flash(w, r, "success", msg)
	redirect(w, r, "/review")
}
