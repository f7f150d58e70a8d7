package web

import (
	"database/sql"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"claimtrail/domain"
)

// raw opens a plain connection to the test database, for making articles and
// candidate claims that another part of claimtrail (triage) would make.
func (e *testEnv) raw() *sql.DB {
	e.t.Helper()
	db, err := sql.Open("sqlite", "file:"+e.db.Path+"?_pragma=busy_timeout(5000)&_pragma=foreign_keys(1)")
	if err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(func() { db.Close() })
	return db
}

// queuedClaims makes an article with n claims and accepts them into the
// queue with a plain UPDATE, which the state machine trigger allows.
func (e *testEnv) queuedClaims(n int, text string) []int64 {
	e.t.Helper()
	raw := e.raw()
	now := time.Now().UTC().Format("2006-01-02T15:04:05.000000Z")
	body := "The minister said " + text + " in a speech."
	res, err := raw.Exec(`INSERT INTO articles (title, outlet, body, fingerprint, origin, created_at, updated_at)
		VALUES ('Jobs figures', 'The Daily Ledger', ?, lower(hex(randomblob(16))), 'paste', ?, ?)`, body, now, now)
	if err != nil {
		e.t.Fatal(err)
	}
	article, _ := res.LastInsertId()
	var ids []int64
	for i := range n {
		figures := "[]"
		if at := strings.Index(text, "3%"); at >= 0 {
			figures = fmt.Sprintf(`[{"text":"3%%","start":%d,"end":%d,"kind":"percent","value":3,"unit":"%%"}]`, at, at+2)
		}
		res, err := raw.Exec(`INSERT INTO claims (article_id, sentence, start_offset, end_offset, text, score, type, figures, claimant, reasons, created_at, updated_at)
			VALUES (?, ?, 18, ?, ?, ?, 'quantity', ?, 'The minister', '["states a figure"]', ?, ?)`,
			article, text, 18+len(text), text, 0.9-float64(i)/1000, figures, now, now)
		if err != nil {
			e.t.Fatal(err)
		}
		id, _ := res.LastInsertId()
		if _, err := raw.Exec(`UPDATE claims SET state = 'queued', queued_at = ? WHERE id = ?`, now, id); err != nil {
			e.t.Fatal(err)
		}
		ids = append(ids, id)
	}
	return ids
}

func (e *testEnv) ratingID(name string) string {
	e.t.Helper()
	var id int64
	if err := e.raw().QueryRow(`SELECT id FROM ratings WHERE name = ?`, name).Scan(&id); err != nil {
		e.t.Fatal(err)
	}
	return itoa(id)
}

func (e *testEnv) verdictVersion(claimID int64) string {
	e.t.Helper()
	var v int64
	if err := e.raw().QueryRow(`SELECT version FROM verdicts WHERE claim_id = ?`, claimID).Scan(&v); err != nil {
		e.t.Fatal(err)
	}
	return itoa(v)
}

var goodSource = url.Values{"url": {"https://www.ons.gov.uk/employment"}, "title": {"Labour market overview"},
	"publisher": {"ONS"}, "type": {"official_statistics"}, "published_at": {"2026-01-10"}, "accessed_at": {"2026-02-01"},
	"quote": {"The unemployment rate was 4.2%."}}

func withVersion(v url.Values, version string) url.Values {
	out := url.Values{"version": {version}}
	for k, vs := range v {
		out[k] = vs
	}
	return out
}

// takeAndComplete has c take the next claim and complete its verdict; it
// returns the claim's id.
func (e *testEnv) takeAndComplete(c *client) int64 {
	e.t.Helper()
	res := c.postForm("/queue/next", nil)
	wantStatus(e.t, res, http.StatusSeeOther)
	id := mustID(e.t, strings.TrimPrefix(res.Header.Get("Location"), "/claims/"))
	wantStatus(e.t, c.postForm("/claims/"+itoa(id)+"/verdict", url.Values{"version": {e.verdictVersion(id)},
		"rating": {e.ratingID("Mostly false")}, "conclusion": {"It fell by 0.3 points, not 3%."}, "explanation": {"The ONS says so."}}), http.StatusSeeOther)
	wantStatus(e.t, c.postForm("/claims/"+itoa(id)+"/sources", withVersion(goodSource, e.verdictVersion(id))), http.StatusSeeOther)
	return id
}

// mustID reads an id the test knows is numeric.
func mustID(t *testing.T, s string) int64 {
	t.Helper()
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		t.Fatalf("not an id: %q", s)
	}
	return id
}

func TestQueueDamagedPageLinkShowsTheFirstPage(t *testing.T) {
	env := newTestEnv(t)
	ids := env.queuedClaims(2, "unemployment fell by 3%")
	c, _ := env.signedIn("rita@newsroom.example", domain.RoleReviewer)
	res := c.get("/queue?after=" + url.QueryEscape("1|garbage"))
	wantStatus(t, res, http.StatusUnprocessableEntity)
	if res.TestID(t, "error-cursor") == "" {
		t.Error("no word about the damaged link")
	}
	if n := res.Doc(t).Find(`[data-testid="queue-row"]`).Length(); n != len(ids) {
		t.Errorf("first page shows %d claims, want %d", n, len(ids))
	}
}

