package storage

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"errors"

	"claimtrail/domain"
)

// Secrets kept in the database (two-factor secrets, secret settings) are
// sealed with AES-256-GCM under keys derived from the key file beside it,
// one per use, so that a copy or backup of the database does not carry
// them.

// keyFileSubkey derives the key for one use (label) from the key file's;
// without a key file it fails with missing, a message a newsroom can act on.
func (db *DB) keyFileSubkey(label, missing string) ([]byte, error) {
	if len(db.twoFactorKey) == 0 {
		return nil, domain.Errorf(domain.ECONFLICT, "%s", missing)
	}
	m := hmac.New(sha256.New, db.twoFactorKey)
	m.Write([]byte(label))
	return m.Sum(nil), nil
}

// keyFileAEAD is AES-256-GCM under keyFileSubkey(label, missing).
func (db *DB) keyFileAEAD(label, missing string) (cipher.AEAD, error) {
	key, err := db.keyFileSubkey(label, missing)
	if err != nil {
		return nil, err
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

// seal encrypts plain bound to ad (what it belongs to, so a sealed value
// copied elsewhere does not open): a fresh nonce, then the sealed text.
func seal(aead cipher.AEAD, plain, ad []byte) []byte {
	nonce := make([]byte, aead.NonceSize())
	rand.Read(nonce)
	return aead.Seal(nonce, nonce, plain, ad)
}

var (
	errSealedShort = errors.New("shorter than a sealed value")
	errSealedOpen  = errors.New("does not open with this key file")
)

// unseal opens what seal made of plain with the same ad.
func unseal(aead cipher.AEAD, sealed, ad []byte) ([]byte, error) {
	if len(sealed) < aead.NonceSize() {
		return nil, errSealedShort
	}
	plain, err := aead.Open(nil, sealed[:aead.NonceSize()], sealed[aead.NonceSize():], ad)
	if err != nil {
		return nil, errSealedOpen
	}
	return plain, nil
}
