package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

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
func decodeClaimLists(c *domain.Claim, figures, reasons string) error {
	if err := json.Unmarshal([]byte(figures), &c.Figures); err != nil {
		return fmt.Errorf("claim %d figures: %w", c.ID, err)
	}
	if err := json.Unmarshal([]byte(reasons), &c.Reasons); err != nil {
		return fmt.Errorf("claim %d reasons: %w", c.ID, err)
	}
	return nil
}

// findClaimByID reads one claim inside tx.
func findClaimByID(ctx context.Context, tx *Tx, id int64) (*domain.Claim, error) {
	return scanClaim(tx.QueryRowContext(ctx, `SELECT `+claimColumns+` FROM claims c WHERE c.id = ?`, id))
}

// claimState is what the audit log records of a claim: the fields people
// change, not the extractor's output, which never changes.
type claimState struct {
	State         domain.ClaimState `json:"state"`
	Text          string            `json:"text"`
	Priority      string            `json:"priority"`
	AssigneeID    int64             `json:"assignee_id,omitempty"`
	DueAt         string            `json:"due_at,omitempty"`
	DismissReason string            `json:"dismiss_reason,omitempty"`
	DismissCode   string            `json:"dismiss_code,omitempty"`
	Version       int64             `json:"version"`
}

func stateOfClaim(c *domain.Claim) claimState {
	s := claimState{State: c.State, Text: c.Text, Priority: c.Priority.String(), AssigneeID: c.AssigneeID,
		DismissReason: c.DismissReason, DismissCode: string(c.DismissCode), Version: c.Version}
	if !c.DueAt.IsZero() {
		s.DueAt = c.DueAt.UTC().Format("2006-01-02")
	}
	return s
}

// saveClaim writes the mutable fields of c (bumping its version) and records
// action with before and after. expectVersion, when non-zero, refuses the
// write if someone else changed the claim since it was read.
func saveClaim(ctx context.Context, tx *Tx, before claimState, c *domain.Claim, action string) error {
	c.Version++
	c.UpdatedAt = tx.now
	queuedAt := any(nil)
	if c.State == domain.StateQueued && before.State == domain.StateCandidate {
		queuedAt = formatTime(tx.now)
	}
	res, err := tx.ExecContext(ctx, `UPDATE claims SET text = ?, state = ?, priority = ?, assignee_id = ?, due_at = ?,
		dismiss_reason = ?, dismiss_code = ?, queued_at = coalesce(?, queued_at), version = ?, updated_at = ? WHERE id = ? AND version = ?`,
		c.Text, c.State, c.Priority, nullInt(c.AssigneeID), nullTime(c.DueAt), c.DismissReason, c.DismissCode, queuedAt,
		c.Version, formatTime(tx.now), c.ID, before.Version)
	if err != nil {
		return mapError(err, "")
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return domain.Errorf(domain.ECONFLICT, "Someone else changed this claim a moment ago. Reload to see their change.")
	}
	return tx.audit(ctx, "claim."+action, "claim", c.ID, before, stateOfClaim(c))
}

// transitionClaim moves c to state to, applying mutate first (to set the
// assignee, a reason, ...), and records the transition's audit event. The
// domain state machine is checked here and the database trigger checks it
// again.
func transitionClaim(ctx context.Context, tx *Tx, c *domain.Claim, to domain.ClaimState, mutate func(c *domain.Claim)) error {
	if err := domain.CheckTransition(c.State, to); err != nil {
		return err
	}
	action := ""
	for _, t := range domain.Transitions {
		if t.From == c.State && t.To == to {
			action = t.Action
		}
	}
	before := stateOfClaim(c)
	c.State = to
	if mutate != nil {
		mutate(c)
	}
	return saveClaim(ctx, tx, before, c, action)
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
