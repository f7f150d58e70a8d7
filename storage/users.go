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

// CreateUser adds an account with an already hashed password and sets u.ID,
// as domain.CreateAccount decides.
func (db *DB) CreateUser(ctx context.Context, u *domain.User, passwordHash string) error {
	ch, err := domain.CreateAccount(*u)
	if err != nil {
		return err
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	n := ch.User
	res, err := tx.ExecContext(ctx, `INSERT INTO users (email, name, role, password_hash, active, session_version, created_at, updated_at, must_change_password)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, n.Email, n.Name, n.Role, passwordHash, n.Active, n.SessionVersion, formatTime(tx.now), formatTime(tx.now), n.MustChangePassword)
	if err != nil {
		if e := mapError(err, "An account with that email address already exists."); domain.ErrorCode(e) == domain.ECONFLICT {
			e.(*domain.Error).Fields = map[string]string{"email": "An account with that email address already exists."}
			return e
		}
		return err
	}
	n.ID, _ = res.LastInsertId()
	n.CreatedAt, n.UpdatedAt = tx.now, tx.now
	ch.Event.EntityID = n.ID
	if err := tx.record(ctx, ch.Event); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	*u = *n
	return nil
}

// SessionUser returns the user behind a session cookie, and whether that
// session was ended by signing out, from one snapshot.
// Every signed-in request asks, so the answer is kept while nothing in the
// database changes (generation.go): a sign-out, deactivation or role change
// is a commit, and the next request reads afresh.
func (db *DB) SessionUser(ctx context.Context, userID int64, sid string) (*domain.User, bool, error) {
	s, err := cached(ctx, db, db.sessions, sessionKey{userID, sid}, func() (sessionRead, error) {
		return db.sessionUser(ctx, userID, sid)
	}, func(s sessionRead) sessionRead { return s })
	if err != nil {
		return nil, false, err
	}
	u := s.user // each caller its own copy
	return &u, s.ended, nil
}

type sessionKey struct {
	user int64
	sid  string
}

// sessionRead is what SessionUser keeps of one session.
type sessionRead struct {
	user  domain.User
	ended bool
}

func (db *DB) sessionUser(ctx context.Context, userID int64, sid string) (sessionRead, error) {
	tx, err := db.beginRead(ctx)
	if err != nil {
		return sessionRead{}, err
	}
	defer tx.Rollback()
	u, err := findUserByID(ctx, tx, userID)
	if err != nil {
		return sessionRead{}, err
	}
	s := sessionRead{user: *u}
	err = tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM ended_sessions WHERE sid = ?)`, sid).Scan(&s.ended)
	return s, err
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

// changeUser runs one change to an account: load it and how many other
// active admins there are, let the domain decide, save the account (with
// passwordHash when the decision sets the password), revoke its working
// tokens when the decision says so, write the change's event, commit.
func (db *DB) changeUser(ctx context.Context, id int64, passwordHash string, decide func(u *domain.User, otherAdmins int) (domain.UserChange, error)) (*domain.User, error) {
	tx, err := db.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	u, err := findUserByID(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	var otherAdmins int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM users WHERE role = 'admin' AND active = 1 AND id <> ?`, id).Scan(&otherAdmins); err != nil {
		return nil, err
	}
	ch, err := decide(u, otherAdmins)
	if err != nil {
		return nil, err
	}
	n := ch.User
	n.UpdatedAt = tx.now
	if _, err := tx.ExecContext(ctx, `UPDATE users SET name = ?, role = ?, active = ?, session_version = ?, must_change_password = ?,
		password_hash = CASE WHEN ? THEN ? ELSE password_hash END, updated_at = ? WHERE id = ?`,
		n.Name, n.Role, n.Active, n.SessionVersion, n.MustChangePassword, ch.SetPassword, passwordHash, formatTime(tx.now), n.ID); err != nil {
		return nil, err
	}
	if ch.RevokeTokens {
		ids, err := revokeWorkingTokens(ctx, tx, n.ID)
		if err != nil {
			return nil, err
		}
		ch.TokensRevoked(ids)
	}
	if err := tx.record(ctx, ch.Event); err != nil {
		return nil, err
	}
	return n, tx.Commit()
}

// SetUserRole changes a user's role and ends their sessions.
func (db *DB) SetUserRole(ctx context.Context, id int64, role domain.Role) (*domain.User, error) {
	return db.changeUser(ctx, id, "", func(u *domain.User, otherAdmins int) (domain.UserChange, error) {
		return domain.ChangeRole(u, role, otherAdmins)
	})
}

// SetUserActive deactivates or reactivates an account; deactivation ends its
// sessions and revokes its API tokens, which reactivation does not restore.
func (db *DB) SetUserActive(ctx context.Context, id int64, active bool) (*domain.User, error) {
	return db.changeUser(ctx, id, "", func(u *domain.User, otherAdmins int) (domain.UserChange, error) {
		return domain.SetActive(u, active, otherAdmins)
	})
}

// SetUserPassword stores a password an admin issued, ends the user's
// sessions and revokes their API tokens; mustChange makes them choose their
// own at their next sign-in (domain.IssuedPasswordMustChange).
func (db *DB) SetUserPassword(ctx context.Context, id int64, passwordHash string, mustChange bool) (*domain.User, error) {
	return db.changeUser(ctx, id, passwordHash, func(u *domain.User, _ int) (domain.UserChange, error) {
		return domain.ResetPassword(u, mustChange), nil
	})
}

// RecordSignIn writes a sign-in or sign-out to the audit log.
func (db *DB) RecordSignIn(ctx context.Context, userID int64, action string) error {
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := tx.record(ctx, domain.SignInEvent(userID, action)); err != nil {
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
	v, set, err := db.readSetting(ctx, tx, key)
	if err == nil && !set {
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
		old, set, err := db.readSetting(ctx, tx, key)
		if errors.Is(err, domain.ErrWebhookSealedElsewhere) {
			continue // unreadable, and being replaced
		} else if err != nil {
			return err
		}
		if set {
			current[key] = old
		}
	}
	ch := domain.ChangeSettings(current, values)
	if ch.Event.Action == "" {
		return nil // nothing changed, so nothing is recorded
	}
	for _, key := range slices.Sorted(maps.Keys(ch.Set)) {
		stored, err := db.sealSetting(key, ch.Set[key])
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)
			ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`, key, stored, formatTime(tx.now)); err != nil {
			return err
		}
	}
	if err := tx.record(ctx, ch.Event); err != nil {
		return err
	}
	return tx.Commit()
}
