package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"claimtrail/domain"
	"claimtrail/web/ingest"
)

// triageLabels adds an article in the test's own words and triages its
// candidates as rita: accepted ones are check-worthy labels, the rest are
// dismissed as not check-worthy. It returns the candidates still untouched.
func (e *testEnv) triageLabels(accept, dismiss int) []int64 {
	e.t.Helper()
	ctx := domain.WithActor(context.Background(), domain.Actor{Label: "rita@newsroom.example"})
	var b strings.Builder
	places := []string{"Harbour", "Millbrook", "Eastfield", "Kingsford", "Northgate", "Riverside", "Ashby", "Westholme"}
	for i := range accept + dismiss + 6 {
		fmt.Fprintf(&b, "%s council spent £%d million on %s in %d, its report said. ", places[i%len(places)], 3+i, []string{"buses", "libraries", "roads", "parks"}[i%4], 2001+i)
	}
	a, cands, err := PrepareArticle(ingest.Article{Title: fmt.Sprintf("Council spending %d", time.Now().UnixNano()), Text: b.String()}, domain.OriginPaste)
	if err == nil {
		err = e.db.CreateArticle(ctx, a, cands)
	}
	if err != nil {
		e.t.Fatal(err)
	}
	if len(cands) < accept+dismiss {
		e.t.Fatalf("%d candidates, want %d", len(cands), accept+dismiss)
	}
	for i, c := range cands[:accept+dismiss] {
		if i < accept {
			_, err = e.db.AcceptClaim(ctx, c.ID, "", 0)
		} else {
			_, err = e.db.DismissClaim(ctx, c.ID, domain.Dismissal{Reason: domain.DismissNotCheckWorthy})
		}
		if err != nil {
			e.t.Fatal(err)
		}
	}
	var rest []int64
	for _, c := range cands[accept+dismiss:] {
		rest = append(rest, c.ID)
	}
	return rest
}

// waitForScorer follows a run as a browser without JavaScript does: the
// page never reloads itself (that would lose what is typed there); a frame
// in it does, until the run is over; then the page is shown again.
func waitForScorer(t *testing.T, c *client) *response {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	page := c.get("/admin/scorer")
	wantStatus(t, page, http.StatusOK)
	doc := page.Doc(t)
	running := doc.Find(`[data-testid="scorer-progress"]`).Length() > 0
	// noscript is read as text here, as a browser with scripts reads it.
	if strings.Contains(doc.Find(`head`).Text(), `http-equiv="refresh"`) || strings.Contains(page.Body, `http-equiv="refresh"`) {
		t.Fatal("the Claim scorer page reloads itself")
	}
	if framed := strings.Contains(doc.Find(`[data-testid="scorer-progress"] noscript`).Text(), `src="/admin/scorer/progress?frame=1"`); running != framed {
		t.Fatalf("progress shown %v but progress frame %v", running, framed)
	}
	for running {
		frame := c.get("/admin/scorer/progress?frame=1")
		wantStatus(t, frame, http.StatusOK)
		if got := frame.Header.Get("X-Frame-Options"); got != "SAMEORIGIN" {
			t.Fatalf("the frame's X-Frame-Options is %q", got)
		}
		if csp := frame.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "frame-ancestors 'self'") {
			t.Fatalf("the frame's policy: %q", csp)
		}
		running = strings.Contains(frame.Body, `http-equiv="refresh"`)
		if running != (frame.Doc(t).Find(`progress`).Length() > 0) {
			t.Fatalf("the frame reloads %v but shows progress %v", running, !running)
		}
		if !running {
			if frame.Doc(t).Find(`[data-testid="frame-done"], [data-testid="frame-failed"]`).Length() == 0 {
				t.Fatal("the frame does not say the run is over")
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the claim scorer was still adapting after 30 s")
		}
		time.Sleep(100 * time.Millisecond)
	}
	page = c.get("/admin/scorer")
	wantStatus(t, page, http.StatusOK)
	return page
}