func TestQueueTakeNextAndEmpty(t *testing.T) {
	env := newTestEnv(t)
	ids := env.queuedClaims(2, "unemployment fell by 3%")
	c, rita := env.signedIn("rita@newsroom.example", domain.RoleReviewer)

	res := c.get("/queue")
	wantStatus(t, res, http.StatusOK)
	doc := res.Doc(t)
	if n := doc.Find(`[data-testid="queue-row"]`).Length(); n != 2 {
		t.Errorf("queue rows = %d, want 2", n)
	}
	if doc.Find(`[data-shortcut="take-next"]`).Length() != 1 {
		t.Error("no take-next button with its shortcut")
	}
	if doc.Find(`[data-testid="bulk-assign"]`).Length() != 0 {
		t.Error("a reviewer sees the editors' bulk actions")
	}

	res = c.postForm("/queue/next", nil)
	wantStatus(t, res, http.StatusSeeOther)
	if loc := res.Header.Get("Location"); loc != "/claims/"+itoa(ids[0]) {
		t.Fatalf("took %q, want the top claim %d", loc, ids[0])
	}
	page := c.get("/claims/" + itoa(ids[0]))
	wantStatus(t, page, http.StatusOK)
	if got := page.TestID(t, "assignee"); !strings.Contains(got, rita.Name) {
		t.Errorf("assignee %q", got)
	}
	if got := page.TestID(t, "figure"); got != "3%" {
		t.Errorf("figure highlighted %q, want 3%%", got)
	}
	if !strings.Contains(page.TestID(t, "article-context"), "The minister said") {
		t.Errorf("claim not shown in its article: %q", page.TestID(t, "article-context"))
	}
	if got := page.TestID(t, "timeline-text"); got != rita.Name+" took this claim" {
		t.Errorf("history %q", got)
	}

	// htmx gets a redirect header rather than a 303.
	res = c.htmx(http.MethodPost, "/queue/next", nil)
	if res.Header.Get("HX-Redirect") != "/claims/"+itoa(ids[1]) {
		t.Errorf("htmx take next: %d %q", res.StatusCode, res.Header.Get("HX-Redirect"))
	}
	res = c.postForm("/queue/next", nil)
	wantStatus(t, res, http.StatusSeeOther)
	if loc := res.Header.Get("Location"); loc != "/queue" {
		t.Fatalf("empty queue sent to %q", loc)
	}
	if got := c.get("/queue").TestID(t, "flash-info"); !strings.Contains(got, "Nothing waiting") {
		t.Errorf("flash %q", got)
	}
}

func TestQueuePagesByCursorAndMarksOverdue(t *testing.T) {
	env := newTestEnv(t)
	ids := env.queuedClaims(55, "crime doubled")
	if _, err := env.raw().Exec(`UPDATE claims SET due_at = '2020-01-01T00:00:00.000000Z' WHERE id = ?`, ids[0]); err != nil {
		t.Fatal(err)
	}
	c, _ := env.signedIn("rita@newsroom.example", domain.RoleReviewer)
	res := c.get("/queue")
	doc := res.Doc(t)
	if n := doc.Find(`[data-testid="queue-row"]`).Length(); n != 50 {
		t.Fatalf("first page rows = %d", n)
	}
	if doc.Find(`[data-claim-id="`+itoa(ids[0])+`"] .overdue`).Length() != 1 {
		t.Error("overdue claim lacks the overdue class")
	}
	next, ok := doc.Find(`[data-testid="next-page"]`).Attr("href")
	if !ok {
		t.Fatal("no next page link")
	}
	res = c.get(next)
	wantStatus(t, res, http.StatusOK)
	if n := res.Doc(t).Find(`[data-testid="queue-row"]`).Length(); n != 5 {
		t.Errorf("second page rows = %d, want 5", n)
	}
	if res.Doc(t).Find(`[data-testid="next-page"]`).Length() != 0 {
		t.Error("last page offers a next page")
	}
	// A filter that cannot be read is named beside its field, kept as typed,
	// and the queue is still shown without it.
	res = c.get("/queue?since=yesterday&state=bogus")
	wantStatus(t, res, http.StatusUnprocessableEntity)
	if res.TestID(t, "error-since") == "" || res.TestID(t, "error-state") == "" {
		t.Errorf("no messages beside the bad filters:\n%s", snippet(res.Body))
	}
	if v, _ := res.Doc(t).Find(`#since`).Attr("value"); v != "yesterday" {
		t.Errorf("typed date not kept: %q", v)
	}
	if n := res.Doc(t).Find(`[data-testid="queue-row"]`).Length(); n == 0 {
		t.Error("bad filters hid the queue")
	}
}

