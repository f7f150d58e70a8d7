package storage

import (
	"context"
	"database/sql"
	"errors"
	"maps"
	"slices"
	"time"

	"claimtrail/domain"
)

// userState is what the audit log records of a user: never the password hash.
type userState struct {
	Email              string      `json:"email"`
	Name               string      `json:"name"`
	Role               domain.Role `json:"role"`
	Active             bool        `json:"active"`
	MustChangePassword bool        `json:"must_change_password,omitempty"`
}

func stateOfUser(u *domain.User) userState {
	return userState{Email: u.Email, Name: u.Name, Role: u.Role, Active: u.Active, MustChangePassword: u.MustChangePassword}
}

const userColumns = `id, email, name, role, active, session_version, created_at, updated_at, must_change_password, totp_secret IS NOT NULL`

func scanUser(row scanner) (*domain.User, error) {
	var u domain.User
	var created, updated string
	if err := row.Scan(&u.ID, &u.Email, &u.Name, &u.Role, &u.Active, &u.SessionVersion, &created, &updated, &u.MustChangePassword, &u.TwoFactor); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, domain.Errorf(domain.ENOTFOUND, "No such user.")
		}
		return nil, err
	}
	u.CreatedAt, u.UpdatedAt = parseTime(created), parseTime(updated)
	return &u, nil
}

func findUserByID(ctx context.Context, tx *Tx, id int64) (*domain.User, error) {
	return scanUser(tx.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE id = ?`, id))
}

// CreateUser adds an account with an already hashed password and sets u.ID.
func (db *DB) CreateUser(ctx context.Context, u *domain.User, passwordHash string) error {
	if err := domain.CheckNewUser(u.Name, u.Email); err != nil {
		return err
	}
	if !u.Role.Valid() {
		return domain.FieldError("role", "Choose a role: reviewer, editor or admin.")
	}
	u.Name = domain.CleanName(u.Name)
	email, _ := domain.NormalizeEmail(u.Email)
	u.Email, u.Active, u.SessionVersion = email, true, 1

	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, `INSERT INTO users (email, name, role, password_hash, active, session_version, created_at, updated_at, must_change_password)
		VALUES (?, ?, ?, ?, 1, 1, ?, ?, ?)`, u.Email, u.Name, u.Role, passwordHash, formatTime(tx.now), formatTime(tx.now), u.MustChangePassword)
	if err != nil {
		if e := mapError(err, "An account with that email address already exists."); domain.ErrorCode(e) == domain.ECONFLICT {
			e.(*domain.Error).Fields = map[string]string{"email": "An account with that email address already exists."}
			return e
		}
		return err
	}
	u.ID, _ = res.LastInsertId()
	u.CreatedAt, u.UpdatedAt = tx.now, tx.now
	if err := tx.audit(ctx, "user.created", "user", u.ID, nil, stateOfUser(u)); err != nil {
		return err
	}
	return tx.Commit()
}

// SessionUser returns the user behind a session cookie, and whether that
// session was ended by signing out, from one snapshot.
func (db *DB) SessionUser(ctx context.Context, userID int64, sid string) (u *domain.User, ended bool, err error) {
	tx, err := db.beginRead(ctx)
	if err != nil {
		return nil, false, err
	}
	defer tx.Rollback()
	if u, err = findUserByID(ctx, tx, userID); err != nil {
		return nil, false, err
	}
	err = tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM ended_sessions WHERE sid = ?)`, sid).Scan(&ended)
	return u, ended, err
}

