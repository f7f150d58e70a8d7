package web

import (
	"net/http"
	"time"

	"claimtrail/components"
)

// home shows what needs the signed-in person: their claims, what came back
// to them, what waits for their approval, what is overdue and what was
// approved lately.
func (app *App) home(w http.ResponseWriter, r *http.Request) {
	h, err := app.db.HomeFor(r.Context())
	if err != nil {
		app.error(w, r, err)
		return
	}
	app.render(w, r, http.StatusOK, components.HomePage(app.meta(w, r, "Home"), components.HomeView{Home: h, Now: time.Now()}))
}
