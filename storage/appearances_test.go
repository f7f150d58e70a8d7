package storage_test

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"
	"time"

	"claimtrail/domain"
	"claimtrail/domain/match"
	"claimtrail/storage"
)

// approvedCheck makes a queued claim, checks it as rita and approves it as
// eddie; it returns the claim's id.
func (n *newsroom) approvedCheck(t *testing.T) int64 {
	t.Helper()
	id := n.queued(t, 0.9, domain.PriorityNormal)
	version := n.inReviewWithVerdict(t, id)
	v, err := n.db.SubmitVerdict(as(n.rita), id, nil, version)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := n.db.ApproveVerdict(as(n.eddie), id, v.Version); err != nil {
		t.Fatal(err)
	}
	return id
}

// addArticle adds an article whose body is the sentences given, each a candidate.
func addArticle(t *testing.T, db *storage.DB, ctx context.Context, title string, published time.Time, sentences ...string) (*domain.Article, []*domain.Claim) {
	t.Helper()
	body := strings.Join(sentences, " ")
	a := &domain.Article{Title: title, Outlet: "The Evening Post", URL: "https://post.example/" + strings.ToLower(strings.ReplaceAll(title, " ", "-")),
		Body: body, Origin: domain.OriginAPI, Fingerprint: "fp-" + title, PublishedAt: published}
	var cands []*domain.Claim
	at := 0
	for _, s := range sentences {
		cands = append(cands, &domain.Claim{Text: s, Sentence: s, Start: at, End: at + len(s), Score: 0.8, Type: domain.TypeQuantity})
		at += len(s) + 1
	}
	if err := db.CreateArticle(ctx, a, cands); err != nil {
		t.Fatal(err)
	}
	return a, cands
}

func hasAction(evs []*domain.AuditEvent, action string) bool {
	for _, e := range evs {
		if e.Action == action {
			return true
		}
	}
	return false
}

