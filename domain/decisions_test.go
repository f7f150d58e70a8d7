package domain

import (
	"testing"
	"time"
)

func TestDecisionsReturnOneEventCarryingTheirWords(t *testing.T) {
	now := time.Date(2026, 5, 10, 9, 0, 0, 0, time.UTC)
	rita := &User{ID: 1, Role: RoleReviewer, Active: true}
	eddie := &User{ID: 2, Role: RoleEditor, Active: true}
	inReview := &Claim{ID: 7, State: StateInReview, AssigneeID: 1, Version: 4}
	submitted := &Claim{ID: 7, State: StateSubmitted, AssigneeID: 1, Version: 5}
	approved := &Claim{ID: 7, State: StateApproved, AssigneeID: 1, Version: 6}
	draft := &Verdict{ClaimID: 7, RatingID: 3, Conclusion: "Wrong.", Version: 2, Sources: []Source{{Title: "ONS", URL: "https://ons.example"}}}

	release, err := Release(rita, inReview, "Out sick", now)
	if err != nil || release.Event.Action != "claim.released" || release.Event.After.(*ClaimRecord).Comment != "Out sick" ||
		release.Comment == nil || release.Comment.Kind != CommentReleased || release.Claim.AssigneeID != 0 || release.Claim.Version != 5 {
		t.Errorf("release: %+v %v", release, err)
	}
	if inReview.State != StateInReview || inReview.AssigneeID != 1 {
		t.Error("a decision changed the loaded claim")
	}
	ret, err := Return(eddie, submitted, draft, []int64{1}, "Cite the table.", now)
	if err != nil || ret.Event.Action != "claim.returned" || ret.Event.After.(*ClaimRecord).Comment != "Cite the table." || ret.Claim.State != StateInReview {
		t.Errorf("return: %+v %v", ret, err)
	}
	if _, err := Return(eddie, submitted, draft, nil, "  ", now); ErrorCode(err) != EINVALID {
		t.Errorf("return without a comment: %v", err)
	}
	if _, err := Return(rita, submitted, draft, nil, "Fix it", now); ErrorCode(err) != EFORBIDDEN {
		t.Errorf("return by a reviewer: %v", err)
	}
	reopen, err := Reopen(eddie, approved, draft, "Revised figures", now)
	if err != nil || reopen.Event.Action != "claim.reopened" || reopen.Event.After.(*ClaimRecord).Reason != "Revised figures" ||
		len(reopen.Event.Before.(*ClaimRecord).Verdict.Sources) != 1 || !reopen.Verdict.ApprovedAt.IsZero() {
		t.Errorf("reopen: %+v %v", reopen, err)
	}
	sub, err := Submit(rita, inReview, draft, &VerdictInput{RatingID: 4, Conclusion: " Mostly wrong. "}, now)
	if err != nil || sub.Event.Action != "claim.submitted" || sub.Verdict.Conclusion != "Mostly wrong." ||
		sub.Event.Before.(*ClaimRecord).Verdict.Conclusion != "Wrong." || sub.Event.After.(*ClaimRecord).Verdict.Conclusion != "Mostly wrong." {
		t.Errorf("submit with text: %+v %v", sub, err)
	}
	if _, err := Submit(rita, inReview, &Verdict{ClaimID: 7}, nil, now); ErrorCode(err) != EINVALID {
		t.Errorf("submitting an empty draft: %v", err)
	}
	same, err := Prioritise(eddie, inReview, inReview.Priority, now)
	if err != nil || !same.Unchanged() {
		t.Errorf("the same priority: %+v %v", same, err)
	}
	if _, err := Approve(eddie, submitted, draft, []int64{2}, now); ErrorCode(err) != EFORBIDDEN {
		t.Errorf("four eyes: %v", err)
	}
}

func TestSourceDecisions(t *testing.T) {
	rita := &User{ID: 1, Role: RoleReviewer, Active: true}
	other := &User{ID: 5, Role: RoleReviewer, Active: true}
	c := &Claim{ID: 7, State: StateInReview, AssigneeID: 1}
	src := func(id int64, title string, pos int) Source {
		return Source{ID: id, ClaimID: 7, Position: pos, URL: "https://stats.example/" + title, Title: title, Type: SourceOther}
	}
	v := &Verdict{ClaimID: 7, Sources: []Source{src(1, "a", 1), src(2, "b", 2), src(3, "c", 3)}}

	added, err := AddSource(rita, c, v, Source{URL: " https://stats.example/d ", Title: " d ", Type: SourceOther})
	if err != nil || len(added.Sources) != 4 || added.Sources[3].Position != 4 || added.Sources[3].Title != "d" || added.Event.Action != "source.added" {
		t.Errorf("add: %+v %v", added, err)
	}
	if len(v.Sources) != 3 {
		t.Error("a decision changed the loaded verdict")
	}
	if _, err := AddSource(other, c, v, src(0, "d", 0)); ErrorCode(err) != EFORBIDDEN {
		t.Errorf("someone else's claim: %v", err)
	}
	full := &Verdict{ClaimID: 7, Sources: make([]Source, MaxSources)}
	if _, err := AddSource(rita, c, full, src(0, "d", 0)); ErrorCode(err) != EINVALID {
		t.Errorf("a 51st source: %v", err)
	}
	moved, err := MoveSource(rita, c, v, 3, true)
	if err != nil || moved.Sources[1].ID != 3 || moved.Sources[2].ID != 2 || moved.Sources[1].Position != 2 || moved.Sources[2].Position != 3 {
		t.Errorf("move up: %+v %v", moved.Sources, err)
	}
	if _, err := MoveSource(rita, c, v, 1, true); ErrorCode(err) != ECONFLICT {
		t.Errorf("moving the first up: %v", err)
	}
	removed, err := RemoveSource(rita, c, v, 2)
	if err != nil || len(removed.Sources) != 2 || removed.Event.Before.(SourceRecord).Title != "b" || removed.Event.After != nil {
		t.Errorf("remove: %+v %v", removed, err)
	}
	if _, err := UpdateSource(rita, c, v, 99, src(0, "x", 0)); ErrorCode(err) != ENOTFOUND {
		t.Errorf("update a source not on the verdict: %v", err)
	}
}

