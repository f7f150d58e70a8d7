package domain

import (
	"testing"
	"time"
)

func TestCheckTransitionAllowsExactlyTheTable(t *testing.T) {
	allowed := map[[2]ClaimState]bool{}
	for _, tr := range Transitions {
		allowed[[2]ClaimState{tr.From, tr.To}] = true
	}
	want := [][2]ClaimState{
		{StateCandidate, StateQueued}, {StateCandidate, StateDismissed}, {StateQueued, StateInReview},
		{StateInReview, StateSubmitted}, {StateInReview, StateQueued}, {StateSubmitted, StateApproved},
		{StateSubmitted, StateInReview}, {StateApproved, StateInReview},
	}
	if len(allowed) != len(want) {
		t.Fatalf("%d transitions, want %d", len(allowed), len(want))
	}
	for _, from := range ClaimStates {
		for _, to := range ClaimStates {
			err := CheckTransition(from, to)
			isWanted := false
			for _, w := range want {
				if w == [2]ClaimState{from, to} {
					isWanted = true
				}
			}
			t.Run(string(from)+"→"+string(to), func(t *testing.T) {
				if isWanted && err != nil {
					t.Errorf("refused: %v", err)
				}
				if !isWanted && ErrorCode(err) != ECONFLICT {
					t.Errorf("err = %v, want conflict", err)
				}
			})
		}
	}
}

func TestCanApproveFourEyes(t *testing.T) {
	editor := &User{ID: 2, Role: RoleEditor, Active: true}
	reviewer := &User{ID: 3, Role: RoleReviewer, Active: true}
	admin := &User{ID: 4, Role: RoleAdmin, Active: true}
	submitted := &Claim{State: StateSubmitted, AssigneeID: 3}
	tests := []struct {
		name    string
		u       *User
		c       *Claim
		workers []int64
		want    string
	}{
		{"another editor approves", editor, submitted, []int64{3}, ""},
		{"admin counts as editor", admin, submitted, []int64{3}, ""},
		{"reviewer may not", reviewer, submitted, []int64{3}, EFORBIDDEN},
		{"editor who worked on it", editor, submitted, []int64{2, 3}, EFORBIDDEN},
		{"editor who is the assignee", editor, &Claim{State: StateSubmitted, AssigneeID: 2}, nil, EFORBIDDEN},
		{"not submitted", editor, &Claim{State: StateInReview, AssigneeID: 3}, []int64{3}, ECONFLICT},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ErrorCode(CanApprove(tt.u, tt.c, tt.workers)); got != tt.want {
				t.Errorf("code = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestVerdictSubmittable(t *testing.T) {
	v := &Verdict{}
	err := v.CheckSubmittable()
	e, ok := err.(*Error)
	if !ok || len(e.Fields) != 3 {
		t.Fatalf("empty verdict: %v", err)
	}
	v = &Verdict{RatingID: 1, Conclusion: "False", Sources: []Source{{URL: "https://ons.gov.uk"}}}
	if err := v.CheckSubmittable(); err != nil {
		t.Errorf("complete verdict: %v", err)
	}
}

func TestOverdueMeansAfterTheDueDay(t *testing.T) {
	due := time.Date(2025, 2, 23, 0, 0, 0, 0, time.UTC)
	c := &Claim{State: StateInReview, DueAt: due}
	tests := []struct {
		now  time.Time
		want bool
	}{
		{due.Add(-time.Hour), false},
		{due.Add(23*time.Hour + 59*time.Minute), false}, // still the due day
		{due.AddDate(0, 0, 1), true},
		{due.AddDate(0, 0, 3), true},
	}
	for _, tt := range tests {
		if got := c.Overdue(tt.now); got != tt.want {
			t.Errorf("Overdue(%v) = %v, want %v", tt.now, got, tt.want)
		}
	}
	approved := &Claim{State: StateApproved, DueAt: due}
	if approved.Overdue(due.AddDate(0, 0, 5)) {
		t.Error("an approved claim is never overdue")
	}
}
