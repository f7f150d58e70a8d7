package storage_test

import (
	"context"
	"slices"
	"testing"

	"claimtrail/domain"
	"claimtrail/domain/match"
	"claimtrail/storage"
)

func matchedIDs(t *testing.T, db *storage.DB, text, kind string) []int64 {
	t.Helper()
	found, err := db.Match(context.Background(), text, 10)
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, f := range found {
		if f.Kind == kind {
			ids = append(ids, f.ID)
		}
	}
	return ids
}

func TestMatchIndexFollowsClaimsInTheSameTransaction(t *testing.T) {
	n := newNewsroom(t)
	candidate := storage.InsertCandidateForTest(t, n.db, n.article, "The previous government left a £22 billion black hole in the public finances.", 0, 0.9, domain.TypeQuantity)
	other := storage.InsertCandidateForTest(t, n.db, n.article, "Hospital waiting lists reached 7.6 million in September.", 0, 0.9, domain.TypeQuantity)
	query := "Tories left a £22bn black hole in the public finances, says the chancellor"

	if got := matchedIDs(t, n.db, query, match.KindClaim); len(got) != 0 {
		t.Fatalf("a candidate is matched before it is accepted: %v", got)
	}
	storage.AcceptClaimForTest(t, n.db, as(n.rita), candidate, domain.PriorityNormal)
	storage.AcceptClaimForTest(t, n.db, as(n.rita), other, domain.PriorityNormal)
	if got := matchedIDs(t, n.db, query, match.KindClaim); !slices.Equal(got, []int64{candidate}) {
		t.Fatalf("after accepting: %v, want [%d]", got, candidate)
	}
	found, err := n.db.Match(context.Background(), "22 billion pounds black hole left in the public finances by the previous government", 10)
	if err != nil || len(found) == 0 || found[0].Tier != match.TierSame || found[0].State != domain.StateQueued {
		t.Errorf("figures written another way: %+v, %v; want the claim in the same tier", found, err)
	}
	if got := matchedIDs(t, n.db, "The previous government left a £20 billion black hole in the public finances.", match.KindClaim); len(got) != 1 {
		t.Errorf("a different figure: %v, want the claim as related", got)
	} else if f, _ := n.db.Match(context.Background(), "The previous government left a £20 billion black hole in the public finances.", 1); f[0].Tier != match.TierRelated {
		t.Errorf("a different figure is %q, want related", f[0].Tier)
	}

	// A claim accepted with new wording is indexed by that wording.
	reworded := storage.InsertCandidateForTest(t, n.db, n.article, "He went on to talk about jobs in the region.", 0, 0.5, domain.TypeOther)
	if _, err := n.db.AcceptClaim(as(n.rita), reworded, "Unemployment in the North East fell by 3% last year.", 0); err != nil {
		t.Fatal(err)
	}
	if got := matchedIDs(t, n.db, "talk about jobs in the region", match.KindClaim); len(got) != 0 {
		t.Errorf("the sentence's own words match: %v", got)
	}
	if got := matchedIDs(t, n.db, "North East unemployment fell 3% last year", match.KindClaim); !slices.Equal(got, []int64{reworded}) {
		t.Errorf("the new wording: %v, want [%d]", got, reworded)
	}

	// Rebuilding the index writes what the writes kept (but for each
	// document's stored counts, which are those of when it was indexed) and
	// finds the same.
	kept := readIndexes(t, n.db.Path, false)
	docs, err := n.db.Reindex(context.Background(), nil)
	if err != nil || docs != 3 {
		t.Fatalf("reindex: %d documents, %v; want 3", docs, err)
	}
	if got := matchedIDs(t, n.db, "North East unemployment fell 3% last year", match.KindClaim); !slices.Equal(got, []int64{reworded}) {
		t.Errorf("after reindex: %v, want [%d]", got, reworded)
	}
	rebuilt := readIndexes(t, n.db.Path, false)
	for _, table := range []string{"match_docs", "match_postings", "match_terms", "match_heads", "match_stats"} {
		if !slices.Equal(kept[table], rebuilt[table]) || len(kept[table]) == 0 {
			t.Errorf("%s kept by writes:\n%q\nrebuilt:\n%q", table, kept[table], rebuilt[table])
		}
	}
}

