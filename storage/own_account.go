package storage

import (
	"context"
	"database/sql"
	"errors"

	"claimtrail/domain"
)

// ChangeOwnPassword stores a new password hash chosen by the user themself
// and ends their sessions; the caller has checked the current password.
func (db *DB) ChangeOwnPassword(ctx context.Context, id int64, passwordHash string) (*domain.User, error) {
	return db.changeUser(ctx, id, passwordHash, func(u *domain.User, _ int) (domain.UserChange, error) {
		return domain.ChangeOwnPassword(u)
	})
}

// PublicName is the name the user's published bylines show ("" for none).
func (db *DB) PublicName(ctx context.Context, id int64) (string, error) {
	tx, err := db.beginRead(ctx)
	if err != nil {
		return "", err
	}
	defer tx.Rollback()
	var name string
	if err := tx.QueryRowContext(ctx, `SELECT public_name FROM users WHERE id = ?`, id).Scan(&name); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return "", domain.Errorf(domain.ENOTFOUND, "No such user.")
		}
		return "", err
	}
	return name, nil
}

// SetPublicName sets the name the user's published bylines show, checked by
// domain.CheckPublicName; "" removes it.
func (db *DB) SetPublicName(ctx context.Context, id int64, name string) (string, error) {
	name, err := domain.CheckPublicName(name)
	if err != nil {
		return name, err
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return "", err
	}
	defer tx.Rollback()
	var before string
	if err := tx.QueryRowContext(ctx, `SELECT public_name FROM users WHERE id = ?`, id).Scan(&before); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return "", domain.Errorf(domain.ENOTFOUND, "No such user.")
		}
		return "", err
	}
	if before == name {
		return name, nil // nothing changes, nothing to record
	}
	if _, err := tx.ExecContext(ctx, `UPDATE users SET public_name = ?, updated_at = ? WHERE id = ?`, name, formatTime(tx.now), id); err != nil {
		return "", err
	}
	type publicName struct {
		PublicName string `json:"public_name"`
	}
	if err := tx.audit(ctx, "user.public_name_set", "user", id, publicName{before}, publicName{name}); err != nil {
		return "", err
	}
	return name, tx.Commit()
}
