package storage

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"claimtrail/domain"
)

// ExportAllStates is the ExportFilter.State that exports claims in every state.
const ExportAllStates domain.ClaimState = "all"

// ExportFilter selects the claims of a CSV export. The zero value exports
// every approved claim.
type ExportFilter struct {
	ApprovedSince time.Time // approved at or after this instant
	ApprovedUntil time.Time // approved before this instant
	Rating        string    // rating name, exactly
	Outlet        string    // article outlet, exactly
	Reviewer      string    // email of the verdict's author
	Editor        string    // email of the editor who approved it
	ClaimType     domain.ClaimType
	State         domain.ClaimState // "" means approved; ExportAllStates means any
}

// exportFilterRecord is what the audit log records of an export's filters.
type exportFilterRecord struct {
	ApprovedSince string `json:"approved_since,omitempty"`
	ApprovedUntil string `json:"approved_until,omitempty"`
	Rating        string `json:"rating,omitempty"`
	Outlet        string `json:"outlet,omitempty"`
	Reviewer      string `json:"reviewer,omitempty"`
	Editor        string `json:"editor,omitempty"`
	ClaimType     string `json:"claim_type,omitempty"`
	State         string `json:"state"`
}

func (f ExportFilter) record() exportFilterRecord {
	r := exportFilterRecord{Rating: f.Rating, Outlet: f.Outlet, Reviewer: f.Reviewer, Editor: f.Editor,
		ClaimType: string(f.ClaimType), State: string(f.state())}
	if !f.ApprovedSince.IsZero() {
		r.ApprovedSince = f.ApprovedSince.UTC().Format(time.RFC3339)
	}
	if !f.ApprovedUntil.IsZero() {
		r.ApprovedUntil = f.ApprovedUntil.UTC().Format(time.RFC3339)
	}
	return r
}

func (f ExportFilter) state() domain.ClaimState {
	if f.State == "" {
		return domain.StateApproved
	}
	return f.State
}

// ExportRow is one claim as exported. ExportClaims reuses a single row for
// every call of its callback, so keep nothing from it past the call.
type ExportRow struct {
	ClaimID            int64
	Claim              string
	Claimant           string
	ClaimType          domain.ClaimType
	Figures            string // each figure's text, one per line
	ArticleTitle       string
	ArticleURL         string
	Outlet             string
	ArticlePublishedAt time.Time
	Rating             string
	RatingValue        float64
	HasRating          bool
	Conclusion         string
	Explanation        string
	Sources            string // "title — url", one per line, in the verdict's order
	Reviewer           string // name of the verdict's author
	Editor             string // name of the approving editor
	SubmittedAt        time.Time
	ApprovedAt         time.Time
	State              domain.ClaimState
}

// ExportQuery is the one SELECT behind a CSV export, without its WHERE
// clause. SQLite does the joins and aggregates sources and figures itself,
// so each claim costs Go one row scan. bench/export.sh runs the same text
// in the sqlite3 shell for comparison.
const ExportQuery = `SELECT c.id, c.text, c.claimant, c.type,
	CASE WHEN c.figures = '[]' THEN '' ELSE
		coalesce((SELECT group_concat(json_extract(f.value, '$.text'), char(10)) FROM json_each(c.figures) f), '') END,
	a.title, a.url, a.outlet, coalesce(a.published_at, ''),
	coalesce(r.name, ''), r.value, coalesce(v.conclusion, ''), coalesce(v.explanation, ''),
	coalesce((SELECT group_concat(s.title || ' — ' || s.url, char(10))
		FROM (SELECT title, url FROM sources WHERE claim_id = c.id ORDER BY position, id) s), ''),
	coalesce(rv.name, ''), coalesce(ed.name, ''), coalesce(v.submitted_at, ''), coalesce(v.approved_at, ''), c.state
FROM claims c
JOIN articles a ON a.id = c.article_id
LEFT JOIN verdicts v ON v.claim_id = c.id
LEFT JOIN ratings r ON r.id = v.rating_id
LEFT JOIN users rv ON rv.id = coalesce(v.author_id, v.submitted_by)
LEFT JOIN users ed ON ed.id = v.approved_by`

