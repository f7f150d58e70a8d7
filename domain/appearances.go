package domain

import (
	"strconv"
	"strings"
	"time"
)

// An appearance is one more place a claim the newsroom accepted was made:
// a candidate in a later article that the matcher finds to be the same
// claim, recorded at once when the article is added, or one a reviewer
// recorded at triage instead of queueing the work again. A wrong one can be
// undone; an editor can apply the claim's approved verdict to one, and the
// published check then names it among the claim's appearances.

// AppearanceOrigin says how an appearance came to be recorded.
type AppearanceOrigin string

const (
	// AppearanceMatched was recorded by the matcher when the article was added.
	AppearanceMatched AppearanceOrigin = "matcher"
	// AppearanceTriaged was recorded by a reviewer at triage.
	AppearanceTriaged AppearanceOrigin = "triage"
)

// Appearance is one place a claim appeared after the article it was first
// found in.
type Appearance struct {
	ID      int64
	ClaimID int64 // the claim that appeared again
	// SourceClaimID is the candidate in the later article that is the same claim.
	SourceClaimID int64
	ArticleID     int64
	ArticleTitle  string
	ArticleURL    string
	Outlet        string
	Sentence      string // the candidate's words
	Claimant      string // who made it this time, when known
	// SeenAt is when it appeared: the article's publication date, or when
	// the article was added if that is unknown.
	SeenAt    time.Time
	Origin    AppearanceOrigin
	Score     float64 // the matcher's score; 0 when a person recorded it
	CreatedBy int64   // who added the article or triaged the candidate; 0 for the system
	CreatedAt time.Time
	// AppliedAt is when an editor applied the approved verdict to it (zero
	// until then); AppliedBy who.
	AppliedAt time.Time
	AppliedBy int64
	// RemovedAt is when someone undid it as not the same claim (zero while it stands).
	RemovedAt time.Time
	RemovedBy int64
}

// Applied reports whether the approved verdict was applied to a.
func (a *Appearance) Applied() bool { return !a.AppliedAt.IsZero() }

// Removed reports whether a was undone.
func (a *Appearance) Removed() bool { return !a.RemovedAt.IsZero() }

// AppearanceRecord is what the audit log keeps of an appearance.
type AppearanceRecord struct {
	ID            int64            `json:"appearance_id"`
	SourceClaimID int64            `json:"source_claim_id"`
	ArticleID     int64            `json:"article_id"`
	Sentence      string           `json:"sentence"`
	Claimant      string           `json:"claimant,omitempty"`
	SeenAt        string           `json:"seen_at"`
	Origin        AppearanceOrigin `json:"origin"`
	Score         float64          `json:"score,omitempty"`
	Applied       bool             `json:"applied"`
	Removed       bool             `json:"removed"`
	Reason        string           `json:"reason,omitempty"`
}

// AppearanceRecordOf is what the audit log keeps of a.
func AppearanceRecordOf(a *Appearance) *AppearanceRecord {
	return &AppearanceRecord{ID: a.ID, SourceClaimID: a.SourceClaimID, ArticleID: a.ArticleID, Sentence: a.Sentence,
		Claimant: a.Claimant, SeenAt: a.SeenAt.UTC().Format("2006-01-02"), Origin: a.Origin, Score: a.Score,
		Applied: a.Applied(), Removed: a.Removed()}
}

// AppearanceChange is a decided change to an appearance: what to save and
// its one audit event, which belongs to the claim that appeared (so the
// claim's history tells it).
type AppearanceChange struct {
	Appearance *Appearance
	Event      Event
}

// accepted reports whether c is in the newsroom's hands: queued, in review,
// submitted or approved. Only such a claim can appear again.
func accepted(c *Claim) bool {
	switch c.State {
	case StateQueued, StateInReview, StateSubmitted, StateApproved:
		return true
	}
	return false
}

