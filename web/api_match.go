package web

import (
	"net/http"
	"strconv"

	"claimtrail/domain/match"
)

// apiMatchRequest is the body of POST /api/v1/match.
type apiMatchRequest struct {
	Text  string `json:"text"`
	Limit int    `json:"limit"`
}

// apiMatch is one claim or imported check a text matches.
type apiMatch struct {
	Kind      string  `json:"kind"`
	ID        int64   `json:"id"`
	Claim     string  `json:"claim"`
	State     string  `json:"state,omitempty"`
	Rating    *string `json:"rating"`
	URL       *string `json:"url"`
	Publisher *string `json:"publisher"`
	Date      *string `json:"date"`
	Score     float64 `json:"score"`
	Tier      string  `json:"tier"`
}

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// toAPIMatches turns matches into their JSON form; base is the public site
// address our approved checks are published under.
func toAPIMatches(found []match.Found, base string) []apiMatch {
	out := make([]apiMatch, 0, len(found))
	for _, f := range found {
		m := apiMatch{Kind: f.Kind, ID: f.ID, Claim: f.Claim, State: string(f.State), Rating: optional(f.Rating),
			Publisher: optional(f.Publisher), Score: float64(int(f.Score*1000+0.5)) / 1000, Tier: string(f.Tier)}
		switch {
		case f.Kind == match.KindImported:
			m.URL = optional(f.URL)
		case f.State == "approved":
			m.URL = optional(base + "/checks/" + strconv.FormatInt(f.ID, 10))
		}
		if !f.Date.IsZero() {
			m.Date = optional(f.Date.Format("2006-01-02"))
		}
		out = append(out, m)
	}
	return out
}

// apiMatch answers POST /api/v1/match: the accepted claims and imported
// checks that state the same claim as the text, or a related one.
func (app *App) apiMatch(w http.ResponseWriter, r *http.Request) {
	var req apiMatchRequest
	if err := app.decodeJSON(w, r, apiBodyLimit, &req); err != nil {
		app.apiError(w, r, err)
		return
	}
	text, err := match.ValidText(req.Text)
	if err != nil {
		app.apiError(w, r, err)
		return
	}
	limit, err := match.ValidLimit(req.Limit)
	if err != nil {
		app.apiError(w, r, err)
		return
	}
	found, err := app.db.Match(r.Context(), text, limit)
	if err != nil {
		app.apiError(w, r, err)
		return
	}
	base, _ := app.baseURL(r)
	writeJSON(w, http.StatusOK, map[string]any{"matches": toAPIMatches(found, base)})
}
