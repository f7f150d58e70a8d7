package storage_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"sort"
	"testing"
	"time"

	"claimtrail/domain"
	"claimtrail/storage"
	"claimtrail/storage/storagetest"
)

// deskFigures are the dashboard's figures that can also be counted
// straight from the claims, verdicts and the audit log.
type deskFigures struct {
	Added, Accepted, Dismissed, Approved, Returned, Reopened int
	DayAdded, DayApproved                                    map[string]int
	States                                                   map[domain.ClaimState]int
	Overdue                                                  int
	OldestWaiting                                            time.Time
	Submitted, ApprovedFor, ApprovedBy, ReturnedBy           map[int64]int
	Ratings, Outlets                                         map[string]int
	QueuedToApproved, SubmittedToApproved                    int
	// Claimants: the ten most checked, each by rating name; OutletMixes:
	// each outlet's verdicts by rating name.
	Claimants, OutletMixes map[string]map[string]int
}

func figuresOf(d *domain.Desk) deskFigures {
	f := deskFigures{Added: d.Added, Accepted: d.Accepted, Dismissed: d.Dismissed, Approved: d.Approved, Returned: d.Returned,
		Reopened: d.Reopened, DayAdded: map[string]int{}, DayApproved: map[string]int{}, States: nonZero(d.States), Overdue: d.Overdue,
		OldestWaiting: d.OldestWaiting, Submitted: map[int64]int{}, ApprovedFor: map[int64]int{}, ApprovedBy: map[int64]int{},
		ReturnedBy: map[int64]int{}, Ratings: map[string]int{}, Outlets: map[string]int{},
		QueuedToApproved: d.QueuedToApproved.Count, SubmittedToApproved: d.SubmittedToApproved.Count,
		Claimants: map[string]map[string]int{}, OutletMixes: map[string]map[string]int{}}
	for _, m := range d.TopClaimants {
		byRating := map[string]int{}
		for i, n := range m.ByRating {
			if n != 0 {
				byRating[d.Ratings[i].Rating] = n
			}
		}
		f.Claimants[m.Name] = byRating
	}
	for _, day := range d.Days {
		if day.Added != 0 {
			f.DayAdded[day.Day.Format(time.DateOnly)] = day.Added
		}
		if day.Approved != 0 {
			f.DayApproved[day.Day.Format(time.DateOnly)] = day.Approved
		}
	}
	for _, p := range d.Reviewers {
		if p.Submitted != 0 {
			f.Submitted[p.UserID] = p.Submitted
		}
		if p.Approved != 0 {
			f.ApprovedFor[p.UserID] = p.Approved
		}
	}
	for _, p := range d.Editors {
		if p.Approved != 0 {
			f.ApprovedBy[p.UserID] = p.Approved
		}
		if p.Returned != 0 {
			f.ReturnedBy[p.UserID] = p.Returned
		}
	}
	for _, r := range d.Ratings {
		if r.N != 0 {
			f.Ratings[r.Rating] = r.N
		}
	}
	for _, m := range d.TopOutlets {
		f.Outlets[m.Name] = m.Total
		byRating := map[string]int{}
		for i, n := range m.ByRating {
			if n != 0 {
				byRating[d.Ratings[i].Rating] = n
			}
		}
		f.OutletMixes[m.Name] = byRating
	}
	return f
}

