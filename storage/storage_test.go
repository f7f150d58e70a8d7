package storage_test

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"testing"
	"time"

	_ "modernc.org/sqlite"

	"claimtrail/domain"
	"claimtrail/storage"
)

// openTestDB opens a fresh database file in a temp directory.
func openTestDB(t testing.TB) *storage.DB {
	t.Helper()
	db, err := storage.Open(context.Background(), filepath.Join(t.TempDir(), "test.db"))
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// rawDB opens a second, plain connection to poke at the file as an attacker would.
func rawDB(t *testing.T, db *storage.DB) *sql.DB {
	t.Helper()
	raw, err := sql.Open("sqlite", "file:"+db.Path+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	return raw
}

func actorCtx(label string) context.Context {
	return domain.WithActor(context.Background(), domain.Actor{Label: label, RequestID: "req-1", ClientAddr: "192.0.2.1"})
}

func mustCreateUser(t testing.TB, db *storage.DB, email string, role domain.Role) *domain.User {
	t.Helper()
	u := &domain.User{Email: email, Name: "Test " + string(role), Role: role}
	if err := db.CreateUser(actorCtx("admin@example.org"), u, "not-a-real-hash"); err != nil {
		t.Fatalf("create user %s: %v", email, err)
	}
	return u
}

func TestMigrationsFromEmptyAndReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "fresh.db")
	db, err := storage.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	// Opening again must not re-apply anything.
	db, err = storage.Open(context.Background(), path)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer db.Close()
	raw := rawDB(t, db)
	var n int
	if err := raw.QueryRow(`SELECT count(*) FROM schema_migrations`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n < 3 {
		t.Errorf("schema_migrations has %d rows, want at least 3", n)
	}
	var mode string
	if err := raw.QueryRow(`PRAGMA journal_mode`).Scan(&mode); err != nil || mode != "wal" {
		t.Errorf("journal_mode = %q (%v), want wal", mode, err)
	}
	for _, table := range []string{"users", "audit_events", "articles", "claims", "verdicts", "sources", "ratings", "comments", "api_tokens"} {
		if err := raw.QueryRow(`SELECT count(*) FROM ` + table).Scan(&n); err != nil {
			t.Errorf("table %s: %v", table, err)
		}
	}
}

func TestCreateUserWritesAuditEventInSameTransaction(t *testing.T) {
	db := openTestDB(t)
	u := mustCreateUser(t, db, "Reviewer@Example.org", domain.RoleReviewer)
	if u.Email != "reviewer@example.org" {
		t.Errorf("email not normalised: %q", u.Email)
	}
	events, err := db.EntityHistory(context.Background(), "user", u.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(events) != 1 || events[0].Action != "user.created" {
		t.Fatalf("events = %+v, want one user.created", events)
	}
	ev := events[0]
	if ev.ActorLabel != "admin@example.org" || ev.RequestID != "req-1" || ev.ClientAddr != "192.0.2.1" {
		t.Errorf("event actor/request not recorded: %+v", ev)
	}
	if ev.Before != nil || string(ev.After) == "" {
		t.Errorf("before/after = %s / %s", ev.Before, ev.After)
	}
	if ev.At.Location() != time.UTC {
		t.Errorf("event time not UTC: %v", ev.At)
	}

	// A failing change (duplicate email) leaves neither a row nor an event.
	before, _ := db.ListAuditEvents(context.Background(), domain.AuditFilter{Limit: 500})
	err = db.CreateUser(actorCtx("admin@example.org"), &domain.User{Email: "reviewer@example.org", Name: "Dup", Role: domain.RoleEditor}, "h")
	if domain.ErrorCode(err) != domain.ECONFLICT {
		t.Fatalf("duplicate email: err = %v, want conflict", err)
	}
	after, _ := db.ListAuditEvents(context.Background(), domain.AuditFilter{Limit: 500})
	if len(after) != len(before) {
		t.Errorf("failed change wrote %d audit events", len(after)-len(before))
	}
	users, _ := db.ListUsers(context.Background())
	if len(users) != 1 {
		t.Errorf("users = %d, want 1", len(users))
	}
}

func TestRoleChangeEndsSessionsAndIsAudited(t *testing.T) {
	db := openTestDB(t)
	ctx := actorCtx("admin@example.org")
	mustCreateUser(t, db, "boss@example.org", domain.RoleAdmin)
	u := mustCreateUser(t, db, "r@example.org", domain.RoleReviewer)
	got, err := db.SetUserRole(ctx, u.ID, domain.RoleEditor)
	if err != nil {
		t.Fatal(err)
	}
	if got.Role != domain.RoleEditor || got.SessionVersion != u.SessionVersion+1 {
		t.Errorf("after role change: %+v", got)
	}
	if _, err := db.SetUserActive(ctx, u.ID, false); err != nil {
		t.Fatal(err)
	}
	events, _ := db.EntityHistory(context.Background(), "user", u.ID)
	var actions []string
	for _, e := range events {
		actions = append(actions, e.Action)
	}
	want := []string{"user.created", "user.role_changed", "user.deactivated"}
	if len(actions) != len(want) {
		t.Fatalf("actions = %v, want %v", actions, want)
	}
	for i := range want {
		if actions[i] != want[i] {
			t.Errorf("actions = %v, want %v", actions, want)
		}
	}
	// The last admin cannot be demoted or deactivated.
	admins, _ := db.ListUsers(context.Background())
	for _, a := range admins {
		if a.Role == domain.RoleAdmin {
			if _, err := db.SetUserActive(ctx, a.ID, false); domain.ErrorCode(err) != domain.ECONFLICT {
				t.Errorf("deactivating the last admin: err = %v, want conflict", err)
			}
		}
	}
}

func TestAuditLogIsAppendOnly(t *testing.T) {
	db := openTestDB(t)
	mustCreateUser(t, db, "a@example.org", domain.RoleAdmin)
	raw := rawDB(t, db)
	if _, err := raw.Exec(`UPDATE audit_events SET actor_label = 'someone else'`); err == nil {
		t.Error("UPDATE of audit_events succeeded; want refused by trigger")
	}
	if _, err := raw.Exec(`DELETE FROM audit_events`); err == nil {
		t.Error("DELETE from audit_events succeeded; want refused by trigger")
	}
}

func TestVerifyAudit(t *testing.T) {
	setup := func(t *testing.T) (*storage.DB, *sql.DB) {
		db := openTestDB(t)
		mustCreateUser(t, db, "admin@example.org", domain.RoleAdmin)
		for _, e := range []string{"one@example.org", "two@example.org", "three@example.org"} {
			mustCreateUser(t, db, e, domain.RoleReviewer)
		}
		n, err := db.VerifyAudit(context.Background())
		if err != nil || n != 4 {
			t.Fatalf("clean log: verified %d, err %v; want 4, nil", n, err)
		}
		raw := rawDB(t, db)
		for _, q := range []string{`DROP TRIGGER audit_events_no_update`, `DROP TRIGGER audit_events_no_delete`} {
			if _, err := raw.Exec(q); err != nil {
				t.Fatal(err)
			}
		}
		return db, raw
	}
	tests := []struct {
		name   string
		tamper string
		wantID int64
	}{
		{"edited", `UPDATE audit_events SET actor_label = 'intruder' WHERE id = 2`, 2},
		{"edited after", `UPDATE audit_events SET after_json = '{"role":"admin"}' WHERE id = 3`, 3},
		{"deleted", `DELETE FROM audit_events WHERE id = 2`, 2},
		{"deleted last", `DELETE FROM audit_events WHERE id = 4`, 4},
		{"reordered", `UPDATE audit_events SET id = id + 100 WHERE id = 2; UPDATE audit_events SET id = 2 WHERE id = 3; UPDATE audit_events SET id = 3 WHERE id = 102`, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db, raw := setup(t)
			if _, err := raw.Exec(tt.tamper); err != nil {
				t.Fatal(err)
			}
			_, err := db.VerifyAudit(context.Background())
			var br *storage.AuditBreak
			if !errors.As(err, &br) {
				t.Fatalf("err = %v, want *AuditBreak", err)
			}
			if br.EventID != tt.wantID {
				t.Errorf("broken event = %d, want %d (%v)", br.EventID, tt.wantID, br)
			}
		})
	}
}

func TestBackupWhileInUse(t *testing.T) {
	db := openTestDB(t)
	mustCreateUser(t, db, "a@example.org", domain.RoleAdmin)
	out := filepath.Join(t.TempDir(), "backup.db")
	done := make(chan error, 1)
	go func() {
		for i := 0; i < 20; i++ {
			u := &domain.User{Email: "u" + string(rune('a'+i)) + "@example.org", Name: "U", Role: domain.RoleReviewer}
			if err := db.CreateUser(context.Background(), u, "h"); err != nil {
				done <- err
				return
			}
		}
		done <- nil
	}()
	if err := db.Backup(context.Background(), out); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	copyDB, err := storage.Open(context.Background(), out)
	if err != nil {
		t.Fatal(err)
	}
	defer copyDB.Close()
	if _, err := copyDB.VerifyAudit(context.Background()); err != nil {
		t.Errorf("backup's audit chain: %v", err)
	}
	if u, err := copyDB.UserByEmail(context.Background(), "a@example.org"); err != nil || u.Role != domain.RoleAdmin {
		t.Errorf("backup lacks the admin: %v", err)
	}
}
