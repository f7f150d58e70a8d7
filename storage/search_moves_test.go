package storage_test

import (
	"context"
	"database/sql"
	"slices"
	"strings"
	"testing"

	"claimtrail/domain"
	"claimtrail/storage"
)

// queryStrings is the one text column of every row q selects.
func queryStrings(t *testing.T, raw *sql.DB, q string) []string {
	t.Helper()
	rows, err := raw.Query(q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// searchIndexDump is the whole search index as text, one line a row: terms
// with their counts (those still in use), postings, words' blocks, and each
// document's row.
func searchIndexDump(t *testing.T, raw *sql.DB) []string {
	t.Helper()
	var out []string
	var unfolded int
	if err := raw.QueryRow(`SELECT count(*) FROM search_fresh`).Scan(&unfolded); err != nil {
		t.Fatal(err)
	}
	if unfolded > 0 {
		t.Fatalf("the search log holds %d rows: fold it first (foldAll)", unfolded)
	}
	for _, q := range []string{
		`SELECT 'term ' || term || ' ' || df FROM search_terms WHERE df > 0`,
		`SELECT 'posting ' || term || ' ' || doc FROM search_postings`,
		`SELECT 'block ' || term || ' ' || block || ' ' || hex(docs) FROM search_blocks`,
		`SELECT 'doc ' || doc || ' ' || claim_id || ' ' || article_id || ' ' || state || ' ' || rating || ' ' || day || ' ' ||
			words || ' ' || analysed || ' ' || text || ' ' || context || ' ' || url || ' [' || replace(terms, char(10), ' ') || ']' FROM search_docs`,
		`SELECT 'pending ' || doc FROM search_pending`,
	} {
		out = append(out, queryStrings(t, raw, q)...)
	}
	slices.Sort(out)
	return out
}

// searchStates lists where a claim's documents are found by each searched
// state: "claim:in_review", "verdict:in_review", ...
func searchStates(t *testing.T, db *storage.DB, word string) []string {
	t.Helper()
	var out []string
	for _, st := range []domain.ClaimState{domain.StateQueued, domain.StateInReview, domain.StateSubmitted, domain.StateApproved} {
		for _, k := range searchKinds(t, db, word, domain.SearchFilter{State: st}) {
			kind, _, _ := strings.Cut(k, ":")
			if kind != "article" {
				out = append(out, kind+":"+string(st))
			}
		}
	}
	slices.Sort(out)
	return out
}

// Every step of a claim's way through the desk — taken, its verdict written,
// submitted, returned, submitted again, approved, reopened, its rating
// changed and approved again — leaves the search index exactly as a rebuild
// from the tables makes it, and a search by state finds the claim, its
// verdict and its sources in the state they are in now, never the last one.
// Moves between searched states rename the state filter in place (migration
// 210); everything else by the writer's next indexing pass.
func TestSearchIndexFollowsEveryChangeOfState(t *testing.T) {
	n := newNewsroom(t)
	db := n.db
	raw := rawDB(t, db)
	id := n.queued(t, 0.9, domain.PriorityNormal)
	other := n.queued(t, 0.5, domain.PriorityNormal) // stays queued throughout
	ctx := context.Background()

	// check compares the index with a rebuild of it, and the states found.
	check := func(step string, want ...string) {
		t.Helper()
		if err := db.IndexSearchPending(ctx); err != nil {
			t.Fatal(err)
		}
		foldAll(t, db)
		kept := searchIndexDump(t, raw)
		if _, err := db.ReindexSearch(ctx, nil); err != nil {
			t.Fatal(err)
		}
		rebuilt := searchIndexDump(t, raw)
		if !slices.Equal(kept, rebuilt) {
			for _, l := range kept {
				if !slices.Contains(rebuilt, l) {
					t.Errorf("%s: kept but not rebuilt: %s", step, l)
				}
			}
			for _, l := range rebuilt {
				if !slices.Contains(kept, l) {
					t.Errorf("%s: rebuilt but not kept: %s", step, l)
				}
			}
		}
		got := slices.DeleteFunc(searchStates(t, db, "unemployment"), func(s string) bool { return s == "claim:queued" })
		if !slices.Equal(got, want) {
			t.Errorf("%s: found as %v, want %v", step, got, want)
		}
		if st := searchStates(t, db, "unemployment"); !slices.Contains(st, "claim:queued") {
			t.Errorf("%s: the claim left in the queue (%d) is no longer found as queued: %v", step, other, st)
		}
	}
	check("queued") // both queued

	if c, err := db.TakeNext(as(n.rita)); err != nil || c.ID != id {
		t.Fatalf("take: %v, %v", c, err)
	}
	check("taken", "claim:in_review")

	mostlyFalse := n.ratingID(t, "Mostly false")
	v, err := db.ReplaceVerdict(as(n.rita), id, domain.VerdictInput{RatingID: mostlyFalse,
		Conclusion: "Unemployment fell by 0.3 points, not 3%."}, []domain.Source{onsSource}, 1)
	if err != nil {
		t.Fatal(err)
	}
	check("verdict written", "claim:in_review", "source:in_review", "verdict:in_review")

	if v, err = db.SubmitVerdict(as(n.rita), id, nil, v.Version); err != nil {
		t.Fatal(err)
	}
	check("submitted", "claim:submitted", "source:submitted", "verdict:submitted")

	if v, err = db.ReturnVerdict(as(n.eddie), id, "Name the release you mean.", v.Version); err != nil {
		t.Fatal(err)
	}
	check("returned", "claim:in_review", "source:in_review", "verdict:in_review")

	if v, err = db.SubmitVerdict(as(n.rita), id, &domain.VerdictInput{RatingID: mostlyFalse,
		Conclusion: "Unemployment fell by 0.3 points in the March release, not 3%."}, v.Version); err != nil {
		t.Fatal(err)
	}
	check("submitted with new words", "claim:submitted", "source:submitted", "verdict:submitted")
	if got := searchKinds(t, db, "march", domain.SearchFilter{State: domain.StateSubmitted}); !slices.Equal(got, []string{"verdict:" + itoa(id)}) {
		t.Errorf("the new words: %v", got)
	}

	if _, err = db.ApproveVerdict(as(n.emma), id, v.Version); err != nil {
		t.Fatal(err)
	}
	check("approved", "claim:approved", "source:approved", "verdict:approved")
	if got := searchKinds(t, db, "", domain.SearchFilter{Rating: "Mostly false", State: domain.StateApproved}); len(got) != 3 {
		t.Errorf("approved with its rating: %v", got)
	}

	// Renamed after approval: the published check keeps the name it was
	// approved with, so reopening it moves its rating filter to the
	// rating's name now.
	rs, err := db.ListRatings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	r := rs[slices.IndexFunc(rs, func(r *domain.Rating) bool { return r.ID == mostlyFalse })]
	r.Name = "Largely false"
	admin := mustCreateUser(t, db, "ada@newsroom.example", domain.RoleAdmin)
	if err := db.UpdateRating(as(admin), r); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ReindexSearch(ctx, nil); err != nil { // a rename is indexed by a rebuild
		t.Fatal(err)
	}
	if got := searchKinds(t, db, "", domain.SearchFilter{Rating: "Mostly false", State: domain.StateApproved}); len(got) != 3 {
		t.Errorf("approved before the rename: %v", got)
	}
	if _, err := db.ReopenClaim(as(n.eddie), id, "A reader sent a newer release."); err != nil {
		t.Fatal(err)
	}
	check("reopened", "claim:in_review", "source:in_review", "verdict:in_review")
	if got := searchKinds(t, db, "", domain.SearchFilter{Rating: "Largely false", State: domain.StateInReview}); len(got) != 3 {
		t.Errorf("reopened with the rating's name now: %v", got)
	}
	v, err = db.VerdictByClaim(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if v, err = db.SubmitVerdict(as(n.rita), id, nil, v.Version); err != nil {
		t.Fatal(err)
	}
	check("submitted after the rename", "claim:submitted", "source:submitted", "verdict:submitted")
	if _, err = db.ApproveVerdict(as(n.emma), id, v.Version); err != nil {
		t.Fatal(err)
	}
	check("approved again", "claim:approved", "source:approved", "verdict:approved")
	if got := searchKinds(t, db, "", domain.SearchFilter{Rating: "Largely false", State: domain.StateApproved}); len(got) != 3 {
		t.Errorf("approved again with the new name: %v", got)
	}

	// Released back to the queue and taken by the next reviewer: still one
	// claim in the queue besides, found as queued.
	if _, err := db.ReopenClaim(as(n.eddie), id, "Once more."); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ReleaseClaim(as(n.rita), id, ""); err != nil {
		t.Fatal(err)
	}
	check("released", "source:queued", "verdict:queued")
}

// A move between searched states queues nothing for the indexer:
// the state filter is renamed where it is.
func TestSearchStateMoveQueuesNothing(t *testing.T) {
	n := newNewsroom(t)
	id := n.queued(t, 0.9, domain.PriorityNormal)
	n.inReviewWithVerdict(t, id)
	raw := rawDB(t, n.db)
	if err := n.db.IndexSearchPending(context.Background()); err != nil {
		t.Fatal(err)
	}
	var pending int
	if err := raw.QueryRow(`SELECT count(*) FROM search_pending`).Scan(&pending); err != nil || pending != 0 {
		t.Fatalf("pending after commit: %d, %v", pending, err)
	}
	// Inside one transaction, as the commit would see it.
	tx, err := raw.Begin()
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	if _, err := tx.Exec(`UPDATE claims SET state = 'submitted' WHERE id = ?`, id); err != nil {
		t.Fatal(err)
	}
	if err := tx.QueryRow(`SELECT count(*) FROM search_pending`).Scan(&pending); err != nil || pending != 0 {
		t.Errorf("a move from in review to submitted queued %d documents (%v)", pending, err)
	}
	var terms string
	if err := tx.QueryRow(`SELECT terms FROM search_docs WHERE doc = ?`, id*8+1).Scan(&terms); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(terms, "~s:submitted") || strings.Contains(terms, "~s:in_review") {
		t.Errorf("the claim's terms after the move: %q", terms)
	}
	if _, err := tx.Exec(`UPDATE claims SET text = text || ' Really.' WHERE id = ?`, id); err != nil {
		t.Fatal(err)
	}
	if err := tx.QueryRow(`SELECT count(*) FROM search_pending`).Scan(&pending); err != nil || pending == 0 {
		t.Errorf("new wording queued %d documents (%v)", pending, err)
	}
}
