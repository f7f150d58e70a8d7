package storage_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"claimtrail/domain"
	"claimtrail/storage"
	"claimtrail/storage/keyfile"
)

// The chat webhook's address is a secret (its path lets anyone post to the
// newsroom's chat): a copy of the database never carries it. It is refused
// without the key file, stored sealed with it, read back whole by the
// settings page and the delivery, unreadable under another key file, and
// one stored in the clear by an earlier version is sealed at the next
// start with one event.
func TestWebhookAddressIsSealedAtRest(t *testing.T) {
	ctx := actorCtx("test")
	db := openTestDB(t)
	const hook = "https://chat.example/services/T0SECRET/B0SECRET/xoxpart"
	stored := func() string {
		t.Helper()
		var v string
		if err := rawDB(t, db).QueryRow(`SELECT coalesce((SELECT value FROM settings WHERE key = ?), '')`, storage.SettingNotifyWebhookURL).Scan(&v); err != nil {
			t.Fatal(err)
		}
		return v
	}

	if err := db.SetSettings(ctx, map[string]string{storage.SettingNotifyWebhookURL: hook}); domain.ErrorCode(err) != domain.ECONFLICT {
		t.Fatalf("saved without a key file: %v", err)
	}
	if v := stored(); v != "" {
		t.Fatalf("stored %q without a key file", v)
	}

	key := (&keyfile.Keys{Audit: keyfile.NewAuditKey()}).TwoFactorKey()
	db.SetTwoFactorKey(key)
	if err := db.SetSettings(ctx, map[string]string{storage.SettingNotifyWebhookURL: hook, storage.SettingPublisherName: "The Gazette"}); err != nil {
		t.Fatal(err)
	}
	if v := stored(); v == "" || strings.Contains(v, "SECRET") || strings.Contains(v, "chat.example") {
		t.Fatalf("the webhook is stored as %q", v)
	}
	if got, err := db.Setting(ctx, storage.SettingNotifyWebhookURL, ""); err != nil || got != hook {
		t.Fatalf("read back %q, %v", got, err)
	}
	if got, err := db.Setting(ctx, storage.SettingPublisherName, ""); err != nil || got != "The Gazette" {
		t.Fatalf("an ordinary setting read back as %q, %v", got, err)
	}
	if _, got, err := db.DueWebhookMessages(context.Background(), time.Now(), 10); err != nil || got != hook {
		t.Fatalf("delivery reads %q, %v", got, err)
	}
	// Saving the same address again changes nothing and records nothing.
	before := countEvents(t, db)
	if err := db.SetSettings(ctx, map[string]string{storage.SettingNotifyWebhookURL: hook}); err != nil {
		t.Fatal(err)
	}
	if n := countEvents(t, db) - before; n != 0 {
		t.Errorf("saving the same address recorded %d events", n)
	}

	db.SetTwoFactorKey((&keyfile.Keys{Audit: keyfile.NewAuditKey()}).TwoFactorKey())
	if _, err := db.Setting(ctx, storage.SettingNotifyWebhookURL, ""); domain.ErrorCode(err) != domain.ECONFLICT {
		t.Fatalf("the webhook read with another key file: %v", err)
	}
	db.SetTwoFactorKey(key)

	// An address stored in the clear before this version.
	if _, err := rawDB(t, db).Exec(`UPDATE settings SET value = ? WHERE key = ?`, hook, storage.SettingNotifyWebhookURL); err != nil {
		t.Fatal(err)
	}
	if got, err := db.Setting(ctx, storage.SettingNotifyWebhookURL, ""); err != nil || got != hook {
		t.Fatalf("an address stored in the clear reads %q, %v", got, err)
	}
	before = countEvents(t, db)
	if err := db.SealSecretSettings(ctx); err != nil {
		t.Fatal(err)
	}
	if v := stored(); strings.Contains(v, "SECRET") {
		t.Fatalf("still stored in the clear: %q", v)
	}
	if n := countEvents(t, db) - before; n != 1 {
		t.Errorf("sealing recorded %d events, want 1", n)
	}
	if got, err := db.Setting(ctx, storage.SettingNotifyWebhookURL, ""); err != nil || got != hook {
		t.Fatalf("after sealing it reads %q, %v", got, err)
	}
	if err := db.SealSecretSettings(ctx); err != nil {
		t.Fatal(err)
	}
	if n := countEvents(t, db) - before; n != 1 {
		t.Errorf("sealing again recorded %d more events", n-1)
	}
}
