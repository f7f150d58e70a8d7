package domain

import "testing"

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
}
