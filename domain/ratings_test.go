package domain

import (
	"testing"
	"time"
)

func TestRatingDecisions(t *testing.T) {
	editor := &User{ID: 2, Role: RoleEditor, Active: true}
	reviewer := &User{ID: 1, Role: RoleReviewer, Active: true}
	scale := []*Rating{{ID: 1, Name: "True", Value: 2, Position: 1}, {ID: 2, Name: "False", Value: 1, Position: 2}, {ID: 3, Name: "Unverifiable", Position: 3}}

	if _, err := CreateRating(reviewer, scale, Rating{Name: "Spun"}); ErrorCode(err) != EFORBIDDEN {
		t.Errorf("a reviewer changes the scale: %v", err)
	}
	if _, err := CreateRating(editor, scale, Rating{Name: " true "}); ErrorCode(err) != EINVALID {
		t.Errorf("a name the scale has in another case: %v", err)
	}
	made, err := CreateRating(editor, scale, Rating{Name: " Spun ", Value: 1.5})
	if err != nil || made.Rating.Name != "Spun" || made.Rating.Position != 4 || made.Event.Action != "rating.created" {
		t.Errorf("create: %+v %v", made, err)
	}
	moved, err := MoveRating(editor, scale, 3, true)
	if err != nil || moved.Scale[1].ID != 3 || moved.Scale[1].Position != 2 || moved.Scale[2].Position != 3 ||
		moved.Event.Before.(RatingRecord).Position != 3 || moved.Event.After.(RatingRecord).Position != 2 {
		t.Errorf("move: %+v %v", moved, err)
	}
	if scale[2].Position != 3 {
		t.Error("a decision changed the loaded scale")
	}
	if _, err := MoveRating(editor, scale, 1, true); ErrorCode(err) != ECONFLICT {
		t.Errorf("the top moved up: %v", err)
	}
	if _, err := DeleteRating(editor, scale[1], 2); ErrorCode(err) != ECONFLICT {
		t.Errorf("a rating in use deleted: %v", err)
	}
	if ch, err := DeleteRating(editor, scale[1], 0); err != nil || ch.Event.Action != "rating.deleted" {
		t.Errorf("delete: %+v %v", ch, err)
	}
	// A change from a page older than the rating's last change is refused.
	seen := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	current := []*Rating{{ID: 1, Name: "True", Value: 2, Position: 1, OnScale: true, UpdatedAt: seen.Add(time.Minute)}}
	if _, err := UpdateRating(editor, current, Rating{ID: 1, Name: "Correct", Value: 2, OnScale: true, UpdatedAt: seen}); ErrorCode(err) != ECONFLICT {
		t.Errorf("a stale change: %v", err)
	}
	for _, at := range []time.Time{seen.Add(time.Minute), {}} {
		if _, err := UpdateRating(editor, current, Rating{ID: 1, Name: "Correct", Value: 2, OnScale: true, UpdatedAt: at}); err != nil {
			t.Errorf("a change seen at %v: %v", at, err)
		}
	}
}
