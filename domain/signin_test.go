package domain

import (
	"strings"
	"testing"
	"time"
)

// TestSignInWaitLeft: what is left of the wait a key's failures earned,
// counted from its last failure; nothing before the free failures are
// spent, nor once the wait is over.
func TestSignInWaitLeft(t *testing.T) {
	last := time.Date(2026, 12, 5, 9, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		failures int
		since    time.Duration // from the last failure to now
		want     time.Duration
	}{
		{0, 0, 0},
		{AccountFreeFailures - 1, 0, 0},
		{AccountFreeFailures, 0, time.Second},
		{AccountFreeFailures, 400 * time.Millisecond, 600 * time.Millisecond},
		{AccountFreeFailures + 3, 2500 * time.Millisecond, 5500 * time.Millisecond},
		{AccountFreeFailures + 3, 8 * time.Second, 0},
		{AccountFreeFailures + 3, time.Hour, 0},
		{AccountFreeFailures + 40, 15 * time.Second, 45 * time.Second},
	} {
		if got := SignInWaitLeft(AccountSignInDelay, tt.failures, last, last.Add(tt.since)); got != tt.want {
			t.Errorf("%d failures, %v since the last: %v left, want %v", tt.failures, tt.since, got, tt.want)
		}
	}
}

// TestWaitSecondsAndWords: a refusal's Retry-After and its message say the
// same wait, rounded up to a whole second, never zero.
func TestWaitSecondsAndWords(t *testing.T) {
	for _, tt := range []struct {
		wait    time.Duration
		seconds int
		words   string
	}{
		{0, 1, "a second"},
		{time.Millisecond, 1, "a second"},
		{time.Second, 1, "a second"},
		{1001 * time.Millisecond, 2, "2 seconds"},
		{5500 * time.Millisecond, 6, "6 seconds"},
		{59 * time.Second, 59, "59 seconds"},
		{time.Minute, 60, "a minute"},
		{time.Minute + time.Second, 61, "2 minutes"},
		{15 * time.Minute, 900, "15 minutes"},
	} {
		if got := WaitSeconds(tt.wait); got != tt.seconds {
			t.Errorf("WaitSeconds(%v) = %d, want %d", tt.wait, got, tt.seconds)
		}
		if got := WaitWords(tt.wait); got != tt.words {
			t.Errorf("WaitWords(%v) = %q, want %q", tt.wait, got, tt.words)
		}
	}
}

// TestTooManyWrongMessages: the refusals of too many wrong passwords or
// codes are rate limits that say what was wrong and how long to wait.
func TestTooManyWrongMessages(t *testing.T) {
	wait := 5500 * time.Millisecond
	for _, tt := range []struct {
		err  *Error
		want string
	}{
		{ErrTooManyWrongPasswords(wait), "Too many wrong passwords. Wait 6 seconds and try again."},
		{ErrTooManyWrongCodes(wait), "Too many wrong codes. Wait 6 seconds and try again."},
	} {
		if tt.err.Code != ERATELIMIT || tt.err.Message != tt.want {
			t.Errorf("%s %q, want %s %q", tt.err.Code, tt.err.Message, ERATELIMIT, tt.want)
		}
	}
	for _, byAddress := range []bool{false, true} {
		if got := SignInWaitMessage(byAddress, wait); !strings.Contains(got, "Wait 6 seconds and try again") {
			t.Errorf("sign-in wait (by address %v): %q", byAddress, got)
		}
	}
}
