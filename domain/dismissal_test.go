package domain

import "testing"

func TestNewDismissal(t *testing.T) {
	for _, tc := range []struct {
		name, reason, note string
		want               DismissalReason
		field              string
	}{
		{"reason alone", "not_checkworthy", "", DismissNotCheckWorthy, ""},
		{"reason and note", " duplicate ", " same as claim 4 ", DismissDuplicate, ""},
		{"note alone is other", "", "opinion piece", DismissOther, ""},
		{"nothing", "", "  ", "", "reason_code"},
		{"unknown reason", "boring", "", "", "reason_code"},
		{"other without a note", "other", "", "", "reason"},
		{"note too long", "out_of_scope", string(make([]rune, 501)), "", "reason"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, err := NewDismissal(tc.reason, tc.note)
			if tc.field != "" {
				var e *Error
				if ErrorCode(err) != EINVALID || !asError(err, &e) || e.Fields[tc.field] == "" {
					t.Fatalf("NewDismissal(%q, %q) = %v, want a message on %s", tc.reason, tc.note, err, tc.field)
				}
				return
			}
			if err != nil || d.Reason != tc.want {
				t.Fatalf("NewDismissal(%q, %q) = %+v, %v; want reason %s", tc.reason, tc.note, d, err, tc.want)
			}
		})
	}
}

func asError(err error, e **Error) bool {
	x, ok := err.(*Error)
	*e = x
	return ok
}

func TestTriageLabel(t *testing.T) {
	for _, tc := range []struct {
		name         string
		c            Claim
		label, known bool
	}{
		{"candidate", Claim{State: StateCandidate}, false, false},
		{"added by hand", Claim{State: StateCandidate, Manual: true}, true, true},
		{"accepted", Claim{State: StateQueued}, true, true},
		{"approved", Claim{State: StateApproved}, true, true},
		{"dismissed as not check-worthy", Claim{State: StateDismissed, DismissCode: DismissNotCheckWorthy}, false, true},
		{"added by hand, then dismissed as not check-worthy", Claim{State: StateDismissed, Manual: true, DismissCode: DismissNotCheckWorthy}, false, true},
		{"dismissed as duplicate", Claim{State: StateDismissed, DismissCode: DismissDuplicate}, false, false},
		{"dismissed as other", Claim{State: StateDismissed, DismissCode: DismissOther}, false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			label, known := tc.c.TriageLabel()
			if label != tc.label || known != tc.known {
				t.Errorf("TriageLabel() = %v, %v; want %v, %v", label, known, tc.label, tc.known)
			}
		})
	}
}
