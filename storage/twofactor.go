package storage

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"database/sql"
	"errors"
	"strconv"

	"claimtrail/domain"
)

// Two-factor sign-in. The app secret is stored encrypted (AES-256-GCM) and
// recovery codes as HMAC-SHA256 hashes, both under keys derived from the key
// file: a copy of the database without it yields no codes.

// SetTwoFactorKey gives the database the key (from the key file) that
// protects two-factor secrets. Without one, two-factor sign-in cannot be
// turned on.
func (db *DB) SetTwoFactorKey(key []byte) { db.twoFactorKey = key }

func (db *DB) twoFactorSubkey(purpose string) ([]byte, error) {
	return db.keyFileSubkey("claimtrail two-factor "+purpose, twoFactorNeedsKeyFile)
}

const twoFactorNeedsKeyFile = "Two-factor sign-in needs the key file beside the database; start claimtrail with it."

// sealSecret encrypts secret for one user: a sealed secret copied onto
// another account does not open.
func (db *DB) sealSecret(userID int64, secret string) ([]byte, error) {
	aead, err := db.keyFileAEAD("claimtrail two-factor secret", twoFactorNeedsKeyFile)
	if err != nil {
		return nil, err
	}
	return seal(aead, []byte(secret), []byte("user "+strconv.FormatInt(userID, 10))), nil
}

func (db *DB) openSecret(userID int64, sealed []byte) (string, error) {
	aead, err := db.keyFileAEAD("claimtrail two-factor secret", twoFactorNeedsKeyFile)
	if err != nil {
		return "", err
	}
	plain, err := unseal(aead, sealed, []byte("user "+strconv.FormatInt(userID, 10)))
	if errors.Is(err, errSealedShort) {
		return "", errors.New("two-factor secret too short")
	} else if err != nil {
		return "", domain.ErrTwoFactorSealedElsewhere
	}
	return string(plain), nil
}

func (db *DB) recoveryHash(userID int64, code string) ([]byte, error) {
	key, err := db.twoFactorSubkey("recovery")
	if err != nil {
		return nil, err
	}
	m := hmac.New(sha256.New, key)
	m.Write([]byte(strconv.FormatInt(userID, 10) + "\x00" + code))
	return m.Sum(nil), nil
}

// EnableTwoFactor turns two-factor sign-in on for a user with the app
// secret they confirmed (with the code of step confirmedStep, which can then
// not sign in) and their new recovery codes, replacing any earlier ones.
func (db *DB) EnableTwoFactor(ctx context.Context, userID int64, secret string, confirmedStep int64, recoveryCodes []string) error {
	sealed, err := db.sealSecret(userID, secret)
	if err != nil {
		return err
	}
	hashes := make([][]byte, len(recoveryCodes))
	for i, c := range recoveryCodes {
		if hashes[i], err = db.recoveryHash(userID, c); err != nil {
			return err
		}
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, `UPDATE users SET totp_secret = ?, totp_last_step = ?, updated_at = ? WHERE id = ? AND totp_secret IS NULL`,
		sealed, confirmedStep, formatTime(tx.now), userID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return domain.Errorf(domain.ECONFLICT, "Two-factor sign-in is already on.")
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM recovery_codes WHERE user_id = ?`, userID); err != nil {
		return err
	}
	for _, h := range hashes {
		if _, err := tx.ExecContext(ctx, `INSERT INTO recovery_codes (user_id, code_hash) VALUES (?, ?)`, userID, h); err != nil {
			return err
		}
	}
	if err := tx.record(ctx, domain.TwoFactorEvent("user.two_factor_enabled", userID, true, len(hashes))); err != nil {
		return err
	}
	return tx.Commit()
}

// DisableTwoFactor turns two-factor sign-in off and forgets the secret and
// recovery codes; the caller has checked a current code or the password.
func (db *DB) DisableTwoFactor(ctx context.Context, userID int64) error {
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, `UPDATE users SET totp_secret = NULL, totp_last_step = 0, updated_at = ? WHERE id = ? AND totp_secret IS NOT NULL`,
		formatTime(tx.now), userID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return domain.Errorf(domain.ECONFLICT, "Two-factor sign-in is already off.")
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM recovery_codes WHERE user_id = ?`, userID); err != nil {
		return err
	}
	if err := tx.record(ctx, domain.TwoFactorEvent("user.two_factor_disabled", userID, false, 0)); err != nil {
		return err
	}
	return tx.Commit()
}

// TwoFactorSecret returns a user's app secret, decrypted; ENOTFOUND when
// two-factor sign-in is off.
func (db *DB) TwoFactorSecret(ctx context.Context, userID int64) (string, error) {
	tx, err := db.beginRead(ctx)
	if err != nil {
		return "", err
	}
	defer tx.Rollback()
	var sealed []byte
	err = tx.QueryRowContext(ctx, `SELECT totp_secret FROM users WHERE id = ?`, userID).Scan(&sealed)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && sealed == nil) {
		return "", domain.Errorf(domain.ENOTFOUND, "Two-factor sign-in is off.")
	} else if err != nil {
		return "", err
	}
	return db.openSecret(userID, sealed)
}

// SignInWithAppCode records a sign-in completed with the app code of step:
// a step at or before the last one accepted is refused (ECONFLICT), so a
// code seen over someone's shoulder cannot be used again.
func (db *DB) SignInWithAppCode(ctx context.Context, userID, step int64) error {
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, `UPDATE users SET totp_last_step = ? WHERE id = ? AND totp_secret IS NOT NULL AND totp_last_step < ?`, step, userID, step)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return domain.Errorf(domain.ECONFLICT, "That code has been used already. Wait for your app to show the next one.")
	}
	if err := tx.audit(ctx, "user.signed_in", "user", userID, nil, nil); err != nil {
		return err
	}
	return tx.Commit()
}

// UseRecoveryCode spends one of a user's recovery codes; a code unknown or
// already used is refused (EINVALID).
func (db *DB) UseRecoveryCode(ctx context.Context, userID int64, code string) error {
	h, err := db.recoveryHash(userID, code)
	if err != nil {
		return err
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, `UPDATE recovery_codes SET used_at = ? WHERE user_id = ? AND code_hash = ? AND used_at IS NULL
		AND EXISTS (SELECT 1 FROM users WHERE id = ? AND totp_secret IS NOT NULL)`, formatTime(tx.now), userID, h, userID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return domain.FieldError("code", domain.SecondFactorMessage)
	}
	var left int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM recovery_codes WHERE user_id = ? AND used_at IS NULL`, userID).Scan(&left); err != nil {
		return err
	}
	if err := tx.record(ctx, domain.TwoFactorEvent("user.recovery_code_used", userID, true, left)); err != nil {
		return err
	}
	return tx.Commit()
}

// RecoveryCodesLeft is how many unused recovery codes a user has.
func (db *DB) RecoveryCodesLeft(ctx context.Context, userID int64) (int, error) {
	tx, err := db.beginRead(ctx)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	var left int
	err = tx.QueryRowContext(ctx, `SELECT count(*) FROM recovery_codes WHERE user_id = ? AND used_at IS NULL`, userID).Scan(&left)
	return left, err
}
