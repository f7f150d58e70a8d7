package domain

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestParseClaimStates(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want int
		ok   bool
	}{
		{"", 0, true},
		{"all", len(ClaimStates), true},
		{"queued", 1, true},
		{" queued , in_review ", 2, true},
		{"candidate,queued,in_review,submitted,approved,dismissed", 6, true},
		{"queued,queued", 0, false},
		{"queued,pending", 0, false},
		{strings.Repeat("queued,", 5000) + "queued", 0, false},
		{"candidate,queued,in_review,submitted,approved,dismissed,all", 0, false},
		{"queued,", 0, false},
	} {
		got, err := ParseClaimStates(tt.in)
		if (err == nil) != tt.ok || len(got) != tt.want {
			t.Errorf("ParseClaimStates(%.40q) = %v, %v", tt.in, got, err)
		} else if err != nil && ErrorCode(err) != EINVALID {
			t.Errorf("ParseClaimStates(%.40q) code %s", tt.in, ErrorCode(err))
		}
	}
}

func TestQueueFilterRefusesRepeatedStates(t *testing.T) {
	f := QueueFilter{States: []ClaimState{StateQueued, StateQueued}}
	if err := f.Check(); ErrorCode(err) != EINVALID {
		t.Errorf("queue filter with a state twice: %v", err)
	}
}

func TestCheckDateAndClaimWording(t *testing.T) {
	for _, tt := range []struct {
		date string
		ok   bool
	}{{"1900-01-01", true}, {"2100-12-31", true}, {"1899-12-31", false}, {"2101-01-01", false}, {"0000-01-01", false}, {"0001-01-01", false}, {"9999-12-31", false}} {
		d, _ := time.Parse("2006-01-02", tt.date)
		if err := CheckDate("due", d); (err == nil) != tt.ok || (err != nil && ErrorCode(err) != EINVALID) {
			t.Errorf("CheckDate(%s) = %v", tt.date, err)
		}
	}
	for s, ok := range map[string]bool{"Jobs rose by 4%": true, "Jobs\x00 rose": false, "Jobs\nrose": false, "Jobs\u0085rose": false, "Émploi, 😀": true} {
		if err := CheckClaimWording("text", s); (err == nil) != ok {
			t.Errorf("CheckClaimWording(%q) = %v", s, err)
		}
	}
}

func TestCommonPasswordsRefused(t *testing.T) {
	for pw, common := range map[string]bool{
		"password1234":                      true,
		"Password2024!":                     true,
		"P@ssw0rd-2024":                     false, // "psswrd" is not a stem on the list
		"passwordpassword":                  true,
		"qwertyqwertyqwerty":                true,
		"123456789012":                      true,
		"!!!!!!!!!!!!":                      true,
		"aaaaaaaaaaaa":                      true,
		"abcabcabcabc":                      true,
		"ClaimTrail2026":                    true,
		"a long test password":              false,
		"harbour trams run late on sundays": false,
		"kH7mQ2xVp9rT4wLs":                  false,
	} {
		if got := IsCommonPassword(pw); got != common {
			t.Errorf("IsCommonPassword(%q) = %v", pw, got)
		}
		if err := CheckPassword(pw); common && ErrorCode(err) != EINVALID {
			t.Errorf("CheckPassword(%q) = %v", pw, err)
		}
	}
}

// TestQueueFilterRefusesAPeriodEndingBeforeItStarts: queued from a day
// after the day it is queued until is refused on the end date, as search
// refuses it, instead of listing nothing as if the queue were empty; one
// day (until is the next day, exclusive) is fine.
func TestQueueFilterRefusesAPeriodEndingBeforeItStarts(t *testing.T) {
	day := func(s string) time.Time { d, _ := time.Parse("2006-01-02", s); return d }
	for _, tt := range []struct {
		since, until string
		ok           bool
	}{{"2026-12-10", "2026-12-02", false}, {"2026-12-10", "2026-12-10", false}, {"2026-12-10", "2026-12-11", true}, {"", "2026-12-02", true}, {"2026-12-10", "", true}} {
		f := QueueFilter{}
		if tt.since != "" {
			f.Since = day(tt.since)
		}
		if tt.until != "" {
			f.Until = day(tt.until)
		}
		err := f.Check()
		if (err == nil) != tt.ok {
			t.Errorf("since %s until %s: %v", tt.since, tt.until, err)
		}
		var de *Error
		if err != nil && (!errors.As(err, &de) || de.Code != EINVALID || de.Fields["until"] == "") {
			t.Errorf("since %s until %s: %v does not name the end date", tt.since, tt.until, err)
		}
	}
}
