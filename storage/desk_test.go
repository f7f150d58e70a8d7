package storage_test

import (
	"context"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"claimtrail/domain"
	"claimtrail/storage"
)

// deskNewsroom walks three claims through the desk on a fixed clock:
// one approved after a return, one dismissed, one waiting past its due date.
func deskNewsroom(t *testing.T) (n *newsroom, start time.Time, waiting int64) {
	t.Helper()
	n = newNewsroom(t)
	clock := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	start = clock
	n.db.Now = func() time.Time { return clock }
	at := func(d time.Duration) { clock = start.Add(d) }

	checked := n.queued(t, 0.9, domain.PriorityNormal)
	raw := rawDB(t, n.db)
	if _, err := raw.Exec(`UPDATE claims SET claimant = 'Jo Marsh' WHERE id = ?`, checked); err != nil {
		t.Fatal(err)
	}
	version := n.inReviewWithVerdict(t, checked)
	at(time.Hour)
	v, err := n.db.SubmitVerdict(as(n.rita), checked, nil, version)
	if err != nil {
		t.Fatal(err)
	}
	at(2 * time.Hour)
	if v, err = n.db.ReturnVerdict(as(n.eddie), checked, "Add the ONS table", v.Version); err != nil {
		t.Fatal(err)
	}
	at(3 * time.Hour)
	if v, err = n.db.SubmitVerdict(as(n.rita), checked, nil, v.Version); err != nil {
		t.Fatal(err)
	}
	at(5 * time.Hour)
	if _, err = n.db.ApproveVerdict(as(n.emma), checked, v.Version); err != nil {
		t.Fatal(err)
	}

	dropped := storage.InsertCandidateForTest(t, n.db, n.article, "It was a lovely day", 0, 0.1, domain.TypeOther)
	if _, err := n.db.DismissClaim(as(n.rita), dropped, domain.Dismissal{Reason: domain.DismissNotCheckWorthy, Note: "Not a claim"}); err != nil {
		t.Fatal(err)
	}
	at(6 * time.Hour)
	waiting = n.queued(t, 0.5, domain.PriorityNormal)
	if _, err := n.db.SetClaimDue(as(n.eddie), waiting, start.Add(7*time.Hour), 0); err != nil {
		t.Fatal(err)
	}
	at(24 * time.Hour)
	return n, start, waiting
}

