package domain

import "time"

// A byline (a person's public name) is printed on every check they worked
// on, the ones already published included, and in the ClaimReview data
// search engines and aggregators read. Changing it changes published work,
// so a new or changed byline is shown only once an editor other than its
// owner approves it, as a verdict is; anyone could otherwise sign every
// check they had worked on as someone else, or with words the newsroom
// would never publish, without anyone reading it first. Withdrawing one's
// byline is the exception: it takes effect at once, since a journalist
// under threat must be able to take their name off published work without
// waiting for anyone.

// BylineRequest is a byline someone asked for, waiting for an editor.
type BylineRequest struct {
	UserID    int64
	Name      string // the account's name, as colleagues know it
	Current   string // the byline published checks carry now; "" none
	Requested string
	At        time.Time
}

// BylineChange is what asking for a byline does.
type BylineChange int

const (
	BylineUnchanged BylineChange = iota // the byline asked for is the one published (any request waiting is withdrawn)
	BylineNow                           // taken effect at once: a byline withdrawn
	BylineRequested                     // waits for an editor's approval
)

// DecideBylineChange says what asking for requested (checked by
// CheckPublicName) does when current is published.
func DecideBylineChange(current, requested string) BylineChange {
	switch {
	case requested == current:
		return BylineUnchanged
	case requested == "":
		return BylineNow
	}
	return BylineRequested
}

// CanDecideByline refuses anyone but an editor, and an editor their own
// byline: another editor reads it first, as they would a verdict.
func CanDecideByline(editor *User, ownerID int64) error {
	if !CanEdit(editor) {
		return Errorf(EFORBIDDEN, "Only an editor approves or refuses a byline.")
	}
	if editor.ID == ownerID {
		return Errorf(EFORBIDDEN, "Another editor approves or refuses your own byline.")
	}
	return nil
}

// CheckBylineSeen refuses a decision on a byline request that changed since
// the editor's page showed it (asked for again in other words, or
// withdrawn): the editor decides exactly what they read.
func CheckBylineSeen(seen string, waiting *string) error {
	if waiting == nil {
		return Errorf(ECONFLICT, "That byline request was withdrawn or decided meanwhile.")
	}
	if *waiting != seen {
		return Errorf(ECONFLICT, "That byline request changed meanwhile: it now asks for %q. Read it again before deciding.", *waiting)
	}
	return nil
}
