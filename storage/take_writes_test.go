package storage_test

import (
	"context"
	"reflect"
	"testing"

	"claimtrail/domain"
	"claimtrail/storage"
)

// indexEntries counts the entries an index holds, read off its pages.
func indexEntries(t *testing.T, n *newsroom, index string) int {
	t.Helper()
	var entries int
	if err := rawDB(t, n.db).QueryRow(`SELECT coalesce(sum(ncell), 0) FROM dbstat WHERE name = ? AND pagetype = 'leaf'`, index).Scan(&entries); err != nil {
		t.Fatal(err)
	}
	return entries
}

// A claim taken for review has an empty draft: no rating, no approval. The
// rating and approval indexes hold rated and approved verdicts only, so a
// take writes no entry (and no page) of either; the verdicts that are rated
// and approved are still found through them.
func TestTakeWritesNoEntryOfTheVerdictIndexes(t *testing.T) {
	n := newNewsroom(t)
	for range 4 {
		n.queued(t, 0.5, domain.PriorityNormal)
	}
	for range 4 {
		if _, err := n.db.TakeNext(as(n.rita)); err != nil {
			t.Fatal(err)
		}
	}
	for _, index := range []string{"verdicts_rating", "verdicts_approved"} {
		if got := indexEntries(t, n, index); got != 0 {
			t.Errorf("%s holds %d entries after four takes, want none", index, got)
		}
	}

	id := n.approvedCheck(t)
	if got := indexEntries(t, n, "verdicts_rating"); got != 1 {
		t.Errorf("verdicts_rating holds %d entries with one rated verdict, want 1", got)
	}
	if got := indexEntries(t, n, "verdicts_approved"); got != 1 {
		t.Errorf("verdicts_approved holds %d entries with one approved verdict, want 1", got)
	}
	checks, err := n.db.PublishedChecks(context.Background(), storage.CheckCursor{}, 10)
	if err != nil || len(checks) != 1 || checks[0].ClaimID != id {
		t.Fatalf("published checks %v, %v; want claim %d", checks, err, id)
	}
	use, err := n.db.RatingUse(context.Background())
	if err != nil || use[n.ratingID(t, "Mostly false")] != 1 || len(use) != 1 {
		t.Fatalf("ratings in use %v, %v; want Mostly false once", use, err)
	}
}

// A take through the API answers with the claim and its verdict as the take
// left them without reading the verdict back when the take made it: the
// answer must be what a read right afterwards gives, on a claim's first
// take and on a take of a claim released with a draft and a source.
func TestTakeNotesTheVerdictAsARead(t *testing.T) {
	n := newNewsroom(t)
	id := n.queued(t, 0.5, domain.PriorityNormal)
	for round, want := range []int{0, 1} {
		ctx, changed := storage.WithChanged(as(n.rita))
		c, err := n.db.TakeNext(ctx)
		if err != nil || c.ID != id {
			t.Fatalf("round %d: took %v, %v; want claim %d", round, c, err, id)
		}
		read, err := n.db.VerdictByClaim(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		if !changed.Known() || !reflect.DeepEqual(changed.Verdict, read) || len(read.Sources) != want {
			t.Fatalf("round %d: the take noted %+v, a read gives %+v (%d sources, want %d)", round, changed.Verdict, read, len(read.Sources), want)
		}
		if round == 0 {
			if _, err := n.db.AddSource(as(n.rita), id, onsSource, read.Version); err != nil {
				t.Fatal(err)
			}
			if _, err := n.db.ReleaseClaim(as(n.rita), id, ""); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// Every change to the dashboard's counts of claims by state moves the desk
// generation (so no kept dashboard outlives it), and a claim's move between
// states moves it once, however many of the four counts it changes; the
// counts stay those of the claims.
func TestEveryCountOfStatesMovesTheDeskGeneration(t *testing.T) {
	n := newNewsroom(t)
	ctx := context.Background()
	raw := rawDB(t, n.db)
	generation := func() int64 {
		t.Helper()
		var g int64
		if err := raw.QueryRow(`SELECT n FROM desk_generation`).Scan(&g); err != nil {
			t.Fatal(err)
		}
		return g
	}
	moved := func(what string, change func(), exactly int64) {
		t.Helper()
		before := generation()
		change()
		after := generation()
		if after <= before || exactly > 0 && after-before != exactly {
			t.Errorf("%s moved the desk generation from %d to %d (want it moved, by %d if not 0)", what, before, after, exactly)
		}
		problems, err := n.db.CheckIntegrity(ctx)
		if err != nil || len(problems) > 0 {
			t.Fatalf("after %s: %v %v", what, problems, err)
		}
	}
	var id int64
	moved("a new candidate", func() {
		id = storage.InsertCandidateForTest(t, n.db, n.article, "Trains ran late", 0, 0.7, domain.TypeOther)
	}, 0)
	moved("accepting it", func() {
		storage.AcceptClaimForTest(t, n.db, actorCtx("triage@newsroom.example"), id, domain.PriorityNormal)
	}, 0)
	moved("taking it", func() {
		if _, err := n.db.TakeNext(as(n.rita)); err != nil {
			t.Fatal(err)
		}
	}, 1)
	moved("its article's new outlet", func() {
		a, err := n.db.ArticleByID(ctx, n.article)
		if err != nil {
			t.Fatal(err)
		}
		a.Outlet = "The Morning Post"
		if _, err := n.db.UpdateArticle(as(n.eddie), a); err != nil {
			t.Fatal(err)
		}
	}, 0)
}
