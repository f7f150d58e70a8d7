package storage

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"claimtrail/domain"
	"claimtrail/domain/claimreview"
)

// Verdicts and their sources. Every change bumps the verdict's version and is
// refused when the caller's version is stale, so no edit is silently lost.

// verdictState and sourceState are what the audit log records of a verdict
// and a source.
type (
	verdictState = domain.VerdictRecord
	sourceState  = domain.SourceRecord
)

func stateOfSource(s *domain.Source) sourceState { return domain.SourceRecordOf(s) }

func ratingName(ctx context.Context, tx *Tx, id int64) (string, error) {
	if id == 0 {
		return "", nil
	}
	var name string
	err := tx.QueryRowContext(ctx, `SELECT name FROM ratings WHERE id = ?`, id).Scan(&name)
	if errors.Is(err, sql.ErrNoRows) {
		return "", domain.FieldError("rating", "Choose a rating from the list.")
	}
	return name, err
}

func stateOfVerdict(ctx context.Context, tx *Tx, v *domain.Verdict) (*verdictState, error) {
	st := domain.VerdictRecordOf(v, false)
	var err error
	st.Rating, err = ratingName(ctx, tx, v.RatingID)
	return st, err
}

// findVerdict reads a claim's verdict and its sources in order; ENOTFOUND
// when the claim never went into review. One statement, a row per source
// (one without a source when there is none): every change to a draft and
// every claim page reads it.
func findVerdict(ctx context.Context, tx *Tx, claimID int64) (*domain.Verdict, error) {
	rows, err := tx.queryCached(ctx, `SELECT v.claim_id, coalesce(v.rating_id, 0), v.conclusion, v.explanation, coalesce(v.author_id, 0), v.version,
		v.submitted_at, coalesce(v.submitted_by, 0), v.approved_at, coalesce(v.approved_by, 0), v.updated_at,
		s.id, s.claim_id, s.position, s.url, s.title, s.publisher, s.published_at, s.accessed_at, s.type, s.quote
		FROM verdicts v LEFT JOIN sources s ON s.claim_id = v.claim_id WHERE v.claim_id = ? ORDER BY s.position, s.id`, claimID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var v *domain.Verdict
	for rows.Next() {
		var r domain.Verdict
		var submitted, approved sql.NullString
		var updated string
		var s domain.Source
		var sid, sclaim, spos sql.NullInt64
		var surl, stitle, spublisher, spub, sacc, stype, squote sql.NullString
		if err := rows.Scan(&r.ClaimID, &r.RatingID, &r.Conclusion, &r.Explanation, &r.AuthorID, &r.Version,
			&submitted, &r.SubmittedBy, &approved, &r.ApprovedBy, &updated,
			&sid, &sclaim, &spos, &surl, &stitle, &spublisher, &spub, &sacc, &stype, &squote); err != nil {
			return nil, err
		}
		if v == nil {
			r.SubmittedAt, r.ApprovedAt, r.UpdatedAt = parseNullTime(submitted), parseNullTime(approved), parseTime(updated)
			v = &r
		}
		if sid.Valid {
			s.ID, s.ClaimID, s.Position = sid.Int64, sclaim.Int64, int(spos.Int64)
			s.URL, s.Title, s.Publisher, s.Type, s.Quote = surl.String, stitle.String, spublisher.String, domain.SourceType(stype.String), squote.String
			s.PublishedAt, s.AccessedAt = parseNullTime(spub), parseNullTime(sacc)
			v.Sources = append(v.Sources, s)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if v == nil {
		return nil, domain.Errorf(domain.ENOTFOUND, "This claim has no verdict yet; it has not been taken for review.")
	}
	return v, nil
}

// staleVerdict builds the error for a save against an old version, naming
// who changed the verdict last and when.
func staleVerdict(ctx context.Context, tx *Tx, v *domain.Verdict) error {
	e := domain.NewStaleVerdictError(v, "Someone", v.UpdatedAt)
	var name sql.NullString
	var label string
	err := tx.QueryRowContext(ctx, `SELECT u.name, e.actor_label FROM audit_events e LEFT JOIN users u ON u.id = e.actor_id
		WHERE e.entity = 'claim' AND e.entity_id = ? ORDER BY e.id DESC LIMIT 1`, v.ClaimID).Scan(&name, &label)
	if err == nil {
		e.By = label
		if name.Valid {
			e.By = name.String
		}
	}
	return e
}

// bumpVerdict writes v's text and the next version, refusing if the stored
// version moved meanwhile. Only the columns in which v differs from was, the
// verdict as loaded in tx, are named: SQLite rewrites every index of a
// column named, changed or not, so a submit naming the rating and the
// approval rewrote both their indexes' entries (a page each in the log) for
// nothing.
func bumpVerdict(ctx context.Context, tx *Tx, was, v *domain.Verdict) error {
	before, after := verdictColumns(was), verdictColumns(v)
	var set strings.Builder
	var args []any
	for i, c := range after {
		if c.val != before[i].val {
			set.WriteString(c.name + " = ?, ")
			args = append(args, c.val)
		}
	}
	res, err := tx.ExecContext(ctx, `UPDATE verdicts SET `+set.String()+`version = version + 1, updated_at = ?
		WHERE claim_id = ? AND version = ?`, append(args, formatTime(tx.now), v.ClaimID, v.Version)...)
	if err != nil {
		return mapError(err, "")
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return domain.Errorf(domain.ECONFLICT, "Someone else changed this verdict a moment ago. Reload to see their change.")
	}
	v.Version++
	v.UpdatedAt = tx.now
	return nil
}

// verdictColumn is one of a verdict's columns that a change may name, its
// value as stored: NULL, an integer or a text.
type verdictColumn struct {
	name string
	val  any
}

func verdictColumns(v *domain.Verdict) [8]verdictColumn {
	return [8]verdictColumn{
		{"rating_id", nullInt(v.RatingID)}, {"conclusion", v.Conclusion}, {"explanation", v.Explanation},
		{"author_id", nullInt(v.AuthorID)}, {"submitted_at", nullTime(v.SubmittedAt)}, {"submitted_by", nullInt(v.SubmittedBy)},
		{"approved_at", nullTime(v.ApprovedAt)}, {"approved_by", nullInt(v.ApprovedBy)},
	}
}

// AnyVersion, given as the version a change expects, takes the verdict as it
// stands when the change runs, inside its transaction: the API's submit,
// approve and return without a version, which otherwise would read the
// version in a transaction of their own first.
const AnyVersion int64 = -1

// loadDraft loads the acting user, the claim and its verdict for a change to
// the draft, refusing a change from a stale version of the verdict.
func loadDraft(ctx context.Context, tx *Tx, claimID, expectVersion int64) (*domain.User, *domain.Claim, *domain.Verdict, error) {
	u, err := actingUser(ctx, tx)
	if err != nil {
		return nil, nil, nil, err
	}
	c, err := findClaimByID(ctx, tx, claimID)
	if err != nil {
		return nil, nil, nil, err
	}
	if err := domain.CanWorkOn(u, c); err != nil {
		return nil, nil, nil, err
	}
	v, err := findVerdict(ctx, tx, claimID)
	if err != nil {
		return nil, nil, nil, err
	}
	if expectVersion != AnyVersion && v.Version != expectVersion {
		return nil, nil, nil, staleVerdict(ctx, tx, v)
	}
	return u, c, v, nil
}

// VerdictByClaim returns a claim's verdict with its sources.
func (db *DB) VerdictByClaim(ctx context.Context, claimID int64) (*domain.Verdict, error) {
	tx, err := db.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	return findVerdict(ctx, tx, claimID)
}

// SaveVerdict saves the draft verdict's rating, conclusion and explanation,
// as domain.SaveDraft decides.
func (db *DB) SaveVerdict(ctx context.Context, claimID int64, in domain.VerdictInput, expectVersion int64) (*domain.Verdict, error) {
	// What was typed is judged before the version is looked at.
	if err := in.Tidy(); err != nil {
		return nil, err
	}
	return db.changeDraft(ctx, claimID, expectVersion, in.RatingID, func(u *domain.User, c *domain.Claim, v *domain.Verdict, rating *domain.Rating) (domain.DraftChange, error) {
		return domain.SaveDraft(u, c, v, in, rating)
	})
}

// changeDraft runs one change to a draft verdict's text (and, for a verdict
// sent whole, its sources): load the acting user, the claim, the verdict
// and the chosen rating, let the domain decide, save the verdict and the
// sources it returned, write the change's one event, commit.
func (db *DB) changeDraft(ctx context.Context, claimID, expectVersion, ratingID int64,
	decide func(u *domain.User, c *domain.Claim, v *domain.Verdict, rating *domain.Rating) (domain.DraftChange, error)) (*domain.Verdict, error) {
	tx, err := db.beginShared(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	u, c, v, err := loadDraft(ctx, tx, claimID, expectVersion)
	if err != nil {
		return nil, err
	}
	var rating *domain.Rating
	if ratingID != 0 {
		if rating, err = findRating(ctx, tx, ratingID); domain.ErrorCode(err) == domain.ENOTFOUND {
			rating = nil // the domain refuses a rating that no longer exists
		} else if err != nil {
			return nil, err
		}
	}
	ch, err := decide(u, c, v, rating)
	if err != nil {
		return nil, err
	}
	if err := nameVerdictRatings(ctx, tx, &ch.Event); err != nil {
		return nil, err
	}
	if ch.ReplacesSources {
		if err := saveSources(ctx, tx, v.Sources, ch.Sources); err != nil {
			return nil, err
		}
	}
	if err := addClaimWorker(ctx, tx, claimID, ch.Worker); err != nil {
		return nil, err
	}
	if err := bumpVerdict(ctx, tx, v, ch.Verdict); err != nil {
		return nil, err
	}
	if err := tx.record(ctx, ch.Event); err != nil {
		return nil, err
	}
	if ch.ReplacesSources {
		if v, err = findVerdict(ctx, tx, claimID); err != nil {
			return nil, err
		}
	} else {
		v = ch.Verdict
	}
	if err := noteChanged(ctx, tx, c, v, rating); err != nil {
		return nil, err
	}
	return v, tx.Commit()
}

// nameVerdictRatings fills in the rating names of the verdict texts a draft
// change's event records.
func nameVerdictRatings(ctx context.Context, tx *Tx, ev *domain.Event) error {
	for _, side := range []any{ev.Before, ev.After} {
		r, ok := side.(*domain.VerdictRecord)
		if !ok || r.RatingID == 0 {
			continue
		}
		name, err := ratingName(ctx, tx, r.RatingID)
		if err != nil {
			return err
		}
		r.Rating = name
	}
	return nil
}

// changeSources runs one change to a draft verdict's sources: load, let the
// domain decide, save the list it returned (new, rewritten and removed
// sources), bump the verdict's version, write the change's one event, commit.
func (db *DB) changeSources(ctx context.Context, claimID, expectVersion int64,
	decide func(u *domain.User, c *domain.Claim, v *domain.Verdict) (domain.SourceChange, error)) (*domain.Verdict, error) {
	tx, err := db.beginShared(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	u, c, v, err := loadDraft(ctx, tx, claimID, expectVersion)
	if err != nil {
		return nil, err
	}
	ch, err := decide(u, c, v)
	if err != nil {
		return nil, err
	}
	if err := saveSources(ctx, tx, v.Sources, ch.Sources); err != nil {
		return nil, err
	}
	if err := addClaimWorker(ctx, tx, claimID, u.ID); err != nil {
		return nil, err
	}
	if err := bumpVerdict(ctx, tx, v, v); err != nil {
		return nil, err
	}
	if err := tx.record(ctx, ch.Event); err != nil {
		return nil, err
	}
	if v, err = findVerdict(ctx, tx, claimID); err != nil {
		return nil, err
	}
	return v, tx.Commit()
}

// saveSources turns a verdict's sources from was into now: sources new in
// now are inserted, changed ones rewritten, and those gone deleted.
func saveSources(ctx context.Context, tx *Tx, was, now []domain.Source) error {
	kept := map[int64]bool{}
	old := map[int64]domain.Source{}
	for _, s := range was {
		old[s.ID] = s
	}
	for i := range now {
		s := &now[i]
		kept[s.ID] = true
		switch prev, ok := old[s.ID]; {
		case s.ID == 0:
			if err := insertSource(ctx, tx, s); err != nil {
				return err
			}
		case ok && prev == *s:
		default:
			if _, err := tx.ExecContext(ctx, `UPDATE sources SET position = ?, url = ?, title = ?, publisher = ?, published_at = ?,
				accessed_at = ?, type = ?, quote = ?, updated_at = ? WHERE id = ?`, s.Position, s.URL, s.Title, s.Publisher,
				nullTime(s.PublishedAt), nullTime(s.AccessedAt), s.Type, s.Quote, formatTime(tx.now), s.ID); err != nil {
				return mapError(err, "")
			}
		}
	}
	for _, s := range was {
		if !kept[s.ID] {
			if _, err := tx.ExecContext(ctx, `DELETE FROM sources WHERE id = ?`, s.ID); err != nil {
				return err
			}
		}
	}
	return nil
}

// AddSource appends a source to a draft verdict.
func (db *DB) AddSource(ctx context.Context, claimID int64, s domain.Source, expectVersion int64) (*domain.Verdict, error) {
	s.Tidy()
	if err := s.Check(); err != nil { // before the version is looked at, so what was typed is judged first
		return nil, err
	}
	return db.changeSources(ctx, claimID, expectVersion, func(u *domain.User, c *domain.Claim, v *domain.Verdict) (domain.SourceChange, error) {
		return domain.AddSource(u, c, v, s)
	})
}

// insertSource writes s, with its ClaimID and Position already set, and
// gives it its new id.
func insertSource(ctx context.Context, tx *Tx, s *domain.Source) error {
	res, err := tx.ExecContext(ctx, `INSERT INTO sources (claim_id, position, url, title, publisher, published_at, accessed_at, type, quote, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, s.ClaimID, s.Position, s.URL, s.Title, s.Publisher,
		nullTime(s.PublishedAt), nullTime(s.AccessedAt), s.Type, s.Quote, formatTime(tx.now), formatTime(tx.now))
	if err != nil {
		return mapError(err, "")
	}
	s.ID, _ = res.LastInsertId()
	return nil
}

// UpdateSource changes a source of a draft verdict.
func (db *DB) UpdateSource(ctx context.Context, claimID, sourceID int64, s domain.Source, expectVersion int64) (*domain.Verdict, error) {
	s.Tidy()
	if err := s.Check(); err != nil {
		return nil, err
	}
	return db.changeSources(ctx, claimID, expectVersion, func(u *domain.User, c *domain.Claim, v *domain.Verdict) (domain.SourceChange, error) {
		return domain.UpdateSource(u, c, v, sourceID, s)
	})
}

// RemoveSource deletes a source from a draft verdict.
func (db *DB) RemoveSource(ctx context.Context, claimID, sourceID, expectVersion int64) (*domain.Verdict, error) {
	return db.changeSources(ctx, claimID, expectVersion, func(u *domain.User, c *domain.Claim, v *domain.Verdict) (domain.SourceChange, error) {
		return domain.RemoveSource(u, c, v, sourceID)
	})
}

// MoveSource moves a source one place up or down in a draft verdict's list.
func (db *DB) MoveSource(ctx context.Context, claimID, sourceID int64, up bool, expectVersion int64) (*domain.Verdict, error) {
	return db.changeSources(ctx, claimID, expectVersion, func(u *domain.User, c *domain.Claim, v *domain.Verdict) (domain.SourceChange, error) {
		return domain.MoveSource(u, c, v, sourceID, up)
	})
}

// SubmitVerdict sends a complete draft to the editors. text, when not nil,
// is what the reviewer has just typed: it is saved with the submission, in
// the same transaction and the same "claim.submitted" event.
func (db *DB) SubmitVerdict(ctx context.Context, claimID int64, text *domain.VerdictInput, expectVersion int64) (*domain.Verdict, error) {
	tx, err := db.beginShared(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	u, c, v, err := loadDraft(ctx, tx, claimID, expectVersion)
	if err != nil {
		return nil, err
	}
	ch, err := domain.Submit(u, c, v, text, tx.now)
	if err != nil {
		return nil, err
	}
	if err := applyChange(ctx, tx, c, ch); err != nil {
		return nil, err
	}
	if err := noteChanged(ctx, tx, c, ch.Verdict, nil); err != nil {
		return nil, err
	}
	return ch.Verdict, tx.Commit()
}

// decide loads a submitted verdict for an editor's decision, applying the
// four-eyes rule inside the transaction. A decision that lost a race with
// another editor's is refused with what that editor did and when.
func decide(ctx context.Context, tx *Tx, claimID, expectVersion int64) (*domain.User, *domain.Claim, *domain.Verdict, []int64, error) {
	u, err := actingUser(ctx, tx)
	if err != nil {
		return nil, nil, nil, nil, err
	}
	if !domain.CanEdit(u) {
		return nil, nil, nil, nil, domain.Errorf(domain.EFORBIDDEN, "Only editors can approve or return verdicts.")
	}
	c, err := findClaimByID(ctx, tx, claimID)
	if err != nil {
		return nil, nil, nil, nil, err
	}
	// A claim that was never submitted has no verdict to decide on: say so
	// as a conflict with its state, not as a missing verdict.
	if c.State != domain.StateSubmitted {
		if msg := lastDecision(ctx, tx, claimID); msg != "" {
			return nil, nil, nil, nil, domain.Errorf(domain.ECONFLICT, "%s Reload to see where it stands.", msg)
		}
		return nil, nil, nil, nil, domain.CheckTransition(c.State, domain.StateApproved)
	}
	v, err := findVerdict(ctx, tx, claimID)
	if err != nil {
		return nil, nil, nil, nil, err
	}
	if expectVersion != AnyVersion && v.Version != expectVersion {
		msg := lastDecision(ctx, tx, claimID)
		if msg == "" {
			msg = "This verdict changed since you opened it."
		}
		return nil, nil, nil, nil, domain.Errorf(domain.ECONFLICT, "%s Reload to see where it stands.", msg)
	}
	workers, err := claimWorkers(ctx, tx, claimID)
	if err != nil {
		return nil, nil, nil, nil, err
	}
	return u, c, v, workers, nil
}

// ApproveVerdict approves a submitted verdict.
func (db *DB) ApproveVerdict(ctx context.Context, claimID, expectVersion int64) (*domain.Verdict, error) {
	return db.decideVerdict(ctx, claimID, expectVersion, func(u *domain.User, c *domain.Claim, v *domain.Verdict, workers []int64, now time.Time) (domain.ClaimChange, error) {
		return domain.Approve(u, c, v, workers, now)
	}, keepApprovedRating)
}

// keepApprovedRating stores, inside the approving transaction, the verdict's
// rating as it is now and the ends of the numeric scale now, which the
// published check shows from then on: renaming or revaluing a rating, or
// stretching the scale, never rewrites a check already published.
func keepApprovedRating(ctx context.Context, tx *Tx, claimID int64) error {
	values, err := queryAll(ctx, tx, scanValue[float64], `SELECT value FROM ratings WHERE on_scale = 1 ORDER BY position, id`)
	if err != nil {
		return err
	}
	scale := claimreview.ScaleOf(values)
	var best, worst any
	if scale.Valid {
		best, worst = scale.Best, scale.Worst
	}
	_, err = tx.ExecContext(ctx, `UPDATE verdicts SET
		approved_rating_name = coalesce((SELECT name FROM ratings WHERE id = verdicts.rating_id), ''),
		approved_rating_value = coalesce((SELECT value FROM ratings WHERE id = verdicts.rating_id), 0),
		approved_rating_on_scale = coalesce((SELECT on_scale FROM ratings WHERE id = verdicts.rating_id), 0),
		approved_scale_best = ?, approved_scale_worst = ? WHERE claim_id = ?`, best, worst, claimID)
	return err
}

// ReturnVerdict sends a submitted verdict back to its reviewer with a comment.
func (db *DB) ReturnVerdict(ctx context.Context, claimID int64, comment string, expectVersion int64) (*domain.Verdict, error) {
	if err := domain.CheckReturnComment(comment); err != nil {
		return nil, err
	}
	return db.decideVerdict(ctx, claimID, expectVersion, func(u *domain.User, c *domain.Claim, v *domain.Verdict, workers []int64, now time.Time) (domain.ClaimChange, error) {
		return domain.Return(u, c, v, workers, comment, now)
	})
}

// decideVerdict runs an editor's decision on a submitted verdict in one
// transaction: load, decide, save with its one event, commit.
func (db *DB) decideVerdict(ctx context.Context, claimID, expectVersion int64,
	decision func(*domain.User, *domain.Claim, *domain.Verdict, []int64, time.Time) (domain.ClaimChange, error),
	also ...func(context.Context, *Tx, int64) error) (*domain.Verdict, error) {
	tx, err := db.beginShared(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	u, c, v, workers, err := decide(ctx, tx, claimID, expectVersion)
	if err != nil {
		return nil, err
	}
	ch, err := decision(u, c, v, workers, tx.now)
	if err != nil {
		return nil, err
	}
	if err := applyChange(ctx, tx, c, ch); err != nil {
		return nil, err
	}
	for _, f := range also {
		if err := f(ctx, tx, claimID); err != nil {
			return nil, err
		}
	}
	if err := noteChanged(ctx, tx, c, ch.Verdict, nil); err != nil {
		return nil, err
	}
	return ch.Verdict, tx.Commit()
}

// ReopenClaim puts an approved claim back in review with a reason. The
// approved verdict is kept whole in the "claim.reopened" event (before), so
// the history still shows what was approved.
func (db *DB) ReopenClaim(ctx context.Context, claimID int64, reason string) (*domain.Claim, error) {
	if err := domain.CheckReopenReason(reason); err != nil {
		return nil, err
	}
	tx, u, err := beginAs(ctx, db.beginShared)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	if !domain.CanEdit(u) { // before looking the claim up, so no one else learns it exists
		return nil, domain.CanReopen(u, &domain.Claim{})
	}
	c, err := findClaimByID(ctx, tx, claimID)
	if err != nil {
		return nil, err
	}
	if err := domain.CanReopen(u, c); err != nil {
		return nil, err
	}
	v, err := findVerdict(ctx, tx, claimID)
	if err != nil {
		return nil, err
	}
	ch, err := domain.Reopen(u, c, v, reason, tx.now)
	if err != nil {
		return nil, err
	}
	if err := applyChange(ctx, tx, c, ch); err != nil {
		return nil, err
	}
	return c, tx.Commit()
}
