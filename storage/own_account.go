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

// PublicName is the name the user's published bylines show ("" for none),
// and the one they asked for that waits for an editor (nil: none).
func (db *DB) PublicName(ctx context.Context, id int64) (string, *string, error) {
	tx, err := db.beginRead(ctx)
	if err != nil {
		return "", nil, err
	}
	defer tx.Rollback()
	return readPublicName(ctx, tx, id)
}

func readPublicName(ctx context.Context, tx *Tx, id int64) (string, *string, error) {
	var name string
	var requested sql.NullString
	if err := tx.QueryRowContext(ctx, `SELECT public_name, public_name_requested FROM users WHERE id = ?`, id).Scan(&name, &requested); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return "", nil, domain.Errorf(domain.ENOTFOUND, "No such user.")
		}
		return "", nil, err
	}
	if !requested.Valid {
		return name, nil, nil
	}
	return name, &requested.String, nil
}

// PublicNameChange is what asking for a byline did.
type PublicNameChange struct {
	Change    domain.BylineChange
	Published string // the byline published checks carry now
	Requested string // what waits for an editor (BylineRequested)
}

// bylineRecord is a byline as the audit log keeps it.
type bylineRecord struct {
	PublicName string `json:"public_name"`
}

type bylineRequestRecord struct {
	Requested string `json:"public_name_requested"`
}

// SetPublicName asks for the name the user's published bylines show,
// checked by domain.CheckPublicName: "" withdraws the byline at once, any
// other new name waits for an editor's approval (domain.DecideBylineChange,
// DecideByline); asking for the one published withdraws a request waiting.
func (db *DB) SetPublicName(ctx context.Context, id int64, name string) (PublicNameChange, error) {
	name, err := domain.CheckPublicName(name)
	if err != nil {
		return PublicNameChange{}, err
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return PublicNameChange{}, err
	}
	defer tx.Rollback()
	before, waiting, err := readPublicName(ctx, tx, id)
	if err != nil {
		return PublicNameChange{}, err
	}
	ch := PublicNameChange{Change: domain.DecideBylineChange(before, name), Published: before}
	now := formatTime(tx.now)
	switch ch.Change {
	case domain.BylineUnchanged:
		if waiting == nil {
			return ch, nil // nothing changes, nothing to record
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET public_name_requested = NULL, public_name_requested_at = NULL, updated_at = ? WHERE id = ?`, now, id); err != nil {
			return PublicNameChange{}, err
		}
		if err := tx.audit(ctx, "user.public_name_request_withdrawn", "user", id, bylineRequestRecord{*waiting}, nil); err != nil {
			return PublicNameChange{}, err
		}
	case domain.BylineNow:
		if _, err := tx.ExecContext(ctx, `UPDATE users SET public_name = ?, public_name_requested = NULL, public_name_requested_at = NULL, updated_at = ? WHERE id = ?`,
			name, now, id); err != nil {
			return PublicNameChange{}, err
		}
		if err := tx.audit(ctx, "user.public_name_set", "user", id, bylineRecord{before}, bylineRecord{name}); err != nil {
			return PublicNameChange{}, err
		}
		ch.Published = name
	case domain.BylineRequested:
		ch.Requested = name
		if waiting != nil && *waiting == name {
			return ch, nil // asked for already
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET public_name_requested = ?, public_name_requested_at = ?, updated_at = ? WHERE id = ?`,
			name, now, now, id); err != nil {
			return PublicNameChange{}, err
		}
		var was any
		if waiting != nil {
			was = bylineRequestRecord{*waiting}
		}
		if err := tx.audit(ctx, "user.public_name_requested", "user", id, was, bylineRequestRecord{name}); err != nil {
			return PublicNameChange{}, err
		}
	}
	return ch, tx.Commit()
}

// BylineRequests lists the bylines waiting for an editor's approval,
// oldest first.
func (db *DB) BylineRequests(ctx context.Context) ([]domain.BylineRequest, error) {
	tx, err := db.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	return queryAll(ctx, tx, func(row scanner) (domain.BylineRequest, error) {
		var b domain.BylineRequest
		var at string
		err := row.Scan(&b.UserID, &b.Name, &b.Current, &b.Requested, &at)
		b.At = parseTime(at)
		return b, err
	}, `SELECT id, name, public_name, public_name_requested, coalesce(public_name_requested_at, '') FROM users
		WHERE public_name_requested IS NOT NULL AND active = 1 ORDER BY public_name_requested_at, id`)
}

// DecideByline approves (published checks then carry it) or refuses the
// byline ownerID asked for, as the acting editor (domain.CanDecideByline),
// provided it is still seen, the one the editor read (domain.CheckBylineSeen).
func (db *DB) DecideByline(ctx context.Context, ownerID int64, seen string, approve bool) error {
	tx, editor, err := beginAs(ctx, db.begin)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := domain.CanDecideByline(editor, ownerID); err != nil {
		return err
	}
	before, waiting, err := readPublicName(ctx, tx, ownerID)
	if err != nil {
		return err
	}
	if err := domain.CheckBylineSeen(seen, waiting); err != nil {
		return err
	}
	now := formatTime(tx.now)
	if approve {
		if _, err := tx.ExecContext(ctx, `UPDATE users SET public_name = public_name_requested, public_name_requested = NULL, public_name_requested_at = NULL, updated_at = ? WHERE id = ?`,
			now, ownerID); err != nil {
			return err
		}
		err = tx.audit(ctx, "user.public_name_approved", "user", ownerID, bylineRecord{before}, bylineRecord{*waiting})
	} else {
		if _, err := tx.ExecContext(ctx, `UPDATE users SET public_name_requested = NULL, public_name_requested_at = NULL, updated_at = ? WHERE id = ?`,
			now, ownerID); err != nil {
			return err
		}
		err = tx.audit(ctx, "user.public_name_refused", "user", ownerID, bylineRequestRecord{*waiting}, nil)
	}
	if err != nil {
		return err
	}
	return tx.Commit()
}
