package storage

import (
	"context"
	"database/sql"
	"errors"

	"claimtrail/domain"
)

// API tokens: made and revoked by their owner (settings page or CLI), looked
// up by hash on every API request. The token itself is never stored or audited.

const tokenColumns = `t.id, t.user_id, t.name, t.created_at, t.last_used_at, t.revoked_at`

func scanToken(row scanner, extra ...any) (*domain.APIToken, error) {
	var t domain.APIToken
	var created string
	var used, revoked sql.NullString
	if err := row.Scan(append([]any{&t.ID, &t.UserID, &t.Name, &created, &used, &revoked}, extra...)...); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, domain.Errorf(domain.ENOTFOUND, "There is no such API token.")
		}
		return nil, err
	}
	t.CreatedAt, t.LastUsedAt, t.RevokedAt = parseTime(created), parseNullTime(used), parseNullTime(revoked)
	return &t, nil
}

// CreateAPIToken stores a new token for a user under its hash and returns
// it, as domain.CreateToken decides.
func (db *DB) CreateAPIToken(ctx context.Context, userID int64, name, tokenHash string) (*domain.APIToken, error) {
	// What was typed is judged before anything is looked up.
	if _, err := domain.NormalizeTokenName(name); err != nil {
		return nil, err
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	u, err := findUserByID(ctx, tx, userID)
	if err != nil {
		return nil, err
	}
	ch, err := domain.CreateToken(u, name, tx.now)
	if err != nil {
		return nil, err
	}
	t := ch.Token
	res, err := tx.ExecContext(ctx, `INSERT INTO api_tokens (user_id, name, token_hash, created_at) VALUES (?, ?, ?, ?)`,
		t.UserID, t.Name, tokenHash, formatTime(t.CreatedAt))
	if err != nil {
		return nil, mapError(err, "That token could not be made. Try again.")
	}
	t.ID, _ = res.LastInsertId()
	ch.Event.EntityID = t.ID
	if err := tx.record(ctx, ch.Event); err != nil {
		return nil, err
	}
	return t, tx.Commit()
}

// ListAPITokens returns a user's tokens, working ones first, newest first.
func (db *DB) ListAPITokens(ctx context.Context, userID int64) ([]*domain.APIToken, error) {
	tx, err := db.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	return queryAll(ctx, tx, func(row scanner) (*domain.APIToken, error) { return scanToken(row) },
		`SELECT `+tokenColumns+` FROM api_tokens t WHERE t.user_id = ?
		ORDER BY t.revoked_at IS NOT NULL, t.id DESC`, userID)
}

// RevokeAPIToken stops one of a user's tokens working. A token of someone
// else is "not found", so that ids reveal nothing.
func (db *DB) RevokeAPIToken(ctx context.Context, userID, tokenID int64) (*domain.APIToken, error) {
	tx, err := db.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	t, err := scanToken(tx.QueryRowContext(ctx, `SELECT `+tokenColumns+` FROM api_tokens t WHERE t.id = ? AND t.user_id = ?`, tokenID, userID))
	if err != nil {
		return nil, err
	}
	ch, err := domain.RevokeToken(t, tx.now)
	if err != nil {
		return nil, err
	}
	if err := revoke(ctx, tx, ch); err != nil {
		return nil, err
	}
	return ch.Token, tx.Commit()
}

// revoke saves a token's decided revocation and writes its event.
func revoke(ctx context.Context, tx *Tx, ch domain.TokenChange) error {
	if _, err := tx.ExecContext(ctx, `UPDATE api_tokens SET revoked_at = ? WHERE id = ?`, formatTime(ch.Token.RevokedAt), ch.Token.ID); err != nil {
		return err
	}
	return tx.record(ctx, ch.Event)
}

// revokeWorkingTokens revokes every working token of a user inside tx and
// returns their ids for the account change's one event: a password reset or
// a deactivation is incident response, and a token must not outlive it (nor
// work again on reactivation).
func revokeWorkingTokens(ctx context.Context, tx *Tx, userID int64) ([]int64, error) {
	ids, err := queryAll(ctx, tx, scanInt64, `SELECT id FROM api_tokens WHERE user_id = ? AND revoked_at IS NULL ORDER BY id`, userID)
	if err != nil {
		return nil, err
	}
	if len(ids) > 0 {
		if _, err := tx.ExecContext(ctx, `UPDATE api_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL`,
			formatTime(tx.now), userID); err != nil {
			return nil, err
		}
	}
	return ids, nil
}

// errBadToken is the one answer for every token that does not work, so that
// a caller learns nothing about which tokens exist.
var errBadToken = domain.Errorf(domain.EUNAUTHORIZED, "That API token is not valid. It may have been revoked, or its owner's account deactivated.")

// AuthenticateAPIToken finds the working token with the given hash and its
// owner. Revoked tokens and tokens of deactivated accounts are refused with
// EUNAUTHORIZED; both are read on every request, so either takes effect at once.
// A working token's read is kept while nothing in the database changes (as a
// signed-in page's session is): a revocation or deactivation is a change, so
// the next request reads it afresh.
func (db *DB) AuthenticateAPIToken(ctx context.Context, tokenHash string) (*domain.User, *domain.APIToken, error) {
	o, err := cached(ctx, db, db.tokenOwners, tokenHash, func() (tokenOwner, error) {
		return db.readTokenOwner(ctx, tokenHash)
	}, func(o tokenOwner) tokenOwner { return o })
	if err != nil {
		return nil, nil, err
	}
	// Each caller gets its own copies.
	u, t := o.user, o.token
	return &u, &t, nil
}

// tokenOwner is a working token and its owner, as AuthenticateAPIToken keeps them.
type tokenOwner struct {
	user  domain.User
	token domain.APIToken
}

func (db *DB) readTokenOwner(ctx context.Context, tokenHash string) (tokenOwner, error) {
	tx, err := db.beginRead(ctx)
	if err != nil {
		return tokenOwner{}, err
	}
	defer tx.Rollback()
	// The token and its owner in one statement: every API request asks.
	var u domain.User
	var created, updated string
	t, err := scanToken(tx.QueryRowContext(ctx, `SELECT `+tokenColumns+`, u.id, u.email, u.name, u.role, u.active, u.session_version,
		u.created_at, u.updated_at, u.must_change_password, u.totp_secret IS NOT NULL
		FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = ?`, tokenHash),
		&u.ID, &u.Email, &u.Name, &u.Role, &u.Active, &u.SessionVersion, &created, &updated, &u.MustChangePassword, &u.TwoFactor)
	if domain.ErrorCode(err) == domain.ENOTFOUND {
		return tokenOwner{}, errBadToken
	} else if err != nil {
		return tokenOwner{}, err
	}
	if t.Revoked() {
		return tokenOwner{}, errBadToken
	}
	u.CreatedAt, u.UpdatedAt = parseTime(created), parseTime(updated)
	if !u.Active {
		return tokenOwner{}, errBadToken
	}
	return tokenOwner{u, *t}, nil
}

// MarkAPITokenUsed records when a token was last used. It is bookkeeping,
// not a change anyone made, so it is not audited; callers call it at most
// about once a minute per token to keep the writer free.
func (db *DB) MarkAPITokenUsed(ctx context.Context, tokenID int64) error {
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `UPDATE api_tokens SET last_used_at = ? WHERE id = ?`, formatTime(tx.now), tokenID); err != nil {
		return err
	}
	return tx.Commit()
}
