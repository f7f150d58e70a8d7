package domain

import "testing"

func TestDecideBylineChange(t *testing.T) {
	for _, c := range []struct {
		current, requested string
		want               BylineChange
	}{
		{"", "", BylineUnchanged},
		{"Rita Reviewer", "Rita Reviewer", BylineUnchanged},
		{"Rita Reviewer", "", BylineNow},
		{"", "Rita Reviewer", BylineRequested},
		{"Rita Reviewer", "Rita R. Reviewer", BylineRequested},
	} {
		if got := DecideBylineChange(c.current, c.requested); got != c.want {
			t.Errorf("%q -> %q: %v, want %v", c.current, c.requested, got, c.want)
		}
	}
}

func TestCanDecideByline(t *testing.T) {
	editor := &User{ID: 2, Role: RoleEditor, Active: true}
	for _, c := range []struct {
		name  string
		u     *User
		owner int64
		code  string
	}{
		{"an editor, another's", editor, 1, ""},
		{"an editor, their own", editor, 2, EFORBIDDEN},
		{"a reviewer", &User{ID: 3, Role: RoleReviewer, Active: true}, 1, EFORBIDDEN},
		{"an admin, another's", &User{ID: 4, Role: RoleAdmin, Active: true}, 1, ""},
	} {
		if got := ErrorCode(CanDecideByline(c.u, c.owner)); got != c.code {
			t.Errorf("%s: %q, want %q", c.name, got, c.code)
		}
	}
	waiting := "Rita Reviewer"
	if ErrorCode(CheckBylineSeen("Rita Reviewer", &waiting)) != "" || ErrorCode(CheckBylineSeen("Rita", &waiting)) != ECONFLICT || ErrorCode(CheckBylineSeen("Rita", nil)) != ECONFLICT {
		t.Error("CheckBylineSeen")
	}
}