func TestRolesCheckedOnTheServer(t *testing.T) {
	env := newTestEnv(t)
	ids := env.queuedClaims(1, "prices rose by 10%")
	c, _ := env.signedIn("rita@newsroom.example", domain.RoleReviewer)
	id := itoa(ids[0])
	for _, path := range []string{"/claims/" + id + "/assign", "/claims/" + id + "/priority", "/claims/" + id + "/due",
		"/claims/" + id + "/approve", "/claims/" + id + "/return", "/claims/" + id + "/reopen", "/queue/bulk",
		"/ratings", "/ratings/1", "/ratings/1/move", "/ratings/1/delete"} {
		if res := c.postForm(path, url.Values{"assignee": {"1"}, "priority": {"urgent"}, "name": {"X"}, "value": {"1"}}); res.StatusCode != http.StatusForbidden {
			t.Errorf("reviewer POST %s: %d, want 403", path, res.StatusCode)
		}
	}
	for _, path := range []string{"/review", "/ratings"} {
		if res := c.get(path); res.StatusCode != http.StatusForbidden {
			t.Errorf("reviewer GET %s: %d, want 403", path, res.StatusCode)
		}
	}
	// Someone else's verdict: the form is hidden, and posting it anyway is refused.
	ed, _ := env.signedIn("eddie@newsroom.example", domain.RoleEditor)
	wantStatus(t, ed.postForm("/queue/next", nil), http.StatusSeeOther)
	page := c.get("/claims/" + id)
	if page.Doc(t).Find(`[data-testid="verdict-form"]`).Length() != 0 {
		t.Error("a reviewer sees the verdict form of a claim assigned to someone else")
	}
	if res := c.postForm("/claims/"+id+"/verdict", url.Values{"version": {"1"}, "conclusion": {"mine"}}); res.StatusCode != http.StatusForbidden {
		t.Errorf("saving someone else's verdict: %d, want 403", res.StatusCode)
	}

	for _, tc := range []struct{ method, path string }{
		{"GET", "/claims/99999"}, {"GET", "/claims/abc"}, {"POST", "/claims/99999/verdict"},
		{"POST", "/claims/99999/comments"}, {"POST", "/claims/" + id + "/sources/99999/delete"},
	} {
		var res *response
		if tc.method == "GET" {
			res = c.get(tc.path)
		} else {
			res = ed.postForm(tc.path, url.Values{"version": {"1"}, "body": {"hello"}})
		}
		if res.StatusCode != http.StatusNotFound {
			t.Errorf("%s %s: %d, want 404", tc.method, tc.path, res.StatusCode)
		}
	}
}

func TestVerdictFormsKeepWhatWasTyped(t *testing.T) {
	env := newTestEnv(t)
	ids := env.queuedClaims(1, "unemployment fell by 3%")
	id := itoa(ids[0])
	c, _ := env.signedIn("rita@newsroom.example", domain.RoleReviewer)
	wantStatus(t, c.postForm("/queue/next", nil), http.StatusSeeOther)

	// Too long a conclusion: 422, message beside the field, explanation kept.
	long := strings.Repeat("x", 301)
	res := c.postForm("/claims/"+id+"/verdict", url.Values{"version": {"1"}, "conclusion": {long}, "explanation": {"My careful notes"}})
	wantStatus(t, res, http.StatusUnprocessableEntity)
	if res.TestID(t, "error-conclusion") == "" || res.Doc(t).Find("#explanation").Text() != "My careful notes" {
		t.Errorf("422 lost the typing or the message:\n%s", snippet(res.Body))
	}

	// Submitting without a rating or sources names what is missing, and keeps the text.
	res = c.postForm("/claims/"+id+"/submit", url.Values{"version": {"1"}, "conclusion": {"Not quite"}, "explanation": {"Draft"}})
	wantStatus(t, res, http.StatusUnprocessableEntity)
	if res.TestID(t, "error-sources") == "" || res.TestID(t, "error-rating") == "" {
		t.Errorf("submit without sources did not say what is missing:\n%s", snippet(res.Body))
	}
	if v, _ := res.Doc(t).Find("#conclusion").Attr("value"); v != "Not quite" {
		t.Errorf("conclusion not kept: %q", v)
	}

	// A source with a script address is refused beside the field, the rest kept.
	bad := withVersion(goodSource, env.verdictVersion(ids[0]))
	bad.Set("url", "javascript:alert(1)")
	res = c.postForm("/claims/"+id+"/sources", bad)
	wantStatus(t, res, http.StatusUnprocessableEntity)
	if res.TestID(t, "error-url") == "" {
		t.Error("no message beside the address")
	}
	if v, _ := res.Doc(t).Find("#new-source-title").Attr("value"); v != "Labour market overview" {
		t.Errorf("title not kept: %q", v)
	}

	// htmx: the sources panel comes back in place, with the new version out of band.
	res = c.htmx(http.MethodPost, "/claims/"+id+"/sources", withVersion(goodSource, env.verdictVersion(ids[0])))
	wantStatus(t, res, http.StatusOK)
	doc := res.Doc(t)
	if doc.Find(`[data-testid="source"]`).Length() != 1 || strings.Contains(res.Body, "<html") {
		t.Errorf("htmx add source did not answer with the panel:\n%s", snippet(res.Body))
	}
	if v, _ := doc.Find(`#verdict-version[hx-swap-oob]`).Attr("value"); v != env.verdictVersion(ids[0]) {
		t.Errorf("out-of-band version %q, want %s", v, env.verdictVersion(ids[0]))
	}
	res = c.htmx(http.MethodPost, "/claims/"+id+"/sources", withVersion(url.Values{"url": {"ftp://x"}, "title": {"Kept title"}, "type": {"expert"}}, env.verdictVersion(ids[0])))
	wantStatus(t, res, http.StatusUnprocessableEntity)
	if v, _ := res.Doc(t).Find("#new-source-title").Attr("value"); v != "Kept title" {
		t.Errorf("htmx 422 lost the title: %q", v)
	}

	// Now complete: the submit button saves what is typed and submits.
	res = c.postForm("/claims/"+id+"/submit", url.Values{"version": {env.verdictVersion(ids[0])}, "rating": {env.ratingID("False")},
		"conclusion": {"Unemployment rose."}, "explanation": {"See the ONS."}})
	wantStatus(t, res, http.StatusSeeOther)
	page := c.get("/claims/" + id)
	if got := page.TestID(t, "state"); got != "Awaiting approval" {
		t.Errorf("state %q", got)
	}
	if got := page.TestID(t, "verdict-conclusion"); got != "Unemployment rose." {
		t.Errorf("conclusion %q", got)
	}
}

