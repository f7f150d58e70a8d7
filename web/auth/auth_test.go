package auth

import (
	"context"
	"strings"
	"testing"
	"time"
)

func TestPasswordHashing(t *testing.T) {
	h, err := HashPassword("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$") {
		t.Errorf("hash %q is not argon2id PHC", h)
	}
	h2, _ := HashPassword("correct horse battery")
	if h == h2 {
		t.Error("two hashes of one password are equal: salt missing")
	}
	tests := []struct {
		hash, pw string
		want     bool
	}{
		{h, "correct horse battery", true},
		{h, "correct horse batterY", false},
		{h, "", false},
		{"", "anything", false},
		{"$argon2id$garbage", "x", false},
	}
	for _, tt := range tests {
		if got := CheckPassword(tt.hash, tt.pw); got != tt.want {
			t.Errorf("CheckPassword(%q, %q) = %v, want %v", tt.hash, tt.pw, got, tt.want)
		}
	}
}

func TestThrottleCountsAttemptsAndGrowsDelays(t *testing.T) {
	now := time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)
	delay := func(n int) time.Duration {
		if n < 3 {
			return 0
		}
		return time.Duration(n-2) * time.Second
	}
	th := NewThrottle(delay, time.Hour)
	th.Now = func() time.Time { return now }
	// Attempts are counted as they start: three pass, the fourth waits.
	for i := 0; i < 3; i++ {
		if ok, _ := th.Attempt("acct"); !ok {
			t.Fatalf("attempt %d refused", i)
		}
	}
	if ok, wait := th.Attempt("acct"); ok || wait != time.Second {
		t.Errorf("4th attempt: ok=%v wait=%v, want refused for 1s", ok, wait)
	}
	if ok, _ := th.Attempt("other"); !ok {
		t.Error("another key is throttled too")
	}
	now = now.Add(time.Second)
	if ok, _ := th.Attempt("acct"); !ok {
		t.Error("refused after the delay passed")
	}
	if ok, wait := th.Attempt("acct"); ok || wait != 2*time.Second {
		t.Errorf("after 4 failures: ok=%v wait=%v, want 2s", ok, wait)
	}
	// A refund takes back one attempt; success forgets them all.
	th.Refund("acct")
	if ok, wait := th.Attempt("acct"); ok || wait != time.Second {
		t.Errorf("after a refund: ok=%v wait=%v, want 1s", ok, wait)
	}
	th.Succeeded("acct")
	if ok, _ := th.Attempt("acct"); !ok {
		t.Error("refused after success")
	}
	// Failures are forgotten after a quiet spell.
	for i := 0; i < 5; i++ {
		now = now.Add(10 * time.Second)
		th.Attempt("old")
	}
	now = now.Add(time.Hour)
	if ok, _ := th.Attempt("old"); !ok {
		t.Error("failures remembered after the forget period")
	}
}

func TestGateBoundsConcurrentHashes(t *testing.T) {
	g := NewGate(2, 30*time.Millisecond)
	ctx := context.Background()
	r1, err1 := g.Enter(ctx)
	r2, err2 := g.Enter(ctx)
	if err1 != nil || err2 != nil {
		t.Fatal(err1, err2)
	}
	if _, err := g.Enter(ctx); err != ErrBusy {
		t.Fatalf("third hash while two run: %v, want ErrBusy", err)
	}
	if _, err := g.CheckPassword(ctx, "", "x"); err != ErrBusy {
		t.Errorf("CheckPassword while full: %v, want ErrBusy", err)
	}
	// One waiting request gets the slot as soon as it is free.
	done := make(chan error)
	go func() {
		_, err := g.HashPassword(ctx, "a password")
		done <- err
	}()
	time.Sleep(5 * time.Millisecond)
	r1()
	if err := <-done; err != nil {
		t.Errorf("waiting hash after a slot freed: %v", err)
	}
	r2()
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	full, _ := g.Enter(ctx)
	full2, _ := g.Enter(ctx)
	if _, err := g.Enter(cancelled); err != context.Canceled {
		t.Errorf("cancelled wait: %v", err)
	}
	full()
	full2()
}

func TestTokens(t *testing.T) {
	tok, hash := NewToken()
	if !strings.HasPrefix(tok, "ct_") || HashToken(tok) != hash || strings.Contains(hash, tok) {
		t.Errorf("token %q hash %q", tok, hash)
	}
	if pw := GeneratePassword(); len(pw) != 20 {
		t.Errorf("generated password %q", pw)
	}
}
