package storage_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"claimtrail/domain"
	"claimtrail/domain/triage"
	"claimtrail/storage"
)

// A short report in our own words, with a donation appeal on top.
const reportText = `Please support us. Your donation keeps our reporting free; sign up to the newsletter today.

The Chancellor said the last government left a £22 billion black hole in the public finances. Defence spending is 2.3% of GDP, she added.

It was raining in Westminster.`

func newArticle(title, url, body string) *domain.Article {
	key := ""
	if url != "" {
		key = strings.ToLower(url)
	}
	return &domain.Article{Title: title, Outlet: "The Example", URL: url, URLKey: key, Body: body,
		Fingerprint: fmt.Sprintf("fp-%x", body), Origin: domain.OriginPaste}
}

// mustCreateArticle stores an article with the extractor's candidates.
func mustCreateArticle(t testing.TB, db *storage.DB, ctx context.Context, a *domain.Article) []*domain.Claim {
	t.Helper()
	cands := triage.Candidates(a.Body)
	if err := db.CreateArticle(ctx, a, cands); err != nil {
		t.Fatalf("create article: %v", err)
	}
	return cands
}

func actions(t *testing.T, db *storage.DB, entity string, id int64) []string {
	t.Helper()
	events, err := db.EntityHistory(context.Background(), entity, id)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range events {
		out = append(out, e.Action)
	}
	return out
}

