package storage_test

import (
	"context"
	"slices"
	"testing"

	"claimtrail/domain"
	"claimtrail/storage"
)

func TestSimilarClaimsFindsAcceptedClaimsWordedAlike(t *testing.T) {
	n := newNewsroom(t)
	ctx := context.Background()
	accepted := func(text string) int64 {
		id := storage.InsertCandidateForTest(t, n.db, n.article, text, 0, 0.5, domain.TypeQuantity)
		storage.AcceptClaimForTest(t, n.db, actorCtx("triage@newsroom.example"), id, domain.PriorityNormal)
		return id
	}
	similarTo := func(id int64) []int64 {
		t.Helper()
		d, err := n.db.ClaimDetail(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		var ids []int64
		for _, s := range d.Similar {
			ids = append(ids, s.ID)
		}
		return ids
	}

	a := accepted("Unemployment in the North East fell by 3% last year")
	b := accepted("Unemployment across the north-east fell 3% over the last year, the minister said.")
	unrelated := accepted("Hospital waiting lists reached 7.6 million in September")
	weak := accepted("Unemployment is a worry for the minister") // one word in common is coincidence
	candidate := storage.InsertCandidateForTest(t, n.db, n.article, "Unemployment in the North East fell by 3% last year, officials said", 0, 0.5, domain.TypeQuantity)

	got := similarTo(a)
	if !slices.Contains(got, b) {
		t.Errorf("similar to %d: %v, want %d", a, got, b)
	}
	for _, not := range []int64{a, unrelated, weak, candidate} {
		if slices.Contains(got, not) {
			t.Errorf("similar to %d lists %d (%v)", a, not, got)
		}
	}
	// A candidate is not searchable, but finds accepted claims like it.
	if got := similarTo(candidate); !slices.Contains(got, a) || !slices.Contains(got, b) {
		t.Errorf("similar to the candidate: %v, want %d and %d", got, a, b)
	}

	// A claim accepted with new wording is found by that wording.
	reworded := storage.InsertCandidateForTest(t, n.db, n.article, "He went on to talk about jobs in the region.", 0, 0.5, domain.TypeOther)
	if _, err := n.db.AcceptClaim(as(n.rita), reworded, "Unemployment in the North East fell by 3% last year, according to the minister", 0); err != nil {
		t.Fatal(err)
	}
	if got := similarTo(a); !slices.Contains(got, reworded) {
		t.Errorf("similar to %d after rewording: %v, want %d", a, got, reworded)
	}

	// Words that mean something to the search syntax are plain words.
	odd := accepted(`NOT "unemployment" NEAR fell OR north* east AND 3% last`)
	if _, err := n.db.ClaimDetail(ctx, odd); err != nil {
		t.Errorf("claim worded like search syntax: %v", err)
	}
}
