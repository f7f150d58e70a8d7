package storage

import (
	"context"
	"crypto/cipher"
	"database/sql"
	"encoding/base64"
	"errors"
	"strings"

	"claimtrail/domain"
)

// Settings that are secrets (domain.SecretSetting: the chat webhook's
// address, whose path lets anyone post to the newsroom's chat) are stored
// sealed with AES-256-GCM under a key derived from the key file, bound to
// the setting's name, so a copy or backup of the database does not carry
// them. A value stored before sealing existed is read as it is and sealed
// at the next start (SealSecretSettings).

// sealedSettingPrefix marks a sealed value; base64 of nonce and sealed text follow.
const sealedSettingPrefix = "sealed:v1:"

func (db *DB) settingAEAD() (cipher.AEAD, error) {
	return db.keyFileAEAD("claimtrail secret setting", "The chat webhook's address is kept encrypted with the key file beside the database; start claimtrail with it.")
}

// sealSetting is value as stored for key: sealed when key is a secret.
func (db *DB) sealSetting(key, value string) (string, error) {
	if !domain.SecretSetting(key) || value == "" {
		return value, nil
	}
	aead, err := db.settingAEAD()
	if err != nil {
		return "", err
	}
	return sealedSettingPrefix + base64.RawStdEncoding.EncodeToString(seal(aead, []byte(value), []byte(key))), nil
}

// openSetting is a stored value of key as it was set.
func (db *DB) openSetting(key, stored string) (string, error) {
	rest, sealed := strings.CutPrefix(stored, sealedSettingPrefix)
	if !sealed {
		return stored, nil
	}
	aead, err := db.settingAEAD()
	if err != nil {
		return "", err
	}
	raw, err := base64.RawStdEncoding.DecodeString(rest)
	if err != nil {
		return "", errors.New("setting " + key + ": sealed value damaged")
	}
	plain, err := unseal(aead, raw, []byte(key))
	if errors.Is(err, errSealedShort) {
		return "", errors.New("setting " + key + ": sealed value damaged")
	} else if err != nil {
		// Sealed with another key file: say so, so that an admin can
		// replace it rather than meet an internal error.
		return "", domain.ErrWebhookSealedElsewhere
	}
	return string(plain), nil
}

// readSetting reads key's value inside tx, opened; "" and false when it
// was never set.
func (db *DB) readSetting(ctx context.Context, tx *Tx, key string) (string, bool, error) {
	var v string
	err := tx.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = ?`, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	} else if err != nil {
		return "", false, err
	}
	v, err = db.openSetting(key, v)
	return v, err == nil, err
}

// SealSecretSettings seals secret settings stored before they were kept
// sealed, once the key file is set up, so that copies of the database made
// afterwards do not carry them. The change is audited (without the values).
func (db *DB) SealSecretSettings(ctx context.Context) error {
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var sealed []string
	for _, key := range domain.SecretSettings {
		var v string
		err := tx.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = ?`, key).Scan(&v)
		if errors.Is(err, sql.ErrNoRows) || v == "" || strings.HasPrefix(v, sealedSettingPrefix) {
			continue
		} else if err != nil {
			return err
		}
		s, err := db.sealSetting(key, v)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE settings SET value = ? WHERE key = ?`, s, key); err != nil {
			return err
		}
		sealed = append(sealed, key)
	}
	if len(sealed) == 0 {
		return nil
	}
	if err := tx.audit(ctx, "secrets.settings_sealed", "secrets", 0, nil, map[string]any{"settings": sealed}); err != nil {
		return err
	}
	return tx.Commit()
}
