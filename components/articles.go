package components

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/a-h/templ"

	"claimtrail/domain"
	"claimtrail/domain/match"
)

// ArticleForm is what was typed into the add-article form, kept whole for
// re-rendering with errors: the details, and what was typed for every way
// in, with Mode the one chosen.
type ArticleForm struct {
	Mode                                        string // the source chosen: paste, upload or fetch
	Body, Title, Outlet, Author, URL, Published string
	Address                                     string // the web address to fetch
	Errors                                      FieldErrors
}

// articleSources are the add-article form's ways in, in tab order.
var articleSources = []struct{ Value, Label string }{
	{"paste", "Paste text"}, {"upload", "Upload a file"}, {"fetch", "From a web address"},
}

// chosen reports whether source is the way in chosen (pasting when none).
func (f ArticleForm) chosen(source string) bool {
	return cmp.Or(f.Mode, "paste") == source
}

// addressErrs are the errors of the address to fetch: fetching reports
// them as "url", the field's name on the API and in earlier forms.
func (f ArticleForm) addressErrs() FieldErrors {
	if f.Mode == "fetch" {
		return f.Errors
	}
	return nil
}

// metaErrs are the errors of the details; when fetching, "url" is the
// address to fetch, not the detail.
func (f ArticleForm) metaErrs() FieldErrors {
	if f.Mode != "fetch" || f.Errors["url"] == "" {
		return f.Errors
	}
	errs := FieldErrors{}
	for k, v := range f.Errors {
		if k != "url" {
			errs[k] = v
		}
	}
	return errs
}

// ArticleList is the articles page: one keyset page and its filters.
type ArticleList struct {
	Items     []*domain.ArticleSummary
	Outlet    string
	Query     string
	Mine      bool
	OlderURL  string // "" on the last page
	NewestURL string // the first page, with the same filters
	Newest    bool   // true on the first page
}

// ArticleView is everything the article page shows.
type ArticleView struct {
	Article *domain.Article
	Claims  []*domain.Claim // document order
	// Matches are the published checks candidates match, by claim id.
	Matches map[int64]match.Found
	// Appearances are the candidates recorded as a new appearance of an
	// accepted claim, by candidate id.
	Appearances map[int64]*domain.Appearance

	Edit           ArticleForm          // the metadata form, with errors when it failed
	Rows           map[int64]ClaimInput // what was typed into a claim's row, when it failed
	Quote          string               // the add-a-claim form
	QuoteErrs      FieldErrors
	BulkErrs       FieldErrors
	BulkReason     string
	BulkReasonCode string
	Selected       map[int64]bool // candidates ticked for a bulk change, as typed
	Carried        bool           // the page shows typed text a post kept for it
	Problem        string         // why a change without fields was refused
}

// ArticleFormID is the article page's one form. Every control on the page
// belongs to it by its form attribute and each button posts to its own
// address, so whichever is pressed the server gets everything typed on the
// page and keeps, across its redirect, what that button did not save.
const ArticleFormID = "article-page"

// RowField names a field of one claim's row on the article page, so that
// every row's wording, reason and note can travel in the one form.
func RowField(claimID int64, name string) string {
	return "row-" + strconv.FormatInt(claimID, 10) + "-" + name
}

// ClaimInput is what a reviewer typed into one claim's accept or dismiss form.
type ClaimInput struct {
	Text, Reason, ReasonCode string
	Errors                   FieldErrors
}

// dismissedAs says why a claim was dismissed, with the reviewer's note.
func dismissedAs(c *domain.Claim) string {
	s := "Dismissed"
	if l := c.DismissCode.Label(); l != "" {
		s += " (" + l + ")"
	}
	if c.DismissReason != "" {
		s += ": " + c.DismissReason
	}
	return s
}

// rowInvalid marks a row's field invalid, pointing at its message by the
// row's own id so that several rows' messages never share one.
func rowInvalid(row ClaimRowView, field string) templ.Attributes {
	if row.Input.Errors[field] == "" {
		return nil
	}
	return templ.Attributes{"aria-invalid": "true", "aria-describedby": RowField(row.Claim.ID, field) + "-error"}
}

