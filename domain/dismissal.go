package domain

import (
	"strings"
	"unicode/utf8"
)

// DismissalReason is why a candidate claim was triaged out. Only "not
// check-worthy" says the sentence is not worth checking; the others say
// nothing about that, so only it teaches the claim scorer.
type DismissalReason string

// Dismissal reasons.
const (
	DismissNotCheckWorthy DismissalReason = "not_checkworthy" // opinion, no claim
	DismissNotCheckable   DismissalReason = "not_checkable"
	DismissOutOfScope     DismissalReason = "out_of_scope"
	DismissDuplicate      DismissalReason = "duplicate"
	DismissOther          DismissalReason = "other"
)

// DismissalReasons lists every reason in the order a form offers them.
var DismissalReasons = []DismissalReason{DismissNotCheckWorthy, DismissNotCheckable, DismissOutOfScope, DismissDuplicate, DismissOther}

// Label is the reason as a reviewer reads it.
func (r DismissalReason) Label() string {
	switch r {
	case DismissNotCheckWorthy:
		return "Not check-worthy (opinion, no claim)"
	case DismissNotCheckable:
		return "Not checkable"
	case DismissOutOfScope:
		return "Out of scope"
	case DismissDuplicate:
		return "Duplicate"
	case DismissOther:
		return "Other"
	}
	return ""
}

// MaxDismissalNote is the longest note a dismissal keeps, in characters.
const MaxDismissalNote = 500

// Dismissal is a reviewer's decision to triage a candidate out: a reason
// and a free-text note.
type Dismissal struct {
	Reason DismissalReason
	Note   string
}

// NewDismissal checks a dismissal as typed into the form or the API. A
// reason must be one of DismissalReasons; with no reason, a note alone is
// an "other" dismissal (as every dismissal was before reasons existed), and
// "other" needs a note to say what it is.
func NewDismissal(reason, note string) (Dismissal, error) {
	d := Dismissal{Reason: DismissalReason(strings.TrimSpace(reason)), Note: strings.TrimSpace(note)}
	if utf8.RuneCountInString(d.Note) > MaxDismissalNote {
		return d, FieldError("reason", "Keep the note to 500 characters or fewer.")
	}
	if err := CheckPlainText("reason", "note", d.Note); err != nil {
		return d, err
	}
	if d.Reason == "" {
		if d.Note == "" {
			return d, FieldError("reason_code", "Choose why this claim is being dismissed.")
		}
		d.Reason = DismissOther
	}
	if d.Reason.Label() == "" {
		return d, FieldError("reason_code", "Choose one of the reasons offered: not check-worthy, not checkable, out of scope, duplicate or other.")
	}
	if d.Reason == DismissOther && d.Note == "" {
		return d, FieldError("reason", "Say in a few words why, when the reason is “other”.")
	}
	return d, nil
}

// TriageLabel is what a claim's triage teaches the claim scorer: accepted
// claims and claims added by hand are check-worthy, a dismissal as not
// check-worthy is not, and anything else (undecided, or dismissed for
// another reason) is no label (ok false).
func (c *Claim) TriageLabel() (checkWorthy, ok bool) {
	switch {
	case c.State == StateDismissed:
		return false, c.DismissCode == DismissNotCheckWorthy
	case c.State == StateCandidate:
		return c.Manual, c.Manual
	}
	return true, true
}
