package storage

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"testing"

	"claimtrail/domain"
	"claimtrail/domain/match"
)

// checkHeads fails unless every term's head is its newest documents in the
// postings, at most wholeList, and no head is left for a term with none.
func checkHeads(t *testing.T, ctx context.Context, tx *Tx, what string) {
	t.Helper()
	type posting struct {
		term string
		doc  int64
	}
	all, err := queryAll(ctx, tx, func(r scanner) (posting, error) {
		var p posting
		return p, r.Scan(&p.term, &p.doc)
	}, `SELECT term, doc FROM match_postings`)
	if err != nil {
		t.Fatal(err)
	}
	byTerm := map[string][]int64{}
	for _, p := range all {
		byTerm[p.term] = append(byTerm[p.term], p.doc)
	}
	heads, err := queryAll(ctx, tx, func(r scanner) ([2]string, error) {
		var h [2]string
		return h, r.Scan(&h[0], &h[1])
	}, `SELECT term, docs FROM match_heads`)
	if err != nil {
		t.Fatal(err)
	}
	if len(heads) != len(byTerm) {
		t.Errorf("%s: %d heads for %d terms with postings", what, len(heads), len(byTerm))
	}
	for _, h := range heads {
		if want := formatHead(headOf(byTerm[h[0]])); h[1] != want {
			t.Errorf("%s: head of %q is %q, want %q", what, h[0], h[1], want)
		}
	}
}

// A term's head follows every document added to and removed from the
// index, at the top of a list longer than a head, below it and in it, so a
// match reads from the heads exactly what it read from the postings.
func TestMatchHeadsFollowEveryChange(t *testing.T) {
	ctx := domain.WithActor(context.Background(), domain.SystemActor)
	db, err := Open(ctx, filepath.Join(t.TempDir(), "h.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	tx, err := db.begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	put := func(doc int64, i int) {
		t.Helper()
		text := fmt.Sprintf("budget spending word%d rise%d", i, i%7)
		if i%3 == 0 {
			text += " hospital"
		}
		if err := putDoc(ctx, tx, doc, docData{Text: match.Analyse(text, "")}); err != nil {
			t.Fatal(err)
		}
	}
	// In a scrambled order, so documents land below, inside and above heads.
	for i := range 700 {
		doc := int64((i*389)%700 + 1)
		put(doc, int(doc))
	}
	for i := range 40 {
		put(importedDoc(int64(i+1)), 1000+i) // imported checks: negative numbers, the oldest
	}
	checkHeads(t, ctx, tx, "after adding")

	// Removed: the newest (in every head), the oldest (in none of the long
	// ones), imported checks, and a document put again with other words.
	for _, doc := range []int64{700, 699, 650, 1, 2, 3, importedDoc(5), 400} {
		if err := removeDoc(ctx, tx, doc); err != nil {
			t.Fatal(err)
		}
	}
	if err := putDoc(ctx, tx, 388, docData{Text: match.Analyse("hospital waiting lists", "")}); err != nil {
		t.Fatal(err)
	}
	checkHeads(t, ctx, tx, "after removing")

	var head string
	if err := tx.QueryRowContext(ctx, `SELECT docs FROM match_heads WHERE term = ?`, match.Stem("budget")).Scan(&head); err != nil {
		t.Fatal(err)
	}
	if n := len(parseHead(head)); n != wholeList {
		t.Fatalf("a term in 730 documents has a head of %d, want %d", n, wholeList)
	}

	// A head missing or cut short is read from the postings instead.
	term := match.Stem("spending")
	if _, err := tx.ExecContext(ctx, `UPDATE match_heads SET docs = '698' WHERE term = ?`, term); err != nil {
		t.Fatal(err)
	}
	df := map[string]int{}
	if err := weights(ctx, tx, []string{term}, df); err != nil {
		t.Fatal(err)
	}
	got, err := readPostings(ctx, tx, []*queryPlan{{seeds: []string{term}}}, df, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	want, err := queryAll(ctx, tx, scanInt64, `SELECT doc FROM match_postings WHERE term = ? ORDER BY doc DESC LIMIT ?`, term, wholeList)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got[term], want) || len(want) != wholeList {
		t.Errorf("with its head cut short, %q reads %d documents, want the %d newest postings", term, len(got[term]), len(want))
	}
}
