// Package csvexport writes checked claims as CSV — the stable, documented
// columns of docs/export.md — and reads export filters from a query string.
// Storage yields the rows; the web page, the JSON API and the CLI format
// them through this one package.
package csvexport

import (
	"bufio"
	"encoding/csv"
	"io"
	"net/url"
	"strconv"
	"strings"
	"time"

	"claimtrail/domain"
	"claimtrail/storage"
)

// Columns is the header row. It is a contract with the newsroom's
// spreadsheets and scripts: add columns at the end, never rename or reorder.
var Columns = []string{
	"claim_id", "claim", "claimant", "claim_type", "figures", "article_title", "article_url", "outlet",
	"article_published_at", "rating", "rating_value", "conclusion", "explanation", "sources", "reviewer",
	"editor", "submitted_at", "approved_at", "state", "claim_url",
}

// bom is the UTF-8 byte-order mark; Excel needs it to read UTF-8.
const bom = "\uFEFF"

// Options change how a CSV export is written.
type Options struct {
	BOM     bool   // start with a UTF-8 byte-order mark, for Excel
	BaseURL string // site address for claim_url, without a trailing slash; "" gives a path
}

// Writer writes export rows as CSV through one buffer, reusing a single
// record slice, so that an export of any size allocates about the same.
type Writer struct {
	buf  *bufio.Writer
	csv  *csv.Writer
	opts Options
	rec  []string
	num  []byte
}

// NewWriter returns a Writer on w. Call WriteHeader first and Flush last.
func NewWriter(w io.Writer, opts Options) *Writer {
	buf := bufio.NewWriterSize(w, 64<<10)
	opts.BaseURL = strings.TrimRight(opts.BaseURL, "/")
	// csv.NewWriter reuses buf rather than wrapping it in another buffer.
	return &Writer{buf: buf, csv: csv.NewWriter(buf), opts: opts, rec: make([]string, len(Columns))}
}

// WriteHeader writes the byte-order mark, if asked for, and the header row.
func (w *Writer) WriteHeader() error {
	if w.opts.BOM {
		if _, err := w.buf.WriteString(bom); err != nil {
			return err
		}
	}
	return w.csv.Write(Columns)
}

// Write writes one claim. Text cells are neutralised against formula
// injection; ids, numbers, times and states are written as they are.
func (w *Writer) Write(r *storage.ExportRow) error {
	rec := w.rec
	rec[0] = strconv.FormatInt(r.ClaimID, 10)
	rec[1] = Neutralise(r.Claim)
	rec[2] = Neutralise(r.Claimant)
	rec[3] = string(r.ClaimType)
	rec[4] = Neutralise(r.Figures)
	rec[5] = Neutralise(r.ArticleTitle)
	rec[6] = Neutralise(r.ArticleURL)
	rec[7] = Neutralise(r.Outlet)
	rec[8] = timestamp(r.ArticlePublishedAt)
	rec[9] = Neutralise(r.Rating)
	rec[10] = ""
	if r.HasRating {
		rec[10] = strconv.FormatFloat(r.RatingValue, 'f', -1, 64)
	}
	rec[11] = Neutralise(r.Conclusion)
	rec[12] = Neutralise(r.Explanation)
	rec[13] = Neutralise(r.Sources)
	rec[14] = Neutralise(r.Reviewer)
	rec[15] = Neutralise(r.Editor)
	rec[16] = timestamp(r.SubmittedAt)
	rec[17] = timestamp(r.ApprovedAt)
	rec[18] = string(r.State)
	rec[19] = ClaimURL(w.opts.BaseURL, r.ClaimID, r.State)
	return w.csv.Write(rec)
}

// Flush writes out everything buffered.
func (w *Writer) Flush() error {
	w.csv.Flush()
	if err := w.csv.Error(); err != nil {
		return err
	}
	return w.buf.Flush()
}

// ClaimURL is where a claim lives: its public page once approved, otherwise
// its page inside claimtrail (which needs a sign-in).
func ClaimURL(base string, id int64, state domain.ClaimState) string {
	if state == domain.StateApproved {
		return base + "/checks/" + strconv.FormatInt(id, 10)
	}
	return base + "/claims/" + strconv.FormatInt(id, 10)
}

func timestamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// Neutralise keeps a spreadsheet from running a text cell as a formula: a
// cell starting with =, +, -, @, tab or carriage return gets a leading
// single quote, which spreadsheets show as text.
func Neutralise(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	return s
}

// ParseFilter reads export filters from a query string, as the export page,
// the JSON API and the CLI give them: since and until (YYYY-MM-DD, both
// inclusive, on the approval date in UTC), rating, outlet, reviewer and
// editor (email), claim_type and state (default approved; "all" for any).
// A malformed value is an EINVALID error naming the field; a well-formed
// value that matches nothing (an unknown rating or outlet) is not an
// error — it just selects no rows.
func ParseFilter(q url.Values) (storage.ExportFilter, error) {
	f := storage.ExportFilter{
		Rating:   strings.TrimSpace(q.Get("rating")),
		Outlet:   strings.TrimSpace(q.Get("outlet")),
		Reviewer: strings.TrimSpace(q.Get("reviewer")),
		Editor:   strings.TrimSpace(q.Get("editor")),
	}
	e := &domain.Error{Code: domain.EINVALID, Message: "Some of the export filters need fixing.", Fields: map[string]string{}}
	var err error
	if f.ApprovedSince, err = parseDay(q.Get("since")); err != nil {
		e.Fields["since"] = "Enter the first approval date like 2025-02-23."
	}
	if f.ApprovedUntil, err = parseDay(q.Get("until")); err != nil {
		e.Fields["until"] = "Enter the last approval date like 2025-02-23."
	} else if !f.ApprovedUntil.IsZero() {
		f.ApprovedUntil = f.ApprovedUntil.AddDate(0, 0, 1) // "until" includes that whole day
	}
	if e.Fields["since"] == "" && e.Fields["until"] == "" && !f.ApprovedSince.IsZero() && !f.ApprovedUntil.IsZero() && !f.ApprovedSince.Before(f.ApprovedUntil) {
		e.Fields["until"] = "The last approval date must not be before the first."
	}
	if t := strings.TrimSpace(q.Get("claim_type")); t != "" {
		if f.ClaimType = domain.ClaimType(t); !f.ClaimType.Valid() {
			e.Fields["claim_type"] = "Choose one of the claim types."
		}
	}
	switch s := strings.TrimSpace(q.Get("state")); s {
	case "":
		f.State = domain.StateApproved
	case string(storage.ExportAllStates):
		f.State = storage.ExportAllStates
	default:
		if f.State = domain.ClaimState(s); !f.State.Valid() {
			e.Fields["state"] = "Choose one of the states, or all."
		}
	}
	for name, v := range map[string]string{"rating": f.Rating, "outlet": f.Outlet, "reviewer": f.Reviewer, "editor": f.Editor} {
		if len(v) > 300 {
			e.Fields[name] = "This filter is too long."
		}
	}
	if len(e.Fields) > 0 {
		return f, e
	}
	return f, nil
}

func parseDay(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		return t, err
	}
	return t, domain.CheckDate("date", t)
}