// exportWhere builds the WHERE clause for f. The unary + on each column
// keeps SQLite from driving the query through an index that would then need
// a sort: rows come out in claim id order straight from the
// table, so even a million-row export holds one row in memory at a time.
func exportWhere(f ExportFilter) (string, []any) {
	var where []string
	var args []any
	add := func(cond string, arg any) { where, args = append(where, cond), append(args, arg) }
	if s := f.state(); s != ExportAllStates {
		add(`+c.state = ?`, string(s))
	}
	if !f.ApprovedSince.IsZero() {
		add(`+v.approved_at >= ?`, formatTime(f.ApprovedSince))
	}
	if !f.ApprovedUntil.IsZero() {
		add(`+v.approved_at < ?`, formatTime(f.ApprovedUntil))
	}
	// Lookups by name become one-off scalar subqueries, so that no filter
	// tempts the planner into driving the join from another table.
	if f.Rating != "" {
		add(`+v.rating_id = (SELECT id FROM ratings WHERE name = ?)`, f.Rating)
	}
	if f.Outlet != "" {
		add(`+a.outlet = ?`, f.Outlet)
	}
	if f.Reviewer != "" {
		add(`+coalesce(v.author_id, v.submitted_by) = (SELECT id FROM users WHERE email = ?)`, strings.ToLower(f.Reviewer))
	}
	if f.Editor != "" {
		add(`+v.approved_by = (SELECT id FROM users WHERE email = ?)`, strings.ToLower(f.Editor))
	}
	if f.ClaimType != "" {
		add(`+c.type = ?`, string(f.ClaimType))
	}
	if len(where) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(where, " AND "), args
}

// ExportClaims streams the claims matching f, in claim id order, to fn, one
// reused row at a time, from a single read snapshot; fn returning an error
// stops the export. Afterwards — even when it stopped early — the export is
// recorded in the audit log as "export.csv" with its filters and row count,
// in its own write transaction. It returns the number of rows given to fn.
func (db *DB) ExportClaims(ctx context.Context, f ExportFilter, fn func(*ExportRow) error) (int, error) {
	n, err := db.streamExport(ctx, f, fn)
	// The audit must be written even if the client went away mid-stream.
	actx := context.WithoutCancel(ctx)
	if aerr := db.recordExport(actx, "export.csv", f.record(), n, err == nil); aerr != nil && err == nil {
		err = aerr
	}
	return n, err
}

// exportBatch is how many rows the reader hands the writer at a time.
const exportBatch = 256

// streamExport runs the export query in one read snapshot. SQLite steps
// through the rows on one goroutine while fn formats them on another, so
// that an export uses two cores; three batches of rows circulate between
// them, so memory stays flat however many rows there are.
func (db *DB) streamExport(ctx context.Context, f ExportFilter, fn func(*ExportRow) error) (int, error) {
	tx, err := db.beginStream(ctx) // fn writes to a client, which may stall
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	where, args := exportWhere(f)
	rows, err := tx.QueryContext(ctx, ExportQuery+where+` ORDER BY c.id`, args...)
	if err != nil {
		return 0, fmt.Errorf("export query: %w", err)
	}
	defer rows.Close()

	free := make(chan []ExportRow, 3)
	full := make(chan []ExportRow, 3)
	for range cap(free) {
		free <- make([]ExportRow, 0, exportBatch)
	}
	stop := make(chan struct{})
	readErr := make(chan error, 1)
	go func() {
		defer close(full)
		readErr <- readExportRows(rows, free, full, stop)
	}()

	n := 0
	var fnErr error
	for batch := range full {
		for i := range batch {
			if fnErr == nil {
				if fnErr = fn(&batch[i]); fnErr == nil {
					n++
				} else {
					close(stop)
				}
			}
		}
		free <- batch[:0]
	}
	if fnErr != nil {
		return n, fnErr
	}
	return n, <-readErr
}

