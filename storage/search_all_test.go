package storage_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"claimtrail/domain"
	"claimtrail/domain/match"
	"claimtrail/storage"
	"claimtrail/storage/storagetest"
)

// searchKinds runs a search and lists what it found as kind:id.
// searchKinds searches after the writer's next indexing pass (the server
// runs one every half second; search_indexer.go).
func searchKinds(t *testing.T, db *storage.DB, q string, f domain.SearchFilter) []string {
	t.Helper()
	if err := db.IndexSearchPending(context.Background()); err != nil {
		t.Fatalf("index: %v", err)
	}
	hits, err := db.SearchEverything(context.Background(), match.ParseQuery(q), f, 50)
	if err != nil {
		t.Fatalf("search %q: %v", q, err)
	}
	var out []string
	for _, h := range hits {
		out = append(out, string(h.Kind)+":"+itoa(h.ID))
	}
	slices.Sort(out)
	return out
}

func itoa(n int64) string { return time.Duration(n).String()[:len(time.Duration(n).String())-2] }

// A desk's archive seeded straight into the tables, then indexed by reindex
// and kept in step by storage's own writes.
func TestSearchEverythingWithFilters(t *testing.T) {
	db := openTestDB(t)
	s := storagetest.New(t, db.Path)
	false_ := s.Rating("Wrong", 0, 90)
	ledger := s.Article(storagetest.Article{Title: "Budget row deepens", Outlet: "The Daily Ledger",
		Body:        "The chancellor said the previous government left a £22 billion black hole in the public finances.",
		PublishedAt: time.Date(2025, 2, 10, 0, 0, 0, 0, time.UTC)})
	post := s.Article(storagetest.Article{Title: "Fares in the west", Outlet: "Western Post",
		Body: "Bus fares rose by 12% in Bristol this year.", PublishedAt: time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC)})
	hole := s.Claim(storagetest.Claim{ArticleID: ledger, Text: "The previous government left a £22 billion black hole in the public finances.",
		Claimant: "Rachel Reeves", RatingID: false_, Conclusion: "The figure mixes two budgets.",
		Explanation: "Treasury papers show pressures of about £22bn, most of them known.", Sources: []storagetest.Source{{Title: "Treasury spending audit", URL: "https://gov.example/audit"}}})
	fares := s.Claim(storagetest.Claim{ArticleID: post, Text: "Bus fares rose by 12% in Bristol.", State: domain.StateQueued, Type: domain.TypeQuantity})
	s.Claim(storagetest.Claim{ArticleID: post, Text: "A candidate nobody accepted about fares.", State: domain.StateCandidate})
	if _, err := db.ImportChecks(actorCtx("import@newsroom.example"), []domain.ImportedCheck{{URL: "https://checks.example/hole",
		Claim: "Labour says there is a £22bn black hole.", Headline: "No, the hole is not new", Publisher: "Example Checks", Rating: "Misleading"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ReindexSearch(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	imported := "imported:1"
	day := func(s string) time.Time { d, _ := time.Parse("2006-01-02", s); return d }
	for _, c := range []struct {
		q    string
		f    domain.SearchFilter
		want []string
	}{
		{"£22bn", domain.SearchFilter{}, []string{"article:" + itoa(ledger), "claim:" + itoa(hole), imported, "verdict:" + itoa(hole)}},
		{"22 billion pounds", domain.SearchFilter{Kind: domain.SearchClaim}, []string{"claim:" + itoa(hole)}},
		{`"black hole"`, domain.SearchFilter{Kind: domain.SearchImported}, []string{imported}},
		{"treasury", domain.SearchFilter{}, []string{"source:1", "verdict:" + itoa(hole)}},
		{"treas*", domain.SearchFilter{Kind: domain.SearchSource}, []string{"source:1"}},
		{"fares", domain.SearchFilter{}, []string{"article:" + itoa(post), "claim:" + itoa(fares)}},
		{"fares", domain.SearchFilter{State: domain.StateQueued}, []string{"claim:" + itoa(fares)}},
		{"fares", domain.SearchFilter{State: domain.StateApproved}, nil},
		{"", domain.SearchFilter{Rating: "wrong"}, []string{"claim:" + itoa(hole), "source:1", "verdict:" + itoa(hole)}},
		{"", domain.SearchFilter{Outlet: "western post"}, []string{"article:" + itoa(post), "claim:" + itoa(fares)}},
		{"hole", domain.SearchFilter{Claimant: "Rachel Reeves", Kind: domain.SearchClaim}, []string{"claim:" + itoa(hole)}},
		{"fares", domain.SearchFilter{Type: domain.TypeQuantity}, []string{"claim:" + itoa(fares)}},
		{"fares", domain.SearchFilter{From: day("2025-01-01")}, nil},
		{"fares", domain.SearchFilter{From: day("2024-01-01"), To: day("2024-12-31"), Kind: domain.SearchArticle}, []string{"article:" + itoa(post)}},
		{"unheard", domain.SearchFilter{}, nil},
	} {
		if got := searchKinds(t, db, c.q, c.f); !slices.Equal(got, c.want) {
			t.Errorf("%q %+v: %v, want %v", c.q, c.f, got, c.want)
		}
	}

	// Storage's own writes keep the index in step in the same transaction.
	other := storage.InsertCandidateForTest(t, db, post, "Tram fares doubled in Leeds.", 0, 0.9, domain.TypeQuantity)
	if got := searchKinds(t, db, "tram", domain.SearchFilter{Kind: domain.SearchClaim}); len(got) != 0 {
		t.Errorf("a candidate is found: %v", got)
	}
	storage.AcceptClaimForTest(t, db, actorCtx("triage@newsroom.example"), other, domain.PriorityNormal)
	if got := searchKinds(t, db, "tram", domain.SearchFilter{State: domain.StateQueued}); !slices.Equal(got, []string{"claim:" + itoa(other)}) {
		t.Errorf("after accepting: %v", got)
	}
	hits, err := db.SearchEverything(context.Background(), match.ParseQuery("£22bn"), domain.SearchFilter{Kind: domain.SearchClaim}, 5)
	if err != nil || len(hits) != 1 || hits[0].Score != 1 || len(hits[0].Snippet) == 0 {
		t.Fatalf("hit: %+v, %v", hits, err)
	}
	var marked string
	for _, seg := range hits[0].Snippet {
		if seg.Mark {
			marked += seg.Text
		}
	}
	if marked != "£22 billion" {
		t.Errorf("marked %q", marked)
	}
}

// An archive that was there before the index waits in the backlog, which
// is indexed a slice at a time without anyone's change doing it.
func TestSearchBacklogIsIndexedInSlices(t *testing.T) {
	db := openTestDB(t)
	s := storagetest.New(t, db.Path)
	post := s.Article(storagetest.Article{Title: "Fares in the west", Outlet: "Western Post", Body: "Bus fares rose by 12% in Bristol."})
	for range 5 {
		s.Claim(storagetest.Claim{ArticleID: post, Text: "Bus fares rose by 12% in Bristol.", State: domain.StateQueued})
	}
	raw := rawDB(t, db)
	if _, err := raw.Exec(`INSERT INTO search_backlog (doc) SELECT doc FROM search_pending; DELETE FROM search_pending`); err != nil {
		t.Fatal(err)
	}
	if got := searchKinds(t, db, "fares", domain.SearchFilter{}); len(got) != 0 {
		t.Fatalf("found before the backlog is indexed: %v", got)
	}
	ctx := context.Background()
	rounds := 0
	for {
		left, err := db.IndexSearchBacklog(ctx, 2)
		if err != nil {
			t.Fatal(err)
		}
		rounds++
		if left == 0 {
			break
		}
	}
	if rounds != 3 {
		t.Errorf("%d rounds of 2 for 6 documents", rounds)
	}
	if got := searchKinds(t, db, "fares", domain.SearchFilter{}); len(got) != 6 {
		t.Errorf("after the backlog: %v", got)
	}
}

// Renaming a rating moves the verdicts that carry it to the new name in the
// search filters at once, with no reindex; a name an approval kept stays.
func TestSearchFollowsARenamedRating(t *testing.T) {
	db := openTestDB(t)
	s := storagetest.New(t, db.Path)
	wrong := s.Rating("Wrong", 0, 90)
	post := s.Article(storagetest.Article{Title: "Fares in the west", Outlet: "Western Post", Body: "Bus fares rose by 12% in Bristol."})
	sources := []storagetest.Source{{Title: "Fares table", URL: "https://gov.example/fares"}}
	submitted := s.Claim(storagetest.Claim{ArticleID: post, Text: "Bus fares rose by 12% in Bristol.", State: domain.StateSubmitted,
		RatingID: wrong, Conclusion: "They rose by 8%.", Sources: sources})
	approved := s.Claim(storagetest.Claim{ArticleID: post, Text: "Tram fares doubled in Leeds.", RatingID: wrong, Conclusion: "They rose by a third."})
	kept := s.Claim(storagetest.Claim{ArticleID: post, Text: "Rail fares fell in York.", RatingID: wrong, Conclusion: "They rose."})
	raw := rawDB(t, db)
	if _, err := raw.Exec(`UPDATE verdicts SET approved_rating_name = 'Wrong' WHERE claim_id = ?`, kept); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ReindexSearch(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	want := func(ids ...int64) []string {
		var out []string
		for _, id := range ids {
			out = append(out, "claim:"+itoa(id), "verdict:"+itoa(id))
		}
		slices.Sort(out)
		return out
	}
	claimsAndVerdicts := func(rating string) []string {
		var out []string
		for _, k := range []domain.SearchKind{domain.SearchClaim, domain.SearchVerdict} {
			out = append(out, searchKinds(t, db, "", domain.SearchFilter{Rating: rating, Kind: k})...)
		}
		slices.Sort(out)
		return out
	}
	if got := claimsAndVerdicts("wrong"); !slices.Equal(got, want(submitted, approved, kept)) {
		t.Fatalf("before the rename: %v", got)
	}
	editor := mustCreateUser(t, db, "eddie@newsroom.example", domain.RoleEditor)
	r := &domain.Rating{ID: wrong, Name: "Inaccurate", Value: 0, OnScale: true}
	if err := db.UpdateRating(as(editor), r); err != nil {
		t.Fatal(err)
	}
	if got := claimsAndVerdicts("inaccurate"); !slices.Equal(got, want(submitted, approved)) {
		t.Errorf("under the new name: %v, want %v", got, want(submitted, approved))
	}
	if got := claimsAndVerdicts("wrong"); !slices.Equal(got, want(kept)) {
		t.Errorf("under the old name: %v, want only the verdict approved under it", got)
	}
	if got := searchKinds(t, db, "", domain.SearchFilter{Rating: "inaccurate", Kind: domain.SearchSource}); len(got) != 1 {
		t.Errorf("the submitted verdict's source under the new name: %v", got)
	}
}
