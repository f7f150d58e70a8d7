package web

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/a-h/templ"

	"claimtrail/domain"
	"claimtrail/storage"
)

// The queue and review lists kept as rendered show every change at once:
// one made through this process, one made by another process on the same
// file, and one written around storage altogether. Each page is asked for
// twice before the change, so that it is kept when the change lands.
func TestKeptPagesShowEveryChangeAtOnce(t *testing.T) {
	env := newTestEnv(t)
	ids := env.queuedClaims(3, "unemployment fell by 3%")
	c, eddie := env.signedIn("eddie@newsroom.example", domain.RoleEditor)
	raw := env.raw()
	other, err := storage.Open(context.Background(), env.db.Path) // another process on the same file
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	page := func(path string) string {
		t.Helper()
		res := c.get(path)
		wantStatus(t, res, http.StatusOK)
		return res.Body
	}
	twice := func(path string) string { page(path); return page(path) }

	if body := twice("/queue"); !strings.Contains(body, "The Daily Ledger") {
		t.Fatal("the queue does not show the outlet")
	}
	if _, err := raw.Exec(`UPDATE articles SET outlet = 'The Evening Post'`); err != nil {
		t.Fatal(err)
	}
	if body := page("/queue"); !strings.Contains(body, "The Evening Post") {
		t.Error("the queue still shows an outlet changed around storage")
	}

	twice("/queue")
	ctx := domain.WithActor(context.Background(), domain.Actor{UserID: eddie.ID, Label: eddie.Email})
	if _, err := other.SetClaimPriority(ctx, []storage.ClaimRef{{ID: ids[0], Seen: mustVersion(t, env, ids[0])}}, domain.PriorityHigh); err != nil {
		t.Fatal(err)
	}
	if body := page("/queue"); !strings.Contains(body, `prio-high`) {
		t.Error("the queue still shows a priority changed by another process")
	}

	// A claim page's timeline, kept per claim.
	items := func() int { return strings.Count(page("/claims/"+itoa(ids[1])), `data-testid="timeline-item"`) }
	page("/claims/" + itoa(ids[1]))
	before := items()
	if _, err := other.SetClaimPriority(ctx, []storage.ClaimRef{{ID: ids[1], Seen: mustVersion(t, env, ids[1])}}, domain.PriorityHigh); err != nil {
		t.Fatal(err)
	}
	if after := items(); after != before+1 {
		t.Errorf("the claim's timeline has %d entries after a change by another process, want %d", after, before+1)
	}

	// Through this process: a reviewer takes a claim; the queue drops it.
	rita, _ := env.signedIn("rita@newsroom.example", domain.RoleReviewer)
	twice("/queue")
	wantStatus(t, rita.postForm("/queue/next", nil), http.StatusSeeOther)
	if n := strings.Count(page("/queue"), `data-testid="queue-row"`); n != 2 {
		t.Errorf("the queue lists %d claims after one was taken, want 2", n)
	}

	// The review list, kept per editor.
	id := env.takeAndComplete(rita)
	wantStatus(t, rita.postForm("/claims/"+itoa(id)+"/submit", url.Values{"version": {env.verdictVersion(id)}}), http.StatusSeeOther)
	if body := twice("/review"); !strings.Contains(body, `data-claim-id="`+itoa(id)+`"`) {
		t.Fatal("the review list does not show the submitted verdict")
	}
	if _, err := raw.Exec(`UPDATE verdicts SET conclusion = 'Changed around storage' WHERE claim_id = ?`, id); err != nil {
		t.Fatal(err)
	}
	if body := page("/review"); !strings.Contains(body, "Changed around storage") {
		t.Error("the review list still shows a conclusion changed around storage")
	}

	// The home page, kept per person.
	if body := twice("/"); !strings.Contains(body, `data-claim-id="`+itoa(id)+`"`) {
		t.Fatal("the home page does not list the verdict waiting for approval")
	}
	if _, err := raw.Exec(`UPDATE claims SET text = 'Reworded around storage' WHERE id = ?`, id); err != nil {
		t.Fatal(err)
	}
	if body := page("/"); !strings.Contains(body, "Reworded around storage") {
		t.Error("the home page still shows a claim reworded around storage")
	}
	// Through this process: the editor approves it, and it leaves his list.
	twice("/")
	wantStatus(t, c.postForm("/claims/"+itoa(id)+"/approve", url.Values{"version": {env.verdictVersion(id)}}), http.StatusSeeOther)
	if body := page("/"); !strings.Contains(body, `data-testid="home-waiting-empty"`) {
		t.Error("the home page still lists a verdict approved through this process as waiting")
	}
}