// readExportRows scans rows into batches taken from free and sends them on
// full, until the rows end or stop is closed.
func readExportRows(rows *sql.Rows, free, full chan []ExportRow, stop chan struct{}) error {
	var row ExportRow
	var published, submitted, approved string
	var value sql.NullFloat64
	dest := []any{&row.ClaimID, &row.Claim, &row.Claimant, &row.ClaimType, &row.Figures,
		&row.ArticleTitle, &row.ArticleURL, &row.Outlet, &published,
		&row.Rating, &value, &row.Conclusion, &row.Explanation, &row.Sources,
		&row.Reviewer, &row.Editor, &submitted, &approved, &row.State}
	var batch []ExportRow
	for rows.Next() {
		if batch == nil {
			select {
			case <-stop:
				return nil
			default:
			}
			batch = <-free
		}
		if err := rows.Scan(dest...); err != nil {
			return err
		}
		row.ArticlePublishedAt = parseOptionalTime(published)
		row.SubmittedAt = parseOptionalTime(submitted)
		row.ApprovedAt = parseOptionalTime(approved)
		row.RatingValue, row.HasRating = value.Float64, value.Valid
		batch = append(batch, row)
		if len(batch) == cap(batch) {
			full <- batch
			batch = nil
		}
	}
	if len(batch) > 0 {
		full <- batch
	}
	return rows.Err()
}

func parseOptionalTime(s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	if t, ok := parseStoredTime(s); ok {
		return t
	}
	return parseTime(s)
}

// parseStoredTime reads timeLayout (2006-01-02T15:04:05.000000Z) digit by
// digit: a million-row export parses three million of them.
func parseStoredTime(s string) (time.Time, bool) {
	if len(s) != len(timeLayout) || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':' || s[19] != '.' || s[26] != 'Z' {
		return time.Time{}, false
	}
	num := func(from, to int) (int, bool) {
		n := 0
		for i := from; i < to; i++ {
			c := s[i]
			if c < '0' || c > '9' {
				return 0, false
			}
			n = n*10 + int(c-'0')
		}
		return n, true
	}
	var v [7]int
	for i, span := range [7][2]int{{0, 4}, {5, 7}, {8, 10}, {11, 13}, {14, 16}, {17, 19}, {20, 26}} {
		var ok bool
		if v[i], ok = num(span[0], span[1]); !ok {
			return time.Time{}, false
		}
	}
	if v[1] < 1 || v[1] > 12 || v[2] < 1 || v[2] > 31 || v[3] > 23 || v[4] > 59 || v[5] > 59 {
		return time.Time{}, false
	}
	return time.Date(v[0], time.Month(v[1]), v[2], v[3], v[4], v[5], v[6]*1000, time.UTC), true
}

// exportRecord is what the audit log records of an export.
type exportRecord struct {
	Filters  any  `json:"filters"`
	Rows     int  `json:"rows"`
	Complete bool `json:"complete"`
}

// recordExport writes an export's audit event: who (the actor), what
// (filters) and how much (rows), and whether it ran to the end.
func (db *DB) recordExport(ctx context.Context, action string, filters any, rows int, complete bool) error {
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := tx.audit(ctx, action, "export", 0, nil, exportRecord{Filters: filters, Rows: rows, Complete: complete}); err != nil {
		return err
	}
	return tx.Commit()
}

// RecordClaimReviewExport audits a bulk ClaimReview export made outside the
// public feed (the CLI), with the number of checks written.
func (db *DB) RecordClaimReviewExport(ctx context.Context, rows int, complete bool) error {
	return db.recordExport(ctx, "export.claimreview", struct{}{}, rows, complete)
}

// ExportOptions lists the values the export page offers as filters.
type ExportOptions struct {
	Ratings []string
	Outlets []string
	Users   []*domain.User
}

// ExportFilterOptions returns the ratings, outlets and people to offer as
// export filters.
func (db *DB) ExportFilterOptions(ctx context.Context) (*ExportOptions, error) {
	tx, err := db.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	var out ExportOptions
	if out.Ratings, err = queryAll(ctx, tx, scanValue[string], `SELECT name FROM ratings ORDER BY position, id`); err != nil {
		return nil, err
	}
	if out.Outlets, err = listOutlets(ctx, tx); err != nil {
		return nil, err
	}
	if out.Users, err = queryAll(ctx, tx, scanUser, `SELECT `+userColumns+` FROM users ORDER BY name COLLATE NOCASE, id`); err != nil {
		return nil, err
	}
	return &out, nil
}
