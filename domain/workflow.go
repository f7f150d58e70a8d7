package domain

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"
)

// CanAssign reports whether u may assign claims, set their priority and due
// date: editors' work.
func CanAssign(u *User) bool { return CanEdit(u) && u.Active }

// CanManageRatings reports whether u may rename, reorder, add and delete
// ratings. The issue lists it among editors' work; admins include editors.
func CanManageRatings(u *User) bool { return CanEdit(u) && u.Active }

// CanBeAssigned reports whether u may be given claims to check.
func CanBeAssigned(u *User) error {
	if u == nil || !u.Active {
		return FieldError("assignee", "That person's account is deactivated; choose someone else.")
	}
	return nil
}

// CanRelease reports whether u may put a claim in review back in the queue:
// its assignee, or an editor.
func CanRelease(u *User, c *Claim) error {
	if c.State != StateInReview {
		return Errorf(ECONFLICT, "This claim is %s, so it cannot be released.", lower(c.State.Label()))
	}
	if c.AssigneeID != u.ID && !CanEdit(u) {
		return Errorf(EFORBIDDEN, "Only the reviewer of this claim or an editor can release it.")
	}
	return nil
}

// ReadDue reads the due date an editor sets: "Set due date" needs a date,
// and taking the date off is its own action (clear). A browser sends a date
// typed only in part as empty, so an empty "Set due date" is refused rather
// than read as "no due date", which would drop it without a word.
func ReadDue(s string, clear bool) (time.Time, error) {
	if clear {
		return time.Time{}, nil
	}
	if strings.TrimSpace(s) == "" {
		return time.Time{}, FieldError("due", "Enter the whole due date: day, month and year. To take the due date off, press Clear due date.")
	}
	return ParseDay("due", s)
}

// CheckDue refuses due dates before today (in UTC, as due dates are
// stored); the zero time clears the date.
func CheckDue(due, now time.Time) error {
	if due.IsZero() {
		return nil
	}
	now = now.UTC()
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	if due.Before(today) {
		return FieldError("due", "Choose a due date from today onwards.")
	}
	return nil
}

// CommentKind says why a comment was written.
type CommentKind string

const (
	CommentNote     CommentKind = "comment"  // an ordinary comment in the thread
	CommentReturned CommentKind = "returned" // an editor returned the verdict
	CommentReopened CommentKind = "reopened" // an editor reopened an approved verdict
	CommentReleased CommentKind = "released" // the reviewer put the claim back in the queue
)

// Comment is one message in a claim's thread.
type Comment struct {
	ID         int64
	ClaimID    int64
	AuthorID   int64
	AuthorName string
	Kind       CommentKind
	Body       string
	CreatedAt  time.Time
}

// MaxCommentLength caps comments and editors' reasons.
const MaxCommentLength = 5000

// CheckComment refuses an empty or overlong comment; field names the form field.
func CheckComment(field, body string) error {
	if strings.TrimSpace(body) == "" {
		return FieldError(field, "Write a comment.")
	}
	if utf8.RuneCountInString(body) > MaxCommentLength {
		return FieldError(field, "Keep the comment to 5000 characters or fewer.")
	}
	return CheckPlainText(field, "comment", body)
}

// MaxSources is the most sources one verdict cites, however they are added.
const MaxSources = 50

// errTooManySources is the one refusal of a 51st source, from any surface.
var errTooManySources = FieldError("sources", "A verdict can cite at most 50 sources; remove one before adding another.")

// Tidy trims the white space around what was typed into a source's fields,
// as the browser and the API receive it alike.
func (s *Source) Tidy() {
	s.URL, s.Title, s.Publisher, s.Quote = strings.TrimSpace(s.URL), strings.TrimSpace(s.Title), strings.TrimSpace(s.Publisher), strings.TrimSpace(s.Quote)
}

// CanAddSource refuses a source beyond MaxSources on v.
func CanAddSource(v *Verdict) error {
	if len(v.Sources) >= MaxSources {
		return errTooManySources
	}
	return nil
}

// CheckSources tidies and checks a whole list of sources, naming each field
// at fault as "sources[2].url" so that the source at fault is known.
func CheckSources(sources []Source) error {
	if len(sources) > MaxSources {
		return errTooManySources
	}
	fields := map[string]string{}
	for i := range sources {
		s := &sources[i]
		s.Tidy()
		var e *Error
		if errors.As(s.Check(), &e) {
			for k, m := range e.Fields {
				fields[fmt.Sprintf("sources[%d].%s", i, k)] = m
			}
		}
	}
	if len(fields) > 0 {
		return &Error{Code: EINVALID, Message: "Some sources need fixing.", Fields: fields}
	}
	return nil
}

