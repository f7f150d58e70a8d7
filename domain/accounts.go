package domain

// Changes to accounts, decided over the account as storage loaded it: each
// returns the account as it is to be saved and exactly one audit event.

// UserRecord is what the audit log keeps of an account: never a password
// or its hash.
type UserRecord struct {
	Email              string `json:"email"`
	Name               string `json:"name"`
	Role               Role   `json:"role"`
	Active             bool   `json:"active"`
	MustChangePassword bool   `json:"must_change_password,omitempty"`
	// RevokedTokens lists the API tokens the change revoked (a deactivation
	// or a password reset), so the change stays one event.
	RevokedTokens []int64 `json:"revoked_tokens,omitempty"`
}

// UserRecordOf is what the audit log keeps of u.
func UserRecordOf(u *User) UserRecord {
	return UserRecord{Email: u.Email, Name: u.Name, Role: u.Role, Active: u.Active, MustChangePassword: u.MustChangePassword}
}

// UserChange is a decided change to an account: the account as it is to be
// saved (SessionVersion bumped when its sessions end), whether the new
// password hash the caller holds is saved with it, whether its working API
// tokens are revoked, and the change's one event.
type UserChange struct {
	User         *User
	SetPassword  bool
	RevokeTokens bool
	Event        Event
}

// TokensRevoked records on the change's event which API tokens it revoked.
func (ch *UserChange) TokensRevoked(ids []int64) {
	if rec, ok := ch.Event.After.(UserRecord); ok && len(ids) > 0 {
		rec.RevokedTokens = ids
		ch.Event.After = rec
	}
}

var errChooseRole = FieldError("role", "Choose a role: reviewer, editor or admin.")

var errLastAdmin = Errorf(ECONFLICT, "This is the last active admin account; make someone else an admin first.")

// userChange makes the change of u to next, recorded as action.
func userChange(action string, u, next *User) UserChange {
	return UserChange{User: next, Event: Event{Action: action, Entity: "user", EntityID: u.ID, Before: UserRecordOf(u), After: UserRecordOf(next)}}
}

// CreateAccount decides a new account from what an admin (or the command
// line) gave: the name and address by CheckNewUser, a known role; the
// account starts active with its first session version.
func CreateAccount(u User) (UserChange, error) {
	if err := CheckNewUser(u.Name, u.Email); err != nil {
		return UserChange{}, err
	}
	if !u.Role.Valid() {
		return UserChange{}, errChooseRole
	}
	u.Name = CleanName(u.Name)
	u.Email, _ = NormalizeEmail(u.Email)
	u.Active, u.SessionVersion = true, 1
	return UserChange{User: &u, SetPassword: true, Event: Event{Action: "user.created", Entity: "user", After: UserRecordOf(&u)}}, nil
}

// ChangeRole gives u another role and ends their sessions. otherAdmins is
// how many other active admins there are: the last one keeps the role, so
// the newsroom cannot lock itself out.
func ChangeRole(u *User, role Role, otherAdmins int) (UserChange, error) {
	if !role.Valid() {
		return UserChange{}, errChooseRole
	}
	if u.Role == role {
		return UserChange{}, Errorf(ECONFLICT, "%s is already %s.", u.Name, role.Label())
	}
	if u.Role == RoleAdmin && otherAdmins == 0 {
		return UserChange{}, errLastAdmin
	}
	next := *u
	next.Role = role
	next.SessionVersion++
	return userChange("user.role_changed", u, &next), nil
}

// SetActive deactivates or reactivates u. Deactivation ends their sessions
// and revokes their API tokens, which reactivation does not restore; the
// last active admin stays active.
func SetActive(u *User, active bool, otherAdmins int) (UserChange, error) {
	if u.Active == active {
		return UserChange{}, Errorf(ECONFLICT, "That account is already %s.", map[bool]string{true: "active", false: "deactivated"}[active])
	}
	if !active && u.Role == RoleAdmin && otherAdmins == 0 {
		return UserChange{}, errLastAdmin
	}
	next := *u
	next.Active = active
	action := "user.reactivated"
	if !active {
		action = "user.deactivated"
		next.SessionVersion++
	}
	ch := userChange(action, u, &next)
	ch.RevokeTokens = !active
	return ch, nil
}

// ResetPassword saves a password an admin issued to u, ends their sessions
// and revokes their API tokens; mustChange makes them choose their own at
// their next sign-in (IssuedPasswordMustChange).
func ResetPassword(u *User, mustChange bool) UserChange {
	next := *u
	next.MustChangePassword = mustChange
	next.SessionVersion++
	ch := userChange("user.password_reset", u, &next)
	ch.SetPassword, ch.RevokeTokens = true, true
	return ch
}

// ChangeOwnPassword saves a password u chose themself (the caller has
// checked their current one) and ends their sessions.
func ChangeOwnPassword(u *User) (UserChange, error) {
	if !u.Active {
		return UserChange{}, Errorf(EFORBIDDEN, "This account is deactivated.")
	}
	next := *u
	next.MustChangePassword = false
	next.SessionVersion++
	ch := userChange("user.password_changed", u, &next)
	ch.SetPassword = true
	return ch, nil
}

// SignInEvent is the one event of a sign-in, a sign-out or a refused
// attempt by the account userID (action, such as "user.signed_in").
func SignInEvent(userID int64, action string) Event {
	return Event{Action: action, Entity: "user", EntityID: userID}
}