func mustVersion(t *testing.T, env *testEnv, id int64) int64 {
	t.Helper()
	var v int64
	if err := env.raw().QueryRow(`SELECT version FROM claims WHERE id = ?`, id).Scan(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

// A kept list stops being served the moment one of its claims turns
// overdue, though nothing in the database changed.
func TestKeptPagesEndWhenAClaimTurnsOverdue(t *testing.T) {
	now := time.Date(2026, 3, 10, 15, 0, 0, 0, time.UTC)
	due := func(day int, state domain.ClaimState) *domain.Claim {
		return &domain.Claim{DueAt: time.Date(2026, 3, day, 0, 0, 0, 0, time.UTC), State: state}
	}
	claims := []*domain.Claim{
		due(8, domain.StateQueued),    // overdue already
		due(12, domain.StateInReview), // turns overdue at the start of the 13th
		due(11, domain.StateApproved), // approved: never overdue
		due(10, domain.StateQueued),   // turns overdue at the start of the 11th
		{State: domain.StateQueued},   // no due date
	}
	until := turnsOverdue(claims, now)
	if want := time.Date(2026, 3, 11, 0, 0, 0, 0, time.UTC); !until.Equal(want) {
		t.Fatalf("turnsOverdue = %v, want %v", until, want)
	}
	k := newKeptPages()
	k.put(7, "queue", []byte("rows"), until)
	if _, ok := k.get(7, "queue", now); !ok {
		t.Error("a kept list is not served before any claim on it turns overdue")
	}
	if _, ok := k.get(7, "queue", until); ok {
		t.Error("a kept list is still served once a claim on it turned overdue")
	}
	if _, ok := k.get(8, "queue", now); ok {
		t.Error("a list kept at an older generation is served")
	}
	if !turnsOverdue([]*domain.Claim{due(8, domain.StateQueued)}, now).IsZero() {
		t.Error("a list whose claims are all overdue already has an end")
	}
}

// Kept bodies are bounded by the memory they hold: a body's capacity counts,
// so bodies kept with room to spare cannot hold twice the bound; and a body
// rendered for keeping holds no more than the page.
func TestKeptPagesCountTheMemoryTheyHold(t *testing.T) {
	k := newKeptPages()
	for i := range 64 {
		html := make([]byte, 1<<10, 1<<20) // a kilobyte shown in a megabyte held
		k.put(1, fmt.Sprint("/queue?page=", i), html, time.Time{})
	}
	if held := k.c.Len() << 20; held > keptPagesBytes {
		t.Errorf("%d bodies kept hold %d MB, over the bound of %d MB", k.c.Len(), held>>20, keptPagesBytes>>20)
	}
	page := templ.ComponentFunc(func(_ context.Context, w io.Writer) error {
		for range 81 { // written a piece at a time, as templ writes
			if _, err := io.WriteString(w, strings.Repeat("x", 512)); err != nil {
				return err
			}
		}
		return nil
	})
	// (at most a page of 8 kB more, as Go rounds a large allocation)
	if html := keptBody(context.Background(), page); len(html) != 81*512 || cap(html) > len(html)+8<<10 {
		t.Errorf("a body of %d bytes is kept in %d", len(html), cap(html))
	}
}

// TestClaimAndArticlePagesKeptFollowPeopleTypedTextAndChanges opens a claim
// page and its article's page again and again while they are kept as drawn:
// the same page again is the same bytes; each person gets their own claim
// page (what they may do shows on it); text carried over from a post that
// saved nothing shows on the next page, and only there; a change made by
// another process shows at once.
func TestClaimAndArticlePagesKeptFollowPeopleTypedTextAndChanges(t *testing.T) {
	env := newTestEnv(t)
	env.queuedClaims(1, "exports rose by 4%")
	rita, _ := env.signedIn("rita@newsroom.example", domain.RoleReviewer)
	eddie, _ := env.signedIn("eddie@newsroom.example", domain.RoleEditor)
	wantStatus(t, rita.postForm("/queue/next", nil), http.StatusSeeOther)
	raw := env.raw()
	var id, article int64
	if err := raw.QueryRow(`SELECT id, article_id FROM claims WHERE state = 'in_review'`).Scan(&id, &article); err != nil {
		t.Fatal(err)
	}
	claimPath, articlePath := "/claims/"+itoa(id), "/articles/"+itoa(article)
	has := func(res *response, testid string) bool {
		return res.Doc(t).Find(`[data-testid="`+testid+`"]`).Length() > 0
	}

	wantStatus(t, rita.get(claimPath), http.StatusOK) // shows the take's flash
	first := rita.get(claimPath)
	if again := rita.get(claimPath); again.Body != first.Body {
		t.Error("the claim page asked again differs")
	}
	if !has(first, "save-verdict") || has(first, "due-form") {
		t.Error("the reviewer working the claim gets an editor's claim page, or no verdict form")
	}
	for range 2 {
		editor := eddie.get(claimPath)
		if !has(editor, "due-form") {
			t.Error("the editor gets the reviewer's claim page, not their own")
		}
	}

	// "Keep what I typed" saves nothing: the page after it is drawn with the
	// typed text, the one after that from what is stored.
	wantStatus(t, rita.postForm(claimPath+"/keep", url.Values{"conclusion": {"Half a conclusion"}}), http.StatusSeeOther)
	if typed := rita.get(claimPath); !has(typed, "typed-kept") || !strings.Contains(typed.Body, "Half a conclusion") {
		t.Error("the claim page after keeping typed text does not show it")
	}
	if after := rita.get(claimPath); has(after, "typed-kept") || strings.Contains(after.Body, "Half a conclusion") {
		t.Error("typed text shows on the claim page after it was shown once")
	}

	firstArticle := rita.get(articlePath)
	wantStatus(t, firstArticle, http.StatusOK)
	if again := rita.get(articlePath); again.Body != firstArticle.Body {
		t.Error("the article page asked again differs")
	}
	mine, _ := firstArticle.Doc(t).Find(`[data-testid="article"]`).Html()
	if theirs, _ := eddie.get(articlePath).Doc(t).Find(`[data-testid="article"]`).Html(); theirs != mine {
		t.Error("the article page differs from one person to another")
	}
	wantStatus(t, rita.postForm(articlePath+"/keep", url.Values{"quote": {"A sentence to add by hand"}}), http.StatusSeeOther)
	if typed := rita.get(articlePath); !has(typed, "typed-kept") || !strings.Contains(typed.Body, "A sentence to add by hand") {
		t.Error("the article page after keeping typed text does not show it")
	}
	if after := rita.get(articlePath); has(after, "typed-kept") || strings.Contains(after.Body, "A sentence to add by hand") {
		t.Error("typed text shows on the article page after it was shown once")
	}

	// Changes made around the server show at the next request.
	if _, err := raw.Exec(`UPDATE claims SET text = 'exports fell by 2%' WHERE id = ?`, id); err != nil {
		t.Fatal(err)
	}
	if got := rita.get(claimPath).TestID(t, "claim-text"); !strings.Contains(got, "exports fell by 2%") {
		t.Errorf("the claim page shows %q after the claim changed", got)
	}
	if _, err := raw.Exec(`UPDATE articles SET title = 'Jobs figures, revised' WHERE id = ?`, article); err != nil {
		t.Fatal(err)
	}
	page := rita.get(articlePath)
	if got := page.TestID(t, "article-title"); got != "Jobs figures, revised" || !strings.Contains(page.Doc(t).Find("title").Text(), "Jobs figures, revised") {
		t.Errorf("the article page shows %q after the article changed", got)
	}
}
