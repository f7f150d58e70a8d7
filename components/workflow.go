package components

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/a-h/templ"
	"sort"
	"strconv"
	"time"

	"claimtrail/domain"
	"claimtrail/domain/match"
)

// QueueFilterForm holds the queue page's filters as typed.
type QueueFilterForm struct {
	State, Type, Assignee, Outlet, Since, Until string
}

// Without returns the filters with the named one cleared.
func (f QueueFilterForm) Without(name string) QueueFilterForm {
	switch name {
	case "state":
		f.State = ""
	case "type":
		f.Type = ""
	case "assignee":
		f.Assignee = ""
	case "outlet":
		f.Outlet = ""
	case "since":
		f.Since = ""
	case "until":
		f.Until = ""
	}
	return f
}

// QueueView is the queue page's props.
type QueueView struct {
	Filter    QueueFilterForm
	Items     []*domain.QueueItem
	NextURL   string
	CanEdit   bool
	Assignees []*domain.User
	Outlets   []string
	Now       time.Time
	Errors    FieldErrors // from a bulk action
	// FilterQuery is the filter shown, as a query string: a bulk change
	// posts it back so that the page it leads to lists the same claims.
	FilterQuery string

	// FilterErrors names filters that could not be read; the list is shown
	// without them.
	FilterErrors FieldErrors
	// Seen says, for the claims listed that appeared again, how often and
	// when last, by claim id.
	Seen map[int64]domain.AppearanceSummary
	// Bulk is a refused bulk change's ticks and choices, shown again.
	Bulk QueueBulk
}

// QueueBulk is what an editor chose in the queue's bulk form: the claims
// ticked, and who to assign them to or which priority, as posted.
type QueueBulk struct {
	Ticked             map[int64]bool
	Assignee, Priority string
}

// bulkAction is the queue's bulk form address, carrying the filter shown.
func bulkAction(filter string) string {
	if filter == "" {
		return "/queue/bulk"
	}
	return "/queue/bulk?" + filter
}

// VerdictForm is the verdict form's values as typed.
type VerdictForm struct {
	RatingID    string
	Conclusion  string
	Explanation string
	Version     int64
	Errors      FieldErrors
}

// SourceForm is a source form's values as typed; ID is 0 for a new source.
type SourceForm struct {
	ID                                                          int64
	URL, Title, Publisher, PublishedAt, AccessedAt, Type, Quote string
	Errors                                                      FieldErrors
}

// SourceFormFrom fills a form from a stored source.
func SourceFormFrom(s domain.Source) SourceForm {
	f := SourceForm{ID: s.ID, URL: s.URL, Title: s.Title, Publisher: s.Publisher, Type: string(s.Type), Quote: s.Quote}
	if !s.PublishedAt.IsZero() {
		f.PublishedAt = s.PublishedAt.Format("2006-01-02")
	}
	if !s.AccessedAt.IsZero() {
		f.AccessedAt = s.AccessedAt.Format("2006-01-02")
	}
	return f
}

// TextForm is a one-field form (comment, return reason, reopen reason).
type TextForm struct {
	Text   string
	Errors FieldErrors
}

// Change is one field's before → after in a history entry.
type Change struct {
	Field, Before, After string
}

// AuditRow is one event on the admin's audit page with what it changed.
type AuditRow struct {
	Event   *domain.AuditEvent
	Changes []Change
}

// TimelineEntry is one audit event told in words.
type TimelineEntry struct {
	At      time.Time
	Text    string
	Quote   string
	Changes []Change
}

// ClaimView is the claim page's props.
type ClaimView struct {
	D *domain.ClaimDetail
	// Imported are other publishers' checks of this claim or a related one.
	Imported  []match.Found
	User      *domain.User
	Ratings   []*domain.Rating
	Assignees []*domain.User
	Now       time.Time
	Timeline  []TimelineEntry

	Verdict    VerdictForm
	Stale      *domain.StaleVerdictError // someone else's newer verdict, after a refused save
	NewSource  SourceForm
	EditSource SourceForm // a source edit that failed validation
	// EditedSources are other sources' edits typed but not saved, by
	// source id: each is drawn open, as typed.
	EditedSources map[int64]SourceForm
	Comment       TextForm
	Return        TextForm
	Reopen        TextForm
	Due           TextForm
	Assign        TextForm
	Release       TextForm

	// Problem is why the last change was refused, shown at the top while
	// everything typed stays in the forms.
	Problem string
	// Carried is set when the forms hold text typed before the last post
	// that it did not save.
	Carried bool

	// May is what the viewer may do with the claim, decided by the domain.
	May domain.ClaimPermissions

	// Appearances are where the claim appeared after its own article, and
	// AppearanceMay what the viewer may do with each, by appearance id.
	Appearances   []*domain.Appearance
	AppearanceMay map[int64]domain.AppearancePermissions
}