func TestEditorReviewApproveInPlaceAndFourEyes(t *testing.T) {
	env := newTestEnv(t)
	env.queuedClaims(2, "unemployment fell by 3%")
	rita, _ := env.signedIn("rita@newsroom.example", domain.RoleReviewer)
	eddie, _ := env.signedIn("eddie@newsroom.example", domain.RoleEditor)

	ritaClaim := env.takeAndComplete(rita)
	wantStatus(t, rita.postForm("/claims/"+itoa(ritaClaim)+"/submit", url.Values{"version": {env.verdictVersion(ritaClaim)}}), http.StatusSeeOther)
	// Eddie, an editor, checks the other claim himself and submits it.
	eddieClaim := env.takeAndComplete(eddie)
	wantStatus(t, eddie.postForm("/claims/"+itoa(eddieClaim)+"/submit", url.Values{"version": {env.verdictVersion(eddieClaim)}}), http.StatusSeeOther)

	res := eddie.get("/review")
	wantStatus(t, res, http.StatusOK)
	doc := res.Doc(t)
	if n := doc.Find(`[data-testid="review-row"]`).Length(); n != 2 {
		t.Fatalf("review rows %d", n)
	}
	if doc.Find(`[data-claim-id="`+itoa(eddieClaim)+`"] [data-testid="worked-on"]`).Length() != 1 {
		t.Error("Eddie is offered approval of his own verdict")
	}
	// Even posting it directly is refused, with the reason.
	res = eddie.postForm("/claims/"+itoa(eddieClaim)+"/approve", url.Values{"version": {env.verdictVersion(eddieClaim)}})
	wantStatus(t, res, http.StatusForbidden)
	if msg := res.TestID(t, "error-message"); !strings.Contains(msg, "another editor must approve") {
		t.Errorf("four-eyes message %q", msg)
	}
	page := eddie.get("/claims/" + itoa(eddieClaim))
	if page.Doc(t).Find(`[data-testid="approve"]`).Length() != 0 || page.TestID(t, "decide-why") == "" {
		t.Error("claim page offers Eddie approval of his own verdict")
	}

	// Approve Rita's in place, as htmx would from the review list.
	res = eddie.htmx(http.MethodPost, "/claims/"+itoa(ritaClaim)+"/approve", url.Values{"version": {env.verdictVersion(ritaClaim)}, "from": {"review"}})
	wantStatus(t, res, http.StatusOK)
	// A bare <tr> fragment does not survive HTML parsing outside a table, so look at the text.
	if !strings.Contains(res.Body, `data-testid="review-row-approved"`) || strings.Contains(res.Body, "<html") {
		t.Errorf("htmx approve answered:\n%s", snippet(res.Body))
	}
	// A second editor approving the same version is told what happened.
	emma, _ := env.signedIn("emma@newsroom.example", domain.RoleEditor)
	res = emma.postForm("/claims/"+itoa(ritaClaim)+"/approve", url.Values{"version": {"4"}})
	wantStatus(t, res, http.StatusConflict)
	if msg := res.TestID(t, "error-message"); !strings.Contains(msg, "approved this claim at") {
		t.Errorf("loser's message %q", msg)
	}
	page = rita.get("/claims/" + itoa(ritaClaim))
	if !strings.Contains(page.TestID(t, "approved-by"), "eddie") {
		t.Errorf("approved by %q", page.TestID(t, "approved-by"))
	}
	if !strings.Contains(page.Body, "eddie approved the verdict") {
		t.Error("history lacks the approval")
	}
	home := rita.get("/")
	if home.Doc(t).Find(`[data-testid="home-approved"] [data-claim-id="`+itoa(ritaClaim)+`"]`).Length() != 1 {
		t.Error("Rita's home lacks her recently approved claim")
	}
}

