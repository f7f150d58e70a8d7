package domain

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestShortenMiddle(t *testing.T) {
	for _, c := range []struct {
		in    string
		limit int
		want  string
	}{
		{"budget.json", 20, "budget.json"},
		{"budget.json", 11, "budget.json"},
		{"budget-2026.json", 9, "budg…json"},
		{"ééééééxyz", 5, "éé…yz"},
		{"abcdef", 2, "ab"},
		{"", 5, ""},
	} {
		if got := ShortenMiddle(c.in, c.limit); got != c.want {
			t.Errorf("ShortenMiddle(%q, %d) = %q, want %q", c.in, c.limit, got, c.want)
		}
	}
	long := "https://feeds.example/" + strings.Repeat("x", 3000) + "/end.json"
	got := ShortenMiddle(long, MaxNameShown)
	if n := utf8.RuneCountInString(got); n != MaxNameShown || !strings.HasPrefix(got, "https://feeds.example/") || !strings.HasSuffix(got, "/end.json") {
		t.Errorf("a long address is shortened to %d characters: %q", n, got)
	}
}

func TestBoundMessage(t *testing.T) {
	if got := BoundMessage("Imported budget.json: 1 added."); got != "Imported budget.json: 1 added." {
		t.Errorf("a short message became %q", got)
	}
	for _, long := range []string{"Imported " + strings.Repeat("é", 3000) + ": 1 added.", strings.Repeat("a", 1500) + strings.Repeat("€", 900)} {
		got := BoundMessage(long)
		if len(got) > MaxMessageBytes || !utf8.ValidString(got) || !strings.Contains(got, "…") || got[:5] != long[:5] || !strings.HasSuffix(got, long[len(long)-6:]) {
			t.Errorf("a %d-byte message became %d bytes: %q", len(long), len(got), got)
		}
	}
}