// errorClass is the error style for a field that invalid or rowInvalid marked.
func errorClass(invalidAttrs templ.Attributes) string {
	if invalidAttrs != nil {
		return "input-error"
	}
	return ""
}

// ClaimRowView is one row of the "By score" list.
type ClaimRowView struct {
	Claim    *domain.Claim
	Input    ClaimInput
	Selected bool         // ticked for a bulk change
	Match    *match.Found // the published check it matches, if any
	// Appearance is set when the candidate was recorded as a new
	// appearance of an accepted claim.
	Appearance *domain.Appearance
}

// AppearanceOffer is the approved check the candidate is the same claim as,
// which accepting offers to record it as a new appearance of; nil when none.
func (row ClaimRowView) AppearanceOffer() *match.Found {
	if match.OffersAppearance(row.Match) {
		return row.Match
	}
	return nil
}

// matchLabel says where a candidate was checked before, in the desk's words:
// "Checked before: Misleading, 3 Mar 2025 (ours)" or "Checked by Example
// Checks: False"; a related check says so.
func matchLabel(f *match.Found) string {
	var s string
	if f.Kind == match.KindImported {
		s = "Checked by " + cmp.Or(f.Publisher, "another fact-checker") + ": " + cmp.Or(f.Rating, "no rating")
		if !f.Date.IsZero() {
			s += ", " + f.Date.Format("2 Jan 2006")
		}
	} else {
		s = "Checked before: " + cmp.Or(f.Rating, "no rating")
		if !f.Date.IsZero() {
			s += ", " + f.Date.Format("2 Jan 2006")
		}
		s += " (ours)"
	}
	if f.Tier == match.TierRelated {
		s = "Related — " + s
	}
	return s
}

// matchLink is where a match badge leads: our claim's page, or the other
// publisher's check.
func matchLink(f *match.Found) templ.SafeURL {
	if f.Kind == match.KindImported {
		return templ.URL(f.URL)
	}
	return templ.SafeURL("/claims/" + strconv.FormatInt(f.ID, 10))
}

// ByScore lists the claims most check-worthy first, document order breaking ties.
func (v ArticleView) ByScore() []ClaimRowView {
	rows := make([]ClaimRowView, 0, len(v.Claims))
	for _, c := range v.Claims {
		row := ClaimRowView{Claim: c, Input: v.Rows[c.ID], Selected: v.Selected[c.ID]}
		if f, ok := v.Matches[c.ID]; ok {
			row.Match = &f
		}
		row.Appearance = v.Appearances[c.ID]
		rows = append(rows, row)
	}
	slices.SortStableFunc(rows, func(a, b ClaimRowView) int {
		if c := cmp.Compare(b.Claim.Score, a.Claim.Score); c != 0 {
			return c
		}
		return cmp.Compare(a.Claim.Start, b.Claim.Start)
	})
	return rows
}

// EditForm is the metadata form's values: as typed after a failure,
// otherwise the article's own.
func (v ArticleView) EditForm() ArticleForm {
	if v.Edit.Mode != "" {
		return v.Edit
	}
	a := v.Article
	f := ArticleForm{Mode: "edit", Title: a.Title, Outlet: a.Outlet, Author: a.Author, URL: a.URL}
	if !a.PublishedAt.IsZero() {
		f.Published = a.PublishedAt.UTC().Format("2006-01-02")
	}
	return f
}

// TextPiece is a run of article text: plain, or one claim's highlight.
type TextPiece struct {
	Text  string
	Claim *domain.Claim // nil for plain text
	Parts []TextPart    // the claim's text, figures marked
}

// TextPart is part of a claim's highlight; Figure marks a number it states.
type TextPart struct {
	Text   string
	Figure bool
}