func TestReturningClaimIsRecordedAtOnceAndCanBeAppliedAndUndone(t *testing.T) {
	n := newNewsroom(t)
	bg := context.Background()
	checked := n.approvedCheck(t)
	day := time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)
	a, cands := addArticle(t, n.db, as(n.rita), "Jobs again", day,
		"Unemployment fell by 3% last year.", "The new bridge will open in the spring.")

	got, err := n.db.ClaimAppearances(bg, checked)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].SourceClaimID != cands[0].ID || got[0].ArticleID != a.ID || got[0].Origin != domain.AppearanceMatched ||
		!got[0].SeenAt.Equal(day) || got[0].ArticleTitle != "Jobs again" || got[0].Outlet != "The Evening Post" || got[0].CreatedBy != n.rita.ID {
		t.Fatalf("appearances after adding the article: %+v", got)
	}
	if !hasAction(claimEvents(t, n.db, checked), "claim.appeared") {
		t.Error("no claim.appeared event in the checked claim's history")
	}

	// The article page reads what was matched at adding.
	m, err := n.db.ArticleMatches(bg, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if f, ok := m[cands[0].ID]; !ok || f.ID != checked || f.Tier != match.TierSame {
		t.Errorf("article matches: %+v", m)
	}
	if _, ok := m[cands[1].ID]; ok {
		t.Errorf("the unrelated candidate has a match: %+v", m[cands[1].ID])
	}

	sum, err := n.db.AppearanceSummaries(bg, []int64{checked, cands[1].ID})
	if err != nil || sum[checked].Count != 1 || !sum[checked].LastSeen.Equal(day) || sum[cands[1].ID].Count != 0 {
		t.Errorf("summaries: %+v, %v", sum, err)
	}

	ret, err := n.db.ReturningClaims(bg, day, 0)
	if err != nil || len(ret) != 1 || ret[0].ClaimID != checked || len(ret[0].Appearances) != 1 || ret[0].Rating != "Mostly false" {
		t.Errorf("returning since the day: %+v, %v", ret, err)
	}
	if ret, err := n.db.ReturningClaims(bg, day.AddDate(0, 0, 1), 0); err != nil || len(ret) != 0 {
		t.Errorf("returning since the day after: %+v, %v", ret, err)
	}

	// Applying the verdict: editors only, once.
	if _, err := n.db.ApplyVerdict(as(n.rita), checked, got[0].ID); domain.ErrorCode(err) != domain.EFORBIDDEN {
		t.Errorf("reviewer applying: %v, want forbidden", err)
	}
	if _, err := n.db.ApplyVerdict(as(n.eddie), checked, 9999); domain.ErrorCode(err) != domain.ENOTFOUND {
		t.Errorf("unknown appearance: %v, want not found", err)
	}
	if _, err := n.db.ApplyVerdict(as(n.eddie), checked, got[0].ID); err != nil {
		t.Fatal(err)
	}
	if _, err := n.db.ApplyVerdict(as(n.emma), checked, got[0].ID); domain.ErrorCode(err) != domain.ECONFLICT {
		t.Errorf("applying twice: %v, want conflict", err)
	}
	p, err := n.db.PublishedCheck(bg, checked)
	if err != nil || len(p.Appearances) != 1 || p.Appearances[0].ArticleURL != a.URL || p.Appearances[0].Outlet != "The Evening Post" {
		t.Fatalf("published check after applying: %+v, %v", p, err)
	}

	// Undoing an applied appearance is an editor's decision.
	if _, err := n.db.RemoveAppearance(as(n.rita), checked, got[0].ID, "Not the same"); domain.ErrorCode(err) != domain.EFORBIDDEN {
		t.Errorf("reviewer undoing an applied appearance: %v, want forbidden", err)
	}
	if _, err := n.db.RemoveAppearance(as(n.eddie), checked, got[0].ID, "A different year."); err != nil {
		t.Fatal(err)
	}
	if got, _ := n.db.ClaimAppearances(bg, checked); len(got) != 0 {
		t.Errorf("undone appearance still listed: %+v", got)
	}
	if p, _ := n.db.PublishedCheck(bg, checked); len(p.Appearances) != 0 {
		t.Errorf("undone appearance still published: %+v", p.Appearances)
	}
	if _, err := n.db.RemoveAppearance(as(n.eddie), checked, got[0].ID, ""); domain.ErrorCode(err) != domain.ECONFLICT {
		t.Errorf("undoing twice: %v, want conflict", err)
	}
	if _, err := n.db.ClaimAppearances(bg, 9999); domain.ErrorCode(err) != domain.ENOTFOUND {
		t.Errorf("appearances of an unknown claim: %v", err)
	}
}

func TestRecordAsAppearanceAtTriage(t *testing.T) {
	n := newNewsroom(t)
	bg := context.Background()
	checked := n.approvedCheck(t)
	queued := n.queued(t, 0.5, domain.PriorityNormal)
	// Worded too differently for the matcher's same tier: a person decides.
	_, cands := addArticle(t, n.db, as(n.rita), "Jobless", time.Time{}, "Joblessness dropped sharply, the minister claimed.", "Bus fares are frozen.")
	if got, _ := n.db.ClaimAppearances(bg, checked); len(got) != 0 {
		t.Fatalf("recorded without a same-tier match: %+v", got)
	}
	if _, err := n.db.RecordAsAppearance(as(n.rita), cands[1].ID, queued, 0); domain.ErrorCode(err) != domain.ECONFLICT {
		t.Errorf("recording against a claim not approved: %v, want conflict", err)
	}
	if _, err := n.db.RecordAsAppearance(as(n.rita), cands[1].ID, 9999, 0); domain.ErrorCode(err) != domain.EINVALID {
		t.Errorf("recording against an unknown check: %v, want invalid", err)
	}
	c, err := n.db.RecordAsAppearance(as(n.emma), cands[0].ID, checked, 1)
	if err != nil {
		t.Fatal(err)
	}
	if c.State != domain.StateDismissed || c.DismissCode != domain.DismissDuplicate {
		t.Errorf("candidate after recording: %s %s", c.State, c.DismissCode)
	}
	got, err := n.db.ClaimAppearances(bg, checked)
	if err != nil || len(got) != 1 || got[0].Origin != domain.AppearanceTriaged || got[0].CreatedBy != n.emma.ID {
		t.Fatalf("appearances: %+v, %v", got, err)
	}
	if _, err := n.db.RecordAsAppearance(as(n.rita), cands[0].ID, checked, 0); domain.ErrorCode(err) != domain.ECONFLICT {
		t.Errorf("recording a dismissed candidate: %v, want conflict", err)
	}
	// Four eyes: who judged it the same claim does not publish that judgement.
	if _, err := n.db.ApplyVerdict(as(n.emma), checked, got[0].ID); domain.ErrorCode(err) != domain.EFORBIDDEN {
		t.Errorf("the editor who recorded it applying: %v, want forbidden", err)
	}
	if _, err := n.db.ApplyVerdict(as(n.eddie), checked, got[0].ID); err != nil {
		t.Errorf("another editor applying: %v", err)
	}
}

