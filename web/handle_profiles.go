package web

import (
	"net/http"
	"net/url"

	"claimtrail/components"
	"claimtrail/domain"
)

// profile reads a claimant's or an outlet's page from the address's name
// and before (the cursor of the page).
func (app *App) profile(r *http.Request, kind domain.ProfileKind) (*domain.Profile, error) {
	name, err := domain.CheckProfileName(kind, r.URL.Query().Get("name"))
	if err != nil {
		return nil, err
	}
	before := r.URL.Query().Get("before")
	if kind == domain.ProfileOutlet {
		return app.db.OutletProfile(r.Context(), name, before)
	}
	return app.db.ClaimantProfile(r.Context(), name, before)
}

func profileBase(kind domain.ProfileKind, name string) string {
	if kind == domain.ProfileOutlet {
		return components.OutletHref(name)
	}
	return components.ClaimantHref(name)
}

func (app *App) profilePage(kind domain.ProfileKind) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		p, err := app.profile(r, kind)
		if err != nil {
			app.error(w, r, err)
			return
		}
		base := profileBase(kind, p.Name)
		csv := "/" + string(kind) + "s/ratings.csv?name=" + url.QueryEscape(p.Name)
		v := components.ProfileView{Profile: p, Chart: components.RatingMixChart("ratings", p.Name, p.Ratings, csv)}
		if p.Next != "" {
			v.NextHref = base + "&before=" + url.QueryEscape(p.Next)
		}
		app.render(w, r, http.StatusOK, components.ProfilePage(app.meta(w, r, p.Name), v))
	}
}

func (app *App) profileCSV(kind domain.ProfileKind) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		p, err := app.profile(r, kind)
		if err != nil {
			app.error(w, r, err)
			return
		}
		c := components.RatingMixChart("ratings", p.Name, p.Ratings, "")
		writeChartCSV(w, "claimtrail-"+string(kind)+"-"+p.Name+"-ratings.csv", c.Table.Columns, c.Table.Rows)
	}
}
