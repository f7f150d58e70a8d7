package storage_test

import (
	"reflect"
	"strings"
	"testing"

	"claimtrail/domain"
)

func TestAPITokenLifecycle(t *testing.T) {
	db := openTestDB(t)
	ctx := actorCtx("rita@example.org")
	rita := mustCreateUser(t, db, "rita@example.org", domain.RoleReviewer)
	other := mustCreateUser(t, db, "otto@example.org", domain.RoleReviewer)

	tok, err := db.CreateAPIToken(ctx, rita.ID, "  sheet sync ", "hash-1")
	if err != nil {
		t.Fatal(err)
	}
	if tok.Name != "sheet sync" {
		t.Errorf("name %q not trimmed", tok.Name)
	}
	u, got, err := db.AuthenticateAPIToken(ctx, "hash-1")
	if err != nil || u.ID != rita.ID || got.ID != tok.ID {
		t.Fatalf("authenticate: %v %v %v", u, got, err)
	}
	// The owner as the token brings it is the account as stored.
	if want, err := db.UserByID(ctx, rita.ID); err != nil || !reflect.DeepEqual(u, want) {
		t.Errorf("the token's owner %+v, stored %+v (%v)", u, want, err)
	}
	if _, _, err := db.AuthenticateAPIToken(ctx, "no-such-hash"); domain.ErrorCode(err) != domain.EUNAUTHORIZED {
		t.Errorf("unknown hash: %v", err)
	}
	if err := db.MarkAPITokenUsed(ctx, tok.ID); err != nil {
		t.Fatal(err)
	}
	list, err := db.ListAPITokens(ctx, rita.ID)
	if err != nil || len(list) != 1 || list[0].LastUsedAt.IsZero() {
		t.Fatalf("list: %+v %v", list, err)
	}

	// Someone else cannot revoke it, and cannot learn it exists.
	if _, err := db.RevokeAPIToken(ctx, other.ID, tok.ID); domain.ErrorCode(err) != domain.ENOTFOUND {
		t.Errorf("revoke by another user: %v", err)
	}
	if _, err := db.RevokeAPIToken(ctx, rita.ID, tok.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := db.RevokeAPIToken(ctx, rita.ID, tok.ID); domain.ErrorCode(err) != domain.ECONFLICT {
		t.Errorf("second revoke: %v", err)
	}
	if _, _, err := db.AuthenticateAPIToken(ctx, "hash-1"); domain.ErrorCode(err) != domain.EUNAUTHORIZED {
		t.Errorf("revoked token still works: %v", err)
	}

	// Creation and revocation are audited, without the hash.
	events, err := db.EntityHistory(ctx, "api_token", tok.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(events) != 2 || events[0].Action != "api_token.created" || events[1].Action != "api_token.revoked" {
		t.Fatalf("events: %+v", events)
	}
	for _, ev := range events {
		if strings.Contains(string(ev.Before)+string(ev.After), "hash-1") {
			t.Errorf("audit event %s records the token hash", ev.Action)
		}
	}
}

func TestAPITokenOfDeactivatedUser(t *testing.T) {
	db := openTestDB(t)
	ctx := actorCtx("admin@example.org")
	mustCreateUser(t, db, "admin@example.org", domain.RoleAdmin)
	ed := mustCreateUser(t, db, "ed@example.org", domain.RoleEditor)
	if _, err := db.CreateAPIToken(ctx, ed.ID, "cron", "hash-ed"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.SetUserActive(ctx, ed.ID, false); err != nil {
		t.Fatal(err)
	}
	if _, _, err := db.AuthenticateAPIToken(ctx, "hash-ed"); domain.ErrorCode(err) != domain.EUNAUTHORIZED {
		t.Errorf("deactivated user's token works: %v", err)
	}
	if _, err := db.CreateAPIToken(ctx, ed.ID, "another", "hash-ed-2"); domain.ErrorCode(err) != domain.ECONFLICT {
		t.Errorf("token made for a deactivated user: %v", err)
	}
	if _, err := db.CreateAPIToken(ctx, ed.ID, "", "hash-x"); domain.ErrorCode(err) != domain.EINVALID {
		t.Errorf("empty name: %v", err)
	}
}