// EndSession records a sign-out: the session id stops working at once, with
// its audit event, in one transaction. Ids ended before prune are dropped,
// as sessions that old have expired anyway.
func (db *DB) EndSession(ctx context.Context, userID int64, sid string, prune time.Time) error {
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `DELETE FROM ended_sessions WHERE ended_at < ?`, formatTime(prune)); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO ended_sessions (sid, ended_at) VALUES (?, ?) ON CONFLICT DO NOTHING`, sid, formatTime(tx.now)); err != nil {
		return err
	}
	if err := tx.audit(ctx, "user.signed_out", "user", userID, nil, nil); err != nil {
		return err
	}
	return tx.Commit()
}

// UserByID returns one user.
func (db *DB) UserByID(ctx context.Context, id int64) (*domain.User, error) {
	tx, err := db.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	return findUserByID(ctx, tx, id)
}

// UserByEmail returns one user by email address.
func (db *DB) UserByEmail(ctx context.Context, email string) (*domain.User, error) {
	u, _, err := db.UserCredentials(ctx, email)
	return u, err
}

// UserCredentials returns a user and their password hash, for signing in.
func (db *DB) UserCredentials(ctx context.Context, email string) (*domain.User, string, error) {
	tx, err := db.beginRead(ctx)
	if err != nil {
		return nil, "", err
	}
	defer tx.Rollback()
	var u domain.User
	var created, updated, hash string
	err = tx.QueryRowContext(ctx, `SELECT `+userColumns+`, password_hash FROM users WHERE email = ?`, email).
		Scan(&u.ID, &u.Email, &u.Name, &u.Role, &u.Active, &u.SessionVersion, &created, &updated, &u.MustChangePassword, &u.TwoFactor, &hash)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, "", domain.Errorf(domain.ENOTFOUND, "No such user.")
	} else if err != nil {
		return nil, "", err
	}
	u.CreatedAt, u.UpdatedAt = parseTime(created), parseTime(updated)
	return &u, hash, nil
}

// ListUsers returns every account, active first, then by name.
func (db *DB) ListUsers(ctx context.Context) ([]*domain.User, error) {
	tx, err := db.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	return queryAll(ctx, tx, scanUser, `SELECT `+userColumns+` FROM users ORDER BY active DESC, name COLLATE NOCASE, id`)
}

// changeUser applies fn to a user inside one transaction and records the
// change as action. endSessions bumps the session version so that every
// existing session of that user stops working at once.
func (db *DB) changeUser(ctx context.Context, id int64, action string, endSessions bool, fn func(tx *Tx, u *domain.User) error) (*domain.User, error) {
	tx, err := db.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	u, err := findUserByID(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	before := stateOfUser(u)
	if err := fn(tx, u); err != nil {
		return nil, err
	}
	if endSessions {
		u.SessionVersion++
	}
	u.UpdatedAt = tx.now
	if _, err := tx.ExecContext(ctx, `UPDATE users SET name = ?, role = ?, active = ?, session_version = ?, updated_at = ? WHERE id = ?`,
		u.Name, u.Role, u.Active, u.SessionVersion, formatTime(tx.now), u.ID); err != nil {
		return nil, err
	}
	if err := tx.audit(ctx, action, "user", u.ID, before, stateOfUser(u)); err != nil {
		return nil, err
	}
	return u, tx.Commit()
}

// SetUserRole changes a user's role and ends their sessions.
func (db *DB) SetUserRole(ctx context.Context, id int64, role domain.Role) (*domain.User, error) {
	if !role.Valid() {
		return nil, domain.FieldError("role", "Choose a role: reviewer, editor or admin.")
	}
	return db.changeUser(ctx, id, "user.role_changed", true, func(tx *Tx, u *domain.User) error {
		if u.Role == role {
			return domain.Errorf(domain.ECONFLICT, "%s is already %s.", u.Name, role.Label())
		}
		if u.Role == domain.RoleAdmin {
			if err := ensureAnotherAdmin(ctx, tx, u.ID); err != nil {
				return err
			}
		}
		u.Role = role
		return nil
	})
}

// SetUserActive deactivates or reactivates an account; deactivation ends its
// sessions and revokes its API tokens, which reactivation does not restore.
func (db *DB) SetUserActive(ctx context.Context, id int64, active bool) (*domain.User, error) {
	action := "user.deactivated"
	if active {
		action = "user.reactivated"
	}
	return db.changeUser(ctx, id, action, !active, func(tx *Tx, u *domain.User) error {
		if u.Active == active {
			return domain.Errorf(domain.ECONFLICT, "That account is already %s.", map[bool]string{true: "active", false: "deactivated"}[active])
		}
		if !active && u.Role == domain.RoleAdmin {
			if err := ensureAnotherAdmin(ctx, tx, u.ID); err != nil {
				return err
			}
		}
		u.Active = active
		if !active {
			return revokeWorkingTokens(ctx, tx, u.ID)
		}
		return nil
	})
}

// SetUserPassword stores a password an admin issued, ends the user's
// sessions and revokes their API tokens; mustChange makes them choose their
// own at their next sign-in (domain.IssuedPasswordMustChange).
func (db *DB) SetUserPassword(ctx context.Context, id int64, passwordHash string, mustChange bool) (*domain.User, error) {
	return db.changeUser(ctx, id, "user.password_reset", true, func(tx *Tx, u *domain.User) error {
		if _, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = ?, must_change_password = ? WHERE id = ?`, passwordHash, mustChange, u.ID); err != nil {
			return err
		}
		u.MustChangePassword = mustChange
		return revokeWorkingTokens(ctx, tx, u.ID)
	})
}