// ClaimFormID is the id of the claim page's one form, which every control
// on the page joins with its form attribute.
const ClaimFormID = "claim-work"

// EditSourcePrefix starts the ids and names of the fields editing source id.
func EditSourcePrefix(id int64) string { return "src-" + itoa(id) + "-" }

func sourceFieldName(prefix string, prefixNames bool, name string) string {
	if prefixNames {
		return prefix + name
	}
	return name
}

// ReturnedNote is the editor's reason when the claim is back with its
// reviewer after a return or a reopening, newer than the last submission;
// nil otherwise.
func (v ClaimView) ReturnedNote() *domain.Comment {
	if v.D.Claim.State != domain.StateInReview {
		return nil
	}
	for i := len(v.D.Comments) - 1; i >= 0; i-- {
		m := &v.D.Comments[i]
		if m.Kind != domain.CommentReturned && m.Kind != domain.CommentReopened {
			continue
		}
		if v.D.Verdict != nil && v.D.Verdict.SubmittedAt.After(m.CreatedAt) {
			return nil
		}
		return m
	}
	return nil
}

// verdictFieldOrder is the order of the verdict's fields on the page, for
// the summary of what to fix; "sources" points at the add-source form.
var verdictFieldOrder = []string{"rating", "conclusion", "explanation", "sources"}

type summaryItem struct {
	Name, Field, Message string
}

// sourceFieldOrder is the order of a source form's fields on the page.
var sourceFieldOrder = []string{"url", "title", "publisher", "type", "published_at", "accessed_at", "quote"}

// ErrorBelow is the first problem of a refused change on the claim page,
// linked to its field, and how many problems there are. The forms sit far
// down the page, and a page posted without script opens at its top, where
// nothing else would say that the change was not made.
func (v ClaimView) ErrorBelow() (first summaryItem, count int) {
	if v.Stale != nil {
		return summaryItem{Name: "verdict", Field: "verdict", Message: domain.ErrorMessage(v.Stale)}, 1
	}
	prefixed := func(prefix string) func(string) string {
		return func(name string) string {
			if name == "sources" {
				return "new-source-url"
			}
			return prefix + name
		}
	}
	groups := []struct {
		errs  FieldErrors
		order []string
		id    func(string) string
	}{
		{v.Assign.Errors, nil, prefixed("")},
		{v.Due.Errors, nil, prefixed("")},
		{v.Verdict.Errors, verdictFieldOrder, prefixed("")},
		{v.Reopen.Errors, nil, prefixed("")},
		{v.Return.Errors, nil, prefixed("return-")},
		{v.EditSource.Errors, sourceFieldOrder, prefixed(EditSourcePrefix(v.EditSource.ID))},
		{v.NewSource.Errors, sourceFieldOrder, prefixed("new-source-")},
		{v.Comment.Errors, nil, prefixed("")},
	}
	for _, g := range groups {
		for _, it := range summaryItems(g.errs, g.order) {
			if count == 0 {
				first = it
				first.Field = g.id(it.Name)
			}
			count++
		}
	}
	return first, count
}

// summaryItems lists errs in the given order, then any others by name; each
// links to its input's id.
func summaryItems(errs FieldErrors, order []string) []summaryItem {
	var out []summaryItem
	seen := map[string]bool{}
	add := func(name string) {
		if errs[name] == "" || seen[name] {
			return
		}
		seen[name] = true
		field := name
		if name == "sources" {
			field = "new-source-url"
		}
		out = append(out, summaryItem{Name: name, Field: field, Message: errs[name]})
	}
	for _, n := range order {
		add(n)
	}
	rest := make([]string, 0, len(errs))
	for n := range errs {
		rest = append(rest, n)
	}
	sort.Strings(rest)
	for _, n := range rest {
		add(n)
	}
	return out
}

// ReviewView is the editors' review page's props.
type ReviewView struct {
	Items   []*domain.ReviewItem
	NextURL string
	Now     time.Time
	// Bylines are the public names asked for that wait for an editor
	// (first page only); EditorID is the editor reading, who decides
	// everyone's but their own (domain.CanDecideByline).
	Bylines  []domain.BylineRequest
	EditorID int64
}

