package storage

import (
	"context"
	"errors"
	"maps"
	"reflect"
	"slices"

	"claimtrail/domain"
)

// ReplaceVerdict saves a draft verdict's rating, conclusion and explanation
// and replaces its sources with the given list, in order, in one
// transaction with one version check: for clients that send the whole
// verdict at once (the API), where the browser edits it piece by piece with
// SaveVerdict and AddSource. The same rules apply — the claim in review, the
// caller its assignee or an editor, who then counts as one of its workers.
// It records one "verdict.saved" event, with the lists of sources before
// and after when they changed.
func (db *DB) ReplaceVerdict(ctx context.Context, claimID int64, in domain.VerdictInput, sources []domain.Source, expectVersion int64) (*domain.Verdict, error) {
	if err := checkWholeVerdict(&in, sources); err != nil {
		return nil, err
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	u, v, err := draft(ctx, tx, claimID, expectVersion)
	if err != nil {
		return nil, err
	}
	oldSources := make([]sourceState, 0, len(v.Sources))
	for i := range v.Sources {
		oldSources = append(oldSources, stateOfSource(&v.Sources[i]))
	}
	before, after, err := writeVerdictText(ctx, tx, u, v, in)
	if err != nil {
		return nil, err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM sources WHERE claim_id = ?`, claimID); err != nil {
		return nil, err
	}
	newSources := make([]sourceState, 0, len(sources))
	for i := range sources {
		s := sources[i]
		s.ClaimID, s.Position = claimID, i+1
		if err := insertSource(ctx, tx, &s); err != nil {
			return nil, err
		}
		newSources = append(newSources, stateOfSource(&s))
	}
	// One event for the whole change: the text, and the sources when they changed.
	if !reflect.DeepEqual(oldSources, newSources) {
		before.Sources, after.Sources = oldSources, newSources
	}
	if err := tx.audit(ctx, "verdict.saved", "claim", claimID, before, after); err != nil {
		return nil, err
	}
	if v, err = findVerdict(ctx, tx, claimID); err != nil {
		return nil, err
	}
	return v, tx.Commit()
}

// VerdictProblems lists every field at fault in a verdict sent whole, its
// text and each of its sources, so that a script can fix them all at once;
// nil when there are none. It changes neither argument.
func VerdictProblems(in domain.VerdictInput, sources []domain.Source) map[string]string {
	var e *domain.Error
	if errors.As(checkWholeVerdict(&in, slices.Clone(sources)), &e) {
		return e.Fields
	}
	return nil
}

// checkWholeVerdict tidies and checks a verdict's text and sources together
// and names every field at fault in one error.
func checkWholeVerdict(in *domain.VerdictInput, sources []domain.Source) error {
	fields := map[string]string{}
	for _, err := range []error{in.Tidy(), domain.CheckSources(sources)} {
		var e *domain.Error
		if errors.As(err, &e) && len(e.Fields) > 0 {
			maps.Copy(fields, e.Fields)
		} else if err != nil {
			return err
		}
	}
	if len(fields) > 0 {
		return &domain.Error{Code: domain.EINVALID, Message: "Some fields need fixing; see fields.", Fields: fields}
	}
	return nil
}
