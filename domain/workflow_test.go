package domain

import (
	"testing"
	"time"
)

func TestWorkflowPermissions(t *testing.T) {
	reviewer := &User{ID: 1, Role: RoleReviewer, Active: true}
	other := &User{ID: 5, Role: RoleReviewer, Active: true}
	editor := &User{ID: 2, Role: RoleEditor, Active: true}
	gone := &User{ID: 3, Role: RoleEditor, Active: false}
	inReview := &Claim{State: StateInReview, AssigneeID: 1}
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"assignee works on own claim", CanWorkOn(reviewer, inReview), ""},
		{"editor works on any claim", CanWorkOn(editor, inReview), ""},
		{"other reviewer may not", CanWorkOn(other, inReview), EFORBIDDEN},
		{"no edits once submitted", CanWorkOn(reviewer, &Claim{State: StateSubmitted, AssigneeID: 1}), ECONFLICT},
		{"assignee releases", CanRelease(reviewer, inReview), ""},
		{"editor releases", CanRelease(editor, inReview), ""},
		{"other reviewer may not release", CanRelease(other, inReview), EFORBIDDEN},
		{"only claims in review are released", CanRelease(editor, &Claim{State: StateQueued}), ECONFLICT},
		{"deactivated people get no claims", CanBeAssigned(gone), EINVALID},
		{"active people do", CanBeAssigned(reviewer), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ErrorCode(tt.err); got != tt.want {
				t.Errorf("code = %q, want %q (%v)", got, tt.want, tt.err)
			}
		})
	}
	if CanAssign(reviewer) || !CanAssign(editor) || CanAssign(gone) {
		t.Error("CanAssign: only active editors")
	}
	if CanManageRatings(reviewer) || !CanManageRatings(&User{Role: RoleAdmin, Active: true}) {
		t.Error("CanManageRatings: editors and admins")
	}
}

func TestCheckDue(t *testing.T) {
	now := time.Date(2026, 5, 10, 15, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		due  time.Time
		want string
	}{
		{time.Time{}, ""},
		{time.Date(2026, 5, 10, 0, 0, 0, 0, time.UTC), ""},
		{time.Date(2026, 5, 20, 0, 0, 0, 0, time.UTC), ""},
		{time.Date(2026, 5, 9, 0, 0, 0, 0, time.UTC), EINVALID},
	} {
		if got := ErrorCode(CheckDue(tt.due, now)); got != tt.want {
			t.Errorf("CheckDue(%v) = %q, want %q", tt.due, got, tt.want)
		}
	}
	// 01:00 on 11 May in UTC+2 is still 10 May in UTC: the 10th is today.
	east := time.Date(2026, 5, 11, 1, 0, 0, 0, time.FixedZone("UTC+2", 2*60*60))
	if err := CheckDue(time.Date(2026, 5, 10, 0, 0, 0, 0, time.UTC), east); err != nil {
		t.Errorf("CheckDue with a clock in UTC+2 refused today's UTC date: %v", err)
	}
}

func TestSourceCheck(t *testing.T) {
	ok := Source{URL: "https://www.ons.gov.uk/x", Title: "Labour market", Type: SourceOfficialStatistics}
	if err := ok.Check(); err != nil {
		t.Fatalf("good source refused: %v", err)
	}
	tests := []struct {
		name  string
		edit  func(s *Source)
		field string
	}{
		{"script URL", func(s *Source) { s.URL = "javascript:alert(1)" }, "url"},
		{"data URL", func(s *Source) { s.URL = "data:text/html,hi" }, "url"},
		{"no host", func(s *Source) { s.URL = "https:///path" }, "url"},
		{"no title", func(s *Source) { s.Title = " " }, "title"},
		{"unknown type", func(s *Source) { s.Type = "rumour" }, "type"},
		{"accessed before published", func(s *Source) {
			s.PublishedAt, s.AccessedAt = time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		}, "accessed_at"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := ok
			tt.edit(&s)
			e, isErr := s.Check().(*Error)
			if !isErr || e.Fields[tt.field] == "" {
				t.Errorf("want a %s field error, got %v", tt.field, s.Check())
			}
		})
	}
}

func TestVerdictCheckText(t *testing.T) {
	if err := (&Verdict{Conclusion: "Two\nlines"}).CheckText(); ErrorCode(err) != EINVALID {
		t.Errorf("multi-line conclusion: %v", err)
	}
	if err := (&Verdict{Conclusion: "One line"}).CheckText(); err != nil {
		t.Errorf("good conclusion: %v", err)
	}
}

// TestReadDueNeedsADateUnlessCleared: an empty "Set due date" is what a
// browser sends for a date typed only in part, so it is refused; taking
// the date off is the clear action.
func TestReadDueNeedsADateUnlessCleared(t *testing.T) {
	for _, tc := range []struct {
		in    string
		clear bool
		want  string // the date read, or "" for none
		code  string
	}{
		{"2030-05-01", false, "2030-05-01", ""},
		{"", false, "", EINVALID},
		{"  ", false, "", EINVALID},
		{"01/05/2030", false, "", EINVALID},
		{"", true, "", ""},
		{"2030-05-01", true, "", ""},
	} {
		got, err := ReadDue(tc.in, tc.clear)
		if ErrorCode(err) != tc.code {
			t.Errorf("ReadDue(%q, %v): error %v, want code %q", tc.in, tc.clear, err, tc.code)
		}
		if s := ""; !got.IsZero() {
			s = got.Format("2006-01-02")
			if s != tc.want {
				t.Errorf("ReadDue(%q, %v) = %s, want %s", tc.in, tc.clear, s, tc.want)
			}
		} else if tc.want != "" {
			t.Errorf("ReadDue(%q, %v) read no date, want %s", tc.in, tc.clear, tc.want)
		}
	}
}

// TestCheckUploadName: a file's name with a control character is refused
// on the upload's field, with one message however it came.
func TestCheckUploadName(t *testing.T) {
	for _, tc := range []struct {
		name       string
		unreadable bool
		refused    bool
	}{
		{"notes.txt", false, false},
		{"Budget 2025 – final (v2).md", false, false},
		{"notes\t.txt", false, true},
		{"notes\x1b.txt", false, true},
		{"notes\x7f.txt", false, true},
		{"", true, true},
	} {
		err := CheckUploadName("file", tc.name, tc.unreadable)
		if (err != nil) != tc.refused {
			t.Errorf("CheckUploadName(%q, %v) = %v, want refused %v", tc.name, tc.unreadable, err, tc.refused)
		}
		if err != nil && (ErrorCode(err) != EINVALID || err.(*Error).Fields["file"] != UploadNameMessage) {
			t.Errorf("CheckUploadName(%q): %#v", tc.name, err)
		}
	}
}
