package domain

import "testing"

func TestParseSecondFactor(t *testing.T) {
	for _, tc := range []struct {
		typed string
		code  string
		kind  SecondFactorKind
		ok    bool
	}{
		{"123456", "123456", AppCode, true},
		{" 123 456 ", "123456", AppCode, true},
		{"K7M2Q-X9T4A", "k7m2qx9t4a", RecoveryCode, true},
		{"k7m2q x9t4a", "k7m2qx9t4a", RecoveryCode, true},
		{"12345", "", 0, false},
		{"1234567", "", 0, false},
		{"k7m2q-x9t40", "", 0, false}, // 0 is not in the recovery alphabet
		{"", "", 0, false},
	} {
		t.Run(tc.typed, func(t *testing.T) {
			code, kind, err := ParseSecondFactor(tc.typed)
			if (err == nil) != tc.ok || code != tc.code || kind != tc.kind {
				t.Fatalf("got %q %v %v", code, kind, err)
			}
			if err != nil && ErrorCode(err) != EINVALID {
				t.Fatalf("code %s", ErrorCode(err))
			}
		})
	}
	if _, err := ParseAppCode("k7m2qx9t4a"); err == nil {
		t.Fatal("a recovery code confirmed an app")
	}
}

func TestMustSetUpTwoFactor(t *testing.T) {
	admin := &User{Role: RoleAdmin}
	editor := &User{Role: RoleEditor}
	if MustSetUpTwoFactor(admin, false) || MustSetUpTwoFactor(editor, true) {
		t.Fatal("required without the setting, or of a non-admin")
	}
	if !MustSetUpTwoFactor(admin, true) {
		t.Fatal("admin without two-factor not sent to set it up")
	}
	admin.TwoFactor = true
	if MustSetUpTwoFactor(admin, true) {
		t.Fatal("admin with two-factor still sent to set it up")
	}
	if !TwoFactorSetupAllows("GET", "/settings") || TwoFactorSetupAllows("GET", "/admin/users") {
		t.Fatal("setup allows the wrong pages")
	}
	if FormatRecoveryCode("k7m2qx9t4a") != "k7m2q-x9t4a" {
		t.Fatal(FormatRecoveryCode("k7m2qx9t4a"))
	}
}