func TestReturnAndReopenNeedWordsAndShowInHistory(t *testing.T) {
	env := newTestEnv(t)
	env.queuedClaims(1, "unemployment fell by 3%")
	rita, _ := env.signedIn("rita@newsroom.example", domain.RoleReviewer)
	eddie, _ := env.signedIn("eddie@newsroom.example", domain.RoleEditor)
	id := env.takeAndComplete(rita)
	path := "/claims/" + itoa(id)
	wantStatus(t, rita.postForm(path+"/submit", url.Values{"version": {env.verdictVersion(id)}}), http.StatusSeeOther)

	res := eddie.postForm(path+"/return", url.Values{"version": {env.verdictVersion(id)}, "comment": {"  "}})
	wantStatus(t, res, http.StatusUnprocessableEntity)
	if res.TestID(t, "error-comment") == "" {
		t.Error("empty return comment: no message beside the field")
	}
	wantStatus(t, eddie.postForm(path+"/return", url.Values{"version": {env.verdictVersion(id)}, "comment": {"Need the ONS source"}}), http.StatusSeeOther)

	home := rita.get("/")
	if home.Doc(t).Find(`[data-testid="home-returned"] [data-claim-id="`+itoa(id)+`"]`).Length() != 1 {
		t.Errorf("home lacks the returned claim:\n%s", snippet(home.Body))
	}
	page := rita.get(path)
	found := false
	page.Doc(t).Find(`[data-testid="timeline-item"]`).Each(func(_ int, s *goquery.Selection) {
		if strings.Contains(s.Text(), "eddie returned it") && strings.Contains(s.Text(), "Need the ONS source") {
			found = true
		}
	})
	if !found {
		t.Errorf("history lacks the return and its comment:\n%s", snippet(page.Doc(t).Find("#history").Text()))
	}

	// Resubmit, approve by another editor, then reopen with a reason.
	wantStatus(t, rita.postForm(path+"/submit", url.Values{"version": {env.verdictVersion(id)}}), http.StatusSeeOther)
	wantStatus(t, eddie.postForm(path+"/approve", url.Values{"version": {env.verdictVersion(id)}}), http.StatusSeeOther)
	res = eddie.postForm(path+"/reopen", url.Values{"reason": {""}})
	wantStatus(t, res, http.StatusUnprocessableEntity)
	if res.TestID(t, "error-reason") == "" {
		t.Error("empty reopen reason: no message")
	}
	wantStatus(t, eddie.postForm(path+"/reopen", url.Values{"reason": {"The ONS revised the series"}}), http.StatusSeeOther)
	page = rita.get(path)
	if got := page.TestID(t, "state"); got != "In review" {
		t.Errorf("after reopening: %q", got)
	}
	if !strings.Contains(page.Body, "The approved verdict was kept in the history") || !strings.Contains(page.Doc(t).Find("#history").Text(), "It fell by 0.3 points") {
		t.Error("history does not keep the approved verdict")
	}
}

func TestStaleVerdictSaveShowsTheOtherChange(t *testing.T) {
	env := newTestEnv(t)
	env.queuedClaims(1, "unemployment fell by 3%")
	rita, _ := env.signedIn("rita@newsroom.example", domain.RoleReviewer)
	eddie, _ := env.signedIn("eddie@newsroom.example", domain.RoleEditor)
	res := rita.postForm("/queue/next", nil)
	path := res.Header.Get("Location")
	wantStatus(t, rita.postForm(path+"/verdict", url.Values{"version": {"1"}, "conclusion": {"Rita's finding"}}), http.StatusSeeOther)
	res = eddie.postForm(path+"/verdict", url.Values{"version": {"1"}, "conclusion": {"Eddie's finding"}})
	wantStatus(t, res, http.StatusConflict)
	if got := res.TestID(t, "stale-conclusion"); got != "Rita's finding" {
		t.Errorf("other person's change shown as %q", got)
	}
	doc := res.Doc(t)
	if v, _ := doc.Find("#conclusion").Attr("value"); v != "Eddie's finding" {
		t.Errorf("Eddie's typing lost: %q", v)
	}
	if v, _ := doc.Find("#verdict-version").Attr("value"); v != "2" {
		t.Errorf("form version %q, want the current 2", v)
	}
}

func TestRatingsPageForms(t *testing.T) {
	env := newTestEnv(t)
	eddie, _ := env.signedIn("eddie@newsroom.example", domain.RoleEditor)
	res := eddie.get("/ratings")
	wantStatus(t, res, http.StatusOK)
	if n := res.Doc(t).Find(`[data-testid="rating-row"]`).Length(); n != 7 {
		t.Errorf("default scale rows %d", n)
	}
	res = eddie.postForm("/ratings", url.Values{"name": {""}, "value": {"2.5"}})
	wantStatus(t, res, http.StatusUnprocessableEntity)
	if v, _ := res.Doc(t).Find(`[data-testid="new-rating-form"] #value`).Attr("value"); v != "2.5" || res.TestID(t, "error-name") == "" {
		t.Errorf("422 lost the value (%q) or the message", v)
	}
	res = eddie.postForm("/ratings", url.Values{"name": {"True"}, "value": {"7"}})
	wantStatus(t, res, http.StatusUnprocessableEntity)
	if !strings.Contains(res.TestID(t, "error-name"), "already") {
		t.Errorf("duplicate name message %q", res.TestID(t, "error-name"))
	}
	wantStatus(t, eddie.postForm("/ratings", url.Values{"name": {"Needs context"}, "value": {"3.5"}, "on_scale": {"true"}}), http.StatusSeeOther)

	// A rating in use cannot be deleted.
	env.queuedClaims(1, "unemployment fell by 3%")
	env.takeAndComplete(eddie)
	res = eddie.postForm("/ratings/"+env.ratingID("Mostly false")+"/delete", nil)
	wantStatus(t, res, http.StatusConflict)
	if !strings.Contains(res.TestID(t, "error-message"), "used by 1 verdict") {
		t.Errorf("in-use message %q", res.TestID(t, "error-message"))
	}
	wantStatus(t, eddie.postForm("/ratings/"+env.ratingID("Needs context")+"/delete", nil), http.StatusSeeOther)
}