func TestScorerPageAdaptRollBackAndAuto(t *testing.T) {
	env := newTestEnv(t)
	admin, _ := env.signedIn("ada@newsroom.example", domain.RoleAdmin)
	editor, _ := env.signedIn("eddie@newsroom.example", domain.RoleEditor)
	rita, _ := env.signedIn("rita@newsroom.example", domain.RoleReviewer)

	wantStatus(t, editor.get("/admin/scorer"), http.StatusForbidden)
	wantStatus(t, editor.get("/admin/scorer/progress?frame=1"), http.StatusForbidden)
	wantStatus(t, editor.postForm("/admin/scorer/adapt", url.Values{}), http.StatusForbidden)

	// Too few labels: refused on the page, nothing made.
	res := admin.postForm("/admin/scorer/adapt", url.Values{})
	wantStatus(t, res, http.StatusUnprocessableEntity)
	if msg := res.TestID(t, "error-adapt"); !strings.Contains(msg, "Too few labels to learn from: 0") {
		t.Errorf("refusal: %q", msg)
	}

	rest := env.triageLabels(12, 10)
	page := admin.get("/admin/scorer")
	if got := page.TestID(t, "scorer-labels"); !strings.HasPrefix(got, "22 labels: 12 check-worthy, 10 not check-worthy; 22 since") {
		t.Errorf("labels: %q", got)
	}
	wantStatus(t, admin.postForm("/admin/scorer/adapt", url.Values{}), http.StatusSeeOther)
	page = waitForScorer(t, admin)
	if got := page.TestID(t, "scorer-done"); got != "Version 1 is ready and in use." {
		t.Errorf("after adapting: %q (%s)", got, page.TestID(t, "scorer-failed"))
	}
	row := page.Doc(t).Find(`[data-testid="scorer-version"][data-version="1"]`)
	if row.Find(`[data-testid="in-use"]`).Length() != 1 || !strings.Contains(row.Text(), "ada@newsroom.example") || !strings.Contains(row.Text(), "22 from triage") {
		t.Errorf("version 1 row: %q", row.Text())
	}

	// Roll back, then forward again.
	wantStatus(t, admin.postForm("/admin/scorer/use", url.Values{"version": {"base"}}), http.StatusSeeOther)
	page = admin.get("/admin/scorer")
	if page.Doc(t).Find(`[data-version="base"] [data-testid="in-use"]`).Length() != 1 {
		t.Error("base not in use after rolling back")
	}
	wantStatus(t, admin.postForm("/admin/scorer/use", url.Values{"version": {"7"}}), http.StatusNotFound)
	wantStatus(t, admin.postForm("/admin/scorer/use", url.Values{"version": {"x"}}), http.StatusUnprocessableEntity)

	// Automatic adaptation: a bad setting comes back with what was typed.
	res = admin.postForm("/admin/scorer/auto", url.Values{"auto_every": {"5"}})
	wantStatus(t, res, http.StatusUnprocessableEntity)
	if res.TestID(t, "error-auto_every") == "" || res.Doc(t).Find(`input[name="auto_every"]`).AttrOr("value", "") != "5" {
		t.Errorf("refused setting: %s", snippet(res.Body))
	}
	wantStatus(t, admin.postForm("/admin/scorer/auto", url.Values{"auto_every": {"20"}}), http.StatusSeeOther)
	if s, _ := env.db.ScorerStatus(context.Background()); s.AutoEvery != 20 || len(s.Models) != 1 {
		t.Fatalf("status %+v", s)
	}
	// Twenty more labels; the last, given through the browser, sets it off.
	env.triageLabels(10, 9)
	wantStatus(t, rita.postForm("/claims/"+itoa(rest[0])+"/accept", url.Values{}), http.StatusSeeOther)
	deadline := time.Now().Add(30 * time.Second)
	for {
		s, _ := env.db.ScorerStatus(context.Background())
		if len(s.Models) == 2 && !admin.env.app.scorer.snapshot().Running {
			if s.Current != 2 || s.Models[0].CreatedBy != autoActor.Label || s.Models[0].TriageLabels != 42 {
				t.Errorf("automatic version: current %d, %+v", s.Current, s.Models[0])
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no automatic adaptation after 20 new labels")
		}
		time.Sleep(50 * time.Millisecond)
	}
	events, _ := env.db.ListAuditEvents(context.Background(), domain.AuditFilter{Action: "scorer.", Limit: 10})
	if len(events) != 4 {
		t.Errorf("%d scorer audit events, want 4 (adapted, used, auto_every, adapted)", len(events))
	}
}