func TestDeskCountsTheWorkflow(t *testing.T) {
	n, start, _ := deskNewsroom(t)
	ctx := context.Background()
	f := domain.DeskFilter{From: domain.Day(start).AddDate(0, 0, -3), To: domain.Day(start).AddDate(0, 0, 1)}
	d, err := n.db.Desk(ctx, f)
	if err != nil {
		t.Fatal(err)
	}
	if d.Added != 3 || d.Accepted != 2 || d.Dismissed != 1 || d.Approved != 1 || d.Returned != 1 {
		t.Errorf("totals: added %d accepted %d dismissed %d approved %d returned %d; want 3 2 1 1 1",
			d.Added, d.Accepted, d.Dismissed, d.Approved, d.Returned)
	}
	if len(d.Days) != 5 || d.Days[3].Added != 3 || d.Days[3].Approved != 1 || d.Days[4].Added != 0 {
		t.Errorf("days: %+v", d.Days)
	}
	if want := map[domain.ClaimState]int{domain.StateApproved: 1, domain.StateDismissed: 1, domain.StateQueued: 1}; !reflect.DeepEqual(nonZero(d.States), want) {
		t.Errorf("states %v, want %v", d.States, want)
	}
	if !d.OldestWaiting.Equal(start.Add(6*time.Hour)) || d.Overdue != 1 {
		t.Errorf("oldest waiting %v, overdue %d", d.OldestWaiting, d.Overdue)
	}
	// Five hours from queue to approval, two from the last submission,
	// each within a bucket's 10%.
	near := func(got, want time.Duration) bool { return got > want*9/10 && got < want*11/10 }
	if d.QueuedToApproved.Count != 1 || !near(d.QueuedToApproved.Median, 5*time.Hour) || !near(d.QueuedToApproved.P90, 5*time.Hour) {
		t.Errorf("queued to approved %+v", d.QueuedToApproved)
	}
	if !near(d.SubmittedToApproved.Median, 2*time.Hour) {
		t.Errorf("submitted to approved %+v", d.SubmittedToApproved)
	}
	if d.Returns != [4]int{0, 1, 0, 0} || d.ReturnsPerVerdict() != 1 {
		t.Errorf("returns %v", d.Returns)
	}
	for _, r := range d.Ratings {
		if want := map[bool]int{true: 1, false: 0}[r.Rating == "Mostly false"]; r.N != want {
			t.Errorf("rating %s: %d, want %d", r.Rating, r.N, want)
		}
	}
	if len(d.Reviewers) != 1 || d.Reviewers[0].UserID != n.rita.ID || d.Reviewers[0].Submitted != 2 || d.Reviewers[0].Approved != 1 || d.Reviewers[0].Returned != 1 {
		t.Errorf("reviewers %+v", d.Reviewers)
	}
	editors := map[int64]domain.PersonWork{}
	for _, e := range d.Editors {
		editors[e.UserID] = e
	}
	if editors[n.eddie.ID].Returned != 1 || editors[n.emma.ID].Approved != 1 || len(editors) != 2 {
		t.Errorf("editors %+v", d.Editors)
	}
	if len(d.TopOutlets) != 1 || d.TopOutlets[0].Name != "The Daily Ledger" || d.TopOutlets[0].Total != 1 {
		t.Errorf("outlets %+v", d.TopOutlets)
	}
	if len(d.TopClaimants) != 1 || d.TopClaimants[0].Name != "Jo Marsh" || d.TopClaimants[0].Total != 1 {
		t.Errorf("claimants %+v", d.TopClaimants)
	}
	if len(d.Outlets) != 1 || d.Outlets[0] != "The Daily Ledger" {
		t.Errorf("outlets to filter by: %v", d.Outlets)
	}

	// Another outlet's view is empty; a period before it all too.
	other, err := n.db.Desk(ctx, domain.DeskFilter{From: f.From, To: f.To, Outlet: "Morning Post"})
	if err != nil {
		t.Fatal(err)
	}
	if other.Added != 0 || other.Approved != 0 || other.States[domain.StateQueued] != 0 || other.Overdue != 0 || !other.OldestWaiting.IsZero() || len(other.TopOutlets) != 0 {
		t.Errorf("another outlet sees %+v", other)
	}
	before, err := n.db.Desk(ctx, domain.DeskFilter{From: f.From.AddDate(0, -3, 0), To: f.From.AddDate(0, 0, -1)})
	if err != nil {
		t.Fatal(err)
	}
	if before.Added != 0 || before.Approved != 0 || len(before.Reviewers) != 0 {
		t.Errorf("an earlier period sees %+v", before)
	}
	// A long period reads whole months from month counters and matches.
	long, err := n.db.Desk(ctx, domain.DeskFilter{From: time.Date(2025, 11, 17, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 5, 9, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	if long.Added != 3 || long.Approved != 1 || long.Returned != 1 || long.QueuedToApproved.Count != 1 || len(long.TopClaimants) != 1 {
		t.Errorf("long period: %+v", long)
	}

	// Moving the article to another outlet moves its claims' states.
	raw := rawDB(t, n.db)
	if _, err := raw.Exec(`UPDATE articles SET outlet = 'Morning Post' WHERE id = ?`, n.article); err != nil {
		t.Fatal(err)
	}
	other, err = n.db.Desk(ctx, domain.DeskFilter{From: f.From, To: f.To, Outlet: "Morning Post"})
	if err != nil {
		t.Fatal(err)
	}
	if other.States[domain.StateQueued] != 1 || other.Overdue != 1 || other.OldestWaiting.IsZero() {
		t.Errorf("after the move: states %v overdue %d", other.States, other.Overdue)
	}
}

func nonZero(m map[domain.ClaimState]int) map[domain.ClaimState]int {
	out := map[domain.ClaimState]int{}
	for k, v := range m {
		if v != 0 {
			out[k] = v
		}
	}
	return out
}

// The counters rebuilt from the rows match those kept by the triggers,
// except that only a verdict's latest submission is on record.
func TestRebuildDeskMatchesTheTriggers(t *testing.T) {
	n, start, _ := deskNewsroom(t)
	ctx := context.Background()
	f := domain.DeskFilter{From: domain.Day(start).AddDate(0, -2, 0), To: domain.Day(start).AddDate(0, 0, 1)}
	kept, err := n.db.Desk(ctx, f)
	if err != nil {
		t.Fatal(err)
	}
	if err := n.db.RebuildDesk(actorCtx("cli")); err != nil {
		t.Fatal(err)
	}
	rebuilt, err := n.db.Desk(ctx, f)
	if err != nil {
		t.Fatal(err)
	}
	kept.Reviewers[0].Submitted = 1
	kept.Now, rebuilt.Now = time.Time{}, time.Time{}
	if rebuilt.Generation <= kept.Generation {
		t.Errorf("the recount left the desk generation at %d (was %d)", rebuilt.Generation, kept.Generation)
	}
	kept.Generation, rebuilt.Generation = 0, 0
	if !reflect.DeepEqual(kept, rebuilt) {
		t.Errorf("kept by triggers:\n%+v\nrebuilt:\n%+v", kept, rebuilt)
	}
}

// The counters' own check (run after every crash by bench/crash.sh) finds a
// count lost or counted twice, in either table, and a state count that is
// not the claims'; the counters the triggers keep pass it, folded or not.
func TestDeskCounterCheckFindsDrift(t *testing.T) {
	n, _, _ := deskNewsroom(t)
	ctx := context.Background()
	raw := rawDB(t, n.db)
	check := func() []string {
		t.Helper()
		problems, err := n.db.CheckDeskCounters(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return problems
	}
	if problems := check(); len(problems) > 0 {
		t.Fatalf("counters kept by the triggers: %q", problems)
	}
	var pending int
	if err := raw.QueryRow(`SELECT count(*) FROM desk_pending`).Scan(&pending); err != nil || pending == 0 {
		t.Fatalf("nothing pending to check (%d, %v)", pending, err)
	}
	for _, c := range []struct{ name, drift, undo string }{
		{"a pending day counted twice",
			`UPDATE desk_pending SET n = n * 2 WHERE outlet <> ' ' AND period < 'M' AND metric = 'approved'`,
			`UPDATE desk_pending SET n = n / 2 WHERE outlet <> ' ' AND period < 'M' AND metric = 'approved'`},
		{"a pending month lost",
			`UPDATE desk_pending SET n = n - 1 WHERE outlet = ' ' AND period >= 'M' AND metric = 'added'`,
			`UPDATE desk_pending SET n = n + 1 WHERE outlet = ' ' AND period >= 'M' AND metric = 'added'`},
		{"a fold that left a day both folded and pending",
			`INSERT INTO desk_counts SELECT * FROM desk_pending WHERE metric = 'submitted' AND period < 'M'
				ON CONFLICT (outlet, metric, period, key) DO UPDATE SET n = n + excluded.n`,
			`UPDATE desk_counts SET n = n - (SELECT p.n FROM desk_pending p WHERE (p.outlet, p.metric, p.period, p.key) =
				(desk_counts.outlet, desk_counts.metric, desk_counts.period, desk_counts.key)) WHERE metric = 'submitted' AND period < 'M'`},
		{"a claim's state not counted",
			`UPDATE desk_states SET n = n + 1 WHERE outlet <> ' ' AND state = 'queued'`,
			`UPDATE desk_states SET n = n - 1 WHERE outlet <> ' ' AND state = 'queued'`},
	} {
		res, err := raw.Exec(c.drift)
		if err != nil {
			t.Fatal(err)
		}
		if k, _ := res.RowsAffected(); k == 0 {
			t.Fatalf("%s: no counter changed", c.name)
		}
		if problems := check(); len(problems) == 0 {
			t.Errorf("%s: the check found nothing", c.name)
		} else {
			t.Logf("%s: %q", c.name, problems)
		}
		if _, err := raw.Exec(c.undo); err != nil {
			t.Fatal(err)
		}
		if problems := check(); len(problems) > 0 {
			t.Fatalf("%s, undone: %q", c.name, problems)
		}
	}
}

// A fold of the dashboard's counters that fails at commit is told once,
// not at every commit, and again only after one has worked; the counters
// stay exact meanwhile.
func TestAFailingDeskFoldIsToldOnce(t *testing.T) {
	n := newNewsroom(t)
	db := n.db
	ctx := context.Background()
	storage.FoldDeskAtEveryCommitForTest(db, 2)
	var told []string
	var mu sync.Mutex
	db.OnDeskFoldError(func(err error) {
		mu.Lock()
		told = append(told, err.Error())
		mu.Unlock()
	})
	raw := rawDB(t, db)
	if _, err := raw.Exec(`CREATE TRIGGER no_fold BEFORE DELETE ON desk_pending BEGIN SELECT RAISE(ABORT, 'fold refused'); END`); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		n.queued(t, 0.5, domain.PriorityNormal)
	}
	mu.Lock()
	if len(told) != 1 || !strings.Contains(told[0], "fold refused") {
		t.Errorf("after three failed folds, told %q, want the failure once", told)
	}
	mu.Unlock()
	if problems, err := db.CheckDeskCounters(ctx); err != nil || len(problems) > 0 {
		t.Errorf("counters after failed folds: %v, %v", problems, err)
	}
	if _, err := raw.Exec(`DROP TRIGGER no_fold`); err != nil {
		t.Fatal(err)
	}
	n.queued(t, 0.5, domain.PriorityNormal)
	if _, err := raw.Exec(`CREATE TRIGGER no_fold BEFORE DELETE ON desk_pending BEGIN SELECT RAISE(ABORT, 'fold refused'); END`); err != nil {
		t.Fatal(err)
	}
	n.queued(t, 0.5, domain.PriorityNormal)
	mu.Lock()
	if len(told) != 2 {
		t.Errorf("a fold failing again after one worked: told %d times, want 2", len(told))
	}
	mu.Unlock()
	if problems, err := db.CheckDeskCounters(ctx); err != nil || len(problems) > 0 {
		t.Errorf("counters: %v, %v", problems, err)
	}
}
