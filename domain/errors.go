// Package domain holds claimtrail's newsroom concepts — users and roles, articles,
// claims and their states, verdicts, sources and ratings — together with the
// rules that govern them. It imports only the standard library.
package domain

import (
	"errors"
	"fmt"
)

// Error codes. Anything that is not a *Error with one of these codes is an
// internal error and its text is never shown to a user.
const (
	ECONFLICT     = "conflict"     // the action clashes with the current state (stale edit, duplicate)
	EINTERNAL     = "internal"     // something broke on our side
	EINVALID      = "invalid"      // the input is wrong
	ENOTFOUND     = "not_found"    // no such thing, or the caller may not know it exists
	EUNAUTHORIZED = "unauthorized" // not signed in, or the credentials are wrong
	EFORBIDDEN    = "forbidden"    // signed in, but the role does not allow it
	ETOOLARGE     = "too_large"    // the input is bigger than allowed
	ERATELIMIT    = "rate_limited" // too many attempts
	EUNAVAILABLE  = "unavailable"  // changes cannot be saved now (disk full, database read-only); reads still work
	EBADREQUEST   = "bad_request"  // the request itself cannot be read (a body that is neither a form nor JSON)
)

// Error is an error a user may read: Message is written for a journalist, and
// Fields holds per-field messages for forms.
type Error struct {
	Code    string
	Message string
	Fields  map[string]string
}

func (e *Error) Error() string { return fmt.Sprintf("%s: %s", e.Code, e.Message) }

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// FieldError returns an EINVALID error that names the field at fault.
func FieldError(field, message string) *Error {
	return &Error{Code: EINVALID, Message: message, Fields: map[string]string{field: message}}
}

// ErrorCode returns the code of err, or EINTERNAL when err is not an *Error.
func ErrorCode(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the user-facing message of err; internal errors get a
// generic message so that no internals leak.
func ErrorMessage(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Message
	}
	return "Something went wrong on our side. The problem has been logged; please try again."
}