// The article page reads its candidates' matches as stored when the article
// was added: the same as matching them again while nothing has changed, and
// without a match whose document has left the index since.
func TestStoredArticleMatchesAreWhatMatchingAgainGives(t *testing.T) {
	n := newNewsroom(t)
	bg := context.Background()
	checked := n.approvedCheck(t)
	if _, err := n.db.ImportChecks(actorCtx("editor@newsroom.example"), []domain.ImportedCheck{
		{URL: "https://checks.example/bridge", Claim: "The new bridge will open in the spring of next year.", Publisher: "Example Checks", Rating: "False"},
		{URL: "https://checks.example/crime", Claim: "Crime in the capital rose by 8% last year.", Publisher: "Example Checks", Rating: "True"},
	}); err != nil {
		t.Fatal(err)
	}
	a, cands := addArticle(t, n.db, as(n.rita), "Jobs and bridges", time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC),
		"Unemployment fell by 3% last year.", "The new bridge will open in the spring.",
		"Crime in the capital rose by 8% last year.", "The council will plant a thousand trees.")
	stored, err := n.db.ArticleMatches(bg, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(stored) != 3 || stored[cands[0].ID].ID != checked {
		t.Fatalf("stored matches: %+v, want the approved claim and two imported checks", stored)
	}
	again := func() map[int64]match.Found {
		t.Helper()
		raw, err := sql.Open("sqlite", "file:"+n.db.Path)
		if err != nil {
			t.Fatal(err)
		}
		defer raw.Close()
		// The page matches an article without stored matches when shown.
		if _, err := raw.Exec(`DELETE FROM candidate_matches_done WHERE article_id = ?`, a.ID); err != nil {
			t.Fatal(err)
		}
		defer raw.Exec(`INSERT INTO candidate_matches_done (article_id, matched_at) VALUES (?, '2026-11-30T00:00:00Z')`, a.ID)
		db, err := storage.Open(bg, n.db.Path)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		m, err := db.ArticleMatches(bg, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	if want := again(); fmt.Sprint(stored) != fmt.Sprint(want) {
		t.Errorf("stored:\n%+v\nmatched again:\n%+v", stored, want)
	}

	// An imported check deleted since leaves the stored matches.
	raw, err := sql.Open("sqlite", "file:"+n.db.Path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	if _, err := raw.Exec(`DELETE FROM match_docs WHERE doc = (SELECT -id FROM imported_checks WHERE url = 'https://checks.example/crime')`); err != nil {
		t.Fatal(err)
	}
	now, err := n.db.ArticleMatches(bg, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := now[cands[2].ID]; ok || len(now) != 2 {
		t.Errorf("after the check left the index: %+v, want the other two", now)
	}
}
