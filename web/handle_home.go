package web

import (
	"net/http"
	"strconv"
	"time"

	"claimtrail/components"
)

// home shows what needs the signed-in person: their claims, what came back
// to them, what waits for their approval, what is overdue and what was
// approved lately. Each person's lists are kept as rendered while nothing
// changes (keptPages), until a claim on them turns overdue or the next one
// joins the overdue list.
func (app *App) home(w http.ResponseWriter, r *http.Request) {
	now, u := time.Now(), currentUser(r)
	gen, keep := app.db.Generation(r.Context())
	key := "home|" + strconv.FormatInt(u.ID, 10)
	if keep {
		if html, ok := app.keptPages.get(gen, key, now); ok {
			app.render(w, r, http.StatusOK, components.PageWith(app.meta(w, r, "Home"), components.KeptHTML(html)))
			return
		}
	}
	h, err := app.db.HomeFor(r.Context())
	if err != nil {
		app.error(w, r, err)
		return
	}
	v := components.HomeView{Home: h, Now: now}
	if keep {
		if html := keptBody(r.Context(), components.HomeBody(u, v)); html != nil {
			until := turnsOverdue(h.Claims(), now)
			if g := h.OverdueGrows; !g.IsZero() && (until.IsZero() || g.Before(until)) {
				until = g
			}
			if until.IsZero() || now.Before(until) {
				app.keptPages.put(gen, key, html, until)
			}
			app.render(w, r, http.StatusOK, components.PageWith(app.meta(w, r, "Home"), components.KeptHTML(html)))
			return
		}
	}
	app.render(w, r, http.StatusOK, components.HomePage(app.meta(w, r, "Home"), v))
}
