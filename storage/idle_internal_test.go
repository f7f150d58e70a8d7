package storage

import (
	"context"
	"testing"
	"time"
)

// The server's background work (notifications from the audit log, overdue
// reminders, webhook deliveries, feeds, the search backlog) runs every few
// seconds. With nothing to do it must commit nothing: any commit moves the
// database's generation and so drops every read kept for the pages.
func TestIdleBackgroundWorkKeepsTheGeneration(t *testing.T) {
	ctx := context.Background()
	db := openWriterTestDB(t)
	tx, err := db.begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	putSetting(t, tx, "something to notify about")
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if _, err := db.NotifyFromAudit(ctx, 500); err != nil { // catch up first
		t.Fatal(err)
	}
	before, err := db.gen.current(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for name, idle := range map[string]func() error{
		"notifications from the audit log": func() error { _, err := db.NotifyFromAudit(ctx, 500); return err },
		"overdue reminders":                func() error { _, err := db.NotifyOverdue(ctx, time.Now()); return err },
		"webhook deliveries":               func() error { _, _, err := db.DueWebhookMessages(ctx, time.Now(), 50); return err },
		"feeds due":                        func() error { _, err := db.DueFeeds(ctx, time.Now(), 10); return err },
		"search backlog":                   func() error { _, err := db.IndexSearchBacklog(ctx, 200); return err },
	} {
		if err := idle(); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		after, err := db.gen.current(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if after != before {
			t.Errorf("%s with nothing to do committed a change (generation %d → %d)", name, before, after)
			before = after
		}
	}
}
