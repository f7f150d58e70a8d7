package domain

import "testing"

func TestPermissions(t *testing.T) {
	reviewer := &User{ID: 1, Role: RoleReviewer, Active: true}
	other := &User{ID: 5, Role: RoleReviewer, Active: true}
	editor := &User{ID: 2, Role: RoleEditor, Active: true}
	second := &User{ID: 3, Role: RoleEditor, Active: true}
	tests := []struct {
		name    string
		u       *User
		c       *Claim
		workers []int64
		want    ClaimPermissions
	}{
		{"reviewer, queued claim", reviewer, &Claim{State: StateQueued}, nil,
			ClaimPermissions{Comment: true}},
		{"editor, queued claim", editor, &Claim{State: StateQueued}, nil,
			ClaimPermissions{Assign: true, Prioritise: true, SetDue: true, Comment: true}},
		{"assignee, in review", reviewer, &Claim{State: StateInReview, AssigneeID: 1}, []int64{1},
			ClaimPermissions{Release: true, Work: true, Comment: true}},
		{"another reviewer, in review", other, &Claim{State: StateInReview, AssigneeID: 1}, []int64{1},
			ClaimPermissions{Comment: true}},
		{"editor, in review", editor, &Claim{State: StateInReview, AssigneeID: 1}, []int64{1},
			ClaimPermissions{Assign: true, Prioritise: true, SetDue: true, Release: true, Work: true, Comment: true}},
		{"editor who did not work on it, submitted", second, &Claim{State: StateSubmitted, AssigneeID: 1}, []int64{1, 2},
			ClaimPermissions{Prioritise: true, SetDue: true, Decide: true, Comment: true}},
		{"editor who worked on it, submitted", editor, &Claim{State: StateSubmitted, AssigneeID: 1}, []int64{1, 2},
			ClaimPermissions{Prioritise: true, SetDue: true, Comment: true,
				DecideWhy: "You worked on this claim, so another editor must approve or return it."}},
		{"editor holding it, submitted", editor, &Claim{State: StateSubmitted, AssigneeID: 2}, nil,
			ClaimPermissions{Prioritise: true, SetDue: true, Comment: true,
				DecideWhy: "You worked on this claim, so another editor must approve or return it."}},
		{"reviewer, submitted", other, &Claim{State: StateSubmitted, AssigneeID: 1}, []int64{1},
			ClaimPermissions{Comment: true, DecideWhy: "This verdict is waiting for an editor's approval."}},
		{"editor, approved", editor, &Claim{State: StateApproved, AssigneeID: 1}, []int64{1},
			ClaimPermissions{Reopen: true, Comment: true}},
		{"reviewer, approved", reviewer, &Claim{State: StateApproved, AssigneeID: 1}, []int64{1},
			ClaimPermissions{Comment: true}},
		{"editor, dismissed", editor, &Claim{State: StateDismissed}, nil,
			ClaimPermissions{Comment: true}},
		{"deactivated editor", &User{ID: 9, Role: RoleEditor}, &Claim{State: StateQueued}, nil,
			ClaimPermissions{}},
		{"nobody signed in", nil, &Claim{State: StateQueued}, nil, ClaimPermissions{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Permissions(tt.u, tt.c, tt.workers); got != tt.want {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
		})
	}
}
