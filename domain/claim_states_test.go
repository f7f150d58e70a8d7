package domain

import (
	"strings"
	"testing"
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
