package web

import (
	"net/http"
	"net/url"
	"time"

	"claimtrail/components"
)

// reviewPage lists submitted verdicts for editors, oldest first.
func (app *App) reviewPage(w http.ResponseWriter, r *http.Request) {
	items, next, err := app.db.ListReview(r.Context(), r.URL.Query().Get("after"), 50)
	if err != nil {
		app.error(w, r, err)
		return
	}
	v := components.ReviewView{Items: items, Now: time.Now()}
	if next != "" {
		v.NextURL = "/review?" + url.Values{"after": {next}}.Encode()
	}
	app.render(w, r, http.StatusOK, components.ReviewPage(app.meta(w, r, "Review"), v))
}