func countEvents(t *testing.T, db *storage.DB) int {
	t.Helper()
	events, err := db.ListAuditEvents(context.Background(), domain.AuditFilter{Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	return len(events)
}

func TestCreateArticleStoresCandidatesWithHistory(t *testing.T) {
	db := openTestDB(t)
	u := mustCreateUser(t, db, "rita@example.org", domain.RoleReviewer)
	ctx := domain.WithActor(context.Background(), domain.Actor{UserID: u.ID, Label: u.Email})
	a := newArticle("Chancellor blames predecessors", "https://news.example/a", reportText)
	a.PublishedAt = time.Date(2025, 2, 23, 0, 0, 0, 0, time.UTC)
	cands := mustCreateArticle(t, db, ctx, a)
	if len(cands) == 0 {
		t.Fatal("no candidates")
	}
	if got := actions(t, db, "article", a.ID); len(got) != 1 || got[0] != "article.created" {
		t.Errorf("article history = %v", got)
	}
	stored, err := db.ArticleClaims(context.Background(), a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(stored) != len(cands) {
		t.Fatalf("stored %d claims, want %d", len(stored), len(cands))
	}
	var sawFigure bool
	for _, c := range stored {
		if got := actions(t, db, "claim", c.ID); len(got) != 1 || got[0] != "claim.created" {
			t.Errorf("claim %d history = %v", c.ID, got)
		}
		if reportText[c.Start:c.End] != c.Sentence || c.State != domain.StateCandidate {
			t.Errorf("claim %+v", c)
		}
		if strings.Contains(c.Sentence, "donation") {
			t.Errorf("donation appeal stored as a candidate")
		}
		if strings.Contains(c.Sentence, "£22 billion") && len(c.Figures) > 0 && c.Figures[0].Text != "" {
			sawFigure = true
		}
	}
	if !sawFigure {
		t.Error("the £22 billion claim lost its figure")
	}
	got, err := db.ArticleByID(context.Background(), a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Body != reportText || got.AddedBy != u.ID || got.AddedByName != u.Name || !got.PublishedAt.Equal(a.PublishedAt) || got.Origin != "paste" {
		t.Errorf("article read back = %+v", got)
	}
	if _, err := db.ArticleByID(context.Background(), 9999); domain.ErrorCode(err) != domain.ENOTFOUND {
		t.Errorf("missing article: %v", err)
	}
}

func TestCreateArticleRefusesDuplicates(t *testing.T) {
	db := openTestDB(t)
	ctx := actorCtx("rita@example.org")
	first := newArticle("First", "https://news.example/a", reportText)
	mustCreateArticle(t, db, ctx, first)
	tests := []struct {
		name    string
		a       *domain.Article
		sameURL bool
	}{
		{"same URL, other text", newArticle("Again", "https://news.example/a", "Different words entirely."), true},
		{"same text, no URL", newArticle("Again", "", reportText), false},
		{"same text, other URL", newArticle("Again", "https://other.example/b", reportText), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := countEvents(t, db)
			err := db.CreateArticle(ctx, tt.a, triage.Candidates(tt.a.Body))
			var dup *storage.DuplicateArticleError
			if !errors.As(err, &dup) || dup.ID != first.ID || dup.SameURL != tt.sameURL {
				t.Fatalf("err = %v, want duplicate of %d (same URL %v)", err, first.ID, tt.sameURL)
			}
			if domain.ErrorCode(err) != domain.ECONFLICT {
				t.Errorf("code = %s, want conflict", domain.ErrorCode(err))
			}
			if n := countEvents(t, db); n != before {
				t.Errorf("refused duplicate wrote %d audit events", n-before)
			}
		})
	}
	list, _ := db.ListArticles(context.Background(), storage.ArticleFilter{})
	if len(list) != 1 {
		t.Errorf("articles = %d, want 1", len(list))
	}
}

func TestCreateArticleValidates(t *testing.T) {
	db := openTestDB(t)
	for name, a := range map[string]*domain.Article{
		"no title":   {Body: "x", Fingerprint: "f", Origin: "paste"},
		"no body":    {Title: "T", Body: "  ", Fingerprint: "f", Origin: "paste"},
		"bad url":    {Title: "T", Body: "x", URL: "javascript:alert(1)", Fingerprint: "f", Origin: "paste"},
		"bad origin": {Title: "T", Body: "x", Fingerprint: "f", Origin: "fax"},
	} {
		if err := db.CreateArticle(actorCtx("x"), a, nil); domain.ErrorCode(err) != domain.EINVALID {
			t.Errorf("%s: err = %v, want invalid", name, err)
		}
	}
}

func TestListArticlesKeysetAndFilters(t *testing.T) {
	db := openTestDB(t)
	rita := mustCreateUser(t, db, "rita@example.org", domain.RoleReviewer)
	ritaCtx := domain.WithActor(context.Background(), domain.Actor{UserID: rita.ID, Label: rita.Email})
	base := time.Date(2025, 1, 1, 9, 0, 0, 0, time.UTC)
	now := base
	db.Now = func() time.Time { return now }
	for i := range 7 {
		now = base.Add(time.Duration(i/2) * time.Minute) // pairs share a timestamp: the id breaks ties
		a := newArticle(fmt.Sprintf("Story %d", i), "", fmt.Sprintf("Unemployment rose to %d%% last year. Story %d.", i+3, i))
		if i%2 == 0 {
			a.Outlet = "Gazette"
		}
		ctx := actorCtx("system")
		if i < 3 {
			ctx = ritaCtx
		}
		mustCreateArticle(t, db, ctx, a)
	}
	var seen []string
	f := storage.ArticleFilter{Limit: 3}
	for range 5 {
		page, err := db.ListArticles(context.Background(), f)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range page {
			seen = append(seen, s.Article.Title)
		}
		if len(page) < f.Limit {
			break
		}
		last := page[len(page)-1].Article
		f.BeforeCreated, f.BeforeID = last.CreatedAt, last.ID
	}
	want := "Story 6,Story 5,Story 4,Story 3,Story 2,Story 1,Story 0"
	if got := strings.Join(seen, ","); got != want {
		t.Errorf("pages = %s, want %s", got, want)
	}
	gazette, _ := db.ListArticles(context.Background(), storage.ArticleFilter{Outlet: "Gazette"})
	mine, _ := db.ListArticles(context.Background(), storage.ArticleFilter{AddedBy: rita.ID})
	q, _ := db.ListArticles(context.Background(), storage.ArticleFilter{Query: "ory 5"})
	if len(gazette) != 4 || len(mine) != 3 || len(q) != 1 || q[0].Article.Title != "Story 5" {
		t.Errorf("filters: outlet %d, added by %d, query %d", len(gazette), len(mine), len(q))
	}
	if mine[0].Article.AddedByName != rita.Name || mine[0].Candidates == 0 {
		t.Errorf("summary = %+v %+v", mine[0], mine[0].Article)
	}
}

func TestUpdateArticleAudited(t *testing.T) {
	db := openTestDB(t)
	ctx := actorCtx("rita@example.org")
	a := newArticle("Draft headline", "", reportText)
	mustCreateArticle(t, db, ctx, a)
	other := newArticle("Other", "https://news.example/taken", "Other words altogether.")
	mustCreateArticle(t, db, ctx, other)

	edit := *a
	edit.Title, edit.Outlet, edit.PublishedAt = "Real headline", "Gazette", time.Date(2025, 2, 23, 0, 0, 0, 0, time.UTC)
	got, err := db.UpdateArticle(ctx, &edit)
	if err != nil {
		t.Fatal(err)
	}
	if got.Title != "Real headline" || got.Outlet != "Gazette" || got.PublishedAt.IsZero() || got.Body != reportText {
		t.Errorf("updated = %+v", got)
	}
	events, _ := db.EntityHistory(context.Background(), "article", a.ID)
	if len(events) != 2 || events[1].Action != "article.updated" ||
		!strings.Contains(string(events[1].Before), "Draft headline") || !strings.Contains(string(events[1].After), "2025-02-23") {
		t.Fatalf("history = %+v", events)
	}
	edit.UpdatedAt = got.UpdatedAt // as the page now shows it
	edit.URL, edit.URLKey = "https://news.example/taken", "https://news.example/taken"
	_, err = db.UpdateArticle(ctx, &edit)
	var dup *storage.DuplicateArticleError
	if !errors.As(err, &dup) || dup.ID != other.ID {
		t.Errorf("URL of another article: err = %v", err)
	}
	edit.Title = ""
	if _, err := db.UpdateArticle(ctx, &edit); domain.ErrorCode(err) != domain.EINVALID {
		t.Errorf("empty title: %v", err)
	}
	// From a page older than the last change: refused, nothing changed.
	edit.Title, edit.URL, edit.URLKey, edit.UpdatedAt = "Stale headline", "", "", a.UpdatedAt
	if _, err := db.UpdateArticle(ctx, &edit); domain.ErrorCode(err) != domain.ECONFLICT {
		t.Errorf("a change from a stale page: %v", err)
	}
	if cur, err := db.ArticleByID(ctx, a.ID); err != nil || cur.Title != "Real headline" {
		t.Errorf("after a stale change the headline is %q, %v", cur.Title, err)
	}
}

func candidateWith(t *testing.T, cands []*domain.Claim, words string) *domain.Claim {
	t.Helper()
	for _, c := range cands {
		if strings.Contains(c.Sentence, words) {
			return c
		}
	}
	t.Fatalf("no candidate with %q", words)
	return nil
}

func TestAcceptAndDismissClaims(t *testing.T) {
	db := openTestDB(t)
	ctx := actorCtx("rita@example.org")
	a := newArticle("Report", "", reportText)
	cands := mustCreateArticle(t, db, ctx, a)
	hole := candidateWith(t, cands, "£22 billion")
	defence := candidateWith(t, cands, "2.3%")

	// Stale version is refused and changes nothing.
	if _, err := db.AcceptClaim(ctx, hole.ID, "", hole.Version+1); domain.ErrorCode(err) != domain.ECONFLICT {
		t.Errorf("stale accept: %v", err)
	}
	got, err := db.AcceptClaim(ctx, hole.ID, "The previous government left a £22bn shortfall in the public finances.", hole.Version)
	if err != nil {
		t.Fatal(err)
	}
	if got.State != domain.StateQueued || got.Text != "The previous government left a £22bn shortfall in the public finances." ||
		got.Sentence != hole.Sentence || got.Start != hole.Start || got.End != hole.End {
		t.Errorf("accepted = %+v", got)
	}
	if h := actions(t, db, "claim", hole.ID); strings.Join(h, ",") != "claim.created,claim.accepted" {
		t.Errorf("history = %v", h)
	}
	// Accepting again is a conflict that says why.
	_, err = db.AcceptClaim(ctx, hole.ID, "", 0)
	if domain.ErrorCode(err) != domain.ECONFLICT || !strings.Contains(domain.ErrorMessage(err), "already accepted") {
		t.Errorf("second accept: %v", err)
	}
	// Dismiss needs a reason.
	if _, err := db.DismissClaim(ctx, defence.ID, domain.Dismissal{Note: "no reason chosen"}); domain.ErrorCode(err) != domain.EINVALID {
		t.Errorf("dismiss without reason: %v", err)
	}
	d, err := db.DismissClaim(ctx, defence.ID, domain.Dismissal{Reason: domain.DismissNotCheckable, Note: "No public data"})
	if err != nil || d.State != domain.StateDismissed || d.DismissReason != "No public data" || d.DismissCode != domain.DismissNotCheckable {
		t.Fatalf("dismiss: %+v %v", d, err)
	}
	if again, err := db.ClaimByID(ctx, defence.ID); err != nil || again.DismissCode != domain.DismissNotCheckable {
		t.Fatalf("dismissal read back: %+v %v", again, err)
	}
	if h := actions(t, db, "claim", defence.ID); strings.Join(h, ",") != "claim.created,claim.dismissed" {
		t.Errorf("history = %v", h)
	}
	if _, err := db.DismissClaim(ctx, defence.ID, domain.Dismissal{Reason: domain.DismissOther, Note: "again"}); domain.ErrorCode(err) != domain.ECONFLICT {
		t.Errorf("dismiss twice: %v", err)
	}
	if _, err := db.AcceptClaim(ctx, 99999, "", 0); domain.ErrorCode(err) != domain.ENOTFOUND {
		t.Errorf("unknown claim: %v", err)
	}
}

func TestBulkTriageReportsFailures(t *testing.T) {
	db := openTestDB(t)
	ctx := actorCtx("rita@example.org")
	a := newArticle("Report", "", reportText)
	cands := mustCreateArticle(t, db, ctx, a)
	other := newArticle("Other", "", "Inflation fell to 3% in March, the ONS said.")
	otherCands := mustCreateArticle(t, db, ctx, other)
	if len(cands) < 2 || len(otherCands) == 0 {
		t.Fatalf("candidates: %d and %d", len(cands), len(otherCands))
	}
	if _, err := db.DismissClaim(ctx, cands[1].ID, domain.Dismissal{Reason: domain.DismissNotCheckWorthy}); err != nil {
		t.Fatal(err)
	}
	before := countEvents(t, db)
	res, err := db.AcceptClaims(ctx, a.ID, []int64{cands[0].ID, cands[1].ID, otherCands[0].ID, cands[0].ID})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Changed) != 1 || res.Changed[0].ID != cands[0].ID || len(res.Failed) != 2 {
		t.Fatalf("result: changed %d, failed %+v", len(res.Changed), res.Failed)
	}
	for _, f := range res.Failed {
		want := map[int64]string{cands[1].ID: domain.ECONFLICT, otherCands[0].ID: domain.ENOTFOUND}[f.ClaimID]
		if domain.ErrorCode(f.Err) != want {
			t.Errorf("claim %d failed with %v, want %s", f.ClaimID, f.Err, want)
		}
	}
	if n := countEvents(t, db) - before; n != 1 {
		t.Errorf("bulk accept wrote %d events, want 1", n)
	}
	if _, err := db.DismissClaims(ctx, a.ID, []int64{cands[0].ID}, domain.Dismissal{}); domain.ErrorCode(err) != domain.EINVALID {
		t.Errorf("bulk dismiss without reason: %v", err)
	}
	var rest []int64
	for _, c := range cands[2:] {
		rest = append(rest, c.ID)
	}
	before = countEvents(t, db)
	res, err = db.DismissClaims(ctx, a.ID, rest, domain.Dismissal{Reason: domain.DismissDuplicate, Note: "duplicate of another check"})
	if err != nil || len(res.Changed) != len(rest) || len(res.Failed) != 0 {
		t.Fatalf("bulk dismiss: %+v %v", res, err)
	}
	if n := countEvents(t, db) - before; n != len(rest) {
		t.Errorf("bulk dismiss wrote %d events, want %d", n, len(rest))
	}
}

func TestAddManualClaim(t *testing.T) {
	db := openTestDB(t)
	ctx := actorCtx("rita@example.org")
	a := newArticle("Report", "", reportText)
	mustCreateArticle(t, db, ctx, a)

	// A selection that crosses the paragraph break arrives with one space.
	c, err := db.AddManualClaim(ctx, a.ID, "she added.  It was raining", 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if !c.Manual || c.State != domain.StateCandidate || reportText[c.Start:c.End] != "she added.\n\nIt was raining" || c.Sentence != reportText[c.Start:c.End] {
		t.Errorf("manual claim = %+v", c)
	}
	if h := actions(t, db, "claim", c.ID); strings.Join(h, ",") != "claim.created" {
		t.Errorf("history = %v", h)
	}
	start := strings.Index(reportText, "Defence")
	c, err = db.AddManualClaim(ctx, a.ID, "", start, start+len("Defence spending is 2.3% of GDP"))
	if err != nil || c.Sentence != "Defence spending is 2.3% of GDP" || len(c.Figures) == 0 {
		t.Fatalf("by offsets: %+v %v", c, err)
	}
	pound := strings.Index(reportText, "£")
	for name, tc := range map[string]struct {
		text       string
		start, end int
	}{
		"not in text":      {"The moon is made of cheese", 0, 0},
		"empty":            {"", 0, 0},
		"past the end":     {"", 10, len(reportText) + 5},
		"mid-character":    {"", pound + 1, pound + 10},
		"negative start":   {"", -3, 5},
		"only white space": {"", strings.Index(reportText, "\n\n"), strings.Index(reportText, "\n\n") + 2},
	} {
		if _, err := db.AddManualClaim(ctx, a.ID, tc.text, tc.start, tc.end); domain.ErrorCode(err) != domain.EINVALID {
			t.Errorf("%s: err = %v, want invalid", name, err)
		}
	}
	if _, err := db.AddManualClaim(ctx, 9999, "x", 0, 0); domain.ErrorCode(err) != domain.ENOTFOUND {
		t.Errorf("unknown article: %v", err)
	}
}

func TestManualClaimInAScriptWithoutSpaces(t *testing.T) {
	n := newNewsroom(t)
	body := "政府表示，中国的失业率上升了百分之五。天气很好。"
	article := storage.InsertArticleForTest(t, n.db, "就业", "新闻", body)
	c, err := n.db.AddManualClaim(as(n.rita), article, "政府表示，中国的失业率上升了百分之五。", 0, 0)
	if err != nil {
		t.Fatalf("a Chinese sentence added by hand: %v", err)
	}
	if body[c.Start:c.End] != "政府表示，中国的失业率上升了百分之五。" {
		t.Errorf("claim covers %q", body[c.Start:c.End])
	}
	// Two characters are still too little to be a claim.
	if _, err := n.db.AddManualClaim(as(n.rita), article, "天气", 0, 0); domain.ErrorCode(err) != domain.EINVALID {
		t.Errorf("two characters: %v", err)
	}
}