func TestBulkQueueChangeFromAStalePageChangesNothing(t *testing.T) {
	env := newTestEnv(t)
	ids := env.queuedClaims(2, "crime doubled")
	eddie, _ := env.signedIn("eddie@newsroom.example", domain.RoleEditor)
	emma, _ := env.signedIn("emma@newsroom.example", domain.RoleEditor)
	_, rita := env.signedIn("rita@newsroom.example", domain.RoleReviewer)

	// The versions Eddie's queue page carries for each claim.
	pageSeen := func() []string {
		var seen []string
		eddie.get("/queue").Doc(t).Find(`input[name="seen"]`).Each(func(_ int, s *goquery.Selection) {
			v, _ := s.Attr("value")
			seen = append(seen, v)
		})
		if len(seen) != len(ids) {
			t.Fatalf("queue page carries %d versions, want %d", len(seen), len(ids))
		}
		return seen
	}
	stale := pageSeen()

	// Emma reprioritises the second claim while Eddie's page is open.
	wantStatus(t, emma.postForm("/claims/"+itoa(ids[1])+"/priority", url.Values{"priority": {"urgent"}}), http.StatusSeeOther)

	bulk := url.Values{"action": {"assign"}, "assignee": {itoa(rita.ID)}, "ids": {itoa(ids[0]), itoa(ids[1])}, "seen": stale}
	res := eddie.postForm("/queue/bulk", bulk)
	wantStatus(t, res, http.StatusConflict)
	if msg := res.TestID(t, "error-ids"); !strings.Contains(msg, "Claim "+itoa(ids[1])+" changed after you loaded this page") {
		t.Errorf("stale bulk message %q", msg)
	}
	for _, id := range ids {
		if c, _ := env.db.ClaimByID(t.Context(), id); c.State != domain.StateQueued || c.AssigneeID != 0 {
			t.Errorf("claim %d was changed by a refused bulk assign: %s, assignee %d", id, c.State, c.AssigneeID)
		}
	}

	// The refused page shows the current list, so ticking again works.
	bulk["seen"] = pageSeen()
	wantStatus(t, eddie.postForm("/queue/bulk", bulk), http.StatusSeeOther)
	for _, id := range ids {
		if c, _ := env.db.ClaimByID(t.Context(), id); c.AssigneeID != rita.ID {
			t.Errorf("claim %d not assigned after reload: assignee %d", id, c.AssigneeID)
		}
	}

	// A version list that cannot be read is a clear error, not a crash.
	res = eddie.postForm("/queue/bulk", url.Values{"action": {"priority"}, "priority": {"low"}, "ids": {itoa(ids[0])}, "seen": {"nonsense"}})
	wantStatus(t, res, http.StatusUnprocessableEntity)
	if res.TestID(t, "error-ids") == "" {
		t.Error("unreadable versions: no message")
	}
}

