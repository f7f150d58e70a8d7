package auth

import (
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

func TestLimiter(t *testing.T) {
	now := time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)
	l := NewLimiter(3, time.Minute)
	l.Now = func() time.Time { return now }
	for i := 0; i < 3; i++ {
		if ok, _ := l.Allowed("ip"); !ok {
			t.Fatalf("attempt %d refused", i)
		}
		l.Fail("ip")
	}
	ok, wait := l.Allowed("ip")
	if ok || wait != time.Minute {
		t.Errorf("after 3 failures: ok=%v wait=%v, want refused for 1m", ok, wait)
	}
	if ok, _ := l.Allowed("other"); !ok {
		t.Error("another key is limited too")
	}
	now = now.Add(61 * time.Second)
	if ok, _ := l.Allowed("ip"); !ok {
		t.Error("still refused after the window passed")
	}
	l.Fail("ip")
	l.Reset("ip")
	if ok, _ := l.Allowed("ip"); !ok {
		t.Error("refused after reset")
	}
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
