package storage

import (
	"context"
	"database/sql"
	"errors"
	"io/fs"
	"sort"
	"strconv"
	"strings"
	"time"

	"claimtrail/domain"
	"claimtrail/migrations"
)

// The dashboard reads counters that triggers (migration 140) keep in step
// with every change, in the change's own transaction: per day and per month,
// per outlet and for all outlets. A period is read as whole months from the
// month rows and the days at either end from the day rows, so the cost
// depends on the length of the period and the number of people and ratings,
// never on the number of claims.

// allOutlets is desk_counts' and desk_states' outlet for every outlet at once.
const allOutlets = " "

// deskMigrations keep the dashboard's tables; each ends with a backfill
// that fills them from the rows already stored.
var deskMigrations = []string{"140_desk_rollups.sql", "142_desk_due.sql", "143_desk_claimants.sql"}

// backfillMarker starts a migration's backfill.
const backfillMarker = "-- The backfill:"

// RebuildDesk recounts the dashboard's counters from the claims, verdicts
// and comments, for a database loaded in bulk around the triggers: it runs
// again the backfill of each migration that keeps them. It records
// "desk.recounted".
func (db *DB) RebuildDesk(ctx context.Context) error {
	var backfills []string
	for _, name := range deskMigrations {
		body, err := fs.ReadFile(migrations.FS, name)
		if err != nil {
			return err
		}
		_, backfill, ok := strings.Cut(string(body), backfillMarker)
		if !ok {
			return errors.New("rebuild desk: no backfill in " + name)
		}
		// The marker's own comment line runs on to the statements.
		backfills = append(backfills, "--"+backfill)
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `DELETE FROM desk_counts; DELETE FROM desk_states; DELETE FROM desk_due;`); err != nil {
		return err
	}
	for _, b := range backfills {
		if _, err := tx.ExecContext(ctx, b); err != nil {
			return err
		}
	}
	var rows int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM desk_counts`).Scan(&rows); err != nil {
		return err
	}
	if err := tx.audit(ctx, "desk.recounted", "desk", 0, nil, map[string]int{"counters": rows}); err != nil {
		return err
	}
	return tx.Commit()
}

// deskSpan splits a period into the days at its ends and the whole months
// between, as ranges of desk_counts.period.
type deskSpan struct {
	ranges [][2]string
}

func spanOf(from, to time.Time) deskSpan {
	day := func(t time.Time) string { return t.Format("2006-01-02") }
	month := func(t time.Time) string { return "M" + t.Format("2006-01") }
	firstFull := time.Date(from.Year(), from.Month(), 1, 0, 0, 0, 0, time.UTC)
	if !firstFull.Equal(from) {
		firstFull = firstFull.AddDate(0, 1, 0)
	}
	lastFullEnd := time.Date(to.Year(), to.Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, 1, -1) // last day of to's month
	if !lastFullEnd.Equal(to) {
		lastFullEnd = time.Date(to.Year(), to.Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, -1)
	}
	var s deskSpan
	if firstFull.After(lastFullEnd) {
		// No whole month inside: days only.
		s.ranges = append(s.ranges, [2]string{day(from), day(to)})
		return s
	}
	if from.Before(firstFull) {
		s.ranges = append(s.ranges, [2]string{day(from), day(firstFull.AddDate(0, 0, -1))})
	}
	s.ranges = append(s.ranges, [2]string{month(firstFull), month(lastFullEnd)})
	if to.After(lastFullEnd) {
		s.ranges = append(s.ranges, [2]string{day(lastFullEnd.AddDate(0, 0, 1)), day(to)})
	}
	return s
}

// periods lists every day and month of the span, as desk_counts.period.
func (s deskSpan) periods() []any {
	var out []any
	for _, rg := range s.ranges {
		if strings.HasPrefix(rg[0], "M") {
			from, _ := time.Parse("2006-01", rg[0][1:])
			to, _ := time.Parse("2006-01", rg[1][1:])
			for t := from; !t.After(to); t = t.AddDate(0, 1, 0) {
				out = append(out, "M"+t.Format("2006-01"))
			}
			continue
		}
		from, _ := time.Parse("2006-01-02", rg[0])
		to, _ := time.Parse("2006-01-02", rg[1])
		for t := from; !t.After(to); t = t.AddDate(0, 0, 1) {
			out = append(out, t.Format("2006-01-02"))
		}
	}
	return out
}

// deskSeries are the metrics drawn day by day.
var deskSeries = []string{"added", "accepted", "approved", "dismissed"}

// deskTotals are the metrics summed over the period by key.
var deskTotals = []string{"returned", "reopened", "submitted", "returned_to", "approved_by", "approved_for", "rating",
	"returns", "queued_to_approved", "submitted_to_approved", "claimant"}

// Desk reads the dashboard for a period and, optionally, one outlet.
func (db *DB) Desk(ctx context.Context, f domain.DeskFilter) (*domain.Desk, error) {
	tx, err := db.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	outlet := allOutlets
	if f.Outlet != "" {
		outlet = f.Outlet
	}
	d := &domain.Desk{Filter: f, Now: tx.now, States: map[domain.ClaimState]int{}}

	// Day by day.
	index := map[string]int{}
	for t := f.From; !t.After(f.To); t = t.AddDate(0, 0, 1) {
		index[t.Format("2006-01-02")] = len(d.Days)
		d.Days = append(d.Days, domain.DeskDay{Day: t})
	}
	err = eachRow(ctx, tx, func(r scanner) error {
		var metric, period string
		var n int
		if err := r.Scan(&metric, &period, &n); err != nil {
			return err
		}
		i, ok := index[period]
		if !ok {
			return nil
		}
		day := &d.Days[i]
		switch metric {
		case "added":
			day.Added += n
			d.Added += n
		case "accepted":
			day.Accepted += n
			d.Accepted += n
		case "approved":
			day.Approved += n
			d.Approved += n
		case "dismissed":
			day.Dismissed += n
			d.Dismissed += n
		}
		return nil
	}, `SELECT metric, period, n FROM desk_counts WHERE outlet = ? AND metric IN (`+placeholders(len(deskSeries))+`)
		AND period BETWEEN ? AND ?`, append(append([]any{outlet}, anySlice(deskSeries)...), f.From.Format("2006-01-02"), f.To.Format("2006-01-02"))...)
	if err != nil {
		return nil, err
	}

	// Totals by key over the period.
	totals := map[string]map[string]int{}
	for _, m := range deskTotals {
		totals[m] = map[string]int{}
	}
	for _, rg := range spanOf(f.From, f.To).ranges {
		err = eachRow(ctx, tx, func(r scanner) error {
			var metric, key string
			var n int
			if err := r.Scan(&metric, &key, &n); err != nil {
				return err
			}
			totals[metric][key] += n
			return nil
		}, `SELECT metric, key, n FROM desk_counts WHERE outlet = ? AND metric IN (`+placeholders(len(deskTotals))+`)
			AND period BETWEEN ? AND ?`, append(append([]any{outlet}, anySlice(deskTotals)...), rg[0], rg[1])...)
		if err != nil {
			return nil, err
		}
	}
	d.Returned = sumValues(totals["returned"])
	d.Reopened = sumValues(totals["reopened"])
	for k, n := range totals["returns"] {
		i, _ := strconv.Atoi(strings.TrimSuffix(k, "+"))
		d.Returns[min(max(i, 0), 3)] += n
	}
	d.QueuedToApproved = domain.ApprovalTimes(buckets(totals["queued_to_approved"]))
	d.SubmittedToApproved = domain.ApprovalTimes(buckets(totals["submitted_to_approved"]))

	if err := readDeskRatings(ctx, tx, d, totals); err != nil {
		return nil, err
	}
	if err := readDeskPeople(ctx, tx, d, totals); err != nil {
		return nil, err
	}
	if err := readDeskMixes(ctx, tx, d, f, totals); err != nil {
		return nil, err
	}
	if err := readDeskQueue(ctx, tx, d, outlet); err != nil {
		return nil, err
	}
	d.Outlets, err = queryAll(ctx, tx, scanValue[string],
		`SELECT outlet FROM desk_states WHERE outlet NOT IN (' ', '') GROUP BY outlet HAVING sum(n) > 0 ORDER BY outlet COLLATE NOCASE, outlet LIMIT 500`)
	if err != nil {
		return nil, err
	}
	return d, nil
}

func readDeskRatings(ctx context.Context, tx *Tx, d *domain.Desk, totals map[string]map[string]int) error {
	var err error
	d.Ratings, err = ratingCounts(ctx, tx, totals["rating"])
	return err
}

// readDeskPeople names the reviewers and editors who did anything in the
// period, busiest first.
func readDeskPeople(ctx context.Context, tx *Tx, d *domain.Desk, totals map[string]map[string]int) error {
	reviewers, editors := map[int64]*domain.PersonWork{}, map[int64]*domain.PersonWork{}
	add := func(people map[int64]*domain.PersonWork, metric string, field func(*domain.PersonWork) *int) {
		for k, n := range totals[metric] {
			id, err := strconv.ParseInt(k, 10, 64)
			if err != nil || id == 0 {
				continue
			}
			p := people[id]
			if p == nil {
				p = &domain.PersonWork{UserID: id}
				people[id] = p
			}
			*field(p) += n
		}
	}
	add(reviewers, "submitted", func(p *domain.PersonWork) *int { return &p.Submitted })
	add(reviewers, "approved_for", func(p *domain.PersonWork) *int { return &p.Approved })
	add(reviewers, "returned_to", func(p *domain.PersonWork) *int { return &p.Returned })
	add(editors, "approved_by", func(p *domain.PersonWork) *int { return &p.Approved })
	add(editors, "returned", func(p *domain.PersonWork) *int { return &p.Returned })
	for _, people := range []map[int64]*domain.PersonWork{reviewers, editors} {
		for id, p := range people {
			err := tx.QueryRowContext(ctx, `SELECT name FROM users WHERE id = ?`, id).Scan(&p.Name)
			if err != nil && !errors.Is(err, sql.ErrNoRows) {
				return err
			}
		}
	}
	d.Reviewers, d.Editors = busiest(reviewers), busiest(editors)
	return nil
}

func busiest(people map[int64]*domain.PersonWork) []domain.PersonWork {
	out := make([]domain.PersonWork, 0, len(people))
	for _, p := range people {
		out = append(out, *p)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if x, y := a.Submitted+a.Approved+a.Returned, b.Submitted+b.Approved+b.Returned; x != y {
			return x > y
		}
		if a.Name != b.Name {
			return a.Name < b.Name
		}
		return a.UserID < b.UserID
	})
	return out
}

// deskTop is how many outlets and claimants the dashboard ranks.
const deskTop = 10

// readDeskMixes ranks outlets and claimants by their approved verdicts in
// the period, with each one's rating mix.
func readDeskMixes(ctx context.Context, tx *Tx, d *domain.Desk, f domain.DeskFilter, totals map[string]map[string]int) error {
	pos := map[string]int{}
	for i, r := range d.Ratings {
		pos[strconv.FormatInt(r.RatingID, 10)] = i
	}
	// Claimants: ranked by their count by name, then the rating mix of the
	// top ten read from "claimant_rating" (name, unit separator, rating
	// id), each name's rows found by seeking every period of the span.
	var ranked []domain.RatingMix
	for name, n := range totals["claimant"] {
		if n > 0 && name != "" {
			ranked = append(ranked, domain.RatingMix{Name: name, Total: n, ByRating: make([]int, len(d.Ratings))})
		}
	}
	sort.Slice(ranked, func(i, j int) bool {
		if ranked[i].Total != ranked[j].Total {
			return ranked[i].Total > ranked[j].Total
		}
		return ranked[i].Name < ranked[j].Name
	})
	ranked = ranked[:min(len(ranked), deskTop)]
	periods := spanOf(f.From, f.To).periods()
	outlet := allOutlets
	if f.Outlet != "" {
		outlet = f.Outlet
	}
	for i := range ranked {
		m := &ranked[i]
		args := append([]any{outlet}, periods...)
		args = append(args, m.Name+"\x1f", m.Name+"\x20")
		err := eachRow(ctx, tx, func(r scanner) error {
			var key string
			var n int
			if err := r.Scan(&key, &n); err != nil {
				return err
			}
			_, rating, _ := strings.Cut(key, "\x1f")
			if j, ok := pos[rating]; ok {
				m.ByRating[j] += n
			}
			return nil
		}, `SELECT key, n FROM desk_counts WHERE outlet = ? AND metric = 'claimant_rating'
			AND period IN (`+placeholders(len(periods))+`) AND key >= ? AND key < ?`, args...)
		if err != nil {
			return err
		}
	}
	d.TopClaimants = ranked

	// Outlets: the "rating" metric per outlet.
	byOutlet := map[string]*domain.RatingMix{}
	for _, rg := range spanOf(f.From, f.To).ranges {
		err := eachRow(ctx, tx, func(r scanner) error {
			var outlet, rating string
			var n int
			if err := r.Scan(&outlet, &rating, &n); err != nil {
				return err
			}
			m := byOutlet[outlet]
			if m == nil {
				m = &domain.RatingMix{Name: outlet, ByRating: make([]int, len(d.Ratings))}
				byOutlet[outlet] = m
			}
			m.Total += n
			if i, ok := pos[rating]; ok {
				m.ByRating[i] += n
			}
			return nil
		}, `SELECT s.outlet, c.key, sum(c.n) FROM (SELECT DISTINCT outlet FROM desk_states WHERE outlet <> ' ') s
			JOIN desk_counts c ON c.outlet = s.outlet AND c.metric = 'rating' AND c.period BETWEEN ? AND ?
			WHERE ? = '' OR s.outlet = ? GROUP BY s.outlet, c.key`, rg[0], rg[1], f.Outlet, f.Outlet)
		if err != nil {
			return err
		}
	}
	d.TopOutlets = topMixes(byOutlet)
	return nil
}

func topMixes(m map[string]*domain.RatingMix) []domain.RatingMix {
	out := make([]domain.RatingMix, 0, len(m))
	for _, x := range m {
		if x.Total > 0 {
			out = append(out, *x)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Total != out[j].Total {
			return out[i].Total > out[j].Total
		}
		return out[i].Name < out[j].Name
	})
	return out[:min(len(out), deskTop)]
}

// readDeskQueue reads the queue as it stands: claims by state, the oldest
// waiting and those overdue.
func readDeskQueue(ctx context.Context, tx *Tx, d *domain.Desk, outlet string) error {
	err := eachRow(ctx, tx, func(r scanner) error {
		var state string
		var n int
		if err := r.Scan(&state, &n); err != nil {
			return err
		}
		if n != 0 {
			d.States[domain.ClaimState(state)] = n
		}
		return nil
	}, `SELECT state, n FROM desk_states WHERE outlet = ?`, outlet)
	if err != nil {
		return err
	}
	if d.States[domain.StateQueued] > 0 {
		// Walk the waiting claims oldest first until one is from the outlet.
		var oldest sql.NullString
		q := `SELECT queued_at FROM claims INDEXED BY claims_waiting WHERE state = 'queued' ORDER BY queued_at LIMIT 1`
		args := []any{}
		if outlet != allOutlets {
			q = `SELECT c.queued_at FROM claims c INDEXED BY claims_waiting WHERE c.state = 'queued'
				AND (SELECT outlet FROM articles WHERE id = c.article_id) = ? ORDER BY c.queued_at LIMIT 1`
			args = append(args, outlet)
		}
		if err := tx.QueryRowContext(ctx, q, args...).Scan(&oldest); err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		d.OldestWaiting = parseNullTime(oldest)
	}
	q := `SELECT count(*) FROM claims INDEXED BY claims_open_due
		WHERE state IN ('queued', 'in_review', 'submitted') AND due_at IS NOT NULL AND due_at < ?`
	args := []any{formatTime(tx.now)}
	if outlet != allOutlets {
		q, args = `SELECT count(*) FROM desk_due WHERE outlet = ? AND due_at < ?`, []any{outlet, formatTime(tx.now)}
	}
	return tx.QueryRowContext(ctx, q, args...).Scan(&d.Overdue)
}

func buckets(m map[string]int) map[int]int {
	out := map[int]int{}
	for k, n := range m {
		if b, err := strconv.Atoi(k); err == nil {
			out[b] += n
		}
	}
	return out
}

func sumValues(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

func anySlice(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

// eachRow runs q and calls scan for each row.
func eachRow(ctx context.Context, tx *Tx, scan func(scanner) error, q string, args ...any) error {
	rows, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}
