package storage

import (
	"context"

	"claimtrail/domain"
)

// ReplaceVerdict saves a draft verdict's rating, conclusion and explanation
// and replaces its sources with the given list, in order, in one
// transaction with one version check: for clients that send the whole
// verdict at once (the API), where the browser edits it piece by piece with
// SaveVerdict and AddSource. domain.ReplaceVerdict decides; it records one
// "verdict.saved" event, with the lists of sources before and after when
// they changed.
func (db *DB) ReplaceVerdict(ctx context.Context, claimID int64, in domain.VerdictInput, sources []domain.Source, expectVersion int64) (*domain.Verdict, error) {
	// What was sent is judged before the version is looked at.
	if err := domain.CheckWholeVerdict(&in, sources); err != nil {
		return nil, err
	}
	return db.changeDraft(ctx, claimID, expectVersion, in.RatingID, func(u *domain.User, c *domain.Claim, v *domain.Verdict, rating *domain.Rating) (domain.DraftChange, error) {
		return domain.ReplaceVerdict(u, c, v, in, sources, rating)
	})
}

// VerdictProblems lists every field at fault in a verdict sent whole, its
// text and each of its sources, so that a script can fix them all at once;
// nil when there are none. It changes neither argument.
func VerdictProblems(in domain.VerdictInput, sources []domain.Source) map[string]string {
	return domain.VerdictProblems(in, sources)
}
