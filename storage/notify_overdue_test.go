package storage_test

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"claimtrail/domain"
	"claimtrail/storage"
)

// Overdue notices are written once per claim and person, found by the
// claims' due dates as they pass (claims already looked at are not read
// again each minute), and by the audit log for a claim handed to someone
// when already overdue; a restart goes on from where the look had got to.
func TestOverdueNoticesOnceByDueDateAndHandOver(t *testing.T) {
	ctx := context.Background()
	n := newNewsroom(t)
	raw := rawDB(t, n.db)
	mustExec := func(t *testing.T, raw *sql.DB, q string, args ...any) {
		t.Helper()
		if _, err := raw.Exec(q, args...); err != nil {
			t.Fatal(err)
		}
	}
	now := time.Now().UTC().Truncate(time.Second)
	at := func(d time.Duration) string { return now.Add(d).Format("2006-01-02T15:04:05.000000Z") }
	// Claims in Rita's hands from before: three overdue, one coming due
	// within the hour; and one overdue claim in nobody's hands.
	var overdue []int64
	for range 3 {
		overdue = append(overdue, n.queued(t, 0.5, domain.PriorityNormal))
	}
	soon := n.queued(t, 0.5, domain.PriorityNormal)
	unheld := n.queued(t, 0.5, domain.PriorityNormal)
	for _, id := range overdue {
		mustExec(t, raw, `UPDATE claims SET state = 'in_review', assignee_id = ?, due_at = ? WHERE id = ?`, n.rita.ID, at(-72*time.Hour), id)
	}
	mustExec(t, raw, `UPDATE claims SET state = 'in_review', assignee_id = ?, due_at = ? WHERE id = ?`, n.rita.ID, at(-24*time.Hour+time.Hour), soon)
	mustExec(t, raw, `UPDATE claims SET due_at = ? WHERE id = ?`, at(-72*time.Hour), unheld)

	tell := func(at time.Time, want int) {
		t.Helper()
		if got, err := n.db.NotifyOverdue(ctx, at); err != nil || got != want {
			t.Fatalf("NotifyOverdue at %s told %d (%v), want %d", at.Format(time.TimeOnly), got, err, want)
		}
	}
	tell(now, 3)
	looked := n.db.OverdueLookedAtForTest()
	tell(now, 0)
	tell(now.Add(30*time.Minute), 0)
	if again := n.db.OverdueLookedAtForTest() - looked; again != 0 {
		t.Errorf("two more looks read %d claims again, want none: nothing came due", again)
	}
	tell(now.Add(2*time.Hour), 1) // the one coming due

	// Handed to Rita when already overdue: the audit log's pass tells her.
	if _, err := n.db.AssignClaim(as(n.eddie), unheld, n.rita.ID, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := n.db.NotifyFromAudit(ctx, 500); err != nil {
		t.Fatal(err)
	}
	tell(now.Add(2*time.Hour), 0)

	// A restart goes on from the place written: a second opening of the
	// file knows only what the first wrote (the first is not used again).
	db, err := storage.Open(ctx, n.db.Path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	n.db = db
	if got, err := db.NotifyOverdue(ctx, now.Add(2*time.Hour)); err != nil || got != 0 {
		t.Fatalf("after a restart NotifyOverdue told %d (%v), want none", got, err)
	}
	if got, err := db.NotifyFromAudit(ctx, 500); err != nil || got != 0 {
		t.Fatalf("after a restart NotifyFromAudit read %d events (%v), want none", got, err)
	}
	if read := db.OverdueLookedAtForTest(); read > 1 {
		t.Errorf("after a restart the look read %d claims, want at most the last one looked at", read)
	}
	later := n.queued(t, 0.5, domain.PriorityNormal)
	mustExec(t, raw, `UPDATE claims SET state = 'in_review', assignee_id = ?, due_at = ? WHERE id = ?`, n.rita.ID, at(-24*time.Hour+3*time.Hour), later)
	if got, err := db.NotifyOverdue(ctx, now.Add(4*time.Hour)); err != nil || got != 1 {
		t.Fatalf("after a restart a claim coming due: told %d (%v), want 1", got, err)
	}

	for _, id := range append(overdue, soon, unheld, later) {
		var notices int
		if err := raw.QueryRow(`SELECT count(*) FROM notifications WHERE event = 'overdue' AND claim_id = ? AND user_id = ?`, id, n.rita.ID).Scan(&notices); err != nil {
			t.Fatal(err)
		}
		if notices != 1 {
			t.Errorf("claim %d has %d overdue notices for Rita, want 1", id, notices)
		}
	}
}
