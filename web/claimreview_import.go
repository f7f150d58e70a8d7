package web

import (
	"context"
	"errors"
	"io"

	"claimtrail/domain"
	"claimtrail/domain/claimreview"
)

// importClaimReview reads ClaimReview from r and imports its checks in
// batches (idempotent by url, audited by ImportChecks); an item that cannot
// be used is skipped with its reason. readErr says the input stopped being
// readable (the checks before that point are in); err is a failure to store.
// Uploads and feeds both come through here.
func (app *App) importClaimReview(ctx context.Context, r io.Reader, source string) (sum domain.ImportSummary, readErr, err error) {
	var batch []domain.ImportedCheck
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		got, err := app.db.ImportChecks(ctx, batch)
		sum.Add(got)
		batch = batch[:0]
		return err
	}
	var storeErr error
	readErr = claimreview.Read(r, func(it claimreview.Item) error {
		if it.Err != nil {
			var de *domain.Error
			reason := "it cannot be read"
			if errors.As(it.Err, &de) {
				reason = de.Message
			}
			sum.Skipped = append(sum.Skipped, domain.ImportSkip{Item: it.N, URL: it.Check.URL, Reason: reason})
			return nil
		}
		it.Check.Source = source
		batch = append(batch, it.Check)
		if len(batch) == 500 {
			if storeErr = flush(); storeErr != nil {
				return storeErr
			}
		}
		return nil
	})
	if storeErr != nil {
		return sum, nil, storeErr
	}
	if err := flush(); err != nil {
		return sum, readErr, err
	}
	return sum, readErr, nil
}

// notClaimReview reports whether an import found nothing it could read at
// all: the input is not ClaimReview JSON.
func notClaimReview(sum domain.ImportSummary, readErr error) bool {
	var de *domain.Error
	return readErr != nil && !errors.As(readErr, &de) && sum.Added+sum.Updated+sum.Unchanged == 0
}
