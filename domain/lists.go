package domain

import (
	"strings"
	"time"
)

// The read models: what the queue, home, review and claim pages list, filled
// by storage and shown by the components, which never see storage itself.

// ErrQueueEmpty is what taking the next claim gives when nothing is waiting.
var ErrQueueEmpty = &Error{Code: ENOTFOUND, Message: "Nothing is waiting in the queue."}

// MaxListPage is the most items one list page holds; DefaultListPage is what
// a page holds when the caller does not say.
const (
	MaxListPage     = 200
	DefaultListPage = 50
)

// QueueFilter selects and pages claims for the queue page.
type QueueFilter struct {
	States     []ClaimState // default: queued
	Type       ClaimType
	AssigneeID int64
	Unassigned bool
	Outlet     string
	Since      time.Time // queued at or after
	Until      time.Time // queued before
	Cursor     string    // the Key of the last item of the previous page
	Limit      int
}

// Check refuses a filter naming an unknown state or claim type, ending
// before it starts or carrying a damaged cursor, and fills in the defaults: the queued state, a page of 50.
func (f *QueueFilter) Check() error {
	if f.Limit <= 0 || f.Limit > MaxListPage {
		f.Limit = DefaultListPage
	}
	if len(f.States) == 0 {
		f.States = []ClaimState{StateQueued}
	}
	if err := CheckClaimStates(f.States); err != nil {
		return err
	}
	if f.Type != "" && !f.Type.Valid() {
		return FieldError("type", "Choose a claim type from the list.")
	}
	if !f.Since.IsZero() && !f.Until.IsZero() && !f.Until.After(f.Since) {
		return FieldError("until", "The end date is before the start date.")
	}
	if f.Cursor != "" && !ValidQueueKey(f.Cursor) {
		return FieldError("cursor", "That page link is damaged or out of date; start again from the first page.")
	}
	return nil
}

// ValidQueueKey reports whether s has the shape of a queue key:
// "priority|score|queued_at|id", as 1, 16, any and 19 characters.
func ValidQueueKey(s string) bool {
	parts := strings.Split(s, "|")
	if len(parts) != 4 || len(parts[0]) != 1 || len(parts[1]) != 16 || len(parts[3]) != 19 {
		return false
	}
	digits := func(v string) bool {
		return v != "" && strings.Trim(v, "0123456789") == ""
	}
	whole, frac, ok := strings.Cut(parts[1], ".")
	return digits(parts[0]) && ok && digits(whole) && digits(frac) && digits(parts[3])
}

// QueueItem is one claim in a list, with what the list shows beside it.
type QueueItem struct {
	*Claim
	ArticleTitle string
	Outlet       string
	AssigneeName string
	QueuedAt     time.Time
	Key          string // the claim's place in queue order, used as a cursor
}

// Home is what a person's home page lists.
type Home struct {
	InReview         []*QueueItem     // claims assigned to them, in review
	Returned         []*QueueItem     // of those, sent back by an editor or reopened since last submitted
	ReturnedWhy      map[int64]string // the editor's reason for each returned claim, by claim id
	Waiting          []*QueueItem     // editors: submitted verdicts they may approve (four-eyes)
	Overdue          []*QueueItem     // reviewers: their own; editors: everyone's
	RecentlyApproved []*QueueItem     // reviewers: their own; editors: everyone's
	// OverdueGrows is the moment the next claim would join Overdue with
	// time alone; zero when none would (the list is full, or nothing open
	// is due).
	OverdueGrows time.Time
}

// Claims are the claims on the home page's lists.
func (h *Home) Claims() []*Claim {
	var out []*Claim
	for _, list := range [][]*QueueItem{h.InReview, h.Returned, h.Waiting, h.Overdue, h.RecentlyApproved} {
		for _, it := range list {
			out = append(out, it.Claim)
		}
	}
	return out
}

// ReviewItem is a submitted verdict on the editors' review page.
type ReviewItem struct {
	*QueueItem
	SubmittedAt    time.Time
	SubmittedBy    string
	Rating         string
	Conclusion     string
	Explanation    string
	Sources        []Source // titles, addresses and publishers, in order
	VerdictVersion int64
	// May is what the person reading the list may do with the claim; the
	// four-eyes rule shows in May.Decide and May.DecideWhy.
	May ClaimPermissions
}

// ArticleContext is what the claim page shows of the claim's article.
type ArticleContext struct {
	ID          int64
	Title       string
	Outlet      string
	Author      string
	URL         string
	PublishedAt time.Time
	// Before and After are the article text just around the claim's sentence.
	Before, After string
}

// ClaimDetail is everything the claim page shows.
type ClaimDetail struct {
	Claim    *Claim
	Article  ArticleContext
	Verdict  *Verdict // nil until the claim is first taken
	Rating   *Rating  // the verdict's rating, if chosen
	Assignee *User    // nil when unassigned
	Workers  []int64
	Comments []Comment
	History  []*AuditEvent   // oldest first
	Similar  []*SimilarClaim // accepted claims worded much like this one
	// Names maps user ids to names, for the history and the workers.
	Names map[int64]string
}

// SimilarClaim is an accepted claim worded much like another: checked before,
// or being checked now.
type SimilarClaim struct {
	ID           int64
	Text         string
	State        ClaimState
	Rating       string // the approved verdict's rating, if any
	ArticleTitle string
	Overlap      float64 // share of the shorter wording's words the two have in common
}

// StaleVerdictError is returned when someone else changed a verdict since the
// caller read it. It is an ECONFLICT error that also carries the verdict as
// it now stands, so the page can show the other person's change.
type StaleVerdictError struct {
	Current *Verdict
	By      string    // who made the latest change
	At      time.Time // when
}

// NewStaleVerdictError says that by changed the verdict, now current, at at.
func NewStaleVerdictError(current *Verdict, by string, at time.Time) *StaleVerdictError {
	return &StaleVerdictError{Current: current, By: by, At: at}
}

func (e *StaleVerdictError) Error() string { return e.Unwrap().Error() }

// Unwrap gives the ECONFLICT error with the message a person reads.
func (e *StaleVerdictError) Unwrap() error {
	return Errorf(ECONFLICT, "%s changed this verdict at %s UTC, after you opened it. Their version is shown; copy anything of yours you want to keep and save again.",
		e.By, e.At.UTC().Format("15:04"))
}
