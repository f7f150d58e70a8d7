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
	v := components.ReviewView{Items: items, Now: now}
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