// Check says what is wrong with a source, field by field.
func (s *Source) Check() error {
	e := &Error{Code: EINVALID, Message: "Some details of this source need fixing.", Fields: map[string]string{}}
	if err := CheckSourceURL(s.URL); err != nil {
		e.Fields["url"] = ErrorMessage(err)
	}
	if strings.TrimSpace(s.Title) == "" {
		e.Fields["title"] = "Enter the source's title."
	} else if utf8.RuneCountInString(s.Title) > 300 {
		e.Fields["title"] = "Keep the title to 300 characters or fewer."
	} else if err := CheckPlainLine("title", "title", s.Title); err != nil {
		e.Fields["title"] = ErrorMessage(err)
	}
	if utf8.RuneCountInString(s.Publisher) > 200 {
		e.Fields["publisher"] = "Keep the publisher to 200 characters or fewer."
	} else if err := CheckPlainLine("publisher", "publisher", s.Publisher); err != nil {
		e.Fields["publisher"] = ErrorMessage(err)
	}
	if !s.Type.Valid() {
		e.Fields["type"] = "Choose what kind of source this is."
	}
	if utf8.RuneCountInString(s.Quote) > 5000 {
		e.Fields["quote"] = "Keep the quote to 5000 characters or fewer."
	} else if err := CheckPlainText("quote", "quote", s.Quote); err != nil {
		e.Fields["quote"] = ErrorMessage(err)
	}
	if !s.PublishedAt.IsZero() && !s.AccessedAt.IsZero() && s.AccessedAt.Before(s.PublishedAt) {
		e.Fields["accessed_at"] = "The date accessed cannot be before the date published."
	}
	if len(e.Fields) > 0 {
		return e
	}
	return nil
}

// CheckSourceURL accepts only absolute http and https addresses, so that a
// source link can never run script or point at a local file.
func CheckSourceURL(raw string) error {
	u, err := url.Parse(raw)
	if raw == "" || err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || len(raw) > 2000 {
		return FieldError("url", "Enter the source's web address, starting with https:// or http://.")
	}
	return nil
}

// Check says what is wrong with a rating's name.
func (r *Rating) Check() error {
	name := strings.TrimSpace(r.Name)
	if name == "" {
		return FieldError("name", "Enter the rating's name.")
	}
	if utf8.RuneCountInString(name) > 60 {
		return FieldError("name", "Keep the rating's name to 60 characters or fewer.")
	}
	if err := CheckPlainLine("name", "rating's name", name); err != nil {
		return err
	}
	// NaN fails both comparisons, so it is refused with infinities and
	// values no scale needs.
	if !(r.Value >= -MaxRatingValue && r.Value <= MaxRatingValue) {
		return FieldError("value", "Enter the value as a number from -1000 to 1000, like 3 or 2.5.")
	}
	return nil
}

// MaxRatingValue bounds a rating's value either side of zero.
const MaxRatingValue = 1000

// CheckText refuses an overlong conclusion or explanation; a draft may
// leave them empty.
func (v *Verdict) CheckText() error {
	e := &Error{Code: EINVALID, Message: "Some parts of the verdict need fixing.", Fields: map[string]string{}}
	if utf8.RuneCountInString(v.Conclusion) > 300 {
		e.Fields["conclusion"] = "Keep the conclusion to one line of 300 characters or fewer."
	} else if err := CheckPlainLine("conclusion", "conclusion", v.Conclusion); err != nil {
		e.Fields["conclusion"] = ErrorMessage(err)
	}
	if strings.ContainsAny(v.Conclusion, "\r\n") {
		e.Fields["conclusion"] = "Keep the conclusion to one line."
	}
	if utf8.RuneCountInString(v.Explanation) > 20000 {
		e.Fields["explanation"] = "Keep the explanation to 20,000 characters or fewer."
	} else if err := CheckPlainText("explanation", "explanation", v.Explanation); err != nil {
		e.Fields["explanation"] = ErrorMessage(err)
	}
	if len(e.Fields) > 0 {
		return e
	}
	return nil
}