// countDesk counts the figures straight from the rows: the claims as they
// stand, and each change by its audit event (one per change).
func countDesk(t *testing.T, raw *sql.DB, f domain.DeskFilter, now time.Time) deskFigures {
	t.Helper()
	from, to := f.From.Format(time.DateOnly), f.To.Format(time.DateOnly)
	want := deskFigures{DayAdded: map[string]int{}, DayApproved: map[string]int{}, States: map[domain.ClaimState]int{},
		Submitted: map[int64]int{}, ApprovedFor: map[int64]int{}, ApprovedBy: map[int64]int{}, ReturnedBy: map[int64]int{},
		Ratings: map[string]int{}, Outlets: map[string]int{}, Claimants: map[string]map[string]int{}, OutletMixes: map[string]map[string]int{}}
	claimants := map[string]map[string]int{}
	each := func(q string, scan func(*sql.Rows) error, args ...any) {
		t.Helper()
		rows, err := raw.Query(q, args...)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			if err := scan(rows); err != nil {
				t.Fatal(err)
			}
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
	}
	outletIs := `(? = '' OR ar.outlet = ?)`
	each(`SELECT substr(c.created_at, 1, 10), count(*) FROM claims c JOIN articles ar ON ar.id = c.article_id
		WHERE substr(c.created_at, 1, 10) BETWEEN ? AND ? AND `+outletIs+` GROUP BY 1`, func(r *sql.Rows) error {
		var day string
		var n int
		err := r.Scan(&day, &n)
		want.DayAdded[day], want.Added = n, want.Added+n
		return err
	}, from, to, f.Outlet, f.Outlet)
	// Every change in the period, by its event.
	each(`SELECT a.action, substr(a.at, 1, 10), coalesce(a.actor_id, 0), coalesce(v.author_id, v.submitted_by, 0), coalesce(r.name, ''), ar.outlet,
		c.claimant
		FROM audit_events a JOIN claims c ON c.id = a.entity_id JOIN articles ar ON ar.id = c.article_id
		LEFT JOIN verdicts v ON v.claim_id = c.id LEFT JOIN ratings r ON r.id = v.rating_id
		WHERE a.entity = 'claim' AND substr(a.at, 1, 10) BETWEEN ? AND ? AND `+outletIs, func(r *sql.Rows) error {
		var action, day, rating, outlet, claimant string
		var actor, author int64
		if err := r.Scan(&action, &day, &actor, &author, &rating, &outlet, &claimant); err != nil {
			return err
		}
		switch action {
		case "claim.accepted":
			want.Accepted++
		case "claim.dismissed":
			want.Dismissed++
		case "claim.submitted":
			want.Submitted[actor]++
		case "claim.returned":
			want.Returned++
			want.ReturnedBy[actor]++
		case "claim.reopened":
			want.Reopened++
		case "claim.approved":
			want.Approved++
			want.DayApproved[day]++
			want.ApprovedBy[actor]++
			want.ApprovedFor[author]++
			want.Ratings[rating]++ // a claim keeps its rating in this test
			want.Outlets[outlet]++
			if want.OutletMixes[outlet] == nil {
				want.OutletMixes[outlet] = map[string]int{}
			}
			want.OutletMixes[outlet][rating]++
			want.QueuedToApproved++
			want.SubmittedToApproved++
			if claimant != "" {
				if claimants[claimant] == nil {
					claimants[claimant] = map[string]int{}
				}
				claimants[claimant][rating]++
			}
		}
		return nil
	}, from, to, f.Outlet, f.Outlet)
	// The ten with the most approved verdicts, ties by name.
	var names []string
	total := map[string]int{}
	for name, byRating := range claimants {
		names = append(names, name)
		for _, n := range byRating {
			total[name] += n
		}
	}
	sort.Slice(names, func(i, j int) bool {
		if total[names[i]] != total[names[j]] {
			return total[names[i]] > total[names[j]]
		}
		return names[i] < names[j]
	})
	for _, name := range names[:min(len(names), 10)] {
		want.Claimants[name] = claimants[name]
	}
	each(`SELECT c.state, count(*) FROM claims c JOIN articles ar ON ar.id = c.article_id WHERE `+outletIs+` GROUP BY 1`, func(r *sql.Rows) error {
		var state string
		var n int
		err := r.Scan(&state, &n)
		want.States[domain.ClaimState(state)] = n
		return err
	}, f.Outlet, f.Outlet)
	var oldest sql.NullString
	err := raw.QueryRow(`SELECT min(c.queued_at), (SELECT count(*) FROM claims c JOIN articles ar ON ar.id = c.article_id
			WHERE c.state IN ('queued', 'in_review', 'submitted') AND c.due_at < ? AND `+outletIs+`)
		FROM claims c JOIN articles ar ON ar.id = c.article_id WHERE c.state = 'queued' AND `+outletIs,
		now.UTC().Format("2006-01-02T15:04:05.000000Z"), f.Outlet, f.Outlet, f.Outlet, f.Outlet).Scan(&oldest, &want.Overdue)
	if err != nil {
		t.Fatal(err)
	}
	if oldest.Valid {
		if want.OldestWaiting, err = time.Parse(time.RFC3339Nano, oldest.String); err != nil {
			t.Fatal(err)
		}
	}
	return want
}

