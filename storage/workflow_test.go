package storage_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"claimtrail/domain"
	"claimtrail/storage"
)

// as is a context acting as u, the way the web layer builds it.
func as(u *domain.User) context.Context {
	return domain.WithActor(context.Background(), domain.Actor{UserID: u.ID, Label: u.Email, RequestID: "req-w"})
}

// newsroom is a database with a reviewer, two editors and an article.
type newsroom struct {
	db                *storage.DB
	rita, eddie, emma *domain.User
	article           int64
}

func newNewsroom(t *testing.T) *newsroom {
	t.Helper()
	db := openTestDB(t)
	n := &newsroom{db: db,
		rita:  mustCreateUser(t, db, "rita@newsroom.example", domain.RoleReviewer),
		eddie: mustCreateUser(t, db, "eddie@newsroom.example", domain.RoleEditor),
		emma:  mustCreateUser(t, db, "emma@newsroom.example", domain.RoleEditor),
	}
	n.article = storage.InsertArticleForTest(t, db, "Jobs figures", "The Daily Ledger", "Unemployment fell by 3% last year, the minister said.")
	return n
}

// queued makes a candidate claim and accepts it into the queue.
func (n *newsroom) queued(t *testing.T, score float64, p domain.Priority) int64 {
	t.Helper()
	id := storage.InsertCandidateForTest(t, n.db, n.article, "Unemployment fell by 3% last year", 0, score, domain.TypeQuantity)
	storage.AcceptClaimForTest(t, n.db, actorCtx("triage@newsroom.example"), id, p)
	return id
}

