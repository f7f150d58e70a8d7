package storage_test

import (
	"context"
	"reflect"
	"slices"
	"strconv"
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

func TestSimilarClaimsRankCopiesFirstAndFoldAccents(t *testing.T) {
	n := newNewsroom(t)
	ctx := context.Background()
	accepted := func(text string) int64 {
		id := storage.InsertCandidateForTest(t, n.db, n.article, text, 0, 0.5, domain.TypeQuantity)
		storage.AcceptClaimForTest(t, n.db, actorCtx("triage@newsroom.example"), id, domain.PriorityNormal)
		return id
	}
	similar := func(id int64) []int64 {
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

	// An accepted claim with many words of its own still finds a shorter
	// one: its own row must not make its unique words look like the rarest.
	short := accepted("NHS waiting lists fell to 7.2 million in March, the lowest since 2022, the Chancellor said.")
	long := accepted("The Chancellor said NHS waiting lists fell to 7.2 million in March, the lowest since 2022, thanks to extra weekend clinics, overtime payments and new diagnostic hubs.")
	if got := similar(long); !slices.Contains(got, short) {
		t.Errorf("the longer claim finds %v, want %d", got, short)
	}
	if got := similar(short); !slices.Contains(got, long) {
		t.Errorf("the shorter claim finds %v, want %d", got, long)
	}

	// A word-for-word copy comes before fragments that are contained in the claim.
	base := accepted("Unemployment rose to 4.4% in the three months to June, according to the Office for National Statistics.")
	fragments := []int64{
		accepted("Unemployment rose to 4.4% in June, the statistics office said."),
		accepted("Unemployment rose to 4.4% in the three months to June."),
		accepted("Unemployment rose to 4.4%, according to the Office for National Statistics."),
	}
	duplicate := accepted("Unemployment rose to 4.4% in the three months to June, according to the Office for National Statistics.")
	if got := similar(base); len(got) == 0 || got[0] != duplicate {
		t.Errorf("similar to %d: %v, want the copy %d first (fragments %v)", base, got, duplicate, fragments)
	}

	// Accents are folded as the index folds them.
	accented := accepted("L'économie française a créé beaucoup d'emplois récemment, déclare le ministère.")
	plain := accepted("L'economie francaise a cree beaucoup d'emplois recemment, declare le ministere.")
	if got := similar(accented); !slices.Contains(got, plain) {
		t.Errorf("accented claim finds %v, want %d", got, plain)
	}
}

// The claim page reads its similar claims and its matches from one run of
// the matcher; they must be what the two separate reads give.
func TestClaimDetailMatchesIsClaimDetailAndClaimMatches(t *testing.T) {
	n := newNewsroom(t)
	ctx := context.Background()
	var ids []int64
	for _, text := range []string{
		"Unemployment in the North East fell by 3% last year",
		"Unemployment across the north-east fell 3% over the last year, the minister said.",
		"Unemployment in the north east fell by three per cent last year, figures show",
		"Unemployment in the North East fell by 3% in the last year alone",
		"In the North East unemployment fell by 3% last year",
		"Hospital waiting lists reached 7.6 million in September",
	} {
		id := storage.InsertCandidateForTest(t, n.db, n.article, text, 0, 0.5, domain.TypeQuantity)
		storage.AcceptClaimForTest(t, n.db, actorCtx("triage@newsroom.example"), id, domain.PriorityNormal)
		ids = append(ids, id)
	}
	for i, text := range []string{"Unemployment in the North East fell by 3% last year.", "North East unemployment fell 3% last year"} {
		check := domain.ImportedCheck{URL: "https://checks.example/ne-" + strconv.Itoa(i), Claim: text,
			Headline: "Did North East unemployment fall?", Publisher: "Example Checks", Rating: "True"}
		if _, err := n.db.ImportChecks(ctx, []domain.ImportedCheck{check}); err != nil {
			t.Fatal(err)
		}
	}
	simIDs := func(d *domain.ClaimDetail) []int64 {
		var out []int64
		for _, s := range d.Similar {
			out = append(out, s.ID)
		}
		return out
	}
	for _, limit := range []int{1, 3, 10} {
		for _, id := range ids {
			d, found, err := n.db.ClaimDetailMatches(ctx, id, limit)
			if err != nil {
				t.Fatal(err)
			}
			alone, err := n.db.ClaimDetail(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			want, err := n.db.ClaimMatches(ctx, id, limit)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(found, want) {
				t.Errorf("claim %d, limit %d: matches %+v, want %+v", id, limit, found, want)
			}
			if got, want := simIDs(d), simIDs(alone); !slices.Equal(got, want) {
				t.Errorf("claim %d, limit %d: similar %v, want %v", id, limit, got, want)
			}
		}
	}
	d, found, err := n.db.ClaimDetailMatches(ctx, ids[0], 10)
	if err != nil || len(d.Similar) == 0 || len(found) < 3 {
		t.Fatalf("claim %d: %d similar, %d matches, %v; the set above has several of each", ids[0], len(d.Similar), len(found), err)
	}
}

// The names a claim page's history and verdict show are kept between
// pages while nothing changes: someone who joins after one page was read,
// and then takes a claim, is named on that claim's page.
func TestClaimPageNamesWhoJoinedSinceTheLastPage(t *testing.T) {
	n := newNewsroom(t)
	ctx := context.Background()
	first, second := n.queued(t, 0.9, domain.PriorityNormal), n.queued(t, 0.8, domain.PriorityNormal)
	if _, err := n.db.ClaimDetail(ctx, first); err != nil {
		t.Fatal(err)
	}
	newcomer := mustCreateUser(t, n.db, "newcomer@newsroom.example", domain.RoleReviewer)
	taken, err := n.db.TakeNext(as(newcomer))
	if err != nil || taken.ID != first {
		t.Fatalf("take: %v, %v (want claim %d)", taken, err, first)
	}
	for _, id := range []int64{first, second} {
		d, err := n.db.ClaimDetail(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if d.Names[newcomer.ID] != newcomer.Name || d.Names[n.rita.ID] != n.rita.Name {
			t.Errorf("claim %d names %v, want %d named %q", id, d.Names, newcomer.ID, newcomer.Name)
		}
	}
}
