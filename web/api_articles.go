package web

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"claimtrail/domain"
	"claimtrail/domain/match"
	"claimtrail/storage"
	"claimtrail/web/ingest"
)

// POST /api/v1/articles and GET /api/v1/articles/{id}.

type apiArticleRequest struct {
	Title       string `json:"title" label:"headline"` // as in the browser, the first line stands in when missing
	URL         string `json:"url" label:"web address"`
	Outlet      string `json:"outlet"`
	Author      string `json:"author"`
	PublishedAt string `json:"published_at" label:"publication date"`
	Body        string `json:"body" label:"article text" validate:"required"`
}

type apiArticle struct {
	ID          int64   `json:"id"`
	Title       string  `json:"title"`
	URL         string  `json:"url"`
	Outlet      string  `json:"outlet"`
	Author      string  `json:"author"`
	PublishedAt *string `json:"published_at"`
	Origin      string  `json:"origin"`
	AddedBy     *int64  `json:"added_by"`
	CreatedAt   *string `json:"created_at"`
	// ScorerVersion is the newsroom claim scorer version that scored the
	// claims; 0 is the base model.
	ScorerVersion int64      `json:"scorer_version"`
	Claims        []apiClaim `json:"claims"`
}

func toAPIArticle(a *domain.Article, claims []*domain.Claim) apiArticle {
	out := apiArticle{ID: a.ID, Title: a.Title, URL: a.URL, Outlet: a.Outlet, Author: a.Author,
		PublishedAt: apiDate(a.PublishedAt), Origin: a.Origin, AddedBy: apiID(a.AddedBy), CreatedAt: apiTime(a.CreatedAt),
		ScorerVersion: a.ScorerVersion, Claims: make([]apiClaim, 0, len(claims))}
	for _, c := range claims {
		out.Claims = append(out.Claims, toAPIClaim(c))
	}
	return out
}

// parseAPIDate reads a date as "2025-02-23" or a full RFC 3339 time.
func parseAPIDate(field, s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err == nil {
		t = t.UTC()
	} else if t, err = time.Parse("2006-01-02", s); err != nil {
		return time.Time{}, domain.FieldError(field, "Enter a date like 2025-02-23 (or a time like 2025-02-23T09:30:00Z).")
	}
	// The browser's rule, so 0000 and 9999 are refused on both.
	if err := domain.CheckDate(field, t); err != nil {
		return time.Time{}, err
	}
	return t, nil
}

func (app *App) apiCreateArticle(w http.ResponseWriter, r *http.Request) {
	var req apiArticleRequest
	if err := app.decodeJSON(w, r, app.apiArticleLimit(), &req); err != nil {
		app.apiError(w, r, err)
		return
	}
	// The browser's rule for the details, before the text is read.
	if err := domain.CheckArticleDetails(req.Title, req.Outlet, req.Author, req.URL); err != nil {
		app.apiError(w, r, err)
		return
	}
	published, err := parseAPIDate("published_at", req.PublishedAt)
	if err != nil {
		app.apiError(w, r, err)
		return
	}
	text, err := ingest.FromText(req.Body, app.cfg.MaxUploadBytes)
	if err != nil {
		app.apiError(w, r, err)
		return
	}
	// The browser's path for adding an article: prepareArticle, then CreateArticle.
	a, claims, err := app.prepareArticle(r, ingest.Article{Title: req.Title, URL: req.URL, Outlet: req.Outlet, Author: req.Author,
		PublishedAt: published, Text: text.Text}, domain.OriginAPI)
	if err == nil {
		err = app.db.CreateArticle(r.Context(), a, claims)
	}
	var dup *storage.DuplicateArticleError
	if errors.As(err, &dup) {
		// The error shape, plus the id of the article already stored.
		w.Header().Set("Location", "/api/v1/articles/"+strconv.FormatInt(dup.ID, 10))
		how := "the same text"
		if dup.SameURL {
			how = "the same web address"
		}
		writeJSON(w, http.StatusConflict, map[string]any{
			"error": apiErrorDetail{Code: domain.ECONFLICT, Fields: map[string]string{},
				Message: "This article is already in claimtrail (article " + strconv.FormatInt(dup.ID, 10) + ", with " + how + ")."},
			"article_id": dup.ID,
		})
		return
	} else if err != nil {
		app.apiError(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/articles/"+strconv.FormatInt(a.ID, 10))
	writeJSON(w, http.StatusCreated, toAPIArticle(a, claims))
}

func (app *App) apiArticle(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		app.apiError(w, r, err)
		return
	}
	a, err := app.db.ArticleByID(r.Context(), id)
	if err != nil {
		app.apiError(w, r, err)
		return
	}
	claims, err := app.db.ArticleClaims(r.Context(), id)
	if err != nil {
		app.apiError(w, r, err)
		return
	}
	matches, err := app.db.ArticleMatches(r.Context(), id)
	if err != nil {
		app.apiError(w, r, err)
		return
	}
	out := toAPIArticle(a, claims)
	base, _ := app.baseURL(r)
	for i, c := range out.Claims {
		if f, ok := matches[c.ID]; ok {
			out.Claims[i].Matches = toAPIMatches([]match.Found{f}, base)
		}
	}
	writeJSON(w, http.StatusOK, out)
}