func (n *newsroom) ratingID(t *testing.T, name string) int64 {
	t.Helper()
	rs, err := n.db.ListRatings(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rs {
		if r.Name == name {
			return r.ID
		}
	}
	t.Fatalf("no rating %q", name)
	return 0
}

var onsSource = domain.Source{URL: "https://www.ons.gov.uk/employment", Title: "Labour market overview", Publisher: "ONS",
	Type: domain.SourceOfficialStatistics, Quote: "The unemployment rate fell to 4.2%."}

// readyToSubmit takes claim id as rita and completes its verdict; it returns the verdict version.
func (n *newsroom) inReviewWithVerdict(t *testing.T, id int64) int64 {
	t.Helper()
	if _, err := n.db.AssignClaim(as(n.eddie), id, n.rita.ID, 0); err != nil {
		t.Fatal(err)
	}
	v, err := n.db.SaveVerdict(as(n.rita), id, domain.VerdictInput{RatingID: n.ratingID(t, "Mostly false"), Conclusion: "It fell by 0.3 points, not 3%."}, 1)
	if err != nil {
		t.Fatal(err)
	}
	if v, err = n.db.AddSource(as(n.rita), id, onsSource, v.Version); err != nil {
		t.Fatal(err)
	}
	return v.Version
}

func claimEvents(t *testing.T, db *storage.DB, id int64) []*domain.AuditEvent {
	t.Helper()
	evs, err := db.EntityHistory(context.Background(), "claim", id)
	if err != nil {
		t.Fatal(err)
	}
	return evs
}

func TestTransitionsTableMatchesDatabase(t *testing.T) {
	n := newNewsroom(t)
	raw := rawDB(t, n.db)
	rows, err := raw.Query(`SELECT from_state, to_state FROM claim_transitions ORDER BY 1, 2`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var inDB []string
	for rows.Next() {
		var from, to string
		rows.Scan(&from, &to)
		inDB = append(inDB, from+"→"+to)
	}
	var inDomain []string
	for _, tr := range domain.Transitions {
		inDomain = append(inDomain, string(tr.From)+"→"+string(tr.To))
	}
	slices.Sort(inDomain)
	if !slices.Equal(inDB, inDomain) {
		t.Errorf("database transitions %v\ndomain transitions %v", inDB, inDomain)
	}

	// The trigger refuses every move the table lacks, even from raw SQL.
	id := n.queued(t, 0.5, domain.PriorityNormal)
	for _, to := range []string{"approved", "submitted", "dismissed", "candidate"} {
		if _, err := raw.Exec(`UPDATE claims SET state = ? WHERE id = ?`, to, id); err == nil {
			t.Errorf("raw UPDATE queued → %s succeeded; want refused by the trigger", to)
		}
	}
	if _, err := raw.Exec(`UPDATE claims SET state = 'in_review' WHERE id = ?`, id); err != nil {
		t.Errorf("allowed raw UPDATE queued → in_review refused: %v", err)
	}
}

// TestEveryTransitionWritesItsAuditEvent walks a claim through every allowed
// move after triage and checks each writes exactly one claim.* event naming
// it, with the state before and after.
func TestEveryTransitionWritesItsAuditEvent(t *testing.T) {
	n := newNewsroom(t)
	id := n.queued(t, 0.8, domain.PriorityNormal)
	rating := n.ratingID(t, "False")
	var version int64
	steps := []struct {
		action   string
		from, to domain.ClaimState
		do       func() error
	}{
		{"claim.taken", "queued", "in_review", func() error { _, err := n.db.TakeNext(as(n.rita)); return err }},
		{"claim.released", "in_review", "queued", func() error { _, err := n.db.ReleaseClaim(as(n.rita), id, "Out sick"); return err }},
		{"claim.assigned", "queued", "in_review", func() error { _, err := n.db.AssignClaim(as(n.eddie), id, n.rita.ID, 0); return err }},
		{"claim.reassigned", "in_review", "in_review", func() error { _, err := n.db.AssignClaim(as(n.eddie), id, n.emma.ID, 0); return err }},
		{"verdict.saved", "", "", func() error {
			v, err := n.db.VerdictByClaim(context.Background(), id)
			if err == nil {
				v, err = n.db.SaveVerdict(as(n.emma), id, domain.VerdictInput{RatingID: rating, Conclusion: "Wrong."}, v.Version)
			}
			if err == nil {
				v, err = n.db.AddSource(as(n.emma), id, onsSource, v.Version)
			}
			if err == nil {
				version = v.Version
			}
			return err
		}},
		{"claim.submitted", "in_review", "submitted", func() error {
			v, err := n.db.SubmitVerdict(as(n.emma), id, nil, version)
			if err == nil {
				version = v.Version
			}
			return err
		}},
		{"claim.returned", "submitted", "in_review", func() error {
			v, err := n.db.ReturnVerdict(as(n.eddie), id, "Need the ONS source", version)
			if err == nil {
				version = v.Version
			}
			return err
		}},
		{"claim.submitted", "in_review", "submitted", func() error {
			v, err := n.db.SubmitVerdict(as(n.emma), id, nil, version)
			if err == nil {
				version = v.Version
			}
			return err
		}},
		{"claim.approved", "submitted", "approved", func() error { _, err := n.db.ApproveVerdict(as(n.eddie), id, version); return err }},
		{"claim.reopened", "approved", "in_review", func() error { _, err := n.db.ReopenClaim(as(n.eddie), id, "The ONS revised the figure"); return err }},
	}
	for _, s := range steps {
		before := claimEvents(t, n.db, id)
		if err := s.do(); err != nil {
			t.Fatalf("%s: %v", s.action, err)
		}
		var claimActions []*domain.AuditEvent
		for _, ev := range claimEvents(t, n.db, id)[len(before):] {
			if strings.HasPrefix(ev.Action, "claim.") {
				claimActions = append(claimActions, ev)
			}
		}
		if s.from == "" {
			if len(claimActions) != 0 {
				t.Errorf("%s: wrote claim events %v", s.action, claimActions)
			}
			continue
		}
		if len(claimActions) != 1 || claimActions[0].Action != s.action {
			t.Fatalf("%s: claim events %+v, want exactly one %s", s.action, claimActions, s.action)
		}
		var b, a struct{ State domain.ClaimState }
		json.Unmarshal(claimActions[0].Before, &b)
		json.Unmarshal(claimActions[0].After, &a)
		if b.State != s.from || a.State != s.to {
			t.Errorf("%s: recorded %s → %s, want %s → %s", s.action, b.State, a.State, s.from, s.to)
		}
	}
	// The approved verdict stays in the history after reopening, in the
	// reopening's own event.
	evs := claimEvents(t, n.db, id)
	last := evs[len(evs)-1]
	if last.Action != "claim.reopened" || !strings.Contains(string(last.Before), `"conclusion":"Wrong."`) || !strings.Contains(string(last.Before), "ons.gov.uk") {
		t.Errorf("reopen kept no snapshot of the approved verdict: %s %s", last.Action, last.Before)
	}
	if _, err := n.db.VerifyAudit(context.Background()); err != nil {
		t.Errorf("audit chain: %v", err)
	}
}

func TestRefusedTransitionsChangeNothing(t *testing.T) {
	n := newNewsroom(t)
	queued := n.queued(t, 0.5, domain.PriorityNormal)
	inReview := n.queued(t, 0.5, domain.PriorityNormal)
	version := n.inReviewWithVerdict(t, inReview)
	tests := []struct {
		name string
		id   int64
		do   func(id int64) error
		want string
	}{
		{"submit a queued claim", queued, func(id int64) error { _, err := n.db.SubmitVerdict(as(n.rita), id, nil, 1); return err }, domain.ECONFLICT},
		{"approve a queued claim", queued, func(id int64) error { _, err := n.db.ApproveVerdict(as(n.eddie), id, 1); return err }, domain.ECONFLICT},
		{"release a queued claim", queued, func(id int64) error { _, err := n.db.ReleaseClaim(as(n.eddie), id, ""); return err }, domain.ECONFLICT},
		{"reopen a claim in review", inReview, func(id int64) error { _, err := n.db.ReopenClaim(as(n.eddie), id, "why"); return err }, domain.ECONFLICT},
		{"approve a claim in review", inReview, func(id int64) error { _, err := n.db.ApproveVerdict(as(n.emma), id, version); return err }, domain.ECONFLICT},
		{"return a claim in review", inReview, func(id int64) error { _, err := n.db.ReturnVerdict(as(n.emma), id, "no", version); return err }, domain.ECONFLICT},
		{"reviewer assigns", queued, func(id int64) error { _, err := n.db.AssignClaim(as(n.rita), id, n.rita.ID, 0); return err }, domain.EFORBIDDEN},
		{"reviewer sets priority", queued, func(id int64) error {
			_, err := n.db.SetClaimPriority(as(n.rita), storage.Refs(id), domain.PriorityUrgent)
			return err
		}, domain.EFORBIDDEN},
		{"reviewer sets due date", queued, func(id int64) error {
			_, err := n.db.SetClaimDue(as(n.rita), id, time.Now().AddDate(0, 0, 2), 0)
			return err
		}, domain.EFORBIDDEN},
		{"due date in the past", queued, func(id int64) error {
			_, err := n.db.SetClaimDue(as(n.eddie), id, time.Now().AddDate(0, 0, -2), 0)
			return err
		}, domain.EINVALID},
		{"someone else's verdict", inReview, func(id int64) error {
			other := mustCreateUser(t, n.db, "rob@newsroom.example", domain.RoleReviewer)
			_, err := n.db.SaveVerdict(as(other), id, domain.VerdictInput{Conclusion: "Mine now"}, version)
			return err
		}, domain.EFORBIDDEN},
		{"reviewer releases someone else's claim", inReview, func(id int64) error {
			other, _ := n.db.UserByEmail(context.Background(), "rob@newsroom.example")
			_, err := n.db.ReleaseClaim(as(other), id, "")
			return err
		}, domain.EFORBIDDEN},
		{"bulk assign with an unknown claim assigns none", inReview, func(id int64) error {
			_, err := n.db.BulkAssign(as(n.eddie), storage.Refs(queued, id, 99999), n.emma.ID)
			return err
		}, domain.ENOTFOUND},
		{"no signed-in actor", queued, func(id int64) error { _, err := n.db.TakeNext(context.Background()); return err }, domain.EUNAUTHORIZED},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before, _ := n.db.ClaimByID(context.Background(), tt.id)
			eventsBefore := len(claimEvents(t, n.db, tt.id))
			if got := domain.ErrorCode(tt.do(tt.id)); got != tt.want {
				t.Fatalf("code = %q, want %q", got, tt.want)
			}
			after, _ := n.db.ClaimByID(context.Background(), tt.id)
			if after.State != before.State || after.Version != before.Version || after.AssigneeID != before.AssigneeID {
				t.Errorf("claim changed: %+v → %+v", before, after)
			}
			if got := len(claimEvents(t, n.db, tt.id)); got != eventsBefore {
				t.Errorf("refused action wrote %d events", got-eventsBefore)
			}
		})
	}
}

