package storage

import (
	"context"

	"claimtrail/domain"
)

// commentState is what the audit log records of a comment.
type commentState struct {
	ID   int64              `json:"id"`
	Kind domain.CommentKind `json:"kind"`
	Body string             `json:"body"`
}

// addComment writes a comment on a claim and its audit event. The event
// belongs to the claim, so the claim's history shows the comment.
func addComment(ctx context.Context, tx *Tx, claimID, authorID int64, kind domain.CommentKind, body string) error {
	res, err := tx.ExecContext(ctx, `INSERT INTO comments (claim_id, author_id, kind, body, created_at) VALUES (?, ?, ?, ?, ?)`,
		claimID, authorID, kind, body, formatTime(tx.now))
	if err != nil {
		return mapError(err, "")
	}
	id, _ := res.LastInsertId()
	return tx.audit(ctx, "comment.added", "claim", claimID, nil, commentState{ID: id, Kind: kind, Body: body})
}

// AddComment adds a message to a claim's thread. Anyone signed in may comment.
func (db *DB) AddComment(ctx context.Context, claimID int64, body string) (*domain.Comment, error) {
	if err := domain.CheckComment("body", body); err != nil {
		return nil, err
	}
	tx, u, err := beginAs(ctx, db.beginShared)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	if !domain.CanReview(u) {
		return nil, domain.Errorf(domain.EFORBIDDEN, "Your role does not allow commenting.")
	}
	if _, err := findClaimByID(ctx, tx, claimID); err != nil {
		return nil, err
	}
	if err := addComment(ctx, tx, claimID, u.ID, domain.CommentNote, body); err != nil {
		return nil, err
	}
	c := &domain.Comment{ClaimID: claimID, AuthorID: u.ID, AuthorName: u.Name, Kind: domain.CommentNote, Body: body, CreatedAt: tx.now}
	return c, tx.Commit()
}

// claimComments lists a claim's thread, oldest first.
func claimComments(ctx context.Context, tx *Tx, claimID int64) ([]domain.Comment, error) {
	return queryAll(ctx, tx, func(row scanner) (domain.Comment, error) {
		var c domain.Comment
		var at string
		err := row.Scan(&c.ID, &c.ClaimID, &c.AuthorID, &c.AuthorName, &c.Kind, &c.Body, &at)
		c.CreatedAt = parseTime(at)
		return c, err
	}, `SELECT m.id, m.claim_id, m.author_id, u.name, m.kind, m.body, m.created_at
		FROM comments m JOIN users u ON u.id = m.author_id WHERE m.claim_id = ? ORDER BY m.id`, claimID)
}
