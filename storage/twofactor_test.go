package storage_test

import (
	"bytes"
	"context"
	"testing"

	"claimtrail/domain"
	"claimtrail/storage/keyfile"
)

// A copy of the database opened with another key file (or none) cannot read
// a two-factor secret, and a recovery code is spent once, with its event.
func TestTwoFactorSecretNeedsTheKeyFile(t *testing.T) {
	ctx := actorCtx("test")
	db := openTestDB(t)
	u := mustCreateUser(t, db, "sam@example.org", domain.RoleEditor)

	if err := db.EnableTwoFactor(ctx, u.ID, "JBSWY3DPEHPK3PXP", 1, []string{"abcdefghjk"}); domain.ErrorCode(err) != domain.ECONFLICT {
		t.Fatalf("turned on without a key: %v", err)
	}
	key := (&keyfile.Keys{Audit: keyfile.NewAuditKey()}).TwoFactorKey()
	db.SetTwoFactorKey(key)
	if err := db.EnableTwoFactor(ctx, u.ID, "JBSWY3DPEHPK3PXP", 1, []string{"abcdefghjk", "mnpqrstuvw"}); err != nil {
		t.Fatal(err)
	}
	if err := db.EnableTwoFactor(ctx, u.ID, "JBSWY3DPEHPK3PXP", 1, nil); domain.ErrorCode(err) != domain.ECONFLICT {
		t.Fatalf("turned on twice: %v", err)
	}
	if got, err := db.TwoFactorSecret(ctx, u.ID); err != nil || got != "JBSWY3DPEHPK3PXP" {
		t.Fatalf("secret %q, %v", got, err)
	}
	var stored []byte
	if err := rawDB(t, db).QueryRow(`SELECT totp_secret FROM users WHERE id = ?`, u.ID).Scan(&stored); err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(stored, []byte("JBSWY3DPEHPK3PXP")) {
		t.Fatal("secret stored in the clear")
	}

	db.SetTwoFactorKey((&keyfile.Keys{Audit: keyfile.NewAuditKey()}).TwoFactorKey())
	if _, err := db.TwoFactorSecret(ctx, u.ID); err == nil {
		t.Fatal("secret read with another key file")
	}
	if err := db.UseRecoveryCode(ctx, u.ID, "abcdefghjk"); domain.ErrorCode(err) != domain.EINVALID {
		t.Fatalf("recovery code accepted under another key: %v", err)
	}
	db.SetTwoFactorKey(key)

	// App codes: each step once, and never an earlier one.
	if err := db.SignInWithAppCode(ctx, u.ID, 1); domain.ErrorCode(err) != domain.ECONFLICT {
		t.Fatalf("the confirming step signed in: %v", err)
	}
	if err := db.SignInWithAppCode(ctx, u.ID, 2); err != nil {
		t.Fatal(err)
	}
	if err := db.SignInWithAppCode(ctx, u.ID, 2); domain.ErrorCode(err) != domain.ECONFLICT {
		t.Fatalf("step used twice: %v", err)
	}

	if err := db.UseRecoveryCode(ctx, u.ID, "abcdefghjk"); err != nil {
		t.Fatal(err)
	}
	if err := db.UseRecoveryCode(ctx, u.ID, "abcdefghjk"); domain.ErrorCode(err) != domain.EINVALID {
		t.Fatalf("recovery code used twice: %v", err)
	}
	if left, err := db.RecoveryCodesLeft(ctx, u.ID); err != nil || left != 1 {
		t.Fatalf("%d codes left, %v", left, err)
	}
	if err := db.DisableTwoFactor(ctx, u.ID); err != nil {
		t.Fatal(err)
	}
	if err := db.UseRecoveryCode(ctx, u.ID, "mnpqrstuvw"); domain.ErrorCode(err) != domain.EINVALID {
		t.Fatalf("recovery code works after turning off: %v", err)
	}
	events, err := db.ListAuditEvents(context.Background(), domain.AuditFilter{EntityID: u.ID, Action: "two_factor", Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	if len(events) != 2 {
		t.Fatalf("%d two-factor events, want on and off", len(events))
	}
}
