package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"claimtrail/domain"
)

// What every claim operation needs: reading a claim inside a
// transaction, recording who worked on it, and moving it between states
// with its audit event.

const claimColumns = `c.id, c.article_id, c.sentence, c.start_offset, c.end_offset, c.text, c.score, c.checkworthy, c.type,
	c.figures, c.claimant, c.reasons, c.manual, c.state, c.priority, coalesce(c.assignee_id, 0), c.due_at,
	c.dismiss_reason, c.dismiss_code, c.version, c.created_at, c.updated_at`

func scanClaim(row scanner) (*domain.Claim, error) {
	var c domain.Claim
	var figures, reasons, created, updated string
	var due sql.NullString
	err := row.Scan(&c.ID, &c.ArticleID, &c.Sentence, &c.Start, &c.End, &c.Text, &c.Score, &c.CheckWorthy, &c.Type,
		&figures, &c.Claimant, &reasons, &c.Manual, &c.State, &c.Priority, &c.AssigneeID, &due,
		&c.DismissReason, &c.DismissCode, &c.Version, &created, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, domain.Errorf(domain.ENOTFOUND, "There is no such claim.")
	} else if err != nil {
		return nil, err
	}
	if err := decodeClaimLists(&c, figures, reasons); err != nil {
		return nil, err
	}
	c.DueAt, c.CreatedAt, c.UpdatedAt = parseNullTime(due), parseTime(created), parseTime(updated)
	return &c, nil
}

// decodeClaimLists reads the figures and reasons stored as JSON with a claim.
// A claim without figures stores "[]", read without the JSON decoder; the
// reasons come from the scorer's short list, so the few lists there are
// are decoded once each (decodedReasons).
func decodeClaimLists(c *domain.Claim, figures, reasons string) error {
	if figures == "[]" {
		c.Figures = []domain.Figure{}
	} else if err := json.Unmarshal([]byte(figures), &c.Figures); err != nil {
		return fmt.Errorf("claim %d figures: %w", c.ID, err)
	}
	var err error
	if c.Reasons, err = decodedReasons.decode(reasons); err != nil {
		return fmt.Errorf("claim %d reasons: %w", c.ID, err)
	}
	return nil
}

// decodedReasons keeps each stored list of reasons decoded, by its JSON.
var decodedReasons = reasonLists{m: map[string][]string{}}

type reasonLists struct {
	mu sync.Mutex
	m  map[string][]string
}

// maxReasonLists bounds the lists kept: a claim's reasons are the scorer's,
// but one added by hand or by an older scorer may say anything.
const maxReasonLists = 1024

// decode is json.Unmarshal of raw into a fresh list, which the caller owns.
func (k *reasonLists) decode(raw string) ([]string, error) {
	k.mu.Lock()
	list, ok := k.m[raw]
	k.mu.Unlock()
	if ok {
		return slices.Clone(list), nil
	}
	if err := json.Unmarshal([]byte(raw), &list); err != nil {
		return nil, err
	}
	k.mu.Lock()
	if len(k.m) >= maxReasonLists {
		clear(k.m)
	}
	k.m[raw] = slices.Clone(list)
	k.mu.Unlock()
	return list, nil
}

// findClaimByID reads one claim inside tx.
func findClaimByID(ctx context.Context, tx *Tx, id int64) (*domain.Claim, error) {
	return scanClaim(tx.QueryRowContext(ctx, `SELECT `+claimColumns+` FROM claims c WHERE c.id = ?`, id))
}

// stateOfClaim is what the audit log records of a claim.
func stateOfClaim(c *domain.Claim) *domain.ClaimRecord { return domain.RecordOf(c) }

// applyChange saves a change the domain decided on c, loaded in tx: the
// claim (refused if someone else changed it meanwhile), the verdict and the
// comment that go with it, the new worker, and the change's one audit event.
// c then holds the claim as saved.
func applyChange(ctx context.Context, tx *Tx, c *domain.Claim, ch domain.ClaimChange) error {
	_, err := saveChange(ctx, tx, c, ch)
	return err
}

