package domain

import (
	"strings"
	"time"
	"unicode/utf8"
)

// APIToken is a credential a user made for a script or integration. Only a
// hash of the token is kept; the token itself is shown once, when made.
type APIToken struct {
	ID         int64
	UserID     int64
	Name       string // what the token is for, e.g. "spreadsheet sync"; recorded in the audit log
	CreatedAt  time.Time
	LastUsedAt time.Time // zero until first used
	RevokedAt  time.Time // zero while the token works
}

// Revoked reports whether the token has been revoked.
func (t *APIToken) Revoked() bool { return !t.RevokedAt.IsZero() }

// MaxTokenNameLength is the longest token name accepted.
const MaxTokenNameLength = 80

// NormalizeTokenName trims a proposed token name and says what is wrong with it.
func NormalizeTokenName(s string) (string, error) {
	s = strings.TrimSpace(s)
	switch {
	case s == "":
		return "", FieldError("name", "Enter a name for the token, such as the script that will use it.")
	case utf8.RuneCountInString(s) > MaxTokenNameLength:
		return "", FieldError("name", "Keep the name to 80 characters or fewer.")
	case strings.ContainsFunc(s, func(r rune) bool { return r < ' ' || r == 0x7f }):
		return "", FieldError("name", "Use letters, numbers and spaces in the name.")
	}
	return s, nil
}
