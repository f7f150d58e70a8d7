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
	if WorkedOn(u, c, workers) {
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

// WorkedOn reports whether u holds the claim or ever took, was assigned or
// edited it: the four-eyes rule keeps them from deciding on its verdict.
func WorkedOn(u *User, c *Claim, workers []int64) bool {
	return u != nil && (c.AssigneeID == u.ID || slices.Contains(workers, u.ID))
}

// settled reports whether a claim is past the point where its priority and
// due date matter.
func settled(c *Claim) bool { return c.State == StateDismissed || c.State == StateApproved }

// CanAssignClaim reports whether u may give c to a reviewer: editors, and
// only claims that are queued or in review.
func CanAssignClaim(u *User, c *Claim) error {
	if !CanAssign(u) {
		return errEditorsSchedule
	}
	if c.State != StateQueued && c.State != StateInReview {
		return Errorf(ECONFLICT, "Claim %d is %s; only queued claims and claims in review can be assigned.", c.ID, lower(c.State.Label()))
	}
	return nil
}

var errEditorsSchedule = Errorf(EFORBIDDEN, "Only editors can assign claims and set their priority or due date.")

// CanPrioritise reports whether u may set c's priority: editors, and not
// once a claim is approved or dismissed.
func CanPrioritise(u *User, c *Claim) error {
	if !CanAssign(u) {
		return errEditorsSchedule
	}
	if settled(c) {
		return Errorf(ECONFLICT, "Claim %d is %s, so its priority no longer matters.", c.ID, lower(c.State.Label()))
	}
	return nil
}

// CanSetDue reports whether u may set or clear c's due date: the same
// people and states as its priority.
func CanSetDue(u *User, c *Claim) error {
	if !CanAssign(u) {
		return errEditorsSchedule
	}
	if settled(c) {
		return Errorf(ECONFLICT, "This claim is %s, so it no longer needs a due date.", lower(c.State.Label()))
	}
	return nil
}

// CanReopen reports whether u may put an approved claim back in review.
func CanReopen(u *User, c *Claim) error {
	if !CanEdit(u) {
		return Errorf(EFORBIDDEN, "Only editors can reopen approved verdicts.")
	}
	if c.State != StateApproved {
		return Errorf(ECONFLICT, "This claim is %s; only approved claims can be reopened.", lower(c.State.Label()))
	}
	return nil
}

// ClaimPermissions is what one person may do with one claim, decided by the
// rules above; pages read it instead of deciding again.
type ClaimPermissions struct {
	Assign     bool // give it to a reviewer, or to another
	Prioritise bool // set its priority
	SetDue     bool // set or clear its due date
	Release    bool // put it back in the queue
	Work       bool // edit the verdict and its sources
	Decide     bool // approve or return the submitted verdict
	Reopen     bool // put the approved verdict back in review
	Comment    bool // write in the claim's thread
	// DecideWhy says why not, when the claim awaits approval and u may not
	// decide on it.
	DecideWhy string
}

// Permissions decides what u may do with c; workers are the people who
// worked on it (for the four-eyes rule).
func Permissions(u *User, c *Claim, workers []int64) ClaimPermissions {
	if u == nil || !u.Active || c == nil { // a deactivated account may do nothing
		return ClaimPermissions{}
	}
	p := ClaimPermissions{
		Assign:     CanAssignClaim(u, c) == nil,
		Prioritise: CanPrioritise(u, c) == nil,
		SetDue:     CanSetDue(u, c) == nil,
		Release:    CanRelease(u, c) == nil,
		Work:       CanWorkOn(u, c) == nil,
		Reopen:     CanReopen(u, c) == nil,
		Comment:    CanReview(u),
	}
	err := CanApprove(u, c, workers)
	p.Decide = err == nil
	if c.State == StateSubmitted && err != nil {
		p.DecideWhy = ErrorMessage(err)
		if !CanEdit(u) {
			p.DecideWhy = "This verdict is waiting for an editor's approval."
		}
	}
	return p
}
