// Package keyfile keeps claimtrail's secret keys outside the database: the
// keys that sign and encrypt session cookies and the key of the audit log's
// keyed hashes. A copy of the database, or of a backup, is then no key to
// anyone's account and no licence to rewrite the audit log.
//
// The file lives beside the database (claimtrail.db.keys), is created with
// mode 0600, and holds one key a line:
//
//	session <base64 of 64 bytes>          the key new cookies are made with
//	session <base64 of 64 bytes>          earlier keys, still accepted (rotation)
//	audit <base64 of 32 bytes> from <N>   audit events N onwards are keyed with it
package keyfile

import (
	"bufio"
	"bytes"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// SessionKeySize is one session key: 32 bytes to sign (HMAC-SHA256) and 32
// to encrypt (AES-256).
const SessionKeySize = 64

// AuditKeySize is the audit log's HMAC-SHA256 key.
const AuditKeySize = 32

// MaxPreviousSessionKeys is how many earlier session keys a rotation keeps,
// so that cookies made with them still work until they expire.
const MaxPreviousSessionKeys = 1

// Keys are the secrets of one database.
type Keys struct {
	// Session holds the session keys, the current one first.
	Session [][]byte
	// Audit is the audit log's key; events from AuditFrom on are keyed.
	Audit     []byte
	AuditFrom int64
}

// PathFor is where the keys of the database at dbPath are kept by default.
func PathFor(dbPath string) string { return dbPath + ".keys" }

// NewSessionKey makes a random session key.
func NewSessionKey() []byte { return random(SessionKeySize) }

// NewAuditKey makes a random audit key.
func NewAuditKey() []byte { return random(AuditKeySize) }

func random(n int) []byte {
	b := make([]byte, n)
	rand.Read(b)
	return b
}

// SplitSessionKey gives the signing and encryption halves of a session key.
func SplitSessionKey(k []byte) (hashKey, blockKey []byte) { return k[:32], k[32:] }

// Load reads the key file at path. A missing file is fs.ErrNotExist; a file
// that others may read is refused, as a copy of it is as good as the keys.
func Load(path string) (*Keys, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if st.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("the key file %s can be read by other users (mode %v); run chmod 600 %s", path, st.Mode().Perm(), path)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	k, err := Parse(b)
	if err != nil {
		return nil, fmt.Errorf("key file %s: %w", path, err)
	}
	return k, nil
}

// Parse reads the text of a key file.
func Parse(b []byte) (*Keys, error) {
	k := &Keys{}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Fields(line)
		switch {
		case f[0] == "session" && len(f) == 2:
			key, err := decodeKey(f[1], SessionKeySize)
			if err != nil {
				return nil, fmt.Errorf("line %d: %w", n, err)
			}
			k.Session = append(k.Session, key)
		case f[0] == "audit" && len(f) == 4 && f[2] == "from" && k.Audit == nil:
			key, err := decodeKey(f[1], AuditKeySize)
			if err != nil {
				return nil, fmt.Errorf("line %d: %w", n, err)
			}
			from, err := strconv.ParseInt(f[3], 10, 64)
			if err != nil || from < 1 {
				return nil, fmt.Errorf("line %d: the audit key's first event must be a number from 1", n)
			}
			k.Audit, k.AuditFrom = key, from
		default:
			return nil, fmt.Errorf("line %d is not a key line (session KEY, or audit KEY from N)", n)
		}
	}
	if len(k.Session) == 0 {
		return nil, errors.New("it holds no session key")
	}
	return k, sc.Err()
}

// ParseSessionKeys reads session keys given as base64, separated by commas,
// the current one first (the CLAIMTRAIL_SESSION_KEYS environment variable).
func ParseSessionKeys(s string) ([][]byte, error) {
	var out [][]byte
	for _, part := range strings.Split(s, ",") {
		if part = strings.TrimSpace(part); part == "" {
			continue
		}
		k, err := decodeKey(part, SessionKeySize)
		if err != nil {
			return nil, err
		}
		out = append(out, k)
	}
	if len(out) == 0 {
		return nil, errors.New("no session key given")
	}
	return out, nil
}

func decodeKey(s string, size int) ([]byte, error) {
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil || len(b) != size {
		return nil, fmt.Errorf("a key must be %d bytes in base64", size)
	}
	return b, nil
}

// Encode writes the keys as the text of a key file.
func (k *Keys) Encode() []byte {
	var b bytes.Buffer
	b.WriteString("# claimtrail's secret keys. Keep this file private (mode 0600) and out of the\n")
	b.WriteString("# database's backups: with it and a copy of the database, anyone can sign in\n")
	b.WriteString("# as any user and rewrite the audit log undetected. Losing it signs everyone\n")
	b.WriteString("# out and leaves the audit log's keyed events unverifiable.\n")
	for _, s := range k.Session {
		fmt.Fprintf(&b, "session %s\n", base64.StdEncoding.EncodeToString(s))
	}
	if k.Audit != nil {
		fmt.Fprintf(&b, "audit %s from %d\n", base64.StdEncoding.EncodeToString(k.Audit), k.AuditFrom)
	}
	return b.Bytes()
}

// Create writes a new key file at path, mode 0600; it fails if one exists.
func Create(path string, k *Keys) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := f.Write(k.Encode()); err != nil {
		f.Close()
		os.Remove(path)
		return err
	}
	if err := errors.Join(f.Sync(), f.Close()); err != nil {
		os.Remove(path)
		return err
	}
	return nil
}

// Replace writes k over the key file at path in one step (a new file, 0600,
// renamed over the old), so that a crash never leaves half a key file.
func Replace(path string, k *Keys) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".new-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return err
	}
	if _, err := tmp.Write(k.Encode()); err != nil {
		tmp.Close()
		return err
	}
	if err := errors.Join(tmp.Sync(), tmp.Close()); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// Rotate makes a new current session key and keeps the one it replaces (up
// to MaxPreviousSessionKeys), so that sessions signed with it still work.
func (k *Keys) Rotate() {
	keep := k.Session[:min(len(k.Session), MaxPreviousSessionKeys)]
	k.Session = append([][]byte{NewSessionKey()}, keep...)
}

// IsNotExist reports whether err means the key file is missing.
func IsNotExist(err error) bool { return errors.Is(err, fs.ErrNotExist) }

// TwoFactorKey is the key that protects two-factor secrets in the database,
// derived from the audit key (which never rotates, so secrets stay readable).
func (k *Keys) TwoFactorKey() []byte {
	if k.Audit == nil {
		return nil
	}
	m := hmac.New(sha256.New, k.Audit)
	m.Write([]byte("claimtrail two-factor secrets"))
	return m.Sum(nil)
}
