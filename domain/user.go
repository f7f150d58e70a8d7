package domain

import (
	"context"
	"net/mail"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Role is what a user may do. Each role includes the one before it, except
// that only admins manage accounts and see the global audit log.
type Role string

const (
	RoleReviewer Role = "reviewer"
	RoleEditor   Role = "editor"
	RoleAdmin    Role = "admin"
)

// Roles lists every role, least powerful first.
var Roles = []Role{RoleReviewer, RoleEditor, RoleAdmin}

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	return r == RoleReviewer || r == RoleEditor || r == RoleAdmin
}

// Label is the role's name as shown to people.
func (r Role) Label() string {
	switch r {
	case RoleReviewer:
		return "Reviewer"
	case RoleEditor:
		return "Editor"
	case RoleAdmin:
		return "Admin"
	}
	return string(r)
}

// ParseRole turns user input into a Role.
func ParseRole(s string) (Role, error) {
	r := Role(strings.ToLower(strings.TrimSpace(s)))
	if !r.Valid() {
		return "", FieldError("role", "Choose a role: reviewer, editor or admin.")
	}
	return r, nil
}

// User is a person who signs in to claimtrail.
type User struct {
	ID        int64
	Email     string
	Name      string
	Role      Role
	Active    bool
	CreatedAt time.Time
	UpdatedAt time.Time

	// SessionVersion changes whenever existing sessions must end: a role
	// change, a password reset or deactivation.
	SessionVersion int64

	// MustChangePassword is set while the password is one an admin issued:
	// until the person chooses their own, they may only do that.
	MustChangePassword bool

	// TwoFactor is set while the user signs in with a one-time code from
	// an app as well as their password.
	TwoFactor bool
}

// IsEditor reports whether u may do editors' work (editors and admins).
func (u *User) IsEditor() bool { return u != nil && (u.Role == RoleEditor || u.Role == RoleAdmin) }

// IsAdmin reports whether u manages accounts.
func (u *User) IsAdmin() bool { return u != nil && u.Role == RoleAdmin }

// NormalizeEmail lower-cases and trims an address and checks its shape.
func NormalizeEmail(s string) (string, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || !strings.Contains(s[strings.IndexByte(s, '@'):], ".") {
		return "", FieldError("email", "Enter an email address like name@newsroom.org.")
	}
	return s, nil
}

// Limits on a new account's details.
const (
	MaxUserNameLength = 120
	MaxEmailLength    = 254
)

// CheckNewUser says what is wrong with a new account's name and email
// address, one message per field: both are needed, the address must have
// an address's shape, and neither may be longer than the limits.
func CheckNewUser(name, email string) error {
	fields := map[string]string{}
	switch name = CleanName(name); {
	case name == "":
		fields["name"] = "Enter the person's name."
	case utf8.RuneCountInString(name) > MaxUserNameLength:
		fields["name"] = "Keep the name to 120 characters or fewer."
	}
	if len(strings.TrimSpace(email)) > MaxEmailLength {
		fields["email"] = "Keep the email address to 254 characters or fewer."
	} else if _, err := NormalizeEmail(email); err != nil {
		fields["email"] = err.(*Error).Fields["email"]
	}
	if len(fields) > 0 {
		return &Error{Code: EINVALID, Message: "Some details of this account need fixing.", Fields: fields}
	}
	return nil
}

// MinPasswordLength is the shortest password accepted.
const MinPasswordLength = 12

// CheckPassword says what is wrong with a proposed password, if anything.
func CheckPassword(pw string) error {
	if len([]rune(pw)) < MinPasswordLength {
		return FieldError("password", "Use a password of at least 12 characters.")
	}
	if strings.TrimSpace(pw) == "" {
		return FieldError("password", "Use a password with letters, numbers or symbols, not only spaces.")
	}
	if len(pw) > 256 {
		return FieldError("password", "Use a password of at most 256 characters.")
	}
	if IsCommonPassword(pw) {
		return FieldError("password", "That password is among the first that anyone guessing would try. Choose another, such as four unrelated words.")
	}
	return nil
}

// Actor is who is making a change, and from where; every audit event records it.
type Actor struct {
	UserID     int64  // 0 for the system itself (migrations, demo data, the CLI)
	Label      string // the user's email, "system" or "cli"
	TokenName  string // the API token used, if any
	RequestID  string
	ClientAddr string
}

// SystemActor is the actor for changes made by claimtrail itself.
var SystemActor = Actor{Label: "system"}

type actorKey struct{}

// WithActor returns a context carrying the actor of the changes made under it.
func WithActor(ctx context.Context, a Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorFrom returns the actor carried by ctx, or SystemActor.
func ActorFrom(ctx context.Context) Actor {
	if a, ok := ctx.Value(actorKey{}).(Actor); ok {
		return a
	}
	return SystemActor
}

// CleanName tidies a person's name as typed: control characters (a stray
// tab or escape pasted with it) become spaces and runs of spaces one, and
// characters that hide or reorder text go, so no name can pass for another.
func CleanName(name string) string {
	return strings.Join(strings.Fields(strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, StripHiddenFormatting(name))), " ")
}
