package storage

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"io/fs"
	"slices"
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

// deskChangesMigration makes desk_changes and the trigger that keeps it.
const deskChangesMigration = "215_desk_changes.sql"

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
	// The recount moves desk_changes' epoch, which ends every kept day and
	// month at once; counting each recounted row's day as well would only
	// slow the recount, so that trigger is set aside meanwhile, in the
	// same transaction, and made again from its migration's text.
	body, err := fs.ReadFile(migrations.FS, deskChangesMigration)
	if err != nil {
		return err
	}
	_, trigger, ok := strings.Cut(string(body), "CREATE TRIGGER desk_changes_event")
	if !ok {
		return errors.New("rebuild desk: no trigger in " + deskChangesMigration)
	}
	trigger = "CREATE TRIGGER desk_changes_event" + trigger
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `DROP TRIGGER desk_changes_event`); err != nil {
		return err
	}
	// A new epoch of desk_changes (migration 215) ends every day and month
	// kept in memory: the counters are written here around desk_event.
	if _, err := tx.ExecContext(ctx, `DELETE FROM desk_counts; DELETE FROM desk_pending; DELETE FROM desk_states; DELETE FROM desk_due;
		UPDATE desk_generation SET n = n + 1;
		INSERT INTO desk_changes (period, n) VALUES ('', 1) ON CONFLICT (period) DO UPDATE SET n = n + 1;`); err != nil {
		return err
	}
	for _, b := range backfills {
		if _, err := tx.ExecContext(ctx, b); err != nil {
			return err
		}
		// The events counted go to desk_pending (migration 500); a later
		// backfill reads desk_counts.
		if err := foldAllDesk(ctx, tx); err != nil {
			return err
		}
	}
	if _, err := tx.ExecContext(ctx, trigger); err != nil {
		return err
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

// deskSpan is one term of a period's cover (coverOf): a month's counter
// row (through 0) or the month's days 1 to through, summed in memory from
// the day rows (deskParts.prefix), counted in (sign 1) or taken away (-1).
type deskSpan struct {
	month   time.Time // the month's first day
	through int
	sign    int
}

// coverOf covers a period with month rows and months' first days: a month
// the period covers whole from its row, but the month of today from its
// days (every change moves today's counters and the month's row, and only
// today's then need reading again); a month it covers in part as its
// first days up to the period's last day in it (or its row, when the
// period runs to the month's end) less its days before the period's first.
// So a 28-day period is two or three terms, however many days it has.
func coverOf(from, to, today time.Time) []deskSpan {
	var out []deskSpan
	for m := time.Date(from.Year(), from.Month(), 1, 0, 0, 0, 0, time.UTC); !m.After(to); m = m.AddDate(0, 1, 0) {
		last := m.AddDate(0, 1, -1)
		hi := last
		if to.Before(hi) {
			hi = to
		}
		if hi.Equal(last) && (today.Before(m) || today.After(last)) {
			out = append(out, deskSpan{m, 0, 1})
		} else {
			out = append(out, deskSpan{m, hi.Day(), 1})
		}
		if from.After(m) {
			out = append(out, deskSpan{m, from.Day() - 1, -1})
		}
	}
	return out
}

// deskSeries are the metrics drawn day by day.
var deskSeries = []string{"added", "accepted", "approved", "dismissed"}

// deskTotals are the metrics summed over the period by key.
var deskTotals = [...]string{"returned", "reopened", "submitted", "returned_to", "approved_by", "approved_for", "rating",
	"returns", "queued_to_approved", "submitted_to_approved", "claimant"}

// Desk reads the dashboard for a period and, optionally, one outlet. A
// dashboard read lately for the same filter is handed out again while
// nothing it counts has changed (deskCache). The period is whole UTC days:
// its ends are read as the UTC days they fall on, whatever their time of
// day or zone (the sums by month and day, coverOf, take them as midnights).
func (db *DB) Desk(ctx context.Context, f domain.DeskFilter) (*domain.Desk, error) {
	f.From, f.To = domain.Day(f.From), domain.Day(f.To)
	tx, err := db.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	var gen int64
	if err := tx.QueryRowContext(ctx, `SELECT n FROM desk_generation WHERE id = 1`).Scan(&gen); err != nil {
		return nil, err
	}
	e, mine := db.desks.lookup(keyOf(f), gen, tx.now)
	if !mine {
		select {
		case <-e.ready:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		if e.err == nil {
			d := cloneDesk(e.desk)
			d.Now = tx.now
			return d, nil
		}
		// The other reading failed: read it here.
	}
	d, until, err := readDesk(ctx, tx, f, &db.deskParts, gen)
	if d != nil {
		d.Generation = gen
	}
	if mine {
		var kept *domain.Desk
		if err == nil {
			kept = cloneDesk(d)
		}
		db.desks.done(e, kept, until, err)
	}
	return d, err
}

// readDesk reads the dashboard at desk generation gen, and when the
// overdue count will next change by the clock alone: the next open claim's
// due date (zero when there is none). The period's figures are summed from
// the month rows and months' first days that cover it (coverOf), each kept
// in memory (deskParts) while its counters stand; the queue as it stands is
// kept for the generation.
func readDesk(ctx context.Context, tx *Tx, f domain.DeskFilter, kept *deskParts, gen int64) (*domain.Desk, time.Time, error) {
	outlet := allOutlets
	if f.Outlet != "" {
		outlet = f.Outlet
	}
	d := &domain.Desk{Filter: f, Now: tx.now, States: map[domain.ClaimState]int{}}

	firstMonth := time.Date(f.From.Year(), f.From.Month(), 1, 0, 0, 0, 0, time.UTC)
	lastMonth := time.Date(f.To.Year(), f.To.Month(), 1, 0, 0, 0, 0, time.UTC)
	epoch, changes, err := kept.stamps(ctx, tx, gen, firstMonth, lastMonth)
	if err != nil {
		return nil, time.Time{}, err
	}
	stamp := func(period string) deskStamp { return deskStamp{epoch, changes[period]} }

	// Day by day, from each month's series.
	for m := firstMonth; !m.After(lastMonth); m = m.AddDate(0, 1, 0) {
		k := deskPartKey{outlet, "S" + m.Format("2006-01")}
		s := stamp("M" + m.Format("2006-01"))
		p := kept.get(k, s)
		if p == nil {
			if p, err = readDeskSeries(ctx, tx, outlet, m, s); err != nil {
				return nil, time.Time{}, err
			}
			kept.put(k, p)
		}
		for i, n := range p.series {
			t := m.AddDate(0, 0, i)
			if t.Before(f.From) || t.After(f.To) {
				continue
			}
			d.Days = append(d.Days, domain.DeskDay{Day: t, Added: n[0], Accepted: n[1], Approved: n[2], Dismissed: n[3]})
			d.Added += n[0]
			d.Accepted += n[1]
			d.Approved += n[2]
			d.Dismissed += n[3]
		}
	}

	// Totals by key over the period: month rows and months' first days,
	// some taken away (coverOf).
	var parts []signedPart
	for _, sp := range coverOf(f.From, f.To, domain.Day(tx.now)) {
		var p *deskCounted
		if sp.through == 0 {
			period := "M" + sp.month.Format("2006-01")
			p, err = kept.part(ctx, tx, outlet, period, stamp(period))
		} else {
			p, err = kept.prefix(ctx, tx, outlet, sp.month, sp.through, epoch, changes)
		}
		if err != nil {
			return nil, time.Time{}, err
		}
		parts = append(parts, signedPart{p, sp.sign})
	}
	sums := kept.sum(parts)
	metric := func(name string) []keyCount { return sums[deskTotalsIndex[name]] }
	d.Returned = sumCounts(metric("returned"))
	d.Reopened = sumCounts(metric("reopened"))
	for _, c := range metric("returns") {
		i, _ := strconv.Atoi(strings.TrimSuffix(c.key, "+"))
		d.Returns[min(max(i, 0), 3)] += c.n
	}
	d.QueuedToApproved = domain.ApprovalTimes(buckets(metric("queued_to_approved")))
	d.SubmittedToApproved = domain.ApprovalTimes(buckets(metric("submitted_to_approved")))

	if d.Ratings, err = kept.ratingScale(ctx, tx, gen); err != nil {
		return nil, time.Time{}, err
	}
	// pos finds a rating's place on the scale (a handful) by its id, as
	// the counters' keys write it.
	posOf := func(id int64) int {
		for i := range d.Ratings {
			if d.Ratings[i].RatingID == id {
				return i
			}
		}
		return -1
	}
	// pos finds a counter's rating by its key, read as the rating's id.
	pos := func(c keyCount) int {
		if !c.isNum {
			return -1
		}
		return posOf(c.num)
	}
	for _, c := range metric("rating") {
		if i := pos(c); i >= 0 {
			d.Ratings[i].N += c.n
		}
	}
	if err := readDeskPeople(ctx, tx, d, sums, kept, gen); err != nil {
		return nil, time.Time{}, err
	}

	// Claimants and outlets, each with its rating mix.
	var ids []int32
	d.TopClaimants, ids = topClaimants(sums[claimantMetric], len(d.Ratings))
	for i := range d.TopClaimants {
		m := &d.TopClaimants[i]
		for _, x := range parts {
			for _, c := range x.p.claimantRatings[ids[i]] {
				if j := posOf(c.rating); j >= 0 {
					m.ByRating[j] += x.sign * c.n
				}
			}
		}
	}
	// Each outlet's mix, by the outlet's number (deskParts.outlets).
	var mixes []*domain.RatingMix
	mix := func(o int32, name string, c keyCount) {
		if int(o) >= len(mixes) {
			mixes = append(mixes, make([]*domain.RatingMix, int(o)+1-len(mixes))...)
		}
		m := mixes[o]
		if m == nil {
			m = &domain.RatingMix{Name: name, ByRating: make([]int, len(d.Ratings))}
			mixes[o] = m
		}
		m.Total += c.n
		if i := pos(c); i >= 0 {
			m.ByRating[i] += c.n
		}
	}
	if outlet == allOutlets {
		for _, c := range sums[outletRating] {
			name, _, _ := cutUnit(c.key)
			mix(c.outlet, name, c)
		}
	} else {
		for _, c := range metric("rating") {
			mix(0, outlet, c)
		}
	}
	d.TopOutlets = topMixes(mixes)

	q, err := kept.queue(ctx, tx, outlet, gen)
	if err != nil {
		return nil, time.Time{}, err
	}
	for state, n := range q.states {
		d.States[state] = n
	}
	d.OldestWaiting, d.Overdue, d.Outlets = q.oldest, q.overdue, slices.Clone(q.outlets)
	return d, q.until, nil
}

// topClaimants ranks the claimants with the most approved verdicts in the
// period (ties by name), each with room for its rating mix, and gives
// their numbers.
func topClaimants(counts []keyCount, ratings int) ([]domain.RatingMix, []int32) {
	before := func(a, b keyCount) bool { return a.n > b.n || a.n == b.n && a.key < b.key }
	var top []keyCount
	for _, c := range counts {
		if c.n <= 0 || c.key == "" || len(top) == deskTop && !before(c, top[deskTop-1]) {
			continue
		}
		i := sort.Search(len(top), func(i int) bool { return before(c, top[i]) })
		if len(top) < deskTop {
			top = append(top, keyCount{})
		}
		copy(top[i+1:], top[i:])
		top[i] = c
	}
	out, ids := make([]domain.RatingMix, len(top)), make([]int32, len(top))
	for i, c := range top {
		out[i] = domain.RatingMix{Name: c.key, Total: c.n, ByRating: make([]int, ratings)}
		ids[i] = c.id
	}
	return out, ids
}

// readDeskPeople names the reviewers and editors who did anything in the
// period, busiest first.
func readDeskPeople(ctx context.Context, tx *Tx, d *domain.Desk, sums [deskPartMetricCount][]keyCount, kept *deskParts, gen int64) error {
	reviewers, editors := map[int64]*domain.PersonWork{}, map[int64]*domain.PersonWork{}
	add := func(people map[int64]*domain.PersonWork, metric string, field func(*domain.PersonWork) *int) {
		for _, c := range sums[deskTotalsIndex[metric]] {
			id := c.num
			if !c.isNum || id == 0 {
				continue
			}
			p := people[id]
			if p == nil {
				p = &domain.PersonWork{UserID: id}
				people[id] = p
			}
			*field(p) += c.n
		}
	}
	add(reviewers, "submitted", func(p *domain.PersonWork) *int { return &p.Submitted })
	add(reviewers, "approved_for", func(p *domain.PersonWork) *int { return &p.Approved })
	add(reviewers, "returned_to", func(p *domain.PersonWork) *int { return &p.Returned })
	add(editors, "approved_by", func(p *domain.PersonWork) *int { return &p.Approved })
	add(editors, "returned", func(p *domain.PersonWork) *int { return &p.Returned })
	// Their names, kept for the desk generation.
	ids := make([]int64, 0, len(reviewers)+len(editors))
	for _, people := range []map[int64]*domain.PersonWork{reviewers, editors} {
		for id := range people {
			ids = append(ids, id)
		}
	}
	if len(ids) > 0 {
		names, err := kept.peopleNames(ctx, tx, gen, ids)
		if err != nil {
			return err
		}
		for _, people := range []map[int64]*domain.PersonWork{reviewers, editors} {
			for id, p := range people {
				p.Name = names[id]
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
	slices.SortFunc(out, func(a, b domain.PersonWork) int {
		if x, y := a.Submitted+a.Approved+a.Returned, b.Submitted+b.Approved+b.Returned; x != y {
			return cmp.Compare(y, x)
		}
		if c := strings.Compare(a.Name, b.Name); c != 0 {
			return c
		}
		return cmp.Compare(a.UserID, b.UserID)
	})
	return out
}

// deskTop is how many outlets and claimants the dashboard ranks.
const deskTop = 10

// topMixes ranks the mixes (nil where an outlet has none) by their total,
// ties by name.
func topMixes(m []*domain.RatingMix) []domain.RatingMix {
	out := make([]domain.RatingMix, 0, len(m))
	for _, x := range m {
		if x != nil && x.Total > 0 {
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

// readDeskQueue reads the queue as it stands for outlet: claims by state,
// the oldest waiting, those overdue and the outlets there are; and the
// next due date after now, when the overdue count changes next by the
// clock alone (zero when none).
func readDeskQueue(ctx context.Context, tx *Tx, outlet string) (*deskQueue, error) {
	q := &deskQueue{read: tx.now, states: map[domain.ClaimState]int{}}
	err := eachRow(ctx, tx, func(r scanner) error {
		var state string
		var n int
		if err := r.Scan(&state, &n); err != nil {
			return err
		}
		if n != 0 {
			q.states[domain.ClaimState(state)] = n
		}
		return nil
	}, `SELECT state, n FROM desk_states WHERE outlet = ?`, outlet)
	if err != nil {
		return nil, err
	}
	if q.states[domain.StateQueued] > 0 {
		// Walk the waiting claims oldest first until one is from the outlet.
		var oldest sql.NullString
		query := `SELECT queued_at FROM claims INDEXED BY claims_waiting WHERE state = 'queued' ORDER BY queued_at LIMIT 1`
		args := []any{}
		if outlet != allOutlets {
			query = `SELECT c.queued_at FROM claims c INDEXED BY claims_waiting WHERE c.state = 'queued'
				AND (SELECT outlet FROM articles WHERE id = c.article_id) = ? ORDER BY c.queued_at LIMIT 1`
			args = append(args, outlet)
		}
		if err := tx.QueryRowContext(ctx, query, args...).Scan(&oldest); err != nil && !errors.Is(err, sql.ErrNoRows) {
			return nil, err
		}
		q.oldest = parseNullTime(oldest)
	}
	now := formatTime(tx.now)
	var next sql.NullString
	if outlet == allOutlets {
		err = tx.QueryRowContext(ctx, `SELECT count(*) FROM claims INDEXED BY claims_open_due
			WHERE state IN ('queued', 'in_review', 'submitted') AND due_at IS NOT NULL AND due_at < ?`, now).Scan(&q.overdue)
		if err == nil {
			err = tx.QueryRowContext(ctx, `SELECT min(due_at) FROM claims INDEXED BY claims_open_due
				WHERE state IN ('queued', 'in_review', 'submitted') AND due_at IS NOT NULL AND due_at >= ?`, now).Scan(&next)
		}
	} else {
		err = tx.QueryRowContext(ctx, `SELECT count(*) FROM desk_due WHERE outlet = ? AND due_at < ?`, outlet, now).Scan(&q.overdue)
		if err == nil {
			err = tx.QueryRowContext(ctx, `SELECT min(due_at) FROM desk_due WHERE outlet = ? AND due_at >= ?`, outlet, now).Scan(&next)
		}
	}
	if err != nil {
		return nil, err
	}
	q.until = parseNullTime(next)
	q.outlets, err = queryAll(ctx, tx, scanValue[string],
		`SELECT outlet FROM desk_states WHERE outlet NOT IN (' ', '') GROUP BY outlet HAVING sum(n) > 0 ORDER BY outlet COLLATE NOCASE, outlet LIMIT 500`)
	if err != nil {
		return nil, err
	}
	return q, nil
}

// buckets are the counts by bucket, each counter's key read as a number
// (strconv.Atoi's reading on a 64-bit machine).
func buckets(counts []keyCount) map[int]int {
	out := make(map[int]int, len(counts))
	for _, c := range counts {
		if c.isNum {
			out[int(c.num)] += c.n
		}
	}
	return out
}

func sumCounts(counts []keyCount) int {
	n := 0
	for _, c := range counts {
		n += c.n
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
