package web

import (
	"errors"
	"net/http"
	"strconv"

	"claimtrail/components"
	"claimtrail/domain"
	"claimtrail/domain/match"
)

// searchPage answers GET /search: one box over claims, articles, verdicts,
// sources and imported checks, with filters. Whatever is typed in the box,
// the answer is a page; a filter that cannot be read is named with 422.
func (app *App) searchPage(w http.ResponseWriter, r *http.Request) {
	get := r.URL.Query().Get
	raw := get("q")
	v := components.SearchView{Q: raw, Form: components.SearchForm{Kind: get("kind"), State: get("state"), Rating: get("rating"),
		Type: get("type"), Outlet: get("outlet"), Claimant: get("claimant"), From: get("from"), To: get("to")}}
	f, limit, err := domain.ParseSearchFilter(get)
	if err != nil {
		var de *domain.Error
		if errors.As(err, &de) {
			v.Errors = de.Fields
		}
		app.render(w, r, http.StatusUnprocessableEntity, components.SearchPage(app.meta(w, r, "Search"), v))
		return
	}
	q := match.ParseQuery(raw)
	v.Searched = !q.Empty() || !f.Empty()
	if v.Searched {
		if v.Results, err = app.db.SearchEverything(r.Context(), q, f, limit); err != nil {
			app.error(w, r, err)
			return
		}
	}
	app.render(w, r, http.StatusOK, components.SearchPage(app.meta(w, r, "Search"), v))
}

// apiSearchResult is one result of GET /api/v1/search.
type apiSearchResult struct {
	Kind      string  `json:"kind"`
	ID        int64   `json:"id"`
	ClaimID   *int64  `json:"claim_id"`
	ArticleID *int64  `json:"article_id"`
	Text      string  `json:"text"`
	Context   string  `json:"context"`
	Snippet   string  `json:"snippet"` // the text around the hits, hits in [brackets]
	URL       *string `json:"url"`
	State     *string `json:"state"`
	Rating    *string `json:"rating"`
	Date      *string `json:"date"`
	Score     float64 `json:"score"`
}

// apiSearch answers GET /api/v1/search?q=&limit=&kind=&state=&rating=&type=&outlet=&claimant=&from=&to=.
// The filters are read by the same domain rule as the page's.
func (app *App) apiSearch(w http.ResponseWriter, r *http.Request) {
	f, limit, err := domain.ParseSearchFilter(r.URL.Query().Get)
	if err != nil {
		app.apiError(w, r, err)
		return
	}
	q := match.ParseQuery(r.URL.Query().Get("q"))
	results, err := app.db.SearchEverything(r.Context(), q, f, limit)
	if err != nil {
		app.apiError(w, r, err)
		return
	}
	base, _ := app.baseURL(r)
	id := func(n int64) *int64 {
		if n == 0 {
			return nil
		}
		return &n
	}
	out := make([]apiSearchResult, 0, len(results))
	for _, h := range results {
		var snip string
		for _, s := range h.Snippet {
			if s.Mark {
				snip += "[" + s.Text + "]"
			} else {
				snip += s.Text
			}
		}
		url := h.URL
		if (h.Kind == domain.SearchClaim || h.Kind == domain.SearchVerdict) && h.State == domain.StateApproved {
			url = base + "/checks/" + strconv.FormatInt(h.ClaimID, 10)
		}
		out = append(out, apiSearchResult{Kind: string(h.Kind), ID: h.ID, ClaimID: id(h.ClaimID), ArticleID: id(h.ArticleID),
			Text: h.Text, Context: h.Context, Snippet: snip, URL: optional(url), State: optional(string(h.State)),
			Rating: optional(h.Rating), Date: optional(h.Day), Score: float64(int(h.Score*1000+0.5)) / 1000})
	}
	writeJSON(w, http.StatusOK, map[string]any{"results": out})
}