// RecordAppearance decides that candidate, found in article, is the claim
// c appearing again. by is nil for the matcher acting as the article is
// added (origin AppearanceMatched); a person recording it at triage must be
// allowed to triage.
func RecordAppearance(by *User, c, candidate *Claim, article *Article, origin AppearanceOrigin, score float64, now time.Time) (AppearanceChange, error) {
	if origin == AppearanceTriaged && !CanReview(by) {
		return AppearanceChange{}, Errorf(EFORBIDDEN, "Your role does not allow triaging claims.")
	}
	if !accepted(c) {
		return AppearanceChange{}, Errorf(ECONFLICT, "Claim %d is %s; only a claim accepted into the queue can appear again.", c.ID, lower(c.State.Label()))
	}
	if candidate.ID == c.ID || candidate.ArticleID == c.ArticleID {
		return AppearanceChange{}, Errorf(ECONFLICT, "That sentence is in the claim's own article, so it is not a new appearance.")
	}
	if candidate.ArticleID != article.ID {
		return AppearanceChange{}, Errorf(EINVALID, "The candidate is not in that article.")
	}
	seen := article.PublishedAt
	if seen.IsZero() {
		seen = article.CreatedAt
	}
	if seen.IsZero() {
		seen = now
	}
	a := &Appearance{ClaimID: c.ID, SourceClaimID: candidate.ID, ArticleID: article.ID, ArticleTitle: article.Title,
		ArticleURL: article.URL, Outlet: article.Outlet, Sentence: candidate.Sentence, Claimant: candidate.Claimant,
		SeenAt: seen.UTC(), Origin: origin, Score: score, CreatedAt: now}
	if by != nil {
		a.CreatedBy = by.ID
	}
	return AppearanceChange{Appearance: a, Event: Event{Action: "claim.appeared", Entity: "claim", EntityID: c.ID,
		After: AppearanceRecordOf(a)}}, nil
}

// MaxAppearanceReason is the longest reason an undo keeps, in characters.
const MaxAppearanceReason = 500

// CanRemoveAppearance reports whether u may undo a: anyone who triages may
// undo a wrong match, but once an editor applied the verdict to it, only an
// editor may take it back out of the published check.
func CanRemoveAppearance(u *User, a *Appearance) error {
	if !CanReview(u) {
		return Errorf(EFORBIDDEN, "Your role does not allow changing a claim's appearances.")
	}
	if a.Removed() {
		return Errorf(ECONFLICT, "This appearance was already undone.")
	}
	if a.Applied() && !CanEdit(u) {
		return Errorf(EFORBIDDEN, "The verdict was applied to this appearance and is published with it; only an editor can undo it.")
	}
	return nil
}

// RemoveAppearance undoes an appearance recorded by mistake: it stays in the
// history, leaves the claim's list and, when the verdict was applied to it,
// the published check.
func RemoveAppearance(by *User, a *Appearance, reason string, now time.Time) (AppearanceChange, error) {
	if err := CanRemoveAppearance(by, a); err != nil {
		return AppearanceChange{}, err
	}
	reason = strings.TrimSpace(reason)
	if len([]rune(reason)) > MaxAppearanceReason {
		return AppearanceChange{}, FieldError("reason", "Keep the reason to 500 characters or fewer.")
	}
	if err := CheckClaimWording("reason", reason); err != nil {
		return AppearanceChange{}, err
	}
	next := *a
	next.RemovedAt, next.RemovedBy = now, by.ID
	after := AppearanceRecordOf(&next)
	after.Reason = reason
	return AppearanceChange{Appearance: &next, Event: Event{Action: "claim.appearance_removed", Entity: "claim", EntityID: a.ClaimID,
		Before: AppearanceRecordOf(a), After: after}}, nil
}

// CanApplyVerdict reports whether u may apply c's approved verdict to a: an
// editor, while c stays approved and a stands. Four eyes: whoever judged
// the candidate to be the same claim at triage may not also publish that
// judgement; an appearance the matcher recorded any editor may apply.
func CanApplyVerdict(u *User, c *Claim, a *Appearance) error {
	if !CanEdit(u) {
		return Errorf(EFORBIDDEN, "Only editors can apply an approved verdict to a new appearance.")
	}
	if c.State != StateApproved {
		return Errorf(ECONFLICT, "This claim is %s; only an approved verdict can be applied to a new appearance.", lower(c.State.Label()))
	}
	if a.Removed() {
		return Errorf(ECONFLICT, "This appearance was undone, so the verdict cannot be applied to it.")
	}
	if a.Applied() {
		return Errorf(ECONFLICT, "The verdict was already applied to this appearance.")
	}
	if a.Origin == AppearanceTriaged && a.CreatedBy == u.ID {
		return Errorf(EFORBIDDEN, "You recorded this appearance, so another editor must apply the verdict to it.")
	}
	return nil
}

