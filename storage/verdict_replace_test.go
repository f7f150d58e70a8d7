package storage_test

import (
	"strings"
	"testing"

	"claimtrail/domain"
	"claimtrail/storage"
)

// claimInReview adds an article with one candidate, accepts it and lets the
// reviewer take it; it returns the claim id and the draft verdict's version.
func claimInReview(t *testing.T, db *storage.DB, reviewer *domain.User) (int64, int64) {
	t.Helper()
	ctx := as(reviewer)
	body := "Bus fares rose by 8% this year."
	a := &domain.Article{Title: "Fares", Body: body, Origin: domain.OriginAPI, Fingerprint: "fp-fares"}
	c := &domain.Claim{Sentence: body, Start: 0, End: len(body), Text: body, Type: domain.TypeQuantity}
	if err := db.CreateArticle(ctx, a, []*domain.Claim{c}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.AcceptClaim(ctx, c.ID, "", 0); err != nil {
		t.Fatal(err)
	}
	if _, err := db.TakeNext(ctx); err != nil {
		t.Fatal(err)
	}
	v, err := db.VerdictByClaim(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	return c.ID, v.Version
}

func TestReplaceVerdictIsAtomicAndVersioned(t *testing.T) {
	db := openTestDB(t)
	rita := mustCreateUser(t, db, "rita@example.org", domain.RoleReviewer)
	otto := mustCreateUser(t, db, "otto@example.org", domain.RoleReviewer)
	id, version := claimInReview(t, db, rita)
	ratings, err := db.ListRatings(as(rita))
	if err != nil || len(ratings) == 0 {
		t.Fatal(ratings, err)
	}
	src := func(title string) domain.Source {
		return domain.Source{URL: "https://stats.example/" + title, Title: title, Type: domain.SourceOfficialStatistics}
	}
	in := domain.VerdictInput{RatingID: ratings[0].ID, Conclusion: "Fares rose 8%.", Explanation: "The fares table shows it."}

	v, err := db.ReplaceVerdict(as(rita), id, in, []domain.Source{src("one"), src("two")}, version)
	if err != nil {
		t.Fatal(err)
	}
	if v.Version != version+1 || len(v.Sources) != 2 || v.Sources[0].Title != "one" || v.Sources[1].Position != 2 {
		t.Fatalf("after first replace: %+v", v)
	}

	// A stale version changes nothing.
	if _, err := db.ReplaceVerdict(as(rita), id, in, nil, version); domain.ErrorCode(err) != domain.ECONFLICT {
		t.Errorf("stale version: %v", err)
	}
	// A bad source refuses the whole change and names the source.
	_, err = db.ReplaceVerdict(as(rita), id, in, []domain.Source{src("ok"), {URL: "javascript:alert(1)", Title: "x", Type: domain.SourceOther}}, v.Version)
	if e, ok := err.(*domain.Error); !ok || e.Fields["sources[1].url"] == "" {
		t.Errorf("bad source: %v", err)
	}
	// Someone who is neither the assignee nor an editor may not.
	if _, err := db.ReplaceVerdict(as(otto), id, in, nil, v.Version); domain.ErrorCode(err) != domain.EFORBIDDEN {
		t.Errorf("other reviewer: %v", err)
	}
	got, _ := db.VerdictByClaim(as(rita), id)
	if got.Version != v.Version || len(got.Sources) != 2 {
		t.Errorf("refused changes left a mark: %+v", got)
	}

	// Replacing with one source removes the other, in one step.
	v, err = db.ReplaceVerdict(as(rita), id, in, []domain.Source{src("three")}, v.Version)
	if err != nil || len(v.Sources) != 1 || v.Sources[0].Title != "three" || v.Sources[0].Position != 1 {
		t.Fatalf("second replace: %+v %v", v, err)
	}
	events, _ := db.EntityHistory(as(rita), "claim", id)
	// Each replacement is one event, carrying the sources it changed.
	var replaced int
	for _, e := range events {
		if e.Action == "verdict.saved" && strings.Contains(string(e.After), `"sources":`) {
			replaced++
		}
	}
	if replaced != 2 {
		t.Errorf("%d verdict.saved events with sources, want 2", replaced)
	}
}

// A verdict sent whole again keeps the sources it sends unchanged: the same
// rows, moved where they now stand, so a save through the API does not
// delete and insert every source (and their search documents) each time.
func TestReplaceVerdictKeepsTheSourcesSentAgain(t *testing.T) {
	db := openTestDB(t)
	rita := mustCreateUser(t, db, "rita@example.org", domain.RoleReviewer)
	id, version := claimInReview(t, db, rita)
	src := func(title string) domain.Source {
		return domain.Source{URL: "https://stats.example/" + title, Title: title, Type: domain.SourceOfficialStatistics}
	}
	in := domain.VerdictInput{Conclusion: "Fares rose 8%."}
	v, err := db.ReplaceVerdict(as(rita), id, in, []domain.Source{src("one"), src("two")}, version)
	if err != nil {
		t.Fatal(err)
	}
	one, two := v.Sources[0].ID, v.Sources[1].ID

	in.Conclusion = "Fares rose by 8%."
	v, err = db.ReplaceVerdict(as(rita), id, in, []domain.Source{src("two"), src("one"), src("three")}, v.Version)
	if err != nil {
		t.Fatal(err)
	}
	if len(v.Sources) != 3 || v.Sources[0].ID != two || v.Sources[0].Position != 1 || v.Sources[1].ID != one || v.Sources[1].Position != 2 ||
		v.Sources[2].ID == one || v.Sources[2].ID == two || v.Sources[2].Title != "three" {
		t.Fatalf("sources sent again should keep their ids (one %d, two %d) where they now stand: %+v", one, two, v.Sources)
	}
	changed := src("two")
	changed.Quote = "Table 4"
	v, err = db.ReplaceVerdict(as(rita), id, in, []domain.Source{changed, src("one")}, v.Version)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := db.VerdictByClaim(as(rita), id)
	if len(got.Sources) != 2 || got.Sources[0].ID == two || got.Sources[0].Quote != "Table 4" || got.Sources[1].ID != one {
		t.Fatalf("a changed source is a new one, the unchanged one stays: %+v", got.Sources)
	}
}
