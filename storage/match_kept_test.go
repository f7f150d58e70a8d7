package storage_test

import (
	"context"
	"database/sql"
	"fmt"
	"testing"

	"claimtrail/domain"
	"claimtrail/storage"
)

// What the matcher keeps of its index between matches (match_kept.go) must
// never change a result: after every kind of change to the index (a claim
// accepted, one reworded and so indexed again, imported checks, another
// process's change, a rebuild), a process that has matched before finds
// exactly what a process opened afresh finds.
func TestKeptMatcherIndexFindsWhatAFreshProcessFinds(t *testing.T) {
	n := newNewsroom(t)
	ctx := context.Background()
	triage := actorCtx("triage@newsroom.example")
	texts := []string{
		"The previous government left a £22 billion black hole in the public finances.",
		"Hospital waiting lists reached 7.6 million in September.",
		"Unemployment in the North East fell by 3% last year.",
		"The government left a black hole of £22bn in the public finances.",
		"Waiting lists in hospitals hit 7.6 million last September.",
		"Crime in the capital rose by 8% last year.",
	}
	ids := make([]int64, len(texts))
	for i, text := range texts {
		ids[i] = storage.InsertCandidateForTest(t, n.db, n.article, text, 0, 0.9, domain.TypeQuantity)
	}
	for _, id := range ids[:3] {
		storage.AcceptClaimForTest(t, n.db, triage, id, domain.PriorityNormal)
	}
	queries := []string{
		"Tories left a £22bn black hole in the public finances",
		"7.6 million people on hospital waiting lists",
		"unemployment fell 3% in the North East",
		"crime rose 8% in the capital last year",
		"a £20 billion black hole",
	}
	probe := func(db *storage.DB) string {
		t.Helper()
		var out string
		for _, q := range queries {
			found, err := db.Match(ctx, q, 10)
			if err != nil {
				t.Fatal(err)
			}
			out += fmt.Sprintf("%s: %v\n", q, found)
		}
		for _, id := range ids {
			found, err := db.ClaimMatches(ctx, id, 10)
			if err != nil {
				t.Fatal(err)
			}
			out += fmt.Sprintf("claim %d: %v\n", id, found)
		}
		return out
	}
	fresh := func() string {
		t.Helper()
		db, err := storage.Open(ctx, n.db.Path)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		return probe(db)
	}
	other, err := storage.Open(ctx, n.db.Path) // another process
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	raw, err := sql.Open("sqlite", "file:"+n.db.Path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()

	steps := []struct {
		name   string
		change func()
	}{
		{"as first read", func() {}},
		{"after a claim is accepted", func() { storage.AcceptClaimForTest(t, n.db, triage, ids[3], domain.PriorityNormal) }},
		{"after another process accepts one", func() { storage.AcceptClaimForTest(t, other, triage, ids[4], domain.PriorityNormal) }},
		{"after imported checks arrive", func() {
			if _, err := n.db.ImportChecks(actorCtx("editor@newsroom.example"), []domain.ImportedCheck{
				{URL: "https://checks.example/crime", Claim: "Crime in the capital went up 8% last year.", Headline: "Did crime rise by 8%?",
					Publisher: "Example Checks", Rating: "Mostly true"},
				{URL: "https://checks.example/lists", Claim: "Hospital waiting lists stood at 7.6 million in September.",
					Publisher: "Example Checks", Rating: "True"},
			}); err != nil {
				t.Fatal(err)
			}
		}},
		{"after a claim is reworded around storage and indexed again by the next change", func() {
			if _, err := raw.Exec(`UPDATE claims SET text = 'Crime in the capital rose by 8% in the last year.' WHERE id = ?`, ids[1]); err != nil {
				t.Fatal(err)
			}
			storage.AcceptClaimForTest(t, other, triage, ids[5], domain.PriorityNormal)
		}},
		{"after another process rebuilds the index", func() {
			if _, err := other.Reindex(ctx, nil); err != nil {
				t.Fatal(err)
			}
		}},
	}
	for _, s := range steps {
		s.change()
		kept := probe(n.db)
		if again := probe(n.db); again != kept {
			t.Errorf("%s: the same matches asked again differ:\n%s\nagain:\n%s", s.name, kept, again)
		}
		if want := fresh(); kept != want {
			t.Errorf("%s: a process that matched before finds\n%s\na fresh one finds\n%s", s.name, kept, want)
		}
	}
}

// A claim changed by a write around storage (a bulk load, a repair by hand)
// waits in match_pending until the next change through storage indexes it;
// until then a match reads it as it now is: found by its new words, not by
// its old ones, and not at all once it is gone.
func TestMatchReadsClaimsChangedAroundStorage(t *testing.T) {
	n := newNewsroom(t)
	ctx := context.Background()
	triage := actorCtx("triage@newsroom.example")
	reworded := storage.InsertCandidateForTest(t, n.db, n.article, "Hospital waiting lists reached 7.6 million in September.", 0, 0.9, domain.TypeQuantity)
	dropped := storage.InsertCandidateForTest(t, n.db, n.article, "Crime in the capital rose by 8% last year.", 0, 0.9, domain.TypeQuantity)
	for _, id := range []int64{reworded, dropped} {
		storage.AcceptClaimForTest(t, n.db, triage, id, domain.PriorityNormal)
	}
	finds := func(text string, id int64) bool {
		t.Helper()
		found, err := n.db.Match(ctx, text, 10)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range found {
			if f.Kind == "claim" && f.ID == id {
				return true
			}
		}
		return false
	}
	if !finds("7.6 million on hospital waiting lists in September", reworded) || !finds("crime in the capital rose 8% last year", dropped) {
		t.Fatal("the claims are not found before the change")
	}
	raw, err := sql.Open("sqlite", "file:"+n.db.Path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	if _, err := raw.Exec(`UPDATE claims SET text = 'Rail fares in the north rose by 5% in January.' WHERE id = ?`, reworded); err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec(`DELETE FROM claims WHERE id = ?`, dropped); err != nil {
		t.Fatal(err)
	}
	if !finds("rail fares in the north rose 5% in January", reworded) {
		t.Error("a claim reworded around storage is not found by its new words")
	}
	if finds("7.6 million on hospital waiting lists in September", reworded) {
		t.Error("a claim reworded around storage is still found by its old words")
	}
	if finds("crime in the capital rose 8% last year", dropped) {
		t.Error("a claim deleted around storage is still found")
	}
}