// ensureAnotherAdmin keeps the newsroom from locking itself out.
func ensureAnotherAdmin(ctx context.Context, tx *Tx, except int64) error {
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM users WHERE role = 'admin' AND active = 1 AND id <> ?`, except).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return domain.Errorf(domain.ECONFLICT, "This is the last active admin account; make someone else an admin first.")
	}
	return nil
}

// RecordSignIn writes a sign-in or sign-out to the audit log.
func (db *DB) RecordSignIn(ctx context.Context, userID int64, action string) error {
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := tx.audit(ctx, action, "user", userID, nil, nil); err != nil {
		return err
	}
	return tx.Commit()
}

// LegacySessionKeys returns the session keys that earlier versions kept in
// the database (table secrets), as one key of hash then block halves; nil
// when there are none. They are moved out to the key file once, then dropped
// with DropLegacySessionKeys.
func (db *DB) LegacySessionKeys(ctx context.Context) ([]byte, error) {
	tx, err := db.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	var hashKey, blockKey []byte
	err = tx.QueryRowContext(ctx, `SELECT (SELECT value FROM secrets WHERE name = 'session_hash_key'),
		(SELECT value FROM secrets WHERE name = 'session_block_key')`).Scan(&hashKey, &blockKey)
	if err != nil || len(hashKey) != 32 || len(blockKey) != 32 {
		return nil, err
	}
	return append(hashKey, blockKey...), nil
}

// DropLegacySessionKeys deletes the session keys from the database, once
// they are safe in the key file, so that a copy of the database no longer
// holds them. The deletion is audited (without the keys).
func (db *DB) DropLegacySessionKeys(ctx context.Context) error {
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, `DELETE FROM secrets WHERE name IN ('session_hash_key', 'session_block_key')`)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil
	}
	if err := tx.audit(ctx, "secrets.session_keys_moved_out", "secrets", 0, nil, nil); err != nil {
		return err
	}
	return tx.Commit()
}

// Setting returns a newsroom setting, or def when it was never set.
func (db *DB) Setting(ctx context.Context, key, def string) (string, error) {
	tx, err := db.beginRead(ctx)
	if err != nil {
		return "", err
	}
	defer tx.Rollback()
	var v string
	err = tx.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = ?`, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return def, nil
	}
	return v, err
}

// SetSettings stores several newsroom settings at once, with one
// "setting.changed" event naming every value that changed, before and after.
func (db *DB) SetSettings(ctx context.Context, values map[string]string) error {
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	current := map[string]string{}
	for key := range values {
		var old sql.NullString
		if err := tx.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = ?`, key).Scan(&old); err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if old.Valid {
			current[key] = old.String
		}
	}
	ch := domain.ChangeSettings(current, values)
	if ch.Event.Action == "" {
		return nil // nothing changed, so nothing is recorded
	}
	for _, key := range slices.Sorted(maps.Keys(ch.Set)) {
		if _, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)
			ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`, key, ch.Set[key], formatTime(tx.now)); err != nil {
			return err
		}
	}
	if err := tx.record(ctx, ch.Event); err != nil {
		return err
	}
	return tx.Commit()
}
