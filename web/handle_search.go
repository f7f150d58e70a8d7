package web

import (
	"net/http"
	"strconv"

	"claimtrail/components"
	"claimtrail/domain"
	"claimtrail/domain/match"
	"claimtrail/storage"
)

// searchFilter reads the kind and state filters; anything else means "any".
func searchFilter(r *http.Request) storage.SearchFilter {
	var f storage.SearchFilter
	switch k := r.URL.Query().Get("kind"); k {
	case match.KindClaim, match.KindImported:
		f.Kind = k
	}
	switch s := domain.ClaimState(r.URL.Query().Get("state")); s {
	case domain.StateQueued, domain.StateInReview, domain.StateSubmitted, domain.StateApproved:
		f.State = s
	}
	return f
}

// searchPage answers GET /search: one box over our claims and imported
// checks. Whatever is typed, the answer is a page, never an error.
func (app *App) searchPage(w http.ResponseWriter, r *http.Request) {
	raw := r.URL.Query().Get("q")
	q := match.ParseQuery(raw)
	f := searchFilter(r)
	v := components.SearchView{Q: raw, Kind: f.Kind, State: string(f.State), Searched: !q.Empty()}
	if v.Searched {
		var err error
		if v.Results, err = app.db.Search(r.Context(), q, f, match.DefaultSearchMax); err != nil {
			app.error(w, r, err)
			return
		}
	}
	app.render(w, r, http.StatusOK, components.SearchPage(app.meta(w, r, "Search"), v))
}

// apiSearchResult is one result of GET /api/v1/search.
type apiSearchResult struct {
	Kind    string  `json:"kind"`
	ID      int64   `json:"id"`
	Text    string  `json:"text"`
	Snippet string  `json:"snippet"` // the text around the hits, hits in [brackets]
	URL     *string `json:"url"`
	State   *string `json:"state"`
	Rating  *string `json:"rating"`
	Score   float64 `json:"score"`
}

// apiSearch answers GET /api/v1/search?q=&limit=&kind=&state=.
func (app *App) apiSearch(w http.ResponseWriter, r *http.Request) {
	limit := 0
	if s := r.URL.Query().Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			app.apiError(w, r, domain.FieldError("limit", "limit must be a whole number between 1 and 50."))
			return
		}
		limit = n
		if limit == 0 {
			limit = -1
		}
	}
	limit, err := match.ValidLimit(limit)
	if err != nil {
		app.apiError(w, r, domain.FieldError("limit", err.(*domain.Error).Message))
		return
	}
	q := match.ParseQuery(r.URL.Query().Get("q"))
	results, err := app.db.Search(r.Context(), q, searchFilter(r), limit)
	if err != nil {
		app.apiError(w, r, err)
		return
	}
	base, _ := app.baseURL(r)
	out := make([]apiSearchResult, 0, len(results))
	for _, res := range results {
		m := toAPIMatches([]match.Found{res.Found}, base)[0]
		var snip string
		for _, s := range res.Snippet {
			if s.Mark {
				snip += "[" + s.Text + "]"
			} else {
				snip += s.Text
			}
		}
		out = append(out, apiSearchResult{Kind: res.Kind, ID: res.ID, Text: res.Claim, Snippet: snip, URL: m.URL,
			State: optional(string(res.State)), Rating: m.Rating, Score: float64(int(res.Score*1000+0.5)) / 1000})
	}
	writeJSON(w, http.StatusOK, map[string]any{"results": out})
}
