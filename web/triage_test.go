package web

import (
	"context"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"claimtrail/domain"
)

// addTestReport adds testReport by paste and returns its id and claims.
func addTestReport(t *testing.T, env *testEnv, c *client) (string, []*domain.Claim) {
	t.Helper()
	id := articleIDFrom(t, c.postForm("/articles", url.Values{"body": {testReport}, "title": {"Report"}}))
	claims, err := env.db.ArticleClaims(context.Background(), mustID(t, id))
	if err != nil {
		t.Fatal(err)
	}
	return id, claims
}

func claimWith(t *testing.T, claims []*domain.Claim, words string) *domain.Claim {
	t.Helper()
	for _, c := range claims {
		if strings.Contains(c.Sentence, words) {
			return c
		}
	}
	t.Fatalf("no claim with %q", words)
	return nil
}

// rowDoc parses an htmx row fragment; a bare <tr> needs its table around it.
func rowDoc(t *testing.T, res *response) *goquery.Document {
	t.Helper()
	doc, err := goquery.NewDocumentFromReader(strings.NewReader("<table><tbody>" + res.Body + "</tbody></table>"))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

func history(t *testing.T, env *testEnv, id int64) []string {
	t.Helper()
	events, _ := env.db.EntityHistory(context.Background(), "claim", id)
	var out []string
	for _, e := range events {
		out = append(out, e.Action)
	}
	return out
}

func TestArticlePageHighlightsClaimsSafely(t *testing.T) {
	env := articleEnv(t)
	c, _ := env.signedIn("rita@newsroom.example", domain.RoleReviewer)
	body := testReport + "\n\nA reader wrote <script>alert('x')</script> & said 40% of voters agreed."
	id := articleIDFrom(t, c.postForm("/articles", url.Values{"body": {body}, "title": {"<b>Bold</b> headline"}}))
	page := c.get("/articles/" + id)
	wantStatus(t, page, http.StatusOK)
	doc := page.Doc(t)
	if got := doc.Find(`[data-testid="article-text"]`).Text(); got != body {
		t.Errorf("article text not shown exactly once and unchanged:\n%q\nwant\n%q", got, body)
	}
	if strings.Contains(page.Body, "<script>alert") || strings.Contains(page.Body, "<b>Bold</b>") {
		t.Error("user text rendered as HTML")
	}
	var hole bool
	doc.Find(`mark.claim`).Each(func(_ int, m *goquery.Selection) {
		if strings.Contains(m.Text(), "£22 billion") {
			hole = m.HasClass("claim-checkworthy") && m.Find(`mark.figure`).First().Text() == "£22 billion"
		}
		if strings.Contains(m.Text(), "donate") {
			t.Error("the donation appeal is highlighted as a claim")
		}
	})
	if !hole {
		t.Error("the £22 billion claim is not highlighted as check-worthy with its figure marked")
	}
	// The "By score" list is sorted by score.
	var last = 2.0
	claims, _ := env.db.ArticleClaims(context.Background(), mustID(t, id))
	scores := map[string]float64{}
	for _, cl := range claims {
		scores[itoa(cl.ID)] = cl.Score
	}
	doc.Find(`[data-testid="claim-row"]`).Each(func(_ int, row *goquery.Selection) {
		s := scores[row.AttrOr("data-claim-id", "")]
		if s > last {
			t.Errorf("rows not sorted by score: %v after %v", s, last)
		}
		last = s
	})
}

func TestAcceptAndDismissClaims(t *testing.T) {
	env := articleEnv(t)
	c, _ := env.signedIn("rita@newsroom.example", domain.RoleReviewer)
	articleID, claims := addTestReport(t, env, c)
	hole := claimWith(t, claims, "£22 billion")
	defence := claimWith(t, claims, "2.3%")

	// A tampered version is a message on the row, and changes nothing.
	res := c.postForm("/claims/"+itoa(hole.ID)+"/accept", url.Values{"version": {"abc"}})
	wantStatus(t, res, http.StatusUnprocessableEntity)
	if msg := res.Doc(t).Find(`#claim-row-` + itoa(hole.ID) + ` [data-testid="error-text"]`).Text(); !strings.Contains(msg, "Reload the page") {
		t.Errorf("bad version: row message %q", msg)
	}

	// Accept with rewording: the sentence and offsets stay.
	wording := "The previous government left a £22bn shortfall in the public finances."
	res = c.postForm("/claims/"+itoa(hole.ID)+"/accept", url.Values{"text": {wording}, "version": {"1"}})
	wantStatus(t, res, http.StatusSeeOther)
	if loc := res.Header.Get("Location"); !strings.HasPrefix(loc, "/articles/"+articleID) {
		t.Errorf("redirect to %q", loc)
	}
	got, _ := env.db.ClaimByID(context.Background(), hole.ID)
	if got.State != domain.StateQueued || got.Text != wording || got.Sentence != hole.Sentence || got.Start != hole.Start || got.End != hole.End {
		t.Errorf("accepted claim = %+v", got)
	}
	if h := history(t, env, hole.ID); strings.Join(h, ",") != "claim.created,claim.accepted" {
		t.Errorf("history = %v", h)
	}

	// Accepting it again is a 409 that says why.
	res = c.postForm("/claims/"+itoa(hole.ID)+"/accept", url.Values{})
	wantStatus(t, res, http.StatusConflict)
	if msg := res.TestID(t, "error-message"); !strings.Contains(msg, "already accepted") {
		t.Errorf("409 message = %q", msg)
	}

	// Dismiss without a reason: 422 with the message beside the field, nothing changed.
	res = c.postForm("/claims/"+itoa(defence.ID)+"/dismiss", url.Values{"reason": {"  "}})
	wantStatus(t, res, http.StatusUnprocessableEntity)
	row := res.Doc(t).Find(`#claim-row-` + itoa(defence.ID))
	if row.Find(`[data-testid="error-reason_code"]`).Text() == "" {
		t.Error("no message beside the reason field in the claim's row")
	}
	if h := history(t, env, defence.ID); len(h) != 1 {
		t.Errorf("failed dismiss changed the claim: %v", h)
	}
	// A reason and note typed in are kept when the form comes back with an error.
	res = c.postForm("/claims/"+itoa(defence.ID)+"/dismiss", url.Values{"reason_code": {"other"}, "reason": {strings.Repeat("n", 501)}})
	wantStatus(t, res, http.StatusUnprocessableEntity)
	row = res.Doc(t).Find(`#claim-row-` + itoa(defence.ID))
	if got := row.Find(`select[data-testid="reason-code"] option[selected]`).AttrOr("value", ""); got != "other" {
		t.Errorf("chosen reason after a refused note: %q", got)
	}
	if row.Find(`[data-testid="error-reason"]`).Text() == "" {
		t.Error("no message beside the overlong note")
	}
	wantStatus(t, c.postForm("/claims/"+itoa(defence.ID)+"/dismiss", url.Values{"reason_code": {"not_checkable"}, "reason": {"No public data"}}), http.StatusSeeOther)
	if got, _ := env.db.ClaimByID(context.Background(), defence.ID); got.State != domain.StateDismissed || got.DismissReason != "No public data" || got.DismissCode != domain.DismissNotCheckable {
		t.Errorf("dismissed claim = %+v", got)
	}

	// Unknown or malformed claim ids are 404.
	wantStatus(t, c.postForm("/claims/999999/accept", url.Values{}), http.StatusNotFound)
	wantStatus(t, c.postForm("/claims/abc/dismiss", url.Values{"reason": {"x"}}), http.StatusNotFound)
}

func TestTriageWithHTMXReturnsRows(t *testing.T) {
	env := articleEnv(t)
	c, _ := env.signedIn("rita@newsroom.example", domain.RoleReviewer)
	_, claims := addTestReport(t, env, c)
	hole := claimWith(t, claims, "£22 billion")
	defence := claimWith(t, claims, "2.3%")

	res := c.htmx(http.MethodPost, "/claims/"+itoa(hole.ID)+"/accept", url.Values{})
	wantStatus(t, res, http.StatusOK)
	if strings.Contains(res.Body, "<html") {
		t.Error("htmx accept returned a full page")
	}
	row := rowDoc(t, res).Find(`tr#claim-row-` + itoa(hole.ID))
	if row.AttrOr("data-state", "") != "queued" || row.Find(`[data-action="accept"]`).Length() != 0 {
		t.Errorf("row after accept: %s", snippet(res.Body))
	}

	res = c.htmx(http.MethodPost, "/claims/"+itoa(defence.ID)+"/dismiss", url.Values{})
	wantStatus(t, res, http.StatusUnprocessableEntity)
	if rowDoc(t, res).Find(`tr#claim-row-`+itoa(defence.ID)+` [data-testid="error-reason_code"]`).Length() != 1 {
		t.Errorf("htmx 422 row lacks the reason error: %s", snippet(res.Body))
	}
	res = c.htmx(http.MethodPost, "/claims/"+itoa(defence.ID)+"/dismiss", url.Values{"reason": {"Opinion, not fact"}})
	wantStatus(t, res, http.StatusOK)
	if rowDoc(t, res).Find(`tr`).AttrOr("data-state", "") != "dismissed" {
		t.Errorf("row after dismiss: %s", snippet(res.Body))
	}

	// A conflict goes to the flash area.
	res = c.htmx(http.MethodPost, "/claims/"+itoa(hole.ID)+"/accept", url.Values{})
	wantStatus(t, res, http.StatusConflict)
	if res.Header.Get("HX-Retarget") != "#flash" {
		t.Errorf("409 not retargeted to the flash area")
	}
}

func TestBulkTriageOneEventEach(t *testing.T) {
	env := articleEnv(t)
	c, _ := env.signedIn("ed@newsroom.example", domain.RoleEditor)
	articleID, claims := addTestReport(t, env, c)
	if len(claims) < 3 {
		t.Fatalf("only %d candidates", len(claims))
	}
	ids := func(cs ...*domain.Claim) []string {
		var out []string
		for _, cl := range cs {
			out = append(out, itoa(cl.ID))
		}
		return out
	}
	before, _ := env.db.ListAuditEvents(context.Background(), domain.AuditFilter{Action: "claim.", Limit: 500})
	res := c.postForm("/articles/"+articleID+"/bulk", url.Values{"action": {"accept"}, "ids": ids(claims[0], claims[1])})
	wantStatus(t, res, http.StatusSeeOther)
	after, _ := env.db.ListAuditEvents(context.Background(), domain.AuditFilter{Action: "claim.accepted", Limit: 500})
	if len(after) != 2 {
		t.Errorf("bulk accept wrote %d claim.accepted events, want 2", len(after))
	}

	// Dismissing needs a reason: 422 beside the bulk form, nothing changed.
	res = c.postForm("/articles/"+articleID+"/bulk", url.Values{"action": {"dismiss"}, "ids": ids(claims[2])})
	wantStatus(t, res, http.StatusUnprocessableEntity)
	if res.TestID(t, "error-reason_code") == "" {
		t.Error("no reason error on the bulk form")
	}
	// One already accepted is reported, the rest dismissed.
	res = c.postForm("/articles/"+articleID+"/bulk", url.Values{"action": {"dismiss"}, "reason": {"Context, not claims"}, "ids": ids(claims[0], claims[2])})
	wantStatus(t, res, http.StatusSeeOther)
	page := c.get("/articles/" + articleID)
	if msg := page.TestID(t, "flash-error"); !strings.Contains(msg, "already accepted") {
		t.Errorf("failure report = %q", msg)
	}
	dismissed, _ := env.db.ListAuditEvents(context.Background(), domain.AuditFilter{Action: "claim.dismissed", Limit: 500})
	if len(dismissed) != 1 {
		t.Errorf("bulk dismiss wrote %d events, want 1", len(dismissed))
	}
	all, _ := env.db.ListAuditEvents(context.Background(), domain.AuditFilter{Action: "claim.", Limit: 500})
	if len(all)-len(before) != 3 {
		t.Errorf("bulk actions wrote %d claim events, want 3", len(all)-len(before))
	}
}

func TestAddClaimByHand(t *testing.T) {
	env := articleEnv(t)
	c, _ := env.signedIn("rita@newsroom.example", domain.RoleReviewer)
	articleID, _ := addTestReport(t, env, c)
	page := c.get("/articles/" + articleID)
	form := page.Doc(t).Find(`#add-claim-form[data-reveal-on-select]`)
	if form.Find(`textarea[name="quote"][form="article-page"]`).Length() != 1 {
		t.Fatal("no add-claim form with a quote box")
	}
	res := c.postForm("/articles/"+articleID+"/claims", url.Values{"quote": {"It was a grey   morning"}})
	wantStatus(t, res, http.StatusSeeOther)
	claims, _ := env.db.ArticleClaims(context.Background(), mustID(t, articleID))
	var manual *domain.Claim
	for _, cl := range claims {
		if cl.Manual {
			manual = cl
		}
	}
	if manual == nil {
		t.Fatal("no claim added by hand")
	}
	if !manual.Manual || testReport[manual.Start:manual.End] != "It was a grey morning" {
		t.Errorf("manual claim = %+v", manual)
	}
	res = c.postForm("/articles/"+articleID+"/claims", url.Values{"quote": {"Words that are not in the article"}})
	wantStatus(t, res, http.StatusUnprocessableEntity)
	if res.TestID(t, "error-quote") == "" || res.Doc(t).Find(`textarea[name="quote"]`).Text() != "Words that are not in the article" {
		t.Error("422 without the message or the typed quote")
	}

	// The same passage again (a double click) leads to the claim already
	// there instead of adding a second one.
	res = c.postForm("/articles/"+articleID+"/claims", url.Values{"quote": {"It was a grey morning"}})
	wantStatus(t, res, http.StatusSeeOther)
	if loc := res.Header.Get("Location"); !strings.HasSuffix(loc, "#claim-row-"+itoa(manual.ID)) {
		t.Errorf("second add went to %q, want claim %d's row", loc, manual.ID)
	}
	if msg := c.get("/articles/" + articleID).Doc(t).Find(".flash").Text(); !strings.Contains(msg, "already claim "+itoa(manual.ID)) {
		t.Errorf("second add flash %q", msg)
	}
	// A selection that leaves out the full stop, or takes a space more, is
	// the same claim.
	res = c.postForm("/articles/"+articleID+"/claims", url.Values{"quote": {"It was a grey morning in Westminster."}})
	wantStatus(t, res, http.StatusSeeOther)
	whole := strings.TrimPrefix(res.Header.Get("Location"), "/articles/"+articleID+"#claim-row-")
	res = c.postForm("/articles/"+articleID+"/claims", url.Values{"quote": {"It was a grey morning in Westminster"}})
	wantStatus(t, res, http.StatusSeeOther)
	if loc := res.Header.Get("Location"); !strings.HasSuffix(loc, "#claim-row-"+whole) {
		t.Errorf("the sentence without its full stop went to %q, want claim %s's row", loc, whole)
	}
	claims, _ = env.db.ArticleClaims(context.Background(), mustID(t, articleID))
	after, _ := env.db.ArticleClaims(context.Background(), mustID(t, articleID))
	if len(after) != len(claims) {
		t.Errorf("claims %d after adding the same passage, want %d", len(after), len(claims))
	}
	// A single word is not a claim.
	res = c.postForm("/articles/"+articleID+"/claims", url.Values{"quote": {"grey"}})
	wantStatus(t, res, http.StatusUnprocessableEntity)
	if !strings.Contains(res.TestID(t, "error-quote"), "single word") {
		t.Errorf("single word message %q", res.TestID(t, "error-quote"))
	}
}

func TestEditArticleDetails(t *testing.T) {
	env := articleEnv(t)
	c, _ := env.signedIn("rita@newsroom.example", domain.RoleReviewer)
	articleID, _ := addTestReport(t, env, c)
	res := c.postForm("/articles/"+articleID+"/edit", url.Values{"title": {"Better headline"}, "outlet": {"Gazette"}, "published": {"2025-02-24"}})
	wantStatus(t, res, http.StatusSeeOther)
	a, _ := env.db.ArticleByID(context.Background(), mustID(t, articleID))
	if a.Title != "Better headline" || a.PublishedAt.Format("2006-01-02") != "2025-02-24" {
		t.Errorf("article = %+v", a)
	}
	// A date that reads but cannot be right is refused, never quietly dropped.
	res = c.postForm("/articles/"+articleID+"/edit", url.Values{"title": {"Better headline"}, "published": {"1000-06-15"}})
	wantStatus(t, res, http.StatusUnprocessableEntity)
	if a, _ := env.db.ArticleByID(context.Background(), mustID(t, articleID)); a.PublishedAt.Format("2006-01-02") != "2025-02-24" {
		t.Errorf("a refused date changed the article's date to %v", a.PublishedAt)
	}
	res = c.postForm("/articles/"+articleID+"/edit", url.Values{"title": {""}, "published": {"tomorrow"}})
	wantStatus(t, res, http.StatusUnprocessableEntity)
	if res.TestID(t, "error-published") == "" {
		t.Error("no message beside the date")
	}
	if ev, _ := env.db.EntityHistory(context.Background(), "article", a.ID); len(ev) != 2 {
		t.Errorf("article history has %d events, want 2", len(ev))
	}
}

func TestArticlesListPaginates(t *testing.T) {
	env := articleEnv(t)
	c, _ := env.signedIn("rita@newsroom.example", domain.RoleReviewer)
	for i := range 55 {
		a := &domain.Article{Title: "Story " + itoa(int64(i)), Body: "Text " + itoa(int64(i)), Fingerprint: "fp" + itoa(int64(i)), Origin: "api"}
		if err := env.db.CreateArticle(context.Background(), a, nil); err != nil {
			t.Fatal(err)
		}
	}
	page := c.get("/articles")
	doc := page.Doc(t)
	if n := doc.Find(`[data-testid="article-row"]`).Length(); n != 50 {
		t.Fatalf("first page has %d rows", n)
	}
	older := doc.Find(`[data-testid="older"]`).AttrOr("href", "")
	page = c.get(older)
	if n := page.Doc(t).Find(`[data-testid="article-row"]`).Length(); n != 5 || page.Doc(t).Find(`[data-testid="older"]`).Length() != 0 {
		t.Errorf("second page has %d rows", n)
	}
	if res := c.get("/articles?q=Story+54"); res.Doc(t).Find(`[data-testid="article-row"]`).Length() != 1 {
		t.Error("headline filter")
	}
	// Both page links keep the filters.
	filtered := c.get("/articles?q=Story").Doc(t).Find(`[data-testid="older"]`).AttrOr("href", "")
	if !strings.Contains(filtered, "q=Story") {
		t.Errorf("older link %q drops the filter", filtered)
	}
	if newest := c.get(filtered).Doc(t).Find(`[data-testid="newest"]`).AttrOr("href", ""); newest != "/articles?q=Story" {
		t.Errorf("newest link %q, want the first page with the filter", newest)
	}
	// Signed out: sent to sign in.
	if res := env.newClient().get("/articles"); res.StatusCode != http.StatusSeeOther {
		t.Errorf("signed out: %d", res.StatusCode)
	}
}

// TestSampleArticle uploads a real published article kept outside the
// repository (it is not ours to copy in).
func TestSampleArticle(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "..", "shared", "samples", "starmer-macron-ukraine.txt"))
	if err != nil {
		t.Skipf("sample article not available (%v); it lives in ../shared/samples beside the repository", err)
	}
	env := newTestEnv(t)
	c, _ := env.signedIn("rita@newsroom.example", domain.RoleReviewer)
	id := articleIDFrom(t, c.upload("/articles/upload", "starmer-macron-ukraine.txt", raw, nil))
	claims, _ := env.db.ArticleClaims(context.Background(), mustID(t, id))
	var hole *domain.Claim
	for _, cl := range claims {
		if strings.Contains(cl.Sentence, "£22 billion") {
			hole = cl
		}
		lower := strings.ToLower(cl.Sentence)
		if cl.CheckWorthy && (strings.Contains(lower, "donation") || strings.Contains(lower, "your support")) {
			t.Errorf("donation appeal is check-worthy: %q", cl.Sentence)
		}
	}
	if hole == nil || !hole.CheckWorthy {
		t.Fatalf("the £22 billion sentence is not a check-worthy candidate: %+v", hole)
	}
	var figure bool
	for _, f := range hole.Figures {
		figure = figure || strings.Contains(f.Text, "£22 billion")
	}
	if !figure {
		t.Errorf("the £22 billion figure is missing: %+v", hole.Figures)
	}
	page := c.get("/articles/" + id)
	if page.Doc(t).Find(`#claim-`+itoa(hole.ID)+` mark.figure`).Length() == 0 {
		t.Error("the figure is not marked in the text")
	}
	// Uploaded without a headline, the article is named after its lede, not
	// the donation appeal the scraper left at the top.
	if title := page.TestID(t, "article-title"); !strings.HasPrefix(title, "Sir Keir Starmer and Emmanuel Macron") {
		t.Errorf("stand-in headline = %q", title)
	}
	// The scraper's "date 2025-02-23" line is the publication date.
	if published := page.TestID(t, "article-published"); published != "23 Feb 2025" {
		t.Errorf("publication date = %q, want 23 Feb 2025", published)
	}
}
