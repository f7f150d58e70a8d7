package domain

import (
	_ "embed"
	"strings"
	"unicode"
)

//go:embed common_passwords.txt
var commonPasswordList string

// commonPasswords holds the list, lower-cased, without comments.
var commonPasswords = func() map[string]bool {
	m := map[string]bool{}
	for _, line := range strings.Split(commonPasswordList, "\n") {
		if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
			m[strings.ToLower(line)] = true
		}
	}
	return m
}()

// IsCommonPassword reports whether pw is one that guessing starts with: on
// the common list as it is or by its letters alone ("Password2024!" is
// "password"), made of digits and symbols only, or one character repeated.
func IsCommonPassword(pw string) bool {
	lower := strings.ToLower(strings.TrimSpace(pw))
	if commonPasswords[lower] {
		return true
	}
	letters := strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) {
			return r
		}
		return -1
	}, lower)
	if letters == "" || commonPasswords[letters] {
		return true
	}
	// The same stem twice or more: "passwordpassword", "qwertyqwerty".
	for n := 1; n <= len(letters)/2; n++ {
		if len(letters)%n == 0 && strings.Repeat(letters[:n], len(letters)/n) == letters && (n < 4 || commonPasswords[letters[:n]]) {
			return true
		}
	}
	return false
}

// IssuedPasswordMustChange says whether a password an admin issues (a new
// account, a reset) must be replaced at first sign-in: always, except for
// the demo accounts, which exist to be tried on one's own machine.
func IssuedPasswordMustChange(demo bool) bool { return !demo }

// MustChangePassword reports whether u must choose their own password
// before doing anything else.
func MustChangePassword(u *User) bool { return u != nil && u.MustChangePassword }

// PasswordChangeAllows reports whether someone who must still choose their
// own password may open path: only the settings page, to change it, and
// signing out.
func PasswordChangeAllows(method, path string) bool {
	switch {
	case method == "GET" && path == "/settings":
		return true
	case method == "POST" && (path == "/settings/password" || path == "/logout"):
		return true
	}
	return false
}