// TestDeskMatchesACountOfTheClaims makes a random mix of changes over a
// few months across the turn of a year, on two outlets, and after each one
// compares the dashboard with a count made straight from the claims and the
// audit log: for one filter read after every change (so a dashboard kept
// from before the change would show) and for a random period and outlet,
// from a day to more than a year, cutting across months and the year.
// Some claims are added with a date weeks back, so days and months read
// and kept earlier (deskParts) change after they were kept.
func TestDeskMatchesACountOfTheClaims(t *testing.T) {
	n := newNewsroom(t)
	ctx := context.Background()
	raw := rawDB(t, n.db)
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	rnd := rand.New(rand.NewPCG(seed, 7))
	// The counters folded from desk_pending a few rows a commit: the
	// dashboard reads both tables at every step, most counters in one or
	// the other, some in both.
	storage.FoldDeskAtEveryCommitForTest(n.db, 1+rnd.IntN(4))

	start := time.Date(2025, 12, 6, 9, 0, 0, 0, time.UTC)
	clock := start
	n.db.Now = func() time.Time { return clock }
	articles := []int64{n.article, storage.InsertArticleForTest(t, n.db, "Rail fares", "Morning Post", "Fares rose by 8% this year, the operator said.")}
	reviewers := []*domain.User{n.rita, mustCreateUser(t, n.db, "ravi@newsroom.example", domain.RoleReviewer)}
	editors := []*domain.User{n.eddie, n.emma}
	ratings := []int64{n.ratingID(t, "False"), n.ratingID(t, "Mostly false"), n.ratingID(t, "True")}

	pick := func(state domain.ClaimState) (id int64, ok bool) {
		err := raw.QueryRow(`SELECT id FROM claims WHERE state = ? ORDER BY random() LIMIT 1`, string(state)).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return 0, false
		} else if err != nil {
			t.Fatal(err)
		}
		return id, true
	}
	verdictVersion := func(id int64) (v int64) {
		if err := raw.QueryRow(`SELECT coalesce((SELECT version FROM verdicts WHERE claim_id = ?), 1)`, id).Scan(&v); err != nil {
			t.Fatal(err)
		}
		return v
	}
	assignee := func(id int64) *domain.User {
		var uid int64
		if err := raw.QueryRow(`SELECT coalesce(assignee_id, 0) FROM claims WHERE id = ?`, id).Scan(&uid); err != nil {
			t.Fatal(err)
		}
		for _, r := range reviewers {
			if r.ID == uid {
				return r
			}
		}
		return reviewers[0]
	}

	type change struct {
		name string
		do   func() (bool, error) // false: nothing to change
	}
	// Twelve claimants, a few far more often than the rest, so that the
	// ten most checked change as verdicts are approved.
	claimants := []string{"", "Transport minister", "Rail operator", "Mayor", "Union", "Opposition", "Regulator",
		"Passenger group", "Council", "Think tank", "Treasury", "Auditor", "Commuter"}
	addClaim := func(at time.Time) {
		s := storagetest.New(t, n.db.Path)
		s.Now = at
		name := claimants[min(rnd.IntN(len(claimants)), rnd.IntN(len(claimants)))]
		s.Claim(storagetest.Claim{ArticleID: articles[rnd.IntN(2)], Text: "Fares rose by 8% this year", Score: 0.8,
			Claimant: name, Type: domain.TypeQuantity, State: domain.StateCandidate})
	}
	changes := []change{
		{"add a candidate", func() (bool, error) {
			addClaim(clock)
			return true, nil
		}},
		{"add a candidate dated weeks back", func() (bool, error) {
			addClaim(clock.Add(-time.Duration(rnd.IntN(60*24)) * time.Hour))
			return true, nil
		}},
		{"accept", func() (bool, error) {
			id, ok := pick(domain.StateCandidate)
			if ok {
				storage.AcceptClaimForTest(t, n.db, as(editors[0]), id, domain.PriorityNormal)
			}
			return ok, nil
		}},
		{"dismiss", func() (bool, error) {
			id, ok := pick(domain.StateCandidate)
			if !ok {
				return false, nil
			}
			_, err := n.db.DismissClaim(as(reviewers[rnd.IntN(2)]), id, domain.Dismissal{Reason: domain.DismissNotCheckWorthy, Note: "Opinion"})
			return true, err
		}},
		{"assign and draft", func() (bool, error) {
			id, ok := pick(domain.StateQueued)
			if !ok {
				return false, nil
			}
			who := reviewers[id%2] // a claim keeps its reviewer, so its verdict keeps its author
			if _, err := n.db.AssignClaim(as(n.eddie), id, who.ID, 0); err != nil {
				return true, err
			}
			v, err := n.db.SaveVerdict(as(who), id, domain.VerdictInput{RatingID: ratings[id%3], Conclusion: "It rose by 3%, not 8%."}, verdictVersion(id))
			if err != nil {
				return true, err
			}
			_, err = n.db.AddSource(as(who), id, onsSource, v.Version)
			return true, err
		}},
		{"submit", func() (bool, error) {
			id, ok := pick(domain.StateInReview)
			if !ok {
				return false, nil
			}
			_, err := n.db.SubmitVerdict(as(assignee(id)), id, nil, verdictVersion(id))
			return true, err
		}},
		{"return", func() (bool, error) {
			id, ok := pick(domain.StateSubmitted)
			if !ok {
				return false, nil
			}
			_, err := n.db.ReturnVerdict(as(editors[rnd.IntN(2)]), id, "Add the operator's table", verdictVersion(id))
			return true, err
		}},
		{"approve", func() (bool, error) {
			id, ok := pick(domain.StateSubmitted)
			if !ok {
				return false, nil
			}
			_, err := n.db.ApproveVerdict(as(editors[rnd.IntN(2)]), id, verdictVersion(id))
			return true, err
		}},
		{"reopen", func() (bool, error) {
			id, ok := pick(domain.StateApproved)
			if !ok {
				return false, nil
			}
			_, err := n.db.ReopenClaim(as(editors[rnd.IntN(2)]), id, "A reader sent a newer figure.")
			return true, err
		}},
		{"set a due date", func() (bool, error) {
			id, ok := pick([]domain.ClaimState{domain.StateQueued, domain.StateInReview, domain.StateSubmitted}[rnd.IntN(3)])
			if !ok {
				return false, nil
			}
			_, err := n.db.SetClaimDue(as(n.eddie), id, clock.Add(time.Duration(rnd.IntN(96)+1)*time.Hour), 0)
			return true, err
		}},
		{"release", func() (bool, error) {
			id, ok := pick(domain.StateInReview)
			if !ok {
				return false, nil
			}
			_, err := n.db.ReleaseClaim(as(assignee(id)), id, "")
			return true, err
		}},
	}

	watched := domain.DeskFilter{From: time.Date(2025, 10, 5, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 4, 30, 0, 0, 0, 0, time.UTC)}
	compare := func(step string, f domain.DeskFilter) {
		t.Helper()
		d, err := n.db.Desk(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := figuresOf(d), countDesk(t, raw, f, clock); !reflect.DeepEqual(got, want) {
			t.Fatalf("after %s, %s to %s, outlet %q:\ndashboard %+v\ncounted   %+v", step,
				f.From.Format(time.DateOnly), f.To.Format(time.DateOnly), f.Outlet, got, want)
		}
	}
	whole := func(step string) {
		t.Helper()
		problems, err := n.db.CheckDeskCounters(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(problems) > 0 {
			t.Fatalf("after %s: %q", step, problems)
		}
	}
	done := map[string]int{}
	pendingAndFolded := 0 // steps read with counters in both tables
	for i := 0; i < 400; i++ {
		// Time moves on by up to a day now and then, so periods cut across
		// months; most changes come seconds apart, as on a busy desk, so
		// the dashboard read before a change is still young after it.
		if rnd.IntN(4) == 0 {
			clock = clock.Add(time.Duration(rnd.IntN(24*60)) * time.Minute)
		} else {
			clock = clock.Add(time.Duration(rnd.IntN(5)) * time.Second)
		}
		c := changes[rnd.IntN(len(changes))]
		if i < 40 {
			c = changes[i%2] // a stock of candidates and queued claims first
		}
		ok, err := c.do()
		if err != nil {
			t.Fatalf("step %d, %s: %v", i, c.name, err)
		}
		if !ok {
			continue
		}
		done[c.name]++
		step := fmt.Sprintf("step %d (%s)", i, c.name)
		compare(step, watched)
		// Any period: from a day to over a year, starting anywhere from
		// two months before the first change to just after the last.
		from := domain.Day(start).AddDate(0, 0, rnd.IntN(int(clock.Sub(start).Hours()/24)+70)-62)
		f := domain.DeskFilter{From: from, To: from.AddDate(0, 0, rnd.IntN([]int{3, 40, 120, 420}[rnd.IntN(4)])),
			Outlet: []string{"", "The Daily Ledger", "Morning Post"}[rnd.IntN(3)]}
		compare(step, f)
		if i%25 == 0 {
			whole(step)
		}
		var both bool
		if err := raw.QueryRow(`SELECT EXISTS (SELECT 1 FROM desk_pending p JOIN desk_counts c USING (outlet, metric, period, key))`).Scan(&both); err != nil {
			t.Fatal(err)
		}
		if both {
			pendingAndFolded++
		}
	}
	whole("the last change")
	if pendingAndFolded == 0 {
		t.Errorf("no step read a counter both folded and pending")
	}
	// The clock alone moves the overdue count.
	clock = clock.Add(72 * time.Hour)
	compare("three days later", watched)
	for _, c := range changes {
		if done[c.name] == 0 {
			t.Errorf("no %q in the mix: %v", c.name, done)
		}
	}
	t.Logf("changes: %v", done)
}

// TestDeskKeptOnlyWhileNothingChanged shows that the dashboard is kept and
// handed out again, and that the desk generation is what stops a kept one
// from showing after a change: with the generation held still, the
// dashboard read after a change is the stale one.
func TestDeskKeptOnlyWhileNothingChanged(t *testing.T) {
	n, start, _ := deskNewsroom(t)
	ctx := context.Background()
	raw := rawDB(t, n.db)
	f := domain.DeskFilter{From: domain.Day(start).AddDate(0, 0, -3), To: domain.Day(start).AddDate(0, 0, 1)}
	before, err := n.db.Desk(ctx, f)
	if err != nil {
		t.Fatal(err)
	}
	storage.InsertCandidateForTest(t, n.db, n.article, "Trains ran late", 0, 0.7, domain.TypeOther)
	after, err := n.db.Desk(ctx, f)
	if err != nil {
		t.Fatal(err)
	}
	if after.Added != before.Added+1 {
		t.Fatalf("added %d after a new claim, %d before", after.Added, before.Added)
	}

	// The generation held still, whatever moves it.
	if _, err := raw.Exec(`CREATE TRIGGER hold_desk_generation BEFORE UPDATE ON desk_generation BEGIN SELECT RAISE(IGNORE); END`); err != nil {
		t.Fatal(err)
	}
	storage.InsertCandidateForTest(t, n.db, n.article, "Stations got busier", 0, 0.7, domain.TypeOther)
	stale, err := n.db.Desk(ctx, f)
	if err != nil {
		t.Fatal(err)
	}
	if stale.Added != after.Added {
		t.Fatalf("without the generation's triggers the kept dashboard (added %d) should still show; got %d", after.Added, stale.Added)
	}
	// A new snapshot of the generation makes it read afresh.
	if _, err := raw.Exec(`DROP TRIGGER hold_desk_generation; UPDATE desk_generation SET n = n + 1`); err != nil {
		t.Fatal(err)
	}
	fresh, err := n.db.Desk(ctx, f)
	if err != nil {
		t.Fatal(err)
	}
	if fresh.Added != after.Added+1 {
		t.Fatalf("after the generation moved: added %d, want %d", fresh.Added, after.Added+1)
	}
}

// TestDeskOverdueMovesWithTheClock: with nothing changed, a claim passing
// its due date is overdue on the next reading, however young the kept
// dashboard is.
func TestDeskOverdueMovesWithTheClock(t *testing.T) {
	n := newNewsroom(t)
	ctx := context.Background()
	clock := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	n.db.Now = func() time.Time { return clock }
	id := n.queued(t, 0.9, domain.PriorityNormal)
	if _, err := n.db.SetClaimDue(as(n.eddie), id, clock.Add(30*time.Second), 0); err != nil {
		t.Fatal(err)
	}
	f := domain.DefaultDeskFilter(clock)
	for _, step := range []struct {
		after   time.Duration
		overdue int
	}{{0, 0}, {10 * time.Second, 0}, {30 * time.Second, 0}, {31 * time.Second, 1}, {40 * time.Second, 1}} {
		clock = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC).Add(step.after)
		d, err := n.db.Desk(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		if d.Overdue != step.overdue || !d.Now.Equal(clock) {
			t.Errorf("%v after: overdue %d at %v, want %d at %v", step.after, d.Overdue, d.Now, step.overdue, clock)
		}
	}
}

// TestDeskPartsFollowARecount: counters recounted (RebuildDesk, as after a
// bulk load around the triggers) show at the next reading, though the days
// and months were kept in memory before: the recount starts a new epoch of
// desk_changes.
func TestDeskPartsFollowARecount(t *testing.T) {
	n, start, _ := deskNewsroom(t)
	ctx := context.Background()
	raw := rawDB(t, n.db)
	f := domain.DeskFilter{From: domain.Day(start).AddDate(0, -2, 0), To: domain.Day(start).AddDate(0, 0, 2)}
	clock := start.Add(48 * time.Hour)
	n.db.Now = func() time.Time { return clock }
	want := countDesk(t, raw, f, clock)
	read := func() deskFigures {
		t.Helper()
		d, err := n.db.Desk(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		return figuresOf(d)
	}
	// Counters that drifted, written around desk_event on a day and a month
	// where nothing happened: nothing moves desk_changes, and the recount
	// writes nothing there.
	if _, err := raw.Exec(`INSERT INTO desk_counts (outlet, metric, period, key, n) VALUES
			(' ', 'added', '2026-02-10', '', 5), (' ', 'added', 'M2026-02', '', 5)`); err != nil {
		t.Fatal(err)
	}
	if got := read(); got.Added != want.Added+5 {
		t.Fatalf("the drifted counters should show: %d added, want %d", got.Added, want.Added+5)
	}
	if err := n.db.RebuildDesk(ctx); err != nil {
		t.Fatal(err)
	}
	// The recount knows only a verdict's latest submission; apart from
	// that it is the count, and the same as a reading with nothing kept.
	got := read()
	want.Submitted = got.Submitted
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("after the recount: dashboard %+v\ncounted %+v", got, want)
	}
	other, err := storage.Open(ctx, n.db.Path)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	other.Now = n.db.Now
	d, err := other.Desk(ctx, f)
	if err != nil {
		t.Fatal(err)
	}
	if fresh := figuresOf(d); !reflect.DeepEqual(got, fresh) {
		t.Fatalf("after the recount: dashboard %+v\nread with nothing kept %+v", got, fresh)
	}
	// After the recount, changes count on their days again: a claim dated
	// in the kept month shows.
	s := storagetest.New(t, n.db.Path)
	s.Now = time.Date(2026, 2, 10, 12, 0, 0, 0, time.UTC)
	s.Claim(storagetest.Claim{ArticleID: n.article, Text: "Fares rose", State: domain.StateCandidate})
	if after := read(); after.Added != got.Added+1 {
		t.Fatalf("a claim added on a kept day after the recount: %d added, want %d", after.Added, got.Added+1)
	}
}

// TestDeskReadAtOnce reads many periods at once while claims are added, on
// days kept and not (run with -race, it checks the kept days and months
// are shared safely); afterwards every period read matches the count.
func TestDeskReadAtOnce(t *testing.T) {
	n, start, _ := deskNewsroom(t)
	ctx := context.Background()
	raw := rawDB(t, n.db)
	clock := start.Add(24 * time.Hour)
	n.db.Now = func() time.Time { return clock }
	period := func(i int) domain.DeskFilter {
		from := domain.Day(start).AddDate(0, 0, -40+i%37)
		return domain.DeskFilter{From: from, To: from.AddDate(0, 0, i%45), Outlet: []string{"", "The Daily Ledger"}[i%2]}
	}
	done := make(chan error, 4)
	for g := 0; g < 4; g++ {
		go func() {
			for i := 0; i < 40; i++ {
				if _, err := n.db.Desk(ctx, period(g*40+i)); err != nil {
					done <- err
					return
				}
			}
			done <- nil
		}()
	}
	for i := 0; i < 20; i++ {
		s := storagetest.New(t, n.db.Path)
		s.Now = start.AddDate(0, 0, -i)
		s.Claim(storagetest.Claim{ArticleID: n.article, Text: "Fares rose", Claimant: "Mayor", State: domain.StateCandidate})
	}
	for g := 0; g < 4; g++ {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	for i := 0; i < 160; i++ {
		f := period(i)
		d, err := n.db.Desk(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := figuresOf(d), countDesk(t, raw, f, clock); !reflect.DeepEqual(got, want) {
			t.Fatalf("%s to %s, outlet %q:\ndashboard %+v\ncounted   %+v", f.From.Format(time.DateOnly), f.To.Format(time.DateOnly), f.Outlet, got, want)
		}
	}
}

// TestDeskPeriodIsWholeUTCDays: a period is whole UTC days (DeskFilter),
// whatever time of day or zone its ends are given in: a start at ten in
// the morning of the first of a month still counts that day, and the month
// is not taken away whole for a start "after" its first midnight.
func TestDeskPeriodIsWholeUTCDays(t *testing.T) {
	n, start, _ := deskNewsroom(t)
	ctx := context.Background()
	raw := rawDB(t, n.db)
	clock := start.Add(48 * time.Hour)
	n.db.Now = func() time.Time { return clock }
	month := time.Date(start.Year(), start.Month(), 1, 0, 0, 0, 0, time.UTC)
	whole := domain.DeskFilter{From: month, To: month.AddDate(0, 1, -1)}
	want := countDesk(t, raw, whole, clock)
	if want.Approved == 0 || want.Added == 0 {
		t.Fatalf("nothing counted in %s: %+v", month.Format("2006-01"), want)
	}
	west := time.FixedZone("UTC-1", -3600)
	for _, f := range []domain.DeskFilter{
		whole,
		{From: month.Add(10 * time.Hour), To: whole.To.Add(18 * time.Hour)},
		{From: time.Date(month.Year(), month.Month(), 1, 2, 0, 0, 0, west), To: whole.To.Add(23*time.Hour + 59*time.Minute)},
	} {
		// Each read by a server of its own: nothing kept from another.
		other, err := storage.Open(ctx, n.db.Path)
		if err != nil {
			t.Fatal(err)
		}
		other.Now = n.db.Now
		d, err := other.Desk(ctx, f)
		other.Close()
		if err != nil {
			t.Fatal(err)
		}
		if got := figuresOf(d); !reflect.DeepEqual(got, want) {
			t.Errorf("%s to %s:\ndashboard %+v\ncounted   %+v", f.From, f.To, got, want)
		}
		if !d.Filter.From.Equal(whole.From) || !d.Filter.To.Equal(whole.To) {
			t.Errorf("%s to %s read as %s to %s, want %s to %s", f.From, f.To, d.Filter.From, d.Filter.To, whole.From, whole.To)
		}
	}
}
