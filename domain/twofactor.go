package domain

import (
	"strings"
)

// Two-factor sign-in: after the password, a code from an authenticator app
// (TOTP, RFC 6238) or one of the person's one-time recovery codes.

// TwoFactorDigits is how many digits an app's code has.
const TwoFactorDigits = 6

// TwoFactorPeriod is how many seconds one app code lasts.
const TwoFactorPeriod = 30

// TwoFactorSkew is how many periods either side of now a code is still
// accepted, for clocks a little apart.
const TwoFactorSkew = 1

// RecoveryCodeCount is how many recovery codes a person gets when turning
// two-factor sign-in on.
const RecoveryCodeCount = 10

// RecoveryCodeLength is the letters and digits in a recovery code, written
// as two groups of five ("k7m2q-x9t4a"): 50 random bits each.
const RecoveryCodeLength = 10

// recoveryAlphabet avoids letters people confuse (no 0/o, 1/l/i).
const recoveryAlphabet = "abcdefghjkmnpqrstuvwxyz23456789"

// RecoveryAlphabet is the characters recovery codes are made of.
func RecoveryAlphabet() string { return recoveryAlphabet }

// SecondFactorKind says what a person typed at the second step.
type SecondFactorKind int

const (
	AppCode SecondFactorKind = iota + 1
	RecoveryCode
)

// SecondFactorMessage is the one message for any refused second step.
const SecondFactorMessage = "That code is not right. Enter the 6-digit code your app shows now, or one of your recovery codes."

// ParseSecondFactor reads a code typed at the second step: six digits (spaces
// allowed, as apps show "123 456") are an app code; ten letters and digits
// (a dash or spaces allowed, any case) a recovery code. It returns the code
// in its stored form.
func ParseSecondFactor(typed string) (string, SecondFactorKind, error) {
	s := strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' || r == '\t' {
			return -1
		}
		return r
	}, strings.ToLower(strings.TrimSpace(typed)))
	if len(s) == TwoFactorDigits && strings.Trim(s, "0123456789") == "" {
		return s, AppCode, nil
	}
	if len(s) == RecoveryCodeLength && strings.Trim(s, recoveryAlphabet) == "" {
		return s, RecoveryCode, nil
	}
	if s == "" {
		return "", 0, FieldError("code", "Enter the 6-digit code your app shows, or one of your recovery codes.")
	}
	return "", 0, FieldError("code", SecondFactorMessage)
}

// ParseAppCode reads a code typed to confirm turning two-factor on (or off):
// only an app code will do.
func ParseAppCode(typed string) (string, error) {
	code, kind, err := ParseSecondFactor(typed)
	if err != nil || kind != AppCode {
		return "", FieldError("code", "Enter the 6-digit code your app shows now.")
	}
	return code, nil
}

// FormatRecoveryCode writes a stored recovery code as people read it.
func FormatRecoveryCode(code string) string {
	if len(code) != RecoveryCodeLength {
		return code
	}
	return code[:5] + "-" + code[5:]
}

// SettingTwoFactorForAdmins is the newsroom setting that requires admins to
// sign in with two factors ("1" on).
const SettingTwoFactorForAdmins = "two_factor_required_admins"

// TwoFactorRequired reports whether u's role must sign in with two factors,
// given the newsroom's setting.
func TwoFactorRequired(u *User, requiredForAdmins bool) bool {
	return u != nil && requiredForAdmins && u.Role == RoleAdmin
}

// MustSetUpTwoFactor reports whether u must turn two-factor sign-in on
// before doing anything else.
func MustSetUpTwoFactor(u *User, requiredForAdmins bool) bool {
	return TwoFactorRequired(u, requiredForAdmins) && !u.TwoFactor
}

// TwoFactorSetupAllows reports whether someone who must still turn
// two-factor sign-in on may open path: the settings page, the steps of
// turning it on, the password change, and signing out.
func TwoFactorSetupAllows(method, path string) bool {
	switch {
	case method == "GET" && path == "/settings":
		return true
	case method == "POST" && (path == "/settings/two-factor/start" || path == "/settings/two-factor/enable" ||
		path == "/settings/password" || path == "/logout"):
		return true
	}
	return false
}

// TwoFactorEvent is the audit event of a change to a person's two-factor
// sign-in: "user.two_factor_enabled", "user.two_factor_disabled" or
// "user.recovery_code_used" (with how many codes are left).
func TwoFactorEvent(action string, userID int64, on bool, codesLeft int) Event {
	return Event{Action: action, Entity: "user", EntityID: userID,
		After: map[string]any{"two_factor": on, "recovery_codes_left": codesLeft}}
}
