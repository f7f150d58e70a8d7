package storage

import (
	"context"

	"claimtrail/domain"
)

// ChangeOwnPassword stores a new password hash chosen by the user themself
// and ends their sessions; the caller has checked the current password.
func (db *DB) ChangeOwnPassword(ctx context.Context, id int64, passwordHash string) (*domain.User, error) {
	return db.changeUser(ctx, id, "user.password_changed", true, func(tx *Tx, u *domain.User) error {
		if !u.Active {
			return domain.Errorf(domain.EFORBIDDEN, "This account is deactivated.")
		}
		_, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = ? WHERE id = ?`, passwordHash, u.ID)
		return err
	})
}