// saveChange is applyChange, also reporting whether it made the claim's
// draft verdict (a claim's first time in review): that draft is then known
// without reading it.
func saveChange(ctx context.Context, tx *Tx, c *domain.Claim, ch domain.ClaimChange) (draftMade bool, err error) {
	if ch.Unchanged() {
		return false, nil
	}
	if err := nameRatings(ctx, tx, &ch.Event); err != nil {
		return false, err
	}
	next := ch.Claim
	// Only the columns that change are named: SQLite rewrites every index
	// and runs every "UPDATE OF" trigger of a column named, changed or not
	// (a take changes the state and the assignee, not the text, priority
	// or due date).
	var set strings.Builder
	var args []any
	col := func(name string, v any) {
		set.WriteString(name + " = ?, ")
		args = append(args, v)
	}
	if next.Text != c.Text {
		col("text", next.Text)
	}
	if next.State != c.State {
		col("state", next.State)
	}
	if next.Priority != c.Priority {
		col("priority", next.Priority)
	}
	if next.AssigneeID != c.AssigneeID {
		col("assignee_id", nullInt(next.AssigneeID))
	}
	if nullTime(next.DueAt) != nullTime(c.DueAt) {
		col("due_at", nullTime(next.DueAt))
	}
	if next.DismissReason != c.DismissReason {
		col("dismiss_reason", next.DismissReason)
	}
	if next.DismissCode != c.DismissCode {
		col("dismiss_code", next.DismissCode)
	}
	if next.State == domain.StateQueued && c.State == domain.StateCandidate {
		col("queued_at", formatTime(tx.now))
	}
	res, err := tx.ExecContext(ctx, `UPDATE claims SET `+set.String()+`version = ?, updated_at = ? WHERE id = ? AND version = ?`,
		append(args, next.Version, formatTime(next.UpdatedAt), c.ID, c.Version)...)
	if err != nil {
		return false, mapError(err, "")
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return false, domain.Errorf(domain.ECONFLICT, "Someone else changed this claim a moment ago. Reload to see their change.")
	}
	if next.State == domain.StateInReview {
		if draftMade, err = ensureVerdict(ctx, tx, c.ID); err != nil {
			return false, err
		}
	}
	if ch.Verdict != nil {
		if err := bumpVerdict(ctx, tx, ch.VerdictWas, ch.Verdict); err != nil {
			return false, err
		}
	}
	if err := addClaimWorker(ctx, tx, c.ID, ch.Worker); err != nil {
		return false, err
	}
	if m := ch.Comment; m != nil {
		if _, err := tx.ExecContext(ctx, `INSERT INTO comments (claim_id, author_id, kind, body, created_at) VALUES (?, ?, ?, ?, ?)`,
			m.ClaimID, m.AuthorID, m.Kind, m.Body, formatTime(tx.now)); err != nil {
			return false, mapError(err, "")
		}
	}
	if err := tx.record(ctx, ch.Event); err != nil {
		return false, err
	}
	*c = *next
	return draftMade, nil
}

// nameRatings fills in the rating names of the verdicts an event records,
// refusing a rating that no longer exists.
func nameRatings(ctx context.Context, tx *Tx, ev *domain.Event) error {
	for _, side := range []any{ev.Before, ev.After} {
		r, ok := side.(*domain.ClaimRecord)
		if !ok || r.Verdict == nil || r.Verdict.RatingID == 0 {
			continue
		}
		name, err := ratingName(ctx, tx, r.Verdict.RatingID)
		if err != nil {
			return err
		}
		r.Verdict.Rating = name
	}
	return nil
}

// errStaleClaim is checkSeen's refusal; bulk actions reword it to name the claim.
var errStaleClaim = domain.Errorf(domain.ECONFLICT, "Someone else changed this claim since you opened it. Reload to see their change, then try again.")

// checkSeen refuses a change made from a stale view of the claim: seen is the
// version the person was looking at, and zero means "do not check".
func checkSeen(c *domain.Claim, seen int64) error {
	if seen != 0 && c.Version != seen {
		return errStaleClaim
	}
	return nil
}

// addClaimWorker records that a user worked on a claim; the four-eyes rule
// keeps workers from approving its verdict.
func addClaimWorker(ctx context.Context, tx *Tx, claimID, userID int64) error {
	if userID == 0 {
		return nil
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO claim_workers (claim_id, user_id) VALUES (?, ?) ON CONFLICT DO NOTHING`, claimID, userID)
	return err
}

// claimWorkers lists everyone who worked on a claim.
func claimWorkers(ctx context.Context, tx *Tx, claimID int64) ([]int64, error) {
	return queryAll(ctx, tx, scanValue[int64], `SELECT user_id FROM claim_workers WHERE claim_id = ? ORDER BY user_id`, claimID)
}

// ClaimByID returns one claim.
func (db *DB) ClaimByID(ctx context.Context, id int64) (*domain.Claim, error) {
	tx, err := db.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	return findClaimByID(ctx, tx, id)
}