// RatingsView is the ratings page's props.
type RatingsView struct {
	Ratings []*domain.Rating
	Use     map[int64]int
	New     RatingForm
	Edit    RatingForm // a rating edit that failed validation
	// Typed holds ratings as typed but not saved, by id, put back after
	// another button on the page was pressed.
	Typed   map[int64]RatingForm
	Carried bool   // the page shows typed text a post kept for it
	Problem string // why a change without fields was refused
}

// RatingsFormID is the ratings page's one form: every row's inputs and the
// new rating's belong to it, and each button posts to its own address, so
// saving, moving or deleting one rating keeps what was typed in the others.
const RatingsFormID = "ratings-page"

// RatingField names a field of one rating's row in the page's one form.
func RatingField(id int64, name string) string {
	return "rating-" + strconv.FormatInt(id, 10) + "-" + name
}

// ratingInvalid marks a rating row's field invalid, pointing at its
// message by the row's own id.
func ratingInvalid(f RatingForm, field string) templ.Attributes {
	if f.Errors[field] == "" {
		return nil
	}
	return templ.Attributes{"aria-invalid": "true", "aria-describedby": RatingField(f.ID, field) + "-error"}
}

// row is the form a rating's row shows: the failed edit, what was typed,
// or the rating as stored.
func (v RatingsView) row(r *domain.Rating) RatingForm {
	if v.Edit.ID == r.ID {
		return v.Edit
	}
	if f, ok := v.Typed[r.ID]; ok {
		return f
	}
	return RatingForm{ID: r.ID, Name: r.Name, Value: ratingValue(r.Value), OnScale: r.OnScale}
}

// RatingForm is a rating form's values as typed.
type RatingForm struct {
	ID      int64
	Name    string
	Value   string
	OnScale bool
	Errors  FieldErrors
}

// HomeView is the home page's props.
type HomeView struct {
	Home *domain.Home
	Now  time.Time
}

func scoreText(s float64) string { return fmt.Sprintf("%.0f%%", min(max(s, 0), 1)*100) }

func claimURL(id int64) string { return "/claims/" + itoa(id) }

func ratingSelected(f VerdictForm, r *domain.Rating) bool { return f.RatingID == itoa(r.ID) }

// textPart is a run of a sentence, marked when it is a figure.
type textPart struct {
	Text   string
	Figure bool
}

// sentenceParts splits a sentence at its figures' offsets (relative to the
// sentence), ignoring any figure whose offsets do not fit.
func sentenceParts(sentence string, figures []domain.Figure) []textPart {
	figs := append([]domain.Figure(nil), figures...)
	sort.Slice(figs, func(i, j int) bool { return figs[i].Start < figs[j].Start })
	var out []textPart
	at := 0
	for _, f := range figs {
		if f.Start < at || f.End > len(sentence) || f.Start >= f.End {
			continue
		}
		if f.Start > at {
			out = append(out, textPart{Text: sentence[at:f.Start]})
		}
		out = append(out, textPart{Text: sentence[f.Start:f.End], Figure: true})
		at = f.End
	}
	if at < len(sentence) {
		out = append(out, textPart{Text: sentence[at:]})
	}
	return out
}

// ClaimInContext writes the claim's sentence, its figures marked, between
// the article text around it. It is written by hand, every piece escaped,
// because templ would put spaces between the pieces and .article-text keeps
// whitespace as typed.
func ClaimInContext(before, sentence string, figures []domain.Figure, after string) templ.Component {
	return templ.ComponentFunc(func(_ context.Context, w io.Writer) error {
		var b strings.Builder
		if before != "" {
			b.WriteString("…" + templ.EscapeString(before))
		}
		b.WriteString(`<mark class="claim claim-checkworthy" data-testid="claim-sentence">`)
		for _, p := range sentenceParts(sentence, figures) {
			if p.Figure {
				b.WriteString(`<mark class="figure" data-testid="figure">` + templ.EscapeString(p.Text) + `</mark>`)
			} else {
				b.WriteString(templ.EscapeString(p.Text))
			}
		}
		b.WriteString(`</mark>`)
		if after != "" {
			b.WriteString(templ.EscapeString(after) + "…")
		}
		_, err := io.WriteString(w, b.String())
		return err
	})
}

func dueText(c *domain.Claim) string {
	if c.DueAt.IsZero() {
		return ""
	}
	return "Due " + FormatDate(c.DueAt)
}

// DateValue is t as a date input's value, "" for no date.
func DateValue(t time.Time) string { return dateValue(t) }

func dateValue(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02")
}

func ratingValue(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// problemsBelow says how many more problems a refused change has below.
func problemsBelow(n int) string {
	if n == 1 {
		return "One more thing to fix is marked below."
	}
	return strconv.Itoa(n) + " more things to fix are marked below."
}
