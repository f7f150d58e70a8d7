package domain

import (
	"math"
	"net/netip"
	"strconv"
	"strings"
	"time"
)

// Sign-in throttling. Failed sign-ins slow the next attempt down rather than
// lock anyone out: a few mistakes cost nothing, after that each further
// failure doubles the wait, up to a ceiling. An account's ceiling is short,
// so that nobody can keep a colleague out of claimtrail by guessing at their
// address; one client address's ceiling is long, because that is where
// guessing comes from.
const (
	// AccountFreeFailures is how many failed sign-ins in a row an account
	// may have before each further attempt must wait.
	AccountFreeFailures = 5
	// AccountMaxDelay is the longest an account ever has to wait.
	AccountMaxDelay = time.Minute
	// AddressFreeFailures is how many failed sign-ins one client address
	// may make, across all accounts, before it must wait.
	AddressFreeFailures = 20
	// AddressMaxDelay is the longest one client address has to wait.
	AddressMaxDelay = 15 * time.Minute
	// SignInMemory is how long failures are remembered after the last one.
	SignInMemory = 15 * time.Minute
	// KnownBrowserMemory is how long a browser that signed in to an account
	// is recognised for that account. A newsroom often signs in from one
	// shared address, where colleagues' typos add up: a recognised browser
	// is slowed only by its account's failures, never by its address's.
	KnownBrowserMemory = 90 * 24 * time.Hour
)

// SignInWaitMessage is what a sign-in refused for coming too soon after
// failures says: the address's failures are often other people's (a
// shared newsroom network), so it says whose they are and what helps.
func SignInWaitMessage(byAddress bool, wait time.Duration) string {
	if byAddress {
		return "Too many failed sign-ins from this network. Wait " + WaitWords(wait) + " and try again; a browser you have signed in with before is not held up."
	}
	return "Too many failed sign-in attempts. Wait " + WaitWords(wait) + " and try again, or ask an admin to reset your password."
}

// ErrTooManyWrongPasswords refuses checking a signed-in person's password
// (to change it, or to turn two-factor sign-in off with it) before the wait
// their account's failures earned is over.
func ErrTooManyWrongPasswords(wait time.Duration) *Error {
	return Errorf(ERATELIMIT, "Too many wrong passwords. Wait %s and try again.", WaitWords(wait))
}

// ErrTooManyWrongCodes refuses checking a two-factor code before the wait
// the account's failures earned is over: codes and passwords are counted
// together, as guesses at the same account.
func ErrTooManyWrongCodes(wait time.Duration) *Error {
	return Errorf(ERATELIMIT, "Too many wrong codes. Wait %s and try again.", WaitWords(wait))
}

// SignInWaitLeft is how much longer a key (an account or a client address)
// that has failed failures times, the last at last, must wait at now before
// its next attempt, by the rule delay (AccountSignInDelay,
// AddressSignInDelay); zero when it may try now.
func SignInWaitLeft(delay func(failures int) time.Duration, failures int, last, now time.Time) time.Duration {
	if failures <= 0 {
		return 0
	}
	return max(last.Add(delay(failures)).Sub(now), 0)
}

// WaitSeconds is a wait in whole seconds, rounded up and at least 1: what
// a refusal's Retry-After says, so that a client that waits that long is
// not refused again.
func WaitSeconds(wait time.Duration) int {
	return max(int(math.Ceil(wait.Seconds())), 1)
}

// WaitWords is a wait as a refusal's message says it: "a second",
// "12 seconds", "a minute", "3 minutes", rounded up.
func WaitWords(wait time.Duration) string {
	switch s := WaitSeconds(wait); {
	case s == 1:
		return "a second"
	case s < 60:
		return strconv.Itoa(s) + " seconds"
	case s == 60:
		return "a minute"
	default:
		return strconv.Itoa((s+59)/60) + " minutes"
	}
}

// SignInDelay is how long after its last failed attempt a key (an account or
// a client address) that has failed failures times must wait before it may
// try again: nothing for the first free failures, then 1 s, 2 s, 4 s, ...
// up to ceiling.
func SignInDelay(failures, free int, ceiling time.Duration) time.Duration {
	over := failures - free
	if over < 0 {
		return 0
	}
	if over > 30 {
		return ceiling
	}
	return min(time.Second<<over, ceiling)
}

// AccountSignInDelay is SignInDelay for one account.
func AccountSignInDelay(failures int) time.Duration {
	return SignInDelay(failures, AccountFreeFailures, AccountMaxDelay)
}

// AddressSignInDelay is SignInDelay for one client address.
func AddressSignInDelay(failures int) time.Duration {
	return SignInDelay(failures, AddressFreeFailures, AddressMaxDelay)
}

// SignInAddressKey is what one client address's sign-in failures are
// counted under: an IPv4 address as it is, an IPv6 address by its /64, the
// block a single subscriber or host is given, so that stepping through
// the addresses of one's own block buys no further guesses.
func SignInAddressKey(addr string) string {
	a, err := netip.ParseAddr(addr)
	if err != nil {
		return addr
	}
	a = a.WithZone("").Unmap()
	if a.Is4() {
		return a.String()
	}
	p, err := a.Prefix(64)
	if err != nil {
		return a.String()
	}
	return p.String()
}

// SignInAccountKey is what one account's sign-in attempts are counted
// under: the email address as typed, in lower case. An address longer
// than any account's is cut just past that length (it still names no
// account), so that guesses with megabyte-long addresses cannot make the
// throttle keep a megabyte each.
func SignInAccountKey(email string) string {
	if len(email) > MaxEmailLength+1 {
		email = strings.Clone(email[:MaxEmailLength+1])
	}
	return strings.ToLower(email)
}
