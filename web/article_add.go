package web

import (
	"context"
	"strings"

	"claimtrail/domain"
	"claimtrail/domain/triage"
	"claimtrail/web/ingest"
)

// addArticle stores an article with the candidate claims the extractor finds
// in it. It is the one path for adding an article, shared by the browser's
// forms and POST /api/v1/articles: a.Body must already be clean text from
// package ingest, and a.Origin says how it came in. A duplicate comes back
// as a *storage.DuplicateArticleError naming the stored article.
func (app *App) addArticle(ctx context.Context, a *domain.Article) ([]*domain.Claim, error) {
	a.URLKey = ""
	if strings.TrimSpace(a.URL) != "" {
		key, err := ingest.NormalizeURL(a.URL)
		if err != nil {
			return nil, err
		}
		a.URLKey = key
	}
	a.Fingerprint = ingest.TextFingerprint(a.Body)
	// Check before running the extractor, so that bad input fails fast.
	if err := a.Check(); err != nil {
		return nil, err
	}
	candidates := triage.Candidates(a.Body)
	if err := app.db.CreateArticle(ctx, a, candidates); err != nil {
		return nil, err
	}
	return candidates, nil
}
