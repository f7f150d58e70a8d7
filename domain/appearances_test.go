package domain

import (
	"strings"
	"testing"
	"time"
)

func TestParseSince(t *testing.T) {
	now := time.Date(2026, 12, 3, 17, 0, 0, 0, time.UTC)
	cases := []struct {
		in   string
		want string // yyyy-mm-dd, or "" for a refusal
	}{
		{"", "2026-11-26"},
		{" 2026-12-01 ", "2026-12-01"},
		{"2026-12-03", "2026-12-03"},
		{"2026-12-04", ""},
		{"1899-12-31", ""},
		{"01/12/2026", ""},
		{"2026-02-30", ""},
		{"yesterday", ""},
	}
	for _, c := range cases {
		t.Run(c.in, func(t *testing.T) {
			got, err := ParseSince(c.in, now)
			if c.want == "" {
				var e *Error
				if err == nil || ErrorCode(err) != EINVALID || !asError(err, &e) || e.Fields["since"] == "" {
					t.Fatalf("ParseSince(%q) = %v, %v; want a refusal naming since", c.in, got, err)
				}
				return
			}
			if err != nil || got.Format("2006-01-02") != c.want {
				t.Fatalf("ParseSince(%q) = %v, %v; want %s", c.in, got, err, c.want)
			}
		})
	}
}

func TestAppearanceRules(t *testing.T) {
	now := time.Date(2026, 12, 3, 0, 0, 0, 0, time.UTC)
	reviewer := &User{ID: 1, Role: RoleReviewer, Active: true}
	editor := &User{ID: 2, Role: RoleEditor, Active: true}
	other := &User{ID: 3, Role: RoleEditor, Active: true}
	approved := &Claim{ID: 10, ArticleID: 1, State: StateApproved}
	article := &Article{ID: 2, Title: "Later", PublishedAt: now.AddDate(0, 0, -1)}
	candidate := &Claim{ID: 20, ArticleID: 2, State: StateCandidate, Sentence: "Said again."}

	ch, err := RecordAppearance(nil, approved, candidate, article, AppearanceMatched, 0.9, now)
	if err != nil || ch.Event.Action != "claim.appeared" || ch.Event.EntityID != approved.ID || !ch.Appearance.SeenAt.Equal(article.PublishedAt) {
		t.Fatalf("record: %+v, %v", ch, err)
	}
	if _, err := RecordAppearance(nil, &Claim{ID: 11, State: StateDismissed}, candidate, article, AppearanceMatched, 1, now); ErrorCode(err) != ECONFLICT {
		t.Errorf("a dismissed claim appearing again: %v", err)
	}
	if _, err := RecordAppearance(nil, approved, &Claim{ID: 21, ArticleID: 1}, &Article{ID: 1}, AppearanceMatched, 1, now); ErrorCode(err) != ECONFLICT {
		t.Errorf("a sentence of the claim's own article: %v", err)
	}

	a := ch.Appearance
	if err := CanApplyVerdict(reviewer, approved, a); ErrorCode(err) != EFORBIDDEN {
		t.Errorf("reviewer applying: %v", err)
	}
	if err := CanApplyVerdict(editor, &Claim{ID: 10, State: StateInReview}, a); ErrorCode(err) != ECONFLICT {
		t.Errorf("applying to a claim in review: %v", err)
	}
	triaged := *a
	triaged.Origin, triaged.CreatedBy = AppearanceTriaged, editor.ID
	if err := CanApplyVerdict(editor, approved, &triaged); ErrorCode(err) != EFORBIDDEN || !strings.Contains(ErrorMessage(err), "another editor") {
		t.Errorf("the editor who recorded it applying: %v", err)
	}
	if may := AppearanceMay(editor, approved, &triaged); may.Apply || may.ApplyWhy == "" {
		t.Errorf("page permissions for the recorder: %+v", may)
	}
	applied, err := ApplyVerdict(other, approved, &triaged, now)
	if err != nil || !applied.Appearance.Applied() || applied.Event.Action != "claim.verdict_applied" {
		t.Fatalf("apply: %+v, %v", applied, err)
	}
	if _, err := ApplyVerdict(other, approved, applied.Appearance, now); ErrorCode(err) != ECONFLICT {
		t.Errorf("applying twice: %v", err)
	}
	if _, err := RemoveAppearance(reviewer, applied.Appearance, "", now); ErrorCode(err) != EFORBIDDEN {
		t.Errorf("reviewer undoing an applied appearance: %v", err)
	}
	if _, err := RemoveAppearance(editor, a, strings.Repeat("x", MaxAppearanceReason+1), now); ErrorCode(err) != EINVALID {
		t.Errorf("an over-long reason: %v", err)
	}
	removed, err := RemoveAppearance(reviewer, a, "Another year.", now)
	if err != nil || !removed.Appearance.Removed() {
		t.Fatalf("reviewer undoing: %+v, %v", removed, err)
	}
	if err := CanApplyVerdict(editor, approved, removed.Appearance); ErrorCode(err) != ECONFLICT {
		t.Errorf("applying to an undone appearance: %v", err)
	}
	if err := CanRecordAsAppearance(reviewer, candidate, &Claim{ID: 12, State: StateQueued}); ErrorCode(err) != ECONFLICT {
		t.Errorf("recording against a claim not yet approved: %v", err)
	}
	if err := CanRecordAsAppearance(reviewer, candidate, approved); err != nil {
		t.Errorf("recording against an approved check: %v", err)
	}
}