func TestImportChecksIsIdempotentByURLAndAudited(t *testing.T) {
	n := newNewsroom(t)
	ctx := actorCtx("editor@newsroom.example")
	value := 1.0
	check := domain.ImportedCheck{URL: "https://checks.example/22bn", Claim: "The Conservatives left a £22bn black hole in the public finances.",
		Headline: "Was there really a £22bn black hole?", Publisher: "Example Checks", Rating: "Misleading", RatingValue: &value}
	sum, err := n.db.ImportChecks(ctx, []domain.ImportedCheck{check})
	if err != nil || sum.Added != 1 {
		t.Fatalf("first import: %+v, %v", sum, err)
	}
	if sum, err = n.db.ImportChecks(ctx, []domain.ImportedCheck{check}); err != nil || sum.Unchanged != 1 || sum.Added+sum.Updated != 0 {
		t.Fatalf("same again: %+v, %v", sum, err)
	}
	check.Rating = "False"
	if sum, err = n.db.ImportChecks(ctx, []domain.ImportedCheck{check}); err != nil || sum.Updated != 1 {
		t.Fatalf("changed rating: %+v, %v", sum, err)
	}
	events, err := n.db.ListAuditEvents(context.Background(), domain.AuditFilter{Action: "imported_check."})
	if err != nil || len(events) != 2 {
		t.Fatalf("audit: %d events, %v; want added and updated", len(events), err)
	}
	found, err := n.db.Match(context.Background(), "tories left a 22 billion pound black hole in the public finances", 5)
	if err != nil || len(found) != 1 {
		t.Fatalf("match: %+v, %v", found, err)
	}
	if f := found[0]; f.Kind != match.KindImported || f.Rating != "False" || f.URL != check.URL || f.Publisher != "Example Checks" {
		t.Errorf("match: %+v", f)
	}
	// The headline finds it too.
	if got := matchedIDs(t, n.db, "Was there really a £22bn black hole?", match.KindImported); len(got) != 1 {
		t.Errorf("by headline: %v", got)
	}
}

// The index holds a claim's words, not its state: moving between accepted
// states (take, submit, approve, return) leaves it alone, while entering or
// leaving them, or a new wording, brings it up to date.
func TestMatchIndexSkipsMovesBetweenAcceptedStates(t *testing.T) {
	n := newNewsroom(t)
	id := n.queued(t, 0.9, domain.PriorityNormal)
	for _, tc := range []struct {
		state domain.ClaimState
		text  string
		want  bool
	}{
		{domain.StateInReview, "", false},
		{domain.StateQueued, "Unemployment fell by 4% last year", true},
	} {
		if got := storage.QueuedForIndexingForTest(t, n.db, id, tc.state, tc.text); got != tc.want {
			t.Errorf("queued to %s (text %q): queued for indexing %v, want %v", tc.state, tc.text, got, tc.want)
		}
	}
	if _, err := n.db.TakeNext(as(n.rita)); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		state domain.ClaimState
		want  bool
	}{{domain.StateSubmitted, false}, {domain.StateQueued, false}} {
		if got := storage.QueuedForIndexingForTest(t, n.db, id, tc.state, ""); got != tc.want {
			t.Errorf("in review to %s: queued for indexing %v, want %v", tc.state, got, tc.want)
		}
	}
	// A claim taken is still found, in its new state.
	found, err := n.db.Match(context.Background(), "Unemployment fell by 3% last year", 5)
	if err != nil || len(found) != 1 || found[0].ID != id || found[0].State != domain.StateInReview {
		t.Fatalf("after taking: %+v, %v; want claim %d in review", found, err, id)
	}
	candidate := storage.InsertCandidateForTest(t, n.db, n.article, "Prices rose by 9% in a year", 0, 0.5, domain.TypeQuantity)
	if !storage.QueuedForIndexingForTest(t, n.db, candidate, domain.StateQueued, "") {
		t.Error("a candidate accepted is not queued for indexing")
	}
	if storage.QueuedForIndexingForTest(t, n.db, candidate, domain.StateDismissed, "") {
		t.Error("a candidate dismissed is queued for indexing")
	}
}
