package domain

import "slices"

// The permission rules are pure functions so that the browser, the API and
// storage (inside its transaction) all apply the same ones.

// CanManageUsers reports whether u may create, change and deactivate accounts.
func CanManageUsers(u *User) bool { return u.IsAdmin() }

// CanViewAuditLog reports whether u may read the global audit log.
func CanViewAuditLog(u *User) bool { return u.IsAdmin() }

// CanEdit reports whether u may do editors' work: assign, prioritise, approve,
// return, reopen and manage ratings.
func CanEdit(u *User) bool { return u.IsEditor() }

// CanReview reports whether u may add articles, triage and check claims.
func CanReview(u *User) bool { return u != nil && u.Active && u.Role.Valid() }

// CanApprove applies the four-eyes rule: an editor may approve or return a
// submitted verdict only if they did not write or work on it. workers are the
// IDs of everyone who took, was assigned, or edited the claim's verdict.
func CanApprove(u *User, c *Claim, workers []int64) error {
	if !CanEdit(u) {
		return Errorf(EFORBIDDEN, "Only editors can approve or return verdicts.")
	}
	if slices.Contains(workers, u.ID) || c.AssigneeID == u.ID {
		return Errorf(EFORBIDDEN, "You worked on this claim, so another editor must approve or return it.")
	}
	if c.State != StateSubmitted {
		return Errorf(ECONFLICT, "This claim is %s, not awaiting approval.", lower(c.State.Label()))
	}
	return nil
}

// CanWorkOn reports whether u may edit the verdict of c: its assignee, or an editor.
func CanWorkOn(u *User, c *Claim) error {
	if c.State != StateInReview {
		return Errorf(ECONFLICT, "This claim is %s; its verdict can only be edited while it is in review.", lower(c.State.Label()))
	}
	if c.AssigneeID != u.ID && !CanEdit(u) {
		return Errorf(EFORBIDDEN, "This claim is assigned to someone else.")
	}
	return nil
}
