package domain

import (
	"fmt"
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

// ErrAuthorizationGivenTwice refuses an API request with more than one
// Authorization header, as a JSON field given twice is refused: a proxy or
// a log could read another credential than the one claimtrail acts on.
var ErrAuthorizationGivenTwice = &Error{Code: EBADREQUEST, Message: "Send one Authorization header: this request has more than one, and claimtrail does not guess which is meant."}

// APIAllowanceOf is whose allowance of API requests a request made with t
// draws on: its owner's. A person may make as many tokens as their scripts
// need, so a limit per token would multiply with them; every token of one
// person shares one limit.
func APIAllowanceOf(t *APIToken) int64 { return t.UserID }

// ErrTooManyAPIRequests refuses an API request over its person's limit,
// perMinute requests a minute across all their tokens, saying how many
// whole seconds to wait.
func ErrTooManyAPIRequests(perMinute, waitSeconds int) *Error {
	wait := "1 second"
	if waitSeconds > 1 {
		wait = fmt.Sprintf("%d seconds", waitSeconds)
	}
	return Errorf(ERATELIMIT, "Too many requests: your API tokens together may make %d requests a minute. Wait %s and try again.", perMinute, wait)
}

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
	case strings.ContainsFunc(s, isControlChar) || HidesOrReorders(s):
		return "", FieldError("name", "Use letters, numbers and spaces in the name.")
	}
	return s, nil
}

// TokenRecord is what the audit log keeps of a token: never the token or
// its hash.
type TokenRecord struct {
	UserID  int64  `json:"user_id"`
	Name    string `json:"name"`
	Revoked bool   `json:"revoked,omitempty"`
}

// TokenRecordOf is what the audit log keeps of t.
func TokenRecordOf(t *APIToken) TokenRecord {
	return TokenRecord{UserID: t.UserID, Name: t.Name, Revoked: t.Revoked()}
}

// TokenChange is a decided change to an API token: the token as it is to be
// saved and the change's one event.
type TokenChange struct {
	Token *APIToken
	Event Event
}

// CreateToken decides a new token named name for owner's scripts: a
// deactivated account has none.
func CreateToken(owner *User, name string, now time.Time) (TokenChange, error) {
	name, err := NormalizeTokenName(name)
	if err != nil {
		return TokenChange{}, err
	}
	if !owner.Active {
		return TokenChange{}, Errorf(ECONFLICT, "%s's account is deactivated, so it cannot have API tokens.", owner.Name)
	}
	t := &APIToken{UserID: owner.ID, Name: name, CreatedAt: now}
	return TokenChange{Token: t, Event: Event{Action: "api_token.created", Entity: "api_token", After: TokenRecordOf(t)}}, nil
}

// RevokeToken decides that t stops working now.
func RevokeToken(t *APIToken, now time.Time) (TokenChange, error) {
	if t.Revoked() {
		return TokenChange{}, Errorf(ECONFLICT, "The token %q was already revoked.", t.Name)
	}
	next := *t
	next.RevokedAt = now
	return TokenChange{Token: &next, Event: Event{Action: "api_token.revoked", Entity: "api_token", EntityID: t.ID,
		Before: TokenRecordOf(t), After: TokenRecordOf(&next)}}, nil
}