func TestTakeNextConcurrentNeverHandsOutAClaimTwice(t *testing.T) {
	n := newNewsroom(t)
	for i := range 30 {
		n.queued(t, float64(i)/30, domain.Priority(i%4))
	}
	reviewers := make([]*domain.User, 5)
	for i := range reviewers {
		reviewers[i] = mustCreateUser(t, n.db, fmt.Sprintf("r%d@newsroom.example", i), domain.RoleReviewer)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	taken := map[int64]int64{}
	empty, other := 0, []error{}
	start := make(chan struct{})
	for i := range 50 {
		wg.Add(1)
		go func(u *domain.User) {
			defer wg.Done()
			<-start
			c, err := n.db.TakeNext(as(u))
			mu.Lock()
			defer mu.Unlock()
			switch {
			case errors.Is(err, domain.ErrQueueEmpty):
				empty++
			case err != nil:
				other = append(other, err)
			default:
				if prev, dup := taken[c.ID]; dup {
					t.Errorf("claim %d handed to %d and %d", c.ID, prev, u.ID)
				}
				taken[c.ID] = u.ID
				if c.AssigneeID != u.ID || c.State != domain.StateInReview {
					t.Errorf("claim %d came back %s for %d", c.ID, c.State, c.AssigneeID)
				}
			}
		}(reviewers[i%len(reviewers)])
	}
	close(start)
	wg.Wait()
	if len(other) > 0 {
		t.Fatalf("unexpected errors: %v", other)
	}
	if len(taken) != 30 || empty != 20 {
		t.Errorf("taken %d, empty %d; want 30 and 20", len(taken), empty)
	}
	if domain.ErrorCode(domain.ErrQueueEmpty) != domain.ENOTFOUND {
		t.Error("ErrQueueEmpty should be a not-found domain error")
	}
}

func TestTakeNextFollowsPriorityThenScoreThenAge(t *testing.T) {
	n := newNewsroom(t)
	clock := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	n.db.Now = func() time.Time { clock = clock.Add(time.Minute); return clock }
	lowHigh := n.queued(t, 0.99, domain.PriorityLow)
	normalOld := n.queued(t, 0.5, domain.PriorityNormal)
	normalNew := n.queued(t, 0.5, domain.PriorityNormal)
	normalBetter := n.queued(t, 0.7, domain.PriorityNormal)
	urgent := n.queued(t, 0.1, domain.PriorityUrgent)
	want := []int64{urgent, normalBetter, normalOld, normalNew, lowHigh}
	for i, w := range want {
		c, err := n.db.TakeNext(as(n.rita))
		if err != nil {
			t.Fatal(err)
		}
		if c.ID != w {
			t.Errorf("take %d: got claim %d, want %d", i, c.ID, w)
		}
	}
}

func TestListQueueKeysetPagesAndFilters(t *testing.T) {
	n := newNewsroom(t)
	other := storage.InsertArticleForTest(t, n.db, "Crime", "Morning Post", "Crime doubled.")
	var all []int64
	for i := range 57 {
		id := n.queued(t, float64(i%10)/10, domain.Priority(i%4))
		all = append(all, id)
	}
	odd := storage.InsertCandidateForTest(t, n.db, other, "Crime doubled", 0, 0.9, domain.TypeCausation)
	storage.AcceptClaimForTest(t, n.db, actorCtx("t@x.example"), odd, domain.PriorityNormal)
	all = append(all, odd)

	var seen []*domain.QueueItem
	cursor, pages := "", 0
	for {
		items, next, err := n.db.ListQueue(context.Background(), domain.QueueFilter{Cursor: cursor, Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		seen, pages = append(seen, items...), pages+1
		if next == "" {
			break
		}
		cursor = next
	}
	if len(seen) != len(all) || pages != 6 {
		t.Fatalf("paged %d claims in %d pages, want %d in 6", len(seen), pages, len(all))
	}
	ids := map[int64]bool{}
	for i, it := range seen {
		if ids[it.ID] {
			t.Errorf("claim %d listed twice", it.ID)
		}
		ids[it.ID] = true
		if i > 0 {
			p := seen[i-1]
			ordered := p.Priority > it.Priority || (p.Priority == it.Priority && (p.Score > it.Score ||
				(p.Score == it.Score && (p.QueuedAt.Before(it.QueuedAt) || (p.QueuedAt.Equal(it.QueuedAt) && p.ID < it.ID)))))
			if !ordered {
				t.Errorf("out of order at %d: %+v then %+v", i, p.Claim, it.Claim)
			}
		}
	}
	if seen[0].ArticleTitle == "" || seen[0].Outlet == "" {
		t.Errorf("items lack article details: %+v", seen[0])
	}

	count := func(f domain.QueueFilter) int {
		f.Limit = 200
		items, _, err := n.db.ListQueue(context.Background(), f)
		if err != nil {
			t.Fatal(err)
		}
		return len(items)
	}
	if got := count(domain.QueueFilter{Outlet: "Morning Post"}); got != 1 {
		t.Errorf("outlet filter: %d", got)
	}
	if got := count(domain.QueueFilter{Type: domain.TypeCausation}); got != 1 {
		t.Errorf("type filter: %d", got)
	}
	if _, err := n.db.AssignClaim(as(n.eddie), all[0], n.rita.ID, 0); err != nil {
		t.Fatal(err)
	}
	if got := count(domain.QueueFilter{States: []domain.ClaimState{domain.StateInReview}, AssigneeID: n.rita.ID}); got != 1 {
		t.Errorf("assignee filter: %d", got)
	}
	if got := count(domain.QueueFilter{States: []domain.ClaimState{domain.StateQueued, domain.StateInReview}, Unassigned: true}); got != len(all)-1 {
		t.Errorf("unassigned filter: %d", got)
	}
	if got := count(domain.QueueFilter{Since: time.Now().Add(time.Hour)}); got != 0 {
		t.Errorf("since filter: %d", got)
	}
}

func TestBulkPriorityWritesOneEventPerClaim(t *testing.T) {
	n := newNewsroom(t)
	a, b, c := n.queued(t, 0.1, domain.PriorityLow), n.queued(t, 0.2, domain.PriorityLow), n.queued(t, 0.3, domain.PriorityUrgent)
	if changed, err := n.db.SetClaimPriority(as(n.eddie), storage.Refs(a, b, c), domain.PriorityUrgent); err != nil || changed != 2 {
		t.Fatalf("changed %d (want 2: one was already urgent), %v", changed, err)
	}
	for _, id := range []int64{a, b, c} {
		var prioritised int
		for _, ev := range claimEvents(t, n.db, id) {
			if ev.Action == "claim.prioritised" {
				prioritised++
			}
		}
		want := 1
		if id == c {
			want = 0 // already urgent: nothing changed, nothing recorded
		}
		if prioritised != want {
			t.Errorf("claim %d: %d prioritised events, want %d", id, prioritised, want)
		}
	}
	if _, err := n.db.BulkAssign(as(n.eddie), storage.Refs(a, b), n.rita.ID); err != nil {
		t.Fatal(err)
	}
	for _, id := range []int64{a, b} {
		c, _ := n.db.ClaimByID(context.Background(), id)
		if c.State != domain.StateInReview || c.AssigneeID != n.rita.ID {
			t.Errorf("claim %d: %s assigned to %d", id, c.State, c.AssigneeID)
		}
	}
}

func TestBulkChangesRefuseClaimsChangedSinceTheEditorLooked(t *testing.T) {
	n := newNewsroom(t)
	ctx := context.Background()
	a, b := n.queued(t, 0.1, domain.PriorityLow), n.queued(t, 0.2, domain.PriorityLow)
	ca, _ := n.db.ClaimByID(ctx, a)
	cb, _ := n.db.ClaimByID(ctx, b)
	seen := []storage.ClaimRef{{ID: a, Seen: ca.Version}, {ID: b, Seen: cb.Version}}

	// Another editor reprioritises b after the page was loaded.
	if err := n.db.PrioritiseClaim(as(n.eddie), b, domain.PriorityUrgent, cb.Version); err != nil {
		t.Fatal(err)
	}

	for name, change := range map[string]func() error{
		"assign": func() error {
			_, err := n.db.BulkAssign(as(n.eddie), seen, n.rita.ID)
			return err
		},
		"priority": func() error {
			_, err := n.db.SetClaimPriority(as(n.eddie), seen, domain.PriorityHigh)
			return err
		},
	} {
		err := change()
		if domain.ErrorCode(err) != domain.ECONFLICT || !strings.Contains(domain.ErrorMessage(err), fmt.Sprintf("Claim %d changed", b)) {
			t.Errorf("%s: err = %v, want a conflict naming claim %d", name, err, b)
		}
		// Nothing changed, not even the claim that was still current.
		if c, _ := n.db.ClaimByID(ctx, a); c.Version != ca.Version || c.State != domain.StateQueued || c.Priority != domain.PriorityLow {
			t.Errorf("%s: claim %d changed anyway: v%d %s %s", name, a, c.Version, c.State, c.Priority)
		}
		if c, _ := n.db.ClaimByID(ctx, b); c.Priority != domain.PriorityUrgent || c.AssigneeID != 0 {
			t.Errorf("%s: the other editor's change was overwritten: %s, assignee %d", name, c.Priority, c.AssigneeID)
		}
	}

	// A claim named twice is changed once; too many at once is refused.
	if changed, err := n.db.SetClaimPriority(as(n.eddie), storage.Refs(a, a), domain.PriorityHigh); err != nil || changed != 1 {
		t.Errorf("a claim named twice: changed %d, %v", changed, err)
	}
	many := make([]int64, 1001)
	for i := range many {
		many[i] = int64(i + 1)
	}
	if _, err := n.db.BulkAssign(as(n.eddie), storage.Refs(many...), n.rita.ID); domain.ErrorCode(err) != domain.EINVALID {
		t.Errorf("1001 claims at once: %v", err)
	}
	ca, _ = n.db.ClaimByID(ctx, a)

	// With the current versions the same change goes through.
	cb, _ = n.db.ClaimByID(ctx, b)
	if _, err := n.db.BulkAssign(as(n.eddie), []storage.ClaimRef{{ID: a, Seen: ca.Version}, {ID: b, Seen: cb.Version}}, n.rita.ID); err != nil {
		t.Fatal(err)
	}
}

func TestStaleVerdictSaveIsRefusedWithTheOtherChange(t *testing.T) {
	n := newNewsroom(t)
	id := n.queued(t, 0.5, domain.PriorityNormal)
	if _, err := n.db.AssignClaim(as(n.eddie), id, n.rita.ID, 0); err != nil {
		t.Fatal(err)
	}
	// Rita and Eddie both open version 1; Rita saves first.
	if _, err := n.db.SaveVerdict(as(n.rita), id, domain.VerdictInput{Conclusion: "Rita's finding"}, 1); err != nil {
		t.Fatal(err)
	}
	_, err := n.db.SaveVerdict(as(n.eddie), id, domain.VerdictInput{Conclusion: "Eddie's finding"}, 1)
	var stale *domain.StaleVerdictError
	if !errors.As(err, &stale) || domain.ErrorCode(err) != domain.ECONFLICT {
		t.Fatalf("err = %v, want a stale-verdict conflict", err)
	}
	if stale.Current.Conclusion != "Rita's finding" || stale.By != n.rita.Name {
		t.Errorf("conflict shows %q by %q", stale.Current.Conclusion, stale.By)
	}
	v, _ := n.db.VerdictByClaim(context.Background(), id)
	if v.Conclusion != "Rita's finding" || v.Version != 2 {
		t.Errorf("stored verdict %q v%d", v.Conclusion, v.Version)
	}
	// Source changes carry the version too.
	if _, err := n.db.AddSource(as(n.eddie), id, onsSource, 1); !errors.As(err, &stale) {
		t.Errorf("stale source add: %v", err)
	}
}

func TestTwoEditorsApprovingAtOnceOneWins(t *testing.T) {
	n := newNewsroom(t)
	id := n.queued(t, 0.5, domain.PriorityNormal)
	version := n.inReviewWithVerdict(t, id)
	v, err := n.db.SubmitVerdict(as(n.rita), id, nil, version)
	if err != nil {
		t.Fatal(err)
	}
	errs := make([]error, 2)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i, ed := range []*domain.User{n.eddie, n.emma} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			if i == 0 {
				_, errs[i] = n.db.ApproveVerdict(as(ed), id, v.Version)
			} else {
				_, errs[i] = n.db.ReturnVerdict(as(ed), id, "Needs a second source", v.Version)
			}
		}()
	}
	close(start)
	wg.Wait()
	won, lost := 0, 0
	for _, err := range errs {
		switch domain.ErrorCode(err) {
		case "":
			won++
		case domain.ECONFLICT:
			lost++
			if msg := domain.ErrorMessage(err); !strings.Contains(msg, "this claim at") {
				t.Errorf("loser's message does not say what happened: %q", msg)
			}
		default:
			t.Errorf("unexpected %v", err)
		}
	}
	if won != 1 || lost != 1 {
		t.Errorf("won %d lost %d, want 1 and 1 (%v)", won, lost, errs)
	}
}

func TestFourEyesInsideTheTransaction(t *testing.T) {
	n := newNewsroom(t)
	// Eddie, an editor, takes a claim and writes its verdict himself.
	id := n.queued(t, 0.5, domain.PriorityNormal)
	if _, err := n.db.TakeNext(as(n.eddie)); err != nil {
		t.Fatal(err)
	}
	v, err := n.db.SaveVerdict(as(n.eddie), id, domain.VerdictInput{RatingID: n.ratingID(t, "True"), Conclusion: "Correct."}, 1)
	if err == nil {
		v, err = n.db.AddSource(as(n.eddie), id, onsSource, v.Version)
	}
	if err == nil {
		v, err = n.db.SubmitVerdict(as(n.eddie), id, nil, v.Version)
	}
	if err != nil {
		t.Fatal(err)
	}
	if _, err := n.db.ApproveVerdict(as(n.eddie), id, v.Version); domain.ErrorCode(err) != domain.EFORBIDDEN {
		t.Errorf("author approving own verdict: %v, want forbidden", err)
	}
	if _, err := n.db.ReturnVerdict(as(n.eddie), id, "hmm", v.Version); domain.ErrorCode(err) != domain.EFORBIDDEN {
		t.Errorf("author returning own verdict: %v, want forbidden", err)
	}
	if _, err := n.db.ApproveVerdict(as(n.rita), id, v.Version); domain.ErrorCode(err) != domain.EFORBIDDEN {
		t.Errorf("reviewer approving: %v, want forbidden", err)
	}
	// An editor who only edited someone else's draft also worked on it.
	id2 := n.queued(t, 0.5, domain.PriorityNormal)
	version := n.inReviewWithVerdict(t, id2)
	v2, err := n.db.SaveVerdict(as(n.emma), id2, domain.VerdictInput{RatingID: n.ratingID(t, "False"), Conclusion: "Emma's edit"}, version)
	if err != nil {
		t.Fatal(err)
	}
	if v2, err = n.db.SubmitVerdict(as(n.rita), id2, nil, v2.Version); err != nil {
		t.Fatal(err)
	}
	if _, err := n.db.ApproveVerdict(as(n.emma), id2, v2.Version); domain.ErrorCode(err) != domain.EFORBIDDEN {
		t.Errorf("editing editor approving: %v, want forbidden", err)
	}
	if _, err := n.db.ApproveVerdict(as(n.eddie), id, v.Version); domain.ErrorCode(err) != domain.EFORBIDDEN {
		t.Errorf("again: %v", err)
	}
	if _, err := n.db.ApproveVerdict(as(n.emma), id, v.Version); err != nil {
		t.Errorf("independent editor approving: %v", err)
	}
}

func TestSourcesAndSubmitRules(t *testing.T) {
	n := newNewsroom(t)
	id := n.queued(t, 0.5, domain.PriorityNormal)
	if _, err := n.db.AssignClaim(as(n.eddie), id, n.rita.ID, 0); err != nil {
		t.Fatal(err)
	}
	_, err := n.db.SubmitVerdict(as(n.rita), id, nil, 1)
	var de *domain.Error
	if !errors.As(err, &de) || de.Code != domain.EINVALID || de.Fields["rating"] == "" || de.Fields["conclusion"] == "" || de.Fields["sources"] == "" {
		t.Fatalf("submitting an empty verdict: %v", err)
	}
	for _, bad := range []string{"javascript:alert(1)", "ftp://example.org/x", "/relative", "https://"} {
		s := onsSource
		s.URL = bad
		_, err := n.db.AddSource(as(n.rita), id, s, 1)
		if !errors.As(err, &de) || de.Fields["url"] == "" {
			t.Errorf("source URL %q: %v, want a url field error", bad, err)
		}
	}
	v, err := n.db.AddSource(as(n.rita), id, onsSource, 1)
	if err != nil {
		t.Fatal(err)
	}
	second := onsSource
	second.Title, second.Type = "Treasury statement", domain.SourcePrimaryDocument
	if v, err = n.db.AddSource(as(n.rita), id, second, v.Version); err != nil {
		t.Fatal(err)
	}
	if v, err = n.db.MoveSource(as(n.rita), id, v.Sources[1].ID, true, v.Version); err != nil {
		t.Fatal(err)
	}
	if v.Sources[0].Title != "Treasury statement" {
		t.Errorf("after moving up: %+v", v.Sources)
	}
	edited := v.Sources[1]
	edited.Quote = "4.2%"
	if v, err = n.db.UpdateSource(as(n.rita), id, edited.ID, edited, v.Version); err != nil || v.Sources[1].Quote != "4.2%" {
		t.Fatalf("update: %v %+v", err, v)
	}
	if v, err = n.db.RemoveSource(as(n.rita), id, v.Sources[0].ID, v.Version); err != nil || len(v.Sources) != 1 {
		t.Fatalf("remove: %v", err)
	}
	if v, err = n.db.SaveVerdict(as(n.rita), id, domain.VerdictInput{RatingID: n.ratingID(t, "Half true"), Conclusion: "Partly."}, v.Version); err != nil {
		t.Fatal(err)
	}
	if v, err = n.db.SubmitVerdict(as(n.rita), id, nil, v.Version); err != nil {
		t.Fatal(err)
	}
	// Once submitted, the draft is closed to edits.
	if _, err := n.db.AddSource(as(n.rita), id, onsSource, v.Version); domain.ErrorCode(err) != domain.ECONFLICT {
		t.Errorf("adding a source after submitting: %v", err)
	}
}

func TestRatingsManagedByEditorsAndInUseKept(t *testing.T) {
	n := newNewsroom(t)
	rs, _ := n.db.ListRatings(context.Background())
	var names []string
	for _, r := range rs {
		names = append(names, r.Name)
		if r.Name == "Unverifiable" && r.OnScale {
			t.Error("Unverifiable should be off the scale")
		}
	}
	if want := "True,Mostly true,Half true,Misleading,Mostly false,False,Unverifiable"; strings.Join(names, ",") != want {
		t.Errorf("default scale %v", names)
	}
	r := &domain.Rating{Name: "Needs context", Value: 3.5, OnScale: true}
	if err := n.db.CreateRating(as(n.rita), r); domain.ErrorCode(err) != domain.EFORBIDDEN {
		t.Errorf("reviewer creating a rating: %v", err)
	}
	if err := n.db.CreateRating(as(n.eddie), r); err != nil {
		t.Fatal(err)
	}
	if err := n.db.CreateRating(as(n.eddie), &domain.Rating{Name: "True"}); domain.ErrorCode(err) != domain.EINVALID {
		t.Errorf("duplicate name: %v", err)
	}
	if err := n.db.MoveRating(as(n.eddie), r.ID, true); err != nil {
		t.Fatal(err)
	}
	rs, _ = n.db.ListRatings(context.Background())
	if rs[6].Name != "Needs context" || rs[7].Name != "Unverifiable" {
		t.Errorf("after move: %s, %s", rs[6].Name, rs[7].Name)
	}
	r.Name = "Lacks context"
	if err := n.db.UpdateRating(as(n.eddie), r); err != nil {
		t.Fatal(err)
	}

	id := n.queued(t, 0.5, domain.PriorityNormal)
	if _, err := n.db.AssignClaim(as(n.eddie), id, n.rita.ID, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := n.db.SaveVerdict(as(n.rita), id, domain.VerdictInput{RatingID: r.ID}, 1); err != nil {
		t.Fatal(err)
	}
	err := n.db.DeleteRating(as(n.eddie), r.ID)
	if domain.ErrorCode(err) != domain.ECONFLICT || !strings.Contains(domain.ErrorMessage(err), "used by 1 verdict") {
		t.Errorf("deleting a rating in use: %v", err)
	}
	unused := n.ratingID(t, "Misleading")
	if err := n.db.DeleteRating(as(n.eddie), unused); err != nil {
		t.Errorf("deleting an unused rating: %v", err)
	}
	if err := n.db.DeleteRating(as(n.eddie), unused); domain.ErrorCode(err) != domain.ENOTFOUND {
		t.Errorf("deleting it again: %v", err)
	}
}

func TestHomeLists(t *testing.T) {
	n := newNewsroom(t)
	mine := n.queued(t, 0.5, domain.PriorityNormal)
	returned := n.queued(t, 0.5, domain.PriorityNormal)
	n.inReviewWithVerdict(t, mine)
	v := n.inReviewWithVerdict(t, returned)
	sv, err := n.db.SubmitVerdict(as(n.rita), returned, nil, v)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := n.db.ReturnVerdict(as(n.eddie), returned, "Need the ONS source", sv.Version); err != nil {
		t.Fatal(err)
	}
	waiting := n.queued(t, 0.5, domain.PriorityNormal)
	wv := n.inReviewWithVerdict(t, waiting)
	if _, err := n.db.SubmitVerdict(as(n.rita), waiting, nil, wv); err != nil {
		t.Fatal(err)
	}
	overdue := n.queued(t, 0.5, domain.PriorityNormal)
	if _, err := n.db.SetClaimDue(as(n.eddie), overdue, time.Now().UTC().Truncate(24*time.Hour), 0); err != nil {
		t.Fatal(err)
	}
	n.db.Now = func() time.Time { return time.Now().Add(48 * time.Hour) }

	ids := func(items []*domain.QueueItem) []int64 {
		var out []int64
		for _, it := range items {
			out = append(out, it.ID)
		}
		return out
	}
	h, err := n.db.HomeFor(as(n.rita))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(ids(h.InReview), []int64{mine}) || !slices.Equal(ids(h.Returned), []int64{returned}) || len(h.Waiting) != 0 {
		t.Errorf("rita: in review %v, returned %v, waiting %v", ids(h.InReview), ids(h.Returned), ids(h.Waiting))
	}
	if len(h.Overdue) != 0 {
		t.Errorf("rita sees others' overdue claims: %v", ids(h.Overdue))
	}
	// Eddie assigned the claims but did not work on them, so he may approve.
	h, err = n.db.HomeFor(as(n.eddie))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(ids(h.Waiting), []int64{waiting}) || !slices.Equal(ids(h.Overdue), []int64{overdue}) {
		t.Errorf("eddie: waiting %v overdue %v", ids(h.Waiting), ids(h.Overdue))
	}
	items, _, err := n.db.ListReview(as(n.eddie), "", 10)
	if err != nil || len(items) != 1 || items[0].ID != waiting || !items[0].May.Decide {
		t.Errorf("review list: %v %+v", err, items)
	}

	// Rita hands the returned claim back and Emma is given it: the return
	// was to Rita, so for Emma it is simply a claim in review.
	if _, err := n.db.ReleaseClaim(as(n.rita), returned, "Out this week"); err != nil {
		t.Fatal(err)
	}
	n.db.Now = func() time.Time { return time.Now().Add(49 * time.Hour) }
	if _, err := n.db.AssignClaim(as(n.eddie), returned, n.emma.ID, 0); err != nil {
		t.Fatal(err)
	}
	h, err = n.db.HomeFor(as(n.emma))
	if err != nil {
		t.Fatal(err)
	}
	if len(h.Returned) != 0 || !slices.Contains(ids(h.InReview), returned) {
		t.Errorf("emma: returned %v, in review %v; the return was to Rita", ids(h.Returned), ids(h.InReview))
	}
}

// Two editors on one claim page: the second change, made from the version
// both opened, is refused instead of silently overwriting the first.
func TestClaimPageChangesRefuseAStaleView(t *testing.T) {
	n := newNewsroom(t)
	id := n.queued(t, 0.5, domain.PriorityNormal)
	c, err := n.db.ClaimByID(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	seen := c.Version
	if err := n.db.PrioritiseClaim(as(n.eddie), id, domain.PriorityUrgent, seen); err != nil {
		t.Fatalf("first change: %v", err)
	}
	before, _ := n.db.EntityHistory(context.Background(), "claim", id)
	stale := []struct {
		name string
		do   func() error
	}{
		{"priority", func() error { return n.db.PrioritiseClaim(as(n.emma), id, domain.PriorityLow, seen) }},
		{"due date", func() error {
			_, err := n.db.SetClaimDue(as(n.emma), id, time.Now().AddDate(0, 0, 3), seen)
			return err
		}},
		{"assignment", func() error { _, err := n.db.AssignClaim(as(n.emma), id, n.rita.ID, seen); return err }},
	}
	for _, tt := range stale {
		if err := tt.do(); domain.ErrorCode(err) != domain.ECONFLICT {
			t.Errorf("stale %s: err = %v, want conflict", tt.name, err)
		}
	}
	after, _ := n.db.EntityHistory(context.Background(), "claim", id)
	c, _ = n.db.ClaimByID(context.Background(), id)
	if len(after) != len(before) || c.Priority != domain.PriorityUrgent || c.AssigneeID != 0 {
		t.Errorf("a stale change went through: priority %v, assignee %d, %d new events", c.Priority, c.AssigneeID, len(after)-len(before))
	}
	// From the current version, the change is accepted.
	if _, err := n.db.SetClaimDue(as(n.emma), id, time.Now().AddDate(0, 0, 3), c.Version); err != nil {
		t.Errorf("fresh due date: %v", err)
	}
}

// The home page's overdue list says when time alone would add to it: at the
// start of the day after the next open claim's due date, and never once the
// list is full.
func TestHomeSaysWhenOverdueGrows(t *testing.T) {
	n := newNewsroom(t)
	today := time.Now().UTC().Truncate(24 * time.Hour)
	late := n.queued(t, 0.5, domain.PriorityNormal)
	soon := n.queued(t, 0.5, domain.PriorityNormal)
	later := n.queued(t, 0.5, domain.PriorityNormal)
	for id, due := range map[int64]time.Time{late: today.AddDate(0, 0, 1), soon: today.AddDate(0, 0, 3), later: today.AddDate(0, 0, 6)} {
		if _, err := n.db.SetClaimDue(as(n.eddie), id, due, 0); err != nil {
			t.Fatal(err)
		}
	}
	n.db.Now = func() time.Time { return today.AddDate(0, 0, 3).Add(time.Hour) }
	h, err := n.db.HomeFor(as(n.eddie))
	if err != nil {
		t.Fatal(err)
	}
	if len(h.Overdue) != 1 || h.Overdue[0].ID != late {
		t.Fatalf("overdue: %+v", h.Overdue)
	}
	if want := today.AddDate(0, 0, 4); !h.OverdueGrows.Equal(want) {
		t.Errorf("OverdueGrows = %v, want %v (the day after the next due date)", h.OverdueGrows, want)
	}
	// Just before that moment the list is the same; at it, the claim joins.
	n.db.Now = func() time.Time { return h.OverdueGrows.Add(-time.Microsecond) }
	if h2, err := n.db.HomeFor(as(n.eddie)); err != nil || len(h2.Overdue) != 1 {
		t.Errorf("overdue just before it grows: %v, %d claims", err, len(h2.Overdue))
	}
	n.db.Now = func() time.Time { return h.OverdueGrows }
	if h, err = n.db.HomeFor(as(n.eddie)); err != nil {
		t.Fatal(err)
	}
	if len(h.Overdue) != 2 || h.Overdue[1].ID != soon {
		t.Errorf("overdue once it grew: %d claims", len(h.Overdue))
	}

	// A full list cannot grow with time alone.
	n.db.Now = time.Now
	for range 20 {
		id := n.queued(t, 0.5, domain.PriorityNormal)
		if _, err := n.db.SetClaimDue(as(n.eddie), id, today.AddDate(0, 0, 1), 0); err != nil {
			t.Fatal(err)
		}
	}
	n.db.Now = func() time.Time { return today.AddDate(0, 0, 3).Add(time.Hour) }
	if h, err = n.db.HomeFor(as(n.eddie)); err != nil {
		t.Fatal(err)
	}
	if len(h.Overdue) != 20 || !h.OverdueGrows.IsZero() {
		t.Errorf("a full overdue list (%d claims) grows at %v", len(h.Overdue), h.OverdueGrows)
	}
}
