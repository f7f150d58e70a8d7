package storage_test

import (
	"context"
	"testing"

	"claimtrail/domain"
)

// TestUpdateRatingFromAStalePageIsRefused: a change carrying when the
// rating was last changed as the page showed it goes through with one
// audit event; a second change carrying the same, now older, time is
// refused and records nothing; a move between leaves renames alone.
func TestUpdateRatingFromAStalePageIsRefused(t *testing.T) {
	n := newNewsroom(t)
	ctx := context.Background()
	id := n.ratingID(t, "Misleading")
	rating := func() domain.Rating {
		rs, err := n.db.ListRatings(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rs {
			if r.ID == id {
				return *r
			}
		}
		t.Fatal("no such rating")
		return domain.Rating{}
	}
	shown := rating()
	if shown.UpdatedAt.IsZero() {
		t.Fatal("a rating is read without when it last changed")
	}
	first, second := shown, shown
	first.Name = "Misleading claim"
	if err := n.db.UpdateRating(as(n.eddie), &first); err != nil {
		t.Fatal(err)
	}
	if now := rating(); !now.UpdatedAt.Equal(first.UpdatedAt) || !now.UpdatedAt.After(shown.UpdatedAt) {
		t.Errorf("saved rating changed at %v, read back at %v (shown %v)", first.UpdatedAt, now.UpdatedAt, shown.UpdatedAt)
	}
	second.Name, second.Value = "Missing context", 2.5
	if err := n.db.UpdateRating(as(n.eddie), &second); domain.ErrorCode(err) != domain.ECONFLICT {
		t.Errorf("a change from a stale page: %v", err)
	}
	if now := rating(); now.Name != "Misleading claim" || now.Value != shown.Value {
		t.Errorf("after a stale change the rating is %q %v", now.Name, now.Value)
	}
	events, err := n.db.EntityHistory(ctx, "rating", id)
	if err != nil {
		t.Fatal(err)
	}
	if len(events) != 1 || events[0].Action != "rating.updated" {
		t.Errorf("history after one change and one refused: %+v", events)
	}
	// A move is not a change to what the rating says.
	if err := n.db.MoveRating(as(n.eddie), id, true); err != nil {
		t.Fatal(err)
	}
	third := first
	third.Name = "Misleading (context)"
	if err := n.db.UpdateRating(as(n.eddie), &third); err != nil {
		t.Errorf("a rename from the page before a move: %v", err)
	}
}
