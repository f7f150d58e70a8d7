package domain

import (
	"errors"
	"maps"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Every change to a claim is decided here, over the state storage loaded in
// its transaction: a decision checks the rules, and returns the claim as it
// is to be saved with exactly one audit event. Storage then saves what the
// decision returned, writes the event, and commits.

// Event is the one audit record of a change. Before and After are marshalled
// to JSON; nil means "did not exist".
type Event struct {
	Action   string // e.g. "claim.returned"
	Entity   string // e.g. "claim"
	EntityID int64
	Before   any
	After    any
}

// ClaimRecord is what the audit log keeps of a claim: the fields people
// change, not the extractor's output, which never changes. A change made with
// words (a return's comment, a reopening's reason) carries them here, and a
// change that also moves the verdict carries the verdict.
type ClaimRecord struct {
	State         ClaimState     `json:"state"`
	Text          string         `json:"text"`
	Priority      string         `json:"priority"`
	AssigneeID    int64          `json:"assignee_id,omitempty"`
	DueAt         string         `json:"due_at,omitempty"`
	DismissReason string         `json:"dismiss_reason,omitempty"`
	DismissCode   string         `json:"dismiss_code,omitempty"`
	Version       int64          `json:"version"`
	Comment       string         `json:"comment,omitempty"`
	Reason        string         `json:"reason,omitempty"`
	Verdict       *VerdictRecord `json:"verdict,omitempty"`
}

// RecordOf is what the audit log keeps of c.
func RecordOf(c *Claim) *ClaimRecord {
	r := &ClaimRecord{State: c.State, Text: c.Text, Priority: c.Priority.String(), AssigneeID: c.AssigneeID,
		DismissReason: c.DismissReason, DismissCode: string(c.DismissCode), Version: c.Version}
	if !c.DueAt.IsZero() {
		r.DueAt = c.DueAt.UTC().Format("2006-01-02")
	}
	return r
}

// VerdictRecord is what the audit log keeps of a verdict. Rating is the
// rating's name, filled in by storage from RatingID when it writes the event.
type VerdictRecord struct {
	RatingID    int64          `json:"-"`
	Rating      string         `json:"rating,omitempty"`
	Conclusion  string         `json:"conclusion"`
	Explanation string         `json:"explanation"`
	Version     int64          `json:"version"`
	Sources     []SourceRecord `json:"sources,omitempty"`
	ApprovedBy  int64          `json:"approved_by,omitempty"`
	ApprovedAt  string         `json:"approved_at,omitempty"`
}

// VerdictRecordOf is what the audit log keeps of v's text; withSources adds
// its sources and approval, for a verdict kept whole.
func VerdictRecordOf(v *Verdict, withSources bool) *VerdictRecord {
	r := &VerdictRecord{RatingID: v.RatingID, Conclusion: v.Conclusion, Explanation: v.Explanation, Version: v.Version}
	if withSources {
		for i := range v.Sources {
			r.Sources = append(r.Sources, SourceRecordOf(&v.Sources[i]))
		}
		r.ApprovedBy = v.ApprovedBy
		if !v.ApprovedAt.IsZero() {
			r.ApprovedAt = v.ApprovedAt.UTC().Format(time.RFC3339Nano)
		}
	}
	return r
}

// SourceRecord is what the audit log keeps of a source.
type SourceRecord struct {
	Position    int    `json:"position"`
	URL         string `json:"url"`
	Title       string `json:"title"`
	Publisher   string `json:"publisher,omitempty"`
	PublishedAt string `json:"published_at,omitempty"`
	AccessedAt  string `json:"accessed_at,omitempty"`
	Type        string `json:"type"`
	Quote       string `json:"quote,omitempty"`
}

// SourceRecordOf is what the audit log keeps of s.
func SourceRecordOf(s *Source) SourceRecord {
	r := SourceRecord{Position: s.Position, URL: s.URL, Title: s.Title, Publisher: s.Publisher, Type: string(s.Type), Quote: s.Quote}
	if !s.PublishedAt.IsZero() {
		r.PublishedAt = s.PublishedAt.Format("2006-01-02")
	}
	if !s.AccessedAt.IsZero() {
		r.AccessedAt = s.AccessedAt.Format("2006-01-02")
	}
	return r
}

// ClaimChange is a decided change to a claim: what to save, and its one
// audit event. A change that leaves everything as it was has no event.
type ClaimChange struct {
	Claim   *Claim   // the claim as it is to be saved, version bumped
	Verdict *Verdict // the verdict as it is to be saved (its loaded version), when it changes too
	// VerdictWas is the verdict as loaded, beside Verdict: what it changes.
	VerdictWas *Verdict
	Comment    *Comment // a comment for the claim's thread, written with the change
	Worker     int64    // someone who from now on counts as having worked on the claim
	Event      Event
}

// Unchanged reports a decision that changes nothing, so nothing is saved or recorded.
func (ch ClaimChange) Unchanged() bool { return ch.Event.Action == "" }

// move makes the change of c to state to (when different), its audit action
// taken from the state machine unless action is given, with edit applied to
// the copy that will be saved.
func move(c *Claim, to ClaimState, action string, now time.Time, edit func(next *Claim)) (ClaimChange, error) {
	if to != c.State {
		if err := CheckTransition(c.State, to); err != nil {
			return ClaimChange{}, err
		}
		if action == "" {
			for _, t := range Transitions {
				if t.From == c.State && t.To == to {
					action = t.Action
				}
			}
		}
	}
	next := *c
	next.State = to
	if edit != nil {
		edit(&next)
	}
	next.Version, next.UpdatedAt = c.Version+1, now
	return ClaimChange{Claim: &next, Event: Event{Action: "claim." + action, Entity: "claim", EntityID: c.ID,
		Before: RecordOf(c), After: RecordOf(&next)}}, nil
}

// MaxClaimText is the longest stand-alone wording a claim may be given.
const MaxClaimText = 1000

// CheckRewording tidies and checks a candidate's stand-alone wording; empty
// keeps the sentence as found.
func CheckRewording(text string) (string, error) {
	text = strings.TrimSpace(text)
	if utf8.RuneCountInString(text) > MaxClaimText {
		return "", FieldError("text", "Keep the claim's wording to 1000 characters or fewer.")
	}
	return text, CheckClaimWording("text", text)
}

// NotCandidate explains why a claim can no longer be triaged.
func NotCandidate(c *Claim) error {
	if c.State == StateDismissed {
		return Errorf(ECONFLICT, "This claim was already dismissed, so it can no longer be accepted or dismissed.")
	}
	return Errorf(ECONFLICT, "This claim was already accepted into the queue (it is now %s).", lower(c.State.Label()))
}

// Accept moves a candidate into the queue, reworded when reworded is not
// empty (the original sentence and offsets stay).
func Accept(c *Claim, reworded string, now time.Time) (ClaimChange, error) {
	reworded, err := CheckRewording(reworded)
	if err != nil {
		return ClaimChange{}, err
	}
	if c.State != StateCandidate {
		return ClaimChange{}, NotCandidate(c)
	}
	return move(c, StateQueued, "", now, func(next *Claim) {
		if reworded != "" {
			next.Text = reworded
		}
	})
}

// Dismiss triages a candidate out with a reason and note checked by
// NewDismissal.
func Dismiss(c *Claim, d Dismissal, now time.Time) (ClaimChange, error) {
	if c.State != StateCandidate {
		return ClaimChange{}, NotCandidate(c)
	}
	if d.Reason.Label() == "" {
		return ClaimChange{}, FieldError("reason_code", "Choose why this claim is being dismissed.")
	}
	return move(c, StateDismissed, "", now, func(next *Claim) { next.DismissReason, next.DismissCode = d.Note, d.Reason })
}

// Take gives a queued claim to the reviewer taking it.
func Take(by *User, c *Claim, now time.Time) (ClaimChange, error) {
	if !CanReview(by) {
		return ClaimChange{}, Errorf(EFORBIDDEN, "Your role does not allow checking claims.")
	}
	ch, err := move(c, StateInReview, "taken", now, func(next *Claim) { next.AssigneeID = by.ID })
	ch.Worker = by.ID
	return ch, err
}

// Assign gives a claim to a reviewer: a queued claim goes into review
// ("claim.assigned"); a claim in review changes hands ("claim.reassigned").
func Assign(by *User, c *Claim, to *User, now time.Time) (ClaimChange, error) {
	if err := CanAssignClaim(by, c); err != nil {
		return ClaimChange{}, err
	}
	if err := CanBeAssigned(to); err != nil {
		return ClaimChange{}, err
	}
	action := "assigned"
	if c.State == StateInReview {
		if c.AssigneeID == to.ID {
			return ClaimChange{}, Errorf(ECONFLICT, "Claim %d is already assigned to %s.", c.ID, to.Name)
		}
		action = "reassigned"
	}
	ch, err := move(c, StateInReview, action, now, func(next *Claim) { next.AssigneeID = to.ID })
	ch.Worker = to.ID
	return ch, err
}

// Prioritise sets a claim's priority; the same priority changes nothing.
func Prioritise(by *User, c *Claim, p Priority, now time.Time) (ClaimChange, error) {
	if !p.Valid() {
		return ClaimChange{}, FieldError("priority", "Choose a priority: urgent, high, normal or low.")
	}
	if err := CanPrioritise(by, c); err != nil {
		return ClaimChange{}, err
	}
	if c.Priority == p {
		return ClaimChange{Claim: c}, nil
	}
	return move(c, c.State, "prioritised", now, func(next *Claim) { next.Priority = p })
}

// SetDue sets or (with the zero time) clears a claim's due date; the date it
// already has changes nothing.
func SetDue(by *User, c *Claim, due, now time.Time) (ClaimChange, error) {
	if err := CheckDue(due, now); err != nil {
		return ClaimChange{}, err
	}
	if err := CanSetDue(by, c); err != nil {
		return ClaimChange{}, err
	}
	if c.DueAt.Equal(due) {
		return ClaimChange{Claim: c}, nil
	}
	return move(c, c.State, "due_set", now, func(next *Claim) { next.DueAt = due })
}

// Release puts a claim in review back in the queue, unassigned, with an
// optional comment saying why; the draft verdict stays.
func Release(by *User, c *Claim, comment string, now time.Time) (ClaimChange, error) {
	if comment != "" {
		if err := CheckComment("comment", comment); err != nil {
			return ClaimChange{}, err
		}
	}
	if err := CanRelease(by, c); err != nil {
		return ClaimChange{}, err
	}
	ch, err := move(c, StateQueued, "", now, func(next *Claim) { next.AssigneeID = 0 })
	if err != nil {
		return ch, err
	}
	if comment != "" {
		ch.Event.After.(*ClaimRecord).Comment = comment
		ch.Comment = &Comment{ClaimID: c.ID, AuthorID: by.ID, Kind: CommentReleased, Body: comment, CreatedAt: now}
	}
	return ch, nil
}

// VerdictInput is what a reviewer types into the verdict form, or a script
// sends as the verdict's text.
type VerdictInput struct {
	RatingID    int64
	Conclusion  string
	Explanation string
}

// Tidy trims what was typed and checks it by the verdict's rules.
func (t *VerdictInput) Tidy() error {
	t.Conclusion, t.Explanation = strings.TrimSpace(t.Conclusion), strings.TrimSpace(t.Explanation)
	check := Verdict{Conclusion: t.Conclusion, Explanation: t.Explanation}
	return check.CheckText()
}

// Submit sends a complete draft to the editors. text, when not nil, is what
// the reviewer typed on the way, saved with the submission so that nothing
// typed is lost; the event then shows the verdict's text before and after.
func Submit(by *User, c *Claim, v *Verdict, text *VerdictInput, now time.Time) (ClaimChange, error) {
	if err := CanWorkOn(by, c); err != nil {
		return ClaimChange{}, err
	}
	next := *v
	if text != nil {
		if err := text.Tidy(); err != nil {
			return ClaimChange{}, err
		}
		next.RatingID, next.Conclusion, next.Explanation, next.AuthorID = text.RatingID, text.Conclusion, text.Explanation, by.ID
	}
	if err := next.CheckSubmittable(); err != nil {
		return ClaimChange{}, err
	}
	next.SubmittedAt, next.SubmittedBy = now, by.ID
	ch, err := move(c, StateSubmitted, "", now, nil)
	if err != nil {
		return ch, err
	}
	if text != nil {
		ch.Event.Before.(*ClaimRecord).Verdict = VerdictRecordOf(v, false)
		after := VerdictRecordOf(&next, false)
		after.Version++
		ch.Event.After.(*ClaimRecord).Verdict = after
	}
	ch.Verdict, ch.VerdictWas, ch.Worker = &next, v, by.ID
	return ch, nil
}

// Approve approves a submitted verdict; the four-eyes rule applies.
func Approve(by *User, c *Claim, v *Verdict, workers []int64, now time.Time) (ClaimChange, error) {
	if err := CanApprove(by, c, workers); err != nil {
		return ClaimChange{}, err
	}
	ch, err := move(c, StateApproved, "", now, nil)
	if err != nil {
		return ch, err
	}
	next := *v
	next.ApprovedAt, next.ApprovedBy = now, by.ID
	ch.Verdict, ch.VerdictWas = &next, v
	return ch, nil
}

// Return sends a submitted verdict back to its reviewer with a comment
// saying what needs changing; the four-eyes rule applies.
func Return(by *User, c *Claim, v *Verdict, workers []int64, comment string, now time.Time) (ClaimChange, error) {
	if err := CheckReturnComment(comment); err != nil {
		return ClaimChange{}, err
	}
	if err := CanApprove(by, c, workers); err != nil {
		return ClaimChange{}, err
	}
	ch, err := move(c, StateInReview, "", now, nil)
	if err != nil {
		return ch, err
	}
	next := *v
	ch.Verdict, ch.VerdictWas = &next, v
	ch.Event.After.(*ClaimRecord).Comment = comment
	ch.Comment = &Comment{ClaimID: c.ID, AuthorID: by.ID, Kind: CommentReturned, Body: comment, CreatedAt: now}
	return ch, nil
}

// Reopen puts an approved claim back in review with a reason. The event keeps
// the approved verdict whole (before), so the history still shows what was
// approved.
func Reopen(by *User, c *Claim, v *Verdict, reason string, now time.Time) (ClaimChange, error) {
	if err := CheckReopenReason(reason); err != nil {
		return ClaimChange{}, err
	}
	if err := CanReopen(by, c); err != nil {
		return ClaimChange{}, err
	}
	ch, err := move(c, StateInReview, "", now, nil)
	if err != nil {
		return ch, err
	}
	next := *v
	next.ApprovedAt, next.ApprovedBy = time.Time{}, 0
	ch.Verdict, ch.VerdictWas = &next, v
	ch.Event.Before.(*ClaimRecord).Verdict = VerdictRecordOf(v, true)
	ch.Event.After.(*ClaimRecord).Reason = reason
	ch.Comment = &Comment{ClaimID: c.ID, AuthorID: by.ID, Kind: CommentReopened, Body: reason, CreatedAt: now}
	return ch, nil
}

// CheckReturnComment requires the comment an editor returns a verdict with.
func CheckReturnComment(comment string) error {
	if strings.TrimSpace(comment) == "" {
		return FieldError("comment", "Say what needs changing before you return it.")
	}
	return CheckComment("comment", comment)
}

// CheckReopenReason requires the reason an editor reopens a verdict with.
func CheckReopenReason(reason string) error {
	if strings.TrimSpace(reason) == "" {
		return FieldError("reason", "Say why this verdict is being reopened.")
	}
	return CheckComment("reason", reason)
}

// SourceChange is a decided change to a draft verdict's sources: the list as
// it is to be saved and the change's one audit event. Sources with ID 0 are
// new; sources of the verdict missing from the list are removed.
type SourceChange struct {
	Sources []Source
	Event   Event
}

// sourceIndex finds a source of v by id.
func sourceIndex(v *Verdict, id int64) (int, error) {
	for i := range v.Sources {
		if v.Sources[i].ID == id {
			return i, nil
		}
	}
	return -1, Errorf(ENOTFOUND, "That source is not part of this verdict.")
}

// sourceEvent makes a source change's event on the claim.
func sourceEvent(action string, c *Claim, before, after any) Event {
	return Event{Action: "source." + action, Entity: "claim", EntityID: c.ID, Before: before, After: after}
}

// AddSource appends s to the draft verdict v of c, up to MaxSources.
func AddSource(by *User, c *Claim, v *Verdict, s Source) (SourceChange, error) {
	s.Tidy()
	if err := s.Check(); err != nil {
		return SourceChange{}, err
	}
	if err := CanWorkOn(by, c); err != nil {
		return SourceChange{}, err
	}
	if err := CanAddSource(v); err != nil {
		return SourceChange{}, err
	}
	s.ID, s.ClaimID, s.Position = 0, c.ID, 1
	if n := len(v.Sources); n > 0 {
		s.Position = v.Sources[n-1].Position + 1
	}
	rec := SourceRecordOf(&s)
	return SourceChange{Sources: append(slices.Clone(v.Sources), s), Event: sourceEvent("added", c, nil, rec)}, nil
}

// UpdateSource rewrites the source id of the draft verdict v of c with s.
func UpdateSource(by *User, c *Claim, v *Verdict, id int64, s Source) (SourceChange, error) {
	s.Tidy()
	if err := s.Check(); err != nil {
		return SourceChange{}, err
	}
	if err := CanWorkOn(by, c); err != nil {
		return SourceChange{}, err
	}
	i, err := sourceIndex(v, id)
	if err != nil {
		return SourceChange{}, err
	}
	old := v.Sources[i]
	s.ID, s.ClaimID, s.Position = old.ID, c.ID, old.Position
	list := slices.Clone(v.Sources)
	list[i] = s
	return SourceChange{Sources: list, Event: sourceEvent("updated", c, SourceRecordOf(&old), SourceRecordOf(&s))}, nil
}

// RemoveSource takes the source id off the draft verdict v of c.
func RemoveSource(by *User, c *Claim, v *Verdict, id int64) (SourceChange, error) {
	if err := CanWorkOn(by, c); err != nil {
		return SourceChange{}, err
	}
	i, err := sourceIndex(v, id)
	if err != nil {
		return SourceChange{}, err
	}
	return SourceChange{Sources: slices.Delete(slices.Clone(v.Sources), i, i+1),
		Event: sourceEvent("removed", c, SourceRecordOf(&v.Sources[i]), nil)}, nil
}

// MoveSource moves the source id one place up or down the draft verdict v
// of c. The list is renumbered 1, 2, 3, … so that the two swap even if
// positions were ever equal.
func MoveSource(by *User, c *Claim, v *Verdict, id int64, up bool) (SourceChange, error) {
	if err := CanWorkOn(by, c); err != nil {
		return SourceChange{}, err
	}
	i, err := sourceIndex(v, id)
	if err != nil {
		return SourceChange{}, err
	}
	j := i + 1
	if up {
		j = i - 1
	}
	if j < 0 || j >= len(v.Sources) {
		return SourceChange{}, Errorf(ECONFLICT, "That source is already at the %s of the list.", map[bool]string{true: "top", false: "bottom"}[up])
	}
	list := slices.Clone(v.Sources)
	list[i], list[j] = list[j], list[i]
	for k := range list {
		list[k].Position = k + 1
	}
	title := v.Sources[i].Title
	return SourceChange{Sources: list, Event: sourceEvent("moved", c,
		map[string]any{"title": title, "position": i + 1}, map[string]any{"title": title, "position": j + 1})}, nil
}

// DraftChange is a decided change to a draft verdict's text, and with it,
// for a verdict sent whole, its sources: the verdict as it is to be saved
// (its loaded version), the sources as they are to be saved when
// ReplacesSources (ID 0 is new; the verdict's sources missing from the list
// are removed), who worked on the claim, and the change's one event.
type DraftChange struct {
	Verdict         *Verdict
	ReplacesSources bool
	Sources         []Source
	Worker          int64
	Event           Event
}

// errRatingGone refuses a rating deleted since the form was drawn, or an id
// that never was one.
var errRatingGone = FieldError("rating", "Choose a rating from the list; that one no longer exists.")

// SaveDraft saves what a reviewer typed into the draft verdict v of c: its
// rating, conclusion and explanation. rating is the chosen rating as
// storage found it, nil when none was chosen or it no longer exists. The
// one "verdict.saved" event carries the text before and after.
func SaveDraft(by *User, c *Claim, v *Verdict, in VerdictInput, rating *Rating) (DraftChange, error) {
	if err := in.Tidy(); err != nil {
		return DraftChange{}, err
	}
	return draftText(by, c, v, in, rating)
}

// draftText puts the tidied in on a copy of v as by's work.
func draftText(by *User, c *Claim, v *Verdict, in VerdictInput, rating *Rating) (DraftChange, error) {
	if err := CanWorkOn(by, c); err != nil {
		return DraftChange{}, err
	}
	if in.RatingID != 0 && (rating == nil || rating.ID != in.RatingID) {
		return DraftChange{}, errRatingGone
	}
	next := *v
	next.Sources = slices.Clone(v.Sources)
	next.RatingID, next.Conclusion, next.Explanation, next.AuthorID = in.RatingID, in.Conclusion, in.Explanation, by.ID
	after := VerdictRecordOf(&next, false)
	after.Version++
	return DraftChange{Verdict: &next, Worker: by.ID,
		Event: Event{Action: "verdict.saved", Entity: "claim", EntityID: c.ID, Before: VerdictRecordOf(v, false), After: after}}, nil
}

// CheckWholeVerdict tidies and checks a verdict's text and its sources
// together and names every field at fault in one error, so that a script
// sending the whole verdict can fix them all at once.
func CheckWholeVerdict(in *VerdictInput, sources []Source) error {
	fields := map[string]string{}
	for _, err := range []error{in.Tidy(), CheckSources(sources)} {
		var e *Error
		if errors.As(err, &e) && len(e.Fields) > 0 {
			maps.Copy(fields, e.Fields)
		} else if err != nil {
			return err
		}
	}
	if len(fields) > 0 {
		return &Error{Code: EINVALID, Message: "Some fields need fixing; see fields.", Fields: fields}
	}
	return nil
}

// VerdictProblems lists every field at fault in a verdict sent whole, its
// text and each of its sources; nil when there are none. It changes
// neither argument.
func VerdictProblems(in VerdictInput, sources []Source) map[string]string {
	var e *Error
	if errors.As(CheckWholeVerdict(&in, slices.Clone(sources)), &e) {
		return e.Fields
	}
	return nil
}

// ReplaceVerdict saves a draft verdict sent whole (the API's way): its text
// and its sources, which replace the old ones in the order given; a source
// sent again unchanged keeps its id. The same
// rules as SaveDraft and the source changes apply, and the one
// "verdict.saved" event carries the lists of sources before and after when
// they changed.
func ReplaceVerdict(by *User, c *Claim, v *Verdict, in VerdictInput, sources []Source, rating *Rating) (DraftChange, error) {
	sources = slices.Clone(sources)
	if err := CheckWholeVerdict(&in, sources); err != nil {
		return DraftChange{}, err
	}
	ch, err := draftText(by, c, v, in, rating)
	if err != nil {
		return DraftChange{}, err
	}
	oldRecords := make([]SourceRecord, 0, len(v.Sources))
	for i := range v.Sources {
		oldRecords = append(oldRecords, SourceRecordOf(&v.Sources[i]))
	}
	newRecords := make([]SourceRecord, 0, len(sources))
	used := make([]bool, len(v.Sources))
	for i := range sources {
		s := &sources[i]
		s.ID, s.ClaimID, s.Position = 0, c.ID, i+1
		r := SourceRecordOf(s)
		// A source sent again as it is stays the same source, wherever it
		// now stands: it keeps its id, and nothing of it is written again.
		for j := range oldRecords {
			o := oldRecords[j]
			o.Position = r.Position
			if !used[j] && o == r {
				used[j], s.ID = true, v.Sources[j].ID
				break
			}
		}
		newRecords = append(newRecords, r)
	}
	ch.ReplacesSources, ch.Sources = true, sources
	ch.Verdict.Sources = sources
	if !slices.Equal(oldRecords, newRecords) {
		ch.Event.Before.(*VerdictRecord).Sources = oldRecords
		ch.Event.After.(*VerdictRecord).Sources = newRecords
	}
	return ch, nil
}