// ApplyVerdict applies c's approved verdict to the appearance a in one step:
// the published check lists a among the claim's appearances from then on.
func ApplyVerdict(by *User, c *Claim, a *Appearance, now time.Time) (AppearanceChange, error) {
	if err := CanApplyVerdict(by, c, a); err != nil {
		return AppearanceChange{}, err
	}
	next := *a
	next.AppliedAt, next.AppliedBy = now, by.ID
	return AppearanceChange{Appearance: &next, Event: Event{Action: "claim.verdict_applied", Entity: "claim", EntityID: c.ID,
		Before: AppearanceRecordOf(a), After: AppearanceRecordOf(&next)}}, nil
}

// AppearancePermissions is what one person may do with each appearance of a
// claim; pages read it instead of deciding again.
type AppearancePermissions struct {
	Remove bool
	Apply  bool
	// ApplyWhy says why not, when the claim is approved and the appearance
	// stands but u may not apply the verdict.
	ApplyWhy string
}

// AppearanceMay decides what u may do with a, an appearance of c.
func AppearanceMay(u *User, c *Claim, a *Appearance) AppearancePermissions {
	if u == nil || !u.Active {
		return AppearancePermissions{}
	}
	p := AppearancePermissions{Remove: CanRemoveAppearance(u, a) == nil}
	err := CanApplyVerdict(u, c, a)
	p.Apply = err == nil
	if err != nil && c.State == StateApproved && !a.Removed() && !a.Applied() && CanEdit(u) {
		p.ApplyWhy = ErrorMessage(err)
	}
	return p
}

// CanRecordAsAppearance reports whether candidate may be recorded at triage
// as a new appearance of the approved check c instead of being queued.
func CanRecordAsAppearance(u *User, candidate, c *Claim) error {
	if !CanReview(u) {
		return Errorf(EFORBIDDEN, "Your role does not allow triaging claims.")
	}
	if candidate.State != StateCandidate {
		return NotCandidate(candidate)
	}
	if c.State != StateApproved {
		return Errorf(ECONFLICT, "Claim %d is %s, not an approved check; accept this claim into the queue instead.", c.ID, lower(c.State.Label()))
	}
	return nil
}

// AlreadyChecked is the dismissal of a candidate recorded as a new
// appearance of an approved check: the work is not queued again.
func AlreadyChecked(checkID int64) Dismissal {
	return Dismissal{Reason: DismissDuplicate, Note: "Already checked: a new appearance of claim " + strconv.FormatInt(checkID, 10) + "."}
}

// ReturningSinceDays is how far back the returning-claims list looks when
// no date is given.
const ReturningSinceDays = 7

// ParseSince reads the date a returning-claims list starts from, written
// yyyy-mm-dd; empty means ReturningSinceDays before today. The browser and
// the API both read it here, so a bad date gets the same message on both.
func ParseSince(s string, now time.Time) (time.Time, error) {
	s = strings.TrimSpace(s)
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	if s == "" {
		return today.AddDate(0, 0, -ReturningSinceDays), nil
	}
	t, err := ParseDay("since", s)
	if err != nil {
		return time.Time{}, err
	}
	if t.After(today) {
		return time.Time{}, FieldError("since", "Choose today or a day before it: nothing has appeared after today.")
	}
	return t, nil
}

// ReturningClaim is a checked claim that appeared again since a date, with
// every place it did: the list a newsroom sends its reporters each morning.
type ReturningClaim struct {
	ClaimID     int64
	Claim       string
	Claimant    string
	Rating      string
	ApprovedAt  time.Time
	Appearances []*Appearance // since the date, newest first
}

// AppearanceSummary is how often a claim has appeared and when it was last
// seen, for the queue.
type AppearanceSummary struct {
	Count    int // appearances after the claim's own article
	LastSeen time.Time
}
