package storage_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"claimtrail/domain"
	"claimtrail/storage"
)

// schemaObjects lists the names of a database's tables, indexes and triggers.
func schemaObjects(t *testing.T, path string) []string {
	t.Helper()
	raw, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	return queryStrings(t, raw, `SELECT type || ' ' || name || ' ' || coalesce(sql, '') FROM sqlite_master WHERE name NOT LIKE 'sqlite_stat%' ORDER BY type, name`)
}

func TestSeedBench(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "bench.db")
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	ctx := context.Background()
	counts, err := storage.SeedBench(ctx, path, storage.BenchSeed{Claims: 3000, PasswordHash: "x", Now: now})
	if err != nil {
		t.Fatal(err)
	}
	if counts.Claims != 3000 || counts.Articles != 600 {
		t.Fatalf("seeded %d claims in %d articles, want 3000 in 600", counts.Claims, counts.Articles)
	}
	for _, st := range domain.ClaimStates {
		if counts.States[st] == 0 {
			t.Errorf("no claim is %s: %v", st, counts.States)
		}
	}
	if _, err := storage.SeedBench(ctx, path, storage.BenchSeed{Claims: 10}); err == nil {
		t.Error("seeding over an existing database was not refused")
	}

	// The schema is the application's: every index and trigger is back.
	fresh := filepath.Join(dir, "fresh.db")
	fdb, err := storage.Open(ctx, fresh)
	if err != nil {
		t.Fatal(err)
	}
	fdb.Close()
	if got, want := schemaObjects(t, path), schemaObjects(t, fresh); !slices.Equal(got, want) {
		t.Errorf("seeded schema differs from a migrated one:\n got %q\nwant %q", got, want)
	}

	db, err := storage.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	n, err := db.VerifyAudit(ctx)
	if err != nil {
		t.Fatalf("audit verify: %v", err)
	}
	if n < counts.AuditEvents {
		t.Errorf("verified %d events, seeded %d", n, counts.AuditEvents)
	}
	items, _, err := db.ListQueue(ctx, domain.QueueFilter{Limit: 50})
	if err != nil || len(items) != 50 {
		t.Fatalf("queue page: %d items, %v", len(items), err)
	}
	// Every claim's sentence is where its offsets say in its article.
	raw, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var bad int
	if err := raw.QueryRow(`SELECT count(*) FROM claims c JOIN articles a ON a.id = c.article_id
		WHERE substr(CAST(a.body AS BLOB), c.start_offset + 1, c.end_offset - c.start_offset) <> CAST(c.sentence AS BLOB)`).Scan(&bad); err != nil || bad != 0 {
		t.Errorf("%d claims whose sentence is not at their offsets (%v)", bad, err)
	}
	// The seeded history notifies nobody: the notifier starts after it, and
	// reads at most the events of the rebuilds that follow the rows.
	if n, err := db.NotifyFromAudit(ctx, 500); err != nil || n > 5 {
		t.Errorf("the notifier read %d events of the seeded history (%v), want none", n, err)
	}
	// Claims past their due date were told about as a running server tells
	// them, so its notifier has nothing left to write at the seed's clock.
	var overdue int
	if err := raw.QueryRow(`SELECT count(*) FROM notifications WHERE event = 'overdue'`).Scan(&overdue); err != nil || overdue == 0 {
		t.Errorf("%d overdue notices seeded (%v), want some", overdue, err)
	}
	if n, err := db.NotifyOverdue(ctx, now); err != nil || n != 0 {
		t.Errorf("the notifier told %d overdue claims after the seed (%v), want none", n, err)
	}
	// The state machine is enforced again after seeding.
	if _, err := raw.Exec(`UPDATE claims SET state = 'approved' WHERE state = 'queued'`); err == nil {
		t.Error("the state machine trigger is missing after seeding")
	}
	// Seeded accounts work through the application.
	rev, err := db.UserByEmail(ctx, storage.BenchReviewerEmail(1))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.TakeNext(domain.WithActor(ctx, domain.Actor{UserID: rev.ID, Label: rev.Email})); err != nil {
		t.Fatalf("take next on the seeded queue: %v", err)
	}
	if _, err := db.VerifyAudit(ctx); err != nil {
		t.Fatalf("audit verify after a change: %v", err)
	}

	// The same size and clock give the same text.
	again := filepath.Join(dir, "again.db")
	if _, err := storage.SeedBench(ctx, again, storage.BenchSeed{Claims: 3000, PasswordHash: "x", Now: now}); err != nil {
		t.Fatal(err)
	}
	body := func(p string) string {
		r, err := sql.Open("sqlite", "file:"+p)
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		var s string
		if err := r.QueryRow(`SELECT group_concat(body, '|') FROM (SELECT body FROM articles ORDER BY id LIMIT 20)`).Scan(&s); err != nil {
			t.Fatal(err)
		}
		return s
	}
	if body(path) != body(again) {
		t.Error("two seeds of the same size wrote different articles")
	}
}