func TestBulkAndSingleEditorActions(t *testing.T) {
	env := newTestEnv(t)
	ids := env.queuedClaims(3, "crime doubled")
	eddie, _ := env.signedIn("eddie@newsroom.example", domain.RoleEditor)
	_, rita := env.signedIn("rita@newsroom.example", domain.RoleReviewer)

	res := eddie.postForm("/queue/bulk", url.Values{"action": {"assign"}, "assignee": {itoa(rita.ID)}})
	wantStatus(t, res, http.StatusUnprocessableEntity)
	if res.TestID(t, "error-ids") == "" {
		t.Error("bulk with nothing ticked: no message")
	}
	// Each row carries the version shown, as the page posts it.
	seen := func() []string {
		var out []string
		eddie.get("/queue?state=open").Doc(t).Find(`input[name="seen"]`).Each(func(_ int, s *goquery.Selection) {
			out = append(out, s.AttrOr("value", ""))
		})
		return out
	}
	// A ticked claim without its version is refused: the page always sends it.
	res = eddie.postForm("/queue/bulk", url.Values{"action": {"priority"}, "priority": {"urgent"}, "ids": {itoa(ids[1])}})
	wantStatus(t, res, http.StatusUnprocessableEntity)
	if msg := res.TestID(t, "error-ids"); !strings.Contains(msg, "without the version") {
		t.Errorf("missing version: message %q", msg)
	}
	res = eddie.postForm("/queue/bulk", url.Values{"action": {"priority"}, "priority": {"urgent"}, "ids": {itoa(ids[1]), itoa(ids[2]), itoa(ids[2])}, "seen": seen()})
	wantStatus(t, res, http.StatusSeeOther)
	if msg := eddie.get("/queue").Doc(t).Find(".flash").Text(); !strings.Contains(msg, "Updated 2 claims") {
		t.Errorf("a claim ticked twice counted twice: %q", msg)
	}
	res = eddie.postForm("/queue/bulk", url.Values{"action": {"priority"}, "priority": {"urgent"}, "ids": {itoa(ids[1])}, "seen": seen()})
	wantStatus(t, res, http.StatusSeeOther)
	if msg := eddie.get("/queue").Doc(t).Find(".flash").Text(); !strings.Contains(msg, "Nothing to change") {
		t.Errorf("setting the priority a claim has: %q", msg)
	}
	// An unknown claim or an unreadable field is named on the queue page.
	res = eddie.postForm("/queue/bulk", url.Values{"action": {"priority"}, "priority": {"low"}, "ids": {itoa(ids[1]), "99999"}, "seen": append(seen(), "99999:1")})
	wantStatus(t, res, http.StatusNotFound)
	if msg := res.TestID(t, "error-ids"); !strings.Contains(msg, "no claim 99999") {
		t.Errorf("unknown claim: message %q", msg)
	}
	for _, form := range []url.Values{
		{"action": {"assign"}, "assignee": {"abc"}, "ids": {itoa(ids[1])}, "seen": seen()},
		{"ids": {itoa(ids[1])}, "seen": seen()},
		{"action": {"priority"}, "priority": {"low"}, "ids": {itoa(ids[1])}, "seen": {"2:abc"}},
	} {
		res := eddie.postForm("/queue/bulk", form)
		wantStatus(t, res, http.StatusUnprocessableEntity)
		if res.Doc(t).Find(`.field-error`).Length() == 0 {
			t.Errorf("%v: no message on the queue page", form)
		}
	}
	wantStatus(t, eddie.postForm("/queue/bulk", url.Values{"action": {"assign"}, "assignee": {itoa(rita.ID)}, "ids": {itoa(ids[1]), itoa(ids[2])}, "seen": seen()}), http.StatusSeeOther)
	for _, id := range ids[1:] {
		c, _ := env.db.ClaimByID(t.Context(), id)
		if c.AssigneeID != rita.ID || c.Priority != domain.PriorityUrgent || c.State != domain.StateInReview {
			t.Errorf("claim %d: %+v", id, c)
		}
	}

	path := "/claims/" + itoa(ids[0])
	res = eddie.postForm(path+"/due", url.Values{"due": {"2001-01-01"}})
	wantStatus(t, res, http.StatusUnprocessableEntity)
	if v, _ := res.Doc(t).Find("#due").Attr("value"); v != "2001-01-01" || res.TestID(t, "error-due") == "" {
		t.Errorf("due 422 kept %q", v)
	}
	// Year 1 is not "no date": it is refused like any other past date, and
	// the due date stays as it was.
	res = eddie.postForm(path+"/due", url.Values{"due": {"0001-01-01"}})
	wantStatus(t, res, http.StatusUnprocessableEntity)
	// Clearing a due date the claim does not have changes and records nothing.
	before, _ := env.db.ClaimByID(t.Context(), ids[0])
	wantStatus(t, eddie.postForm(path+"/due", url.Values{"due": {""}, "clear_due": {"1"}}), http.StatusSeeOther)
	if after, _ := env.db.ClaimByID(t.Context(), ids[0]); after.Version != before.Version {
		t.Errorf("clearing an empty due date moved the claim from version %d to %d", before.Version, after.Version)
	}
	due := time.Now().AddDate(0, 0, 3).Format("2006-01-02")
	wantStatus(t, eddie.postForm(path+"/due", url.Values{"due": {due}}), http.StatusSeeOther)
	// "Set due date" with nothing in the field (a browser sends a date typed
	// in part as empty) is refused and keeps the date; Clear due date takes
	// it off.
	res = eddie.postForm(path+"/due", url.Values{"due": {""}})
	wantStatus(t, res, http.StatusUnprocessableEntity)
	if !strings.Contains(res.TestID(t, "error-due"), "Enter the whole due date") {
		t.Errorf("an empty Set due date says %q", res.TestID(t, "error-due"))
	}
	if c, _ := env.db.ClaimByID(t.Context(), ids[0]); c.DueAt.Format("2006-01-02") != due {
		t.Errorf("an empty Set due date left the due date at %v, want %s", c.DueAt, due)
	}
	wantStatus(t, eddie.postForm(path+"/due", url.Values{"due": {""}, "clear_due": {"1"}}), http.StatusSeeOther)
	if c, _ := env.db.ClaimByID(t.Context(), ids[0]); !c.DueAt.IsZero() {
		t.Errorf("Clear due date left %v", c.DueAt)
	}
	wantStatus(t, eddie.postForm(path+"/due", url.Values{"due": {due}}), http.StatusSeeOther)
	wantStatus(t, eddie.postForm(path+"/priority", url.Values{"priority": {"high"}}), http.StatusSeeOther)
	wantStatus(t, eddie.postForm(path+"/assign", url.Values{"assignee": {itoa(rita.ID)}}), http.StatusSeeOther)
	page := eddie.get(path)
	if got := page.TestID(t, "priority"); got != "High" {
		t.Errorf("priority %q", got)
	}
	text := page.Doc(t).Find("#history").Text()
	for _, want := range []string{"changed the priority", "Normal", "High", "changed the due date", "assigned this claim to rita"} {
		if !strings.Contains(text, want) {
			t.Errorf("history lacks %q:\n%s", want, text)
		}
	}
	res = eddie.postForm(path+"/comments", url.Values{"body": {""}})
	wantStatus(t, res, http.StatusUnprocessableEntity)
	wantStatus(t, eddie.postForm(path+"/comments", url.Values{"body": {"Ring the ONS press office"}}), http.StatusSeeOther)
	if got := eddie.get(path).TestID(t, "comment-body"); got != "Ring the ONS press office" {
		t.Errorf("comment %q", got)
	}
}