func TestDraftDecisions(t *testing.T) {
	rita := &User{ID: 1, Role: RoleReviewer, Active: true}
	other := &User{ID: 5, Role: RoleReviewer, Active: true}
	c := &Claim{ID: 7, State: StateInReview, AssigneeID: 1}
	mostly := &Rating{ID: 4, Name: "Mostly false"}
	ons := Source{ID: 11, ClaimID: 7, Position: 1, Title: "ONS", URL: "https://ons.example", Type: SourceType("official_statistics")}
	v := &Verdict{ClaimID: 7, RatingID: 3, Conclusion: "Wrong.", Version: 2, Sources: []Source{ons}}

	save, err := SaveDraft(rita, c, v, VerdictInput{RatingID: 4, Conclusion: " Mostly wrong. "}, mostly)
	if err != nil || save.Event.Action != "verdict.saved" || save.Event.EntityID != 7 || save.Worker != 1 || save.ReplacesSources ||
		save.Verdict.Conclusion != "Mostly wrong." || save.Verdict.RatingID != 4 || save.Verdict.AuthorID != 1 ||
		save.Event.Before.(*VerdictRecord).Conclusion != "Wrong." || save.Event.After.(*VerdictRecord).Version != 3 {
		t.Fatalf("save: %+v %v", save, err)
	}
	if v.Conclusion != "Wrong." || v.RatingID != 3 {
		t.Error("saving changed the loaded verdict")
	}
	if _, err := SaveDraft(rita, c, v, VerdictInput{RatingID: 9}, nil); fieldOf(err, "rating") == "" {
		t.Errorf("a rating that no longer exists: %v", err)
	}
	if _, err := SaveDraft(other, c, v, VerdictInput{}, nil); ErrorCode(err) != EFORBIDDEN {
		t.Errorf("someone else's draft: %v", err)
	}
	if _, err := SaveDraft(rita, c, v, VerdictInput{Conclusion: "Two\nlines"}, nil); fieldOf(err, "conclusion") == "" {
		t.Errorf("a conclusion on two lines: %v", err)
	}

	same := []Source{{Title: "ONS", URL: "https://ons.example", Type: SourceType("official_statistics")}}
	kept, err := ReplaceVerdict(rita, c, v, VerdictInput{Conclusion: "Wrong."}, same, nil)
	if err != nil || !kept.ReplacesSources || len(kept.Sources) != 1 || kept.Sources[0].ID != v.Sources[0].ID || kept.Sources[0].Position != 1 ||
		kept.Event.After.(*VerdictRecord).Sources != nil {
		t.Fatalf("the same sources sent again: %+v %v", kept, err)
	}
	two := append(same, Source{Title: " Budget ", URL: "https://budget.example", Type: SourceType("official_statistics")})
	changed, err := ReplaceVerdict(rita, c, v, VerdictInput{}, two, nil)
	if err != nil || len(changed.Event.Before.(*VerdictRecord).Sources) != 1 || len(changed.Event.After.(*VerdictRecord).Sources) != 2 ||
		changed.Sources[1].Title != "Budget" || changed.Sources[1].Position != 2 {
		t.Fatalf("a source added: %+v %v", changed, err)
	}
	if changed.Sources[0].ID != ons.ID || changed.Sources[1].ID != 0 {
		t.Errorf("the source kept should keep its id, the new one have none: %+v", changed.Sources)
	}
	swapped, err := ReplaceVerdict(rita, c, v, VerdictInput{}, []Source{two[1], same[0], same[0]}, nil)
	if err != nil || swapped.Sources[0].ID != 0 || swapped.Sources[1].ID != ons.ID || swapped.Sources[1].Position != 2 || swapped.Sources[2].ID != 0 {
		t.Fatalf("a source moved down keeps its id once, a copy of it is new: %+v %v", swapped.Sources, err)
	}
	if two[1].Title != " Budget " || len(v.Sources) != 1 {
		t.Error("replacing changed what it was given")
	}
	bad := []Source{{Title: "", URL: "javascript:alert(1)", Type: SourceType("rumour")}}
	_, err = ReplaceVerdict(rita, c, v, VerdictInput{Conclusion: "Two\nlines"}, bad, nil)
	if fieldOf(err, "conclusion") == "" || fieldOf(err, "sources[0].url") == "" || fieldOf(err, "sources[0].title") == "" {
		t.Errorf("every fault named at once: %v", err)
	}
}

// fieldOf is the message err gives for field, "" when none.
func fieldOf(err error, field string) string {
	if e, ok := err.(*Error); ok {
		return e.Fields[field]
	}
	return ""
}