// ArticlePieces cuts body into plain runs and claim highlights in document
// order, from the claims' offsets. Where claims overlap (a hand-added claim
// over the extractor's sentence) the later one is highlighted only from
// where the earlier ends, so the text is shown exactly once. Offsets that
// fall outside the body are ignored rather than trusted.
func ArticlePieces(body string, claims []*domain.Claim) []TextPiece {
	sorted := slices.Clone(claims)
	slices.SortStableFunc(sorted, func(a, b *domain.Claim) int { return cmp.Compare(a.Start, b.Start) })
	var out []TextPiece
	at := 0
	for _, c := range sorted {
		start, end := max(c.Start, at), c.End
		if start >= end || end > len(body) {
			continue
		}
		if start > at {
			out = append(out, TextPiece{Text: body[at:start]})
		}
		out = append(out, TextPiece{Text: body[start:end], Claim: c, Parts: figureParts(body, c, start, end)})
		at = end
	}
	if at < len(body) {
		out = append(out, TextPiece{Text: body[at:]})
	}
	return out
}

// figureParts splits body[start:end] around the claim's figures, whose
// offsets are relative to the claim's sentence at c.Start.
func figureParts(body string, c *domain.Claim, start, end int) []TextPart {
	var parts []TextPart
	at := start
	for _, f := range c.Figures {
		fs, fe := c.Start+f.Start, c.Start+f.End
		if fs < at || fe > end || fs >= fe {
			continue
		}
		if fs > at {
			parts = append(parts, TextPart{Text: body[at:fs]})
		}
		parts = append(parts, TextPart{Text: body[fs:fe], Figure: true})
		at = fe
	}
	if at < end {
		parts = append(parts, TextPart{Text: body[at:end]})
	}
	return parts
}

// markClass is the highlight's classes by what triage made of the claim.
func markClass(c *domain.Claim) string {
	switch {
	case c.State == domain.StateDismissed:
		return "claim claim-dismissed"
	case c.State != domain.StateCandidate:
		return "claim claim-accepted"
	case c.CheckWorthy:
		return "claim claim-checkworthy"
	}
	return "claim"
}

// scoreAttr is the score in the 0.0–1.0 steps app.css draws bars for.
func scoreAttr(s float64) string { return strconv.FormatFloat(min(max(s, 0), 1), 'f', 2, 64) }

func percent(s float64) string { return fmt.Sprintf("%d%%", int(s*100+0.5)) }

func claimID(c *domain.Claim) string { return strconv.FormatInt(c.ID, 10) }

func figureList(c *domain.Claim) string {
	var out []string
	for _, f := range c.Figures {
		out = append(out, f.Text)
	}
	return strings.Join(out, ", ")
}

// reworded reports whether a reviewer gave the claim its own wording.
func reworded(c *domain.Claim) bool {
	return c.Text != strings.Join(strings.Fields(c.Sentence), " ")
}

func originLabel(o string) string {
	switch o {
	case domain.OriginPaste:
		return "pasted"
	case domain.OriginUpload:
		return "uploaded"
	case domain.OriginURL:
		return "fetched from the web"
	case domain.OriginAPI:
		return "added through the API"
	case domain.OriginDemo:
		return "demo content"
	}
	return o
}

func addedBy(a *domain.Article) string {
	if a.AddedByName == "" {
		return "claimtrail"
	}
	return a.AddedByName
}

// prefixed renames field errors for a form whose inputs carry a prefix, so
// that "title" shows beside "upload-title".
// firstN returns at most the first n items, for lists shown in part.
func firstN[T any](items []T, n int) []T {
	return items[:min(n, len(items))]
}

func moreReasons(n int) string {
	if n == 1 {
		return "1 more reason"
	}
	return itoa(int64(n)) + " more reasons"
}

// scorerName names the claim scorer version that scored an article.
func scorerName(version int64) string {
	if version == 0 {
		return "the base claim scorer"
	}
	return "the newsroom's claim scorer, version " + strconv.FormatInt(version, 10)
}