func TestClaimPageEscapesWhatPeopleTyped(t *testing.T) {
	env := newTestEnv(t)
	ids := env.queuedClaims(1, `<script>alert("3%")</script>`)
	c, _ := env.signedIn("rita@newsroom.example", domain.RoleReviewer)
	wantStatus(t, c.postForm("/queue/next", nil), http.StatusSeeOther)
	path := "/claims/" + itoa(ids[0])
	wantStatus(t, c.postForm(path+"/comments", url.Values{"body": {`<img src=x onerror=alert(1)>`}}), http.StatusSeeOther)
	res := c.get(path)
	wantStatus(t, res, http.StatusOK)
	if strings.Contains(res.Body, "<script>alert") || strings.Contains(res.Body, "<img src=x") {
		t.Error("typed markup reached the page unescaped")
	}
	if got := res.TestID(t, "claim-sentence"); got != `<script>alert("3%")</script>` {
		t.Errorf("sentence shown as %q", got)
	}
}

func TestClaimPageFormsCarryTheVersionSeen(t *testing.T) {
	env := newTestEnv(t)
	id := itoa(env.queuedClaims(1, "prices rose by 10%")[0])
	ed, _ := env.signedIn("eddie@newsroom.example", domain.RoleEditor)
	page := ed.get("/claims/" + id)
	wantStatus(t, page, http.StatusOK)
	seen, ok := page.Doc(t).Find(`input[name="claim_version"][form="claim-work"]`).Attr("value")
	if !ok || seen == "" {
		t.Fatal("the priority form does not say which version of the claim it was opened on")
	}
	wantStatus(t, ed.postForm("/claims/"+id+"/priority", url.Values{"priority": {"urgent"}, "claim_version": {seen}}), http.StatusSeeOther)
	// A second change from the same, now stale, page is refused and says why.
	res := ed.postForm("/claims/"+id+"/due", url.Values{"due": {time.Now().AddDate(0, 0, 3).Format("2006-01-02")}, "claim_version": {seen}})
	wantStatus(t, res, http.StatusConflict)
	if !strings.Contains(res.Body, "Someone else changed this claim") {
		t.Errorf("stale change: no explanation:\n%s", snippet(res.Body))
	}
}

// TestQueueReversedDatesSayWhy: a queue filtered from a day after the day
// it ends says the end date is before the start, keeps both as typed and
// lists the queue without the end date, rather than "Nothing waiting here".
func TestQueueReversedDatesSayWhy(t *testing.T) {
	env := newTestEnv(t)
	env.queuedClaims(2, "unemployment fell by 3%")
	c, _ := env.signedIn("rita@newsroom.example", domain.RoleReviewer)
	since := time.Now().UTC().AddDate(0, 0, -1).Format("2006-01-02")
	until := time.Now().UTC().AddDate(0, 0, -3).Format("2006-01-02")
	res := c.get("/queue?since=" + since + "&until=" + until)
	wantStatus(t, res, http.StatusUnprocessableEntity)
	doc := res.Doc(t)
	if doc.Find(`[data-testid="error-until"]`).Length() != 1 {
		t.Error("no word that the end date is before the start")
	}
	if got := doc.Find(`input#since`).AttrOr("value", ""); got != since {
		t.Errorf("start shown as %q", got)
	}
	if got := doc.Find(`input#until`).AttrOr("value", ""); got != until {
		t.Errorf("end shown as %q", got)
	}
	if n := doc.Find(`[data-testid="queue-row"]`).Length(); n != 2 {
		t.Errorf("%d claims listed without the end date, want 2", n)
	}
}

// TestQueueEmptySaysWhatToDo: an empty queue says where claims come from
// and links the articles to triage; a queue emptied by its filters says so
// and links the whole queue, instead of one "Nothing waiting here" for both.
func TestQueueEmptySaysWhatToDo(t *testing.T) {
	env := newTestEnv(t)
	c, _ := env.signedIn("rita@newsroom.example", domain.RoleReviewer)
	doc := c.get("/queue").Doc(t)
	if doc.Find(`[data-testid="queue-empty"] [data-testid="queue-to-articles"]`).Length() != 1 {
		t.Error("the empty queue does not point to the articles to triage")
	}
	env.queuedClaims(1, "unemployment fell by 3%")
	doc = c.get("/queue?type=prediction").Doc(t)
	if doc.Find(`[data-testid="queue-empty"] [data-testid="queue-unfiltered"]`).Length() != 1 {
		t.Error("a queue emptied by its filter does not offer the whole queue")
	}
	if doc.Find(`[data-testid="queue-to-articles"]`).Length() != 0 {
		t.Error("a filtered queue says the queue is empty")
	}
}
