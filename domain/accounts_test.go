package domain

import (
	"testing"
	"time"
)

func TestAccountDecisions(t *testing.T) {
	ann := &User{ID: 3, Name: "Ann", Email: "ann@newsroom.example", Role: RoleAdmin, Active: true, SessionVersion: 4}

	made, err := CreateAccount(User{Name: " Bo\tBell ", Email: " Bo@Newsroom.Example ", Role: RoleReviewer})
	if err != nil || made.Event.Action != "user.created" || made.User.Name != "Bo Bell" || made.User.Email != "bo@newsroom.example" ||
		!made.User.Active || made.User.SessionVersion != 1 || !made.SetPassword || made.Event.Before != nil {
		t.Fatalf("create: %+v %v", made, err)
	}
	if _, err := CreateAccount(User{Name: "Bo", Email: "bo@newsroom.example", Role: "owner"}); fieldOf(err, "role") == "" {
		t.Errorf("an unknown role: %v", err)
	}
	if _, err := ChangeRole(ann, RoleEditor, 0); ErrorCode(err) != ECONFLICT {
		t.Errorf("the last admin stepping down: %v", err)
	}
	role, err := ChangeRole(ann, RoleEditor, 1)
	if err != nil || role.Event.Action != "user.role_changed" || role.User.Role != RoleEditor || role.User.SessionVersion != 5 ||
		role.Event.Before.(UserRecord).Role != RoleAdmin || role.Event.After.(UserRecord).Role != RoleEditor {
		t.Fatalf("change role: %+v %v", role, err)
	}
	if ann.Role != RoleAdmin || ann.SessionVersion != 4 {
		t.Error("a decision changed the loaded account")
	}
	if _, err := ChangeRole(ann, RoleAdmin, 1); ErrorCode(err) != ECONFLICT {
		t.Errorf("the same role: %v", err)
	}
	if _, err := SetActive(ann, false, 0); ErrorCode(err) != ECONFLICT {
		t.Errorf("the last admin deactivated: %v", err)
	}
	off, err := SetActive(ann, false, 2)
	if err != nil || off.Event.Action != "user.deactivated" || off.User.Active || !off.RevokeTokens || off.User.SessionVersion != 5 {
		t.Fatalf("deactivate: %+v %v", off, err)
	}
	on, err := SetActive(off.User, true, 2)
	if err != nil || on.Event.Action != "user.reactivated" || on.RevokeTokens || on.User.SessionVersion != 5 {
		t.Fatalf("reactivate: %+v %v", on, err)
	}
	reset := ResetPassword(ann, true)
	if reset.Event.Action != "user.password_reset" || !reset.SetPassword || !reset.RevokeTokens || !reset.User.MustChangePassword {
		t.Errorf("reset: %+v", reset)
	}
	if _, err := ChangeOwnPassword(off.User); ErrorCode(err) != EFORBIDDEN {
		t.Errorf("a deactivated account changing its password: %v", err)
	}
	own, err := ChangeOwnPassword(reset.User)
	if err != nil || own.Event.Action != "user.password_changed" || own.User.MustChangePassword || !own.SetPassword || own.RevokeTokens {
		t.Errorf("own password: %+v %v", own, err)
	}
}

func TestTokenDecisions(t *testing.T) {
	now := time.Date(2026, 5, 10, 9, 0, 0, 0, time.UTC)
	ann := &User{ID: 3, Name: "Ann", Active: true}
	made, err := CreateToken(ann, "  sheet sync ", now)
	if err != nil || made.Token.Name != "sheet sync" || made.Token.UserID != 3 || made.Event.Action != "api_token.created" ||
		made.Event.After.(TokenRecord).Name != "sheet sync" {
		t.Fatalf("create: %+v %v", made, err)
	}
	if _, err := CreateToken(&User{ID: 4, Name: "Bo"}, "sync", now); ErrorCode(err) != ECONFLICT {
		t.Errorf("a token for a deactivated account: %v", err)
	}
	if _, err := CreateToken(ann, "", now); fieldOf(err, "name") == "" {
		t.Errorf("a token without a name: %v", err)
	}
	tok := &APIToken{ID: 8, UserID: 3, Name: "sync"}
	gone, err := RevokeToken(tok, now)
	if err != nil || !gone.Token.RevokedAt.Equal(now) || gone.Event.EntityID != 8 || !gone.Event.After.(TokenRecord).Revoked ||
		gone.Event.Before.(TokenRecord).Revoked || tok.Revoked() {
		t.Fatalf("revoke: %+v %v", gone, err)
	}
	if _, err := RevokeToken(gone.Token, now); ErrorCode(err) != ECONFLICT {
		t.Errorf("revoking twice: %v", err)
	}
}
