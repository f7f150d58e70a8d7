package web

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"claimtrail/domain"
	"claimtrail/web/browsertest"
)

// An editor ticks claims on the queue page and assigns them in one go; the
// form carries each row's version, so the change goes through, and a second
// editor's change made meanwhile is refused by name instead of overwritten.
func TestBrowserBulkAssignFromTheQueue(t *testing.T) {
	env := newTestEnv(t)
	ids := env.queuedClaims(3, "crime doubled")
	env.createUser("eddie@newsroom.example", domain.RoleEditor)
	_, rita := env.signedIn("rita@newsroom.example", domain.RoleReviewer)
	emma, _ := env.signedIn("emma@newsroom.example", domain.RoleEditor)
	b := &browser{t: t, ctx: browsertest.New(t), env: env}
	b.signIn("eddie@newsroom.example")

	row := func(id int64) string {
		return `[data-testid="queue-row"][data-claim-id="` + itoa(id) + `"] input[name="ids"]`
	}
	b.do("tick two claims and assign them",
		chromedp.Navigate(env.srv.URL+"/queue"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="bulk-form"]`)),
		chromedp.Click(chromedp.CSS(row(ids[0]))),
		chromedp.Click(chromedp.CSS(row(ids[1]))),
		chromedp.SetValue(chromedp.ID("bulk-assignee"), itoa(rita.ID)),
	)
	// On a desk's screen the filters are open: no button to fold them.
	if b.eval(`Promise.resolve(getComputedStyle(document.querySelector('[data-testid="filters-button"]')).display)`) != "none" {
		t.Error("the phone's Filters button shows on a desktop screen, where the filters are already open")
	}
	b.submit("assign", `[data-testid="bulk-assign"]`, `.flash`)
	b.waitFor("the success message", `document.querySelector(".flash") && document.querySelector(".flash").innerText.includes("Updated 2 claims")`)
	for _, id := range ids[:2] {
		if c, _ := env.db.ClaimByID(t.Context(), id); c.AssigneeID != rita.ID {
			t.Errorf("claim %d assigned to %d, want %d", id, c.AssigneeID, rita.ID)
		}
	}

	// Eddie ticks the third claim; Emma reprioritises it before he submits.
	b.do("reload and tick the third claim",
		chromedp.Navigate(env.srv.URL+"/queue"),
		chromedp.WaitVisible(chromedp.CSS(row(ids[2]))),
		chromedp.Click(chromedp.CSS(row(ids[2]))),
		chromedp.SetValue(chromedp.ID("bulk-priority"), "low"),
	)
	wantStatus(t, emma.postForm("/claims/"+itoa(ids[2])+"/priority", map[string][]string{"priority": {"urgent"}}), 303)
	b.submit("set priority", `[data-testid="bulk-priority"]`, `[data-testid="error-ids"]`)
	b.waitFor("the refusal naming the claim", `document.querySelector('[data-testid="error-ids"]') && document.querySelector('[data-testid="error-ids"]').innerText.includes("Claim `+itoa(ids[2])+` changed")`)
	if c, _ := env.db.ClaimByID(t.Context(), ids[2]); c.Priority != domain.PriorityUrgent {
		t.Errorf("Emma's urgent priority was overwritten: %s", c.Priority)
	}
}

// TestBrowserBulkChangeKeepsTheQueueFilter filters the queue to all open
// claims, ticks two and sets their priority, with JavaScript off and on:
// the page the change leads back to is still filtered the same way, so the
// list the editor was working through is not lost.
func TestBrowserBulkChangeKeepsTheQueueFilter(t *testing.T) {
	for _, script := range []bool{false, true} {
		t.Run(map[bool]string{false: "without-script", true: "with-script"}[script], func(t *testing.T) {
			env := newTestEnv(t)
			ids := env.queuedClaims(2, "crime doubled")
			env.createUser("eddie@newsroom.example", domain.RoleEditor)
			b := &browser{t: t, ctx: browsertest.New(t), env: env}
			if !script {
				browsertest.NoScript(t, b.ctx)
			}
			b.signIn("eddie@newsroom.example")
			row := func(id int64) string {
				return `[data-testid="queue-row"][data-claim-id="` + itoa(id) + `"] input[name="ids"]`
			}
			b.do("filter to open claims and tick two",
				chromedp.Navigate(env.srv.URL+"/queue?state=open&type=quantity"),
				chromedp.WaitVisible(chromedp.CSS(`[data-testid="bulk-form"]`)),
				chromedp.Click(chromedp.CSS(row(ids[0]))),
				chromedp.Click(chromedp.CSS(row(ids[1]))),
				chromedp.SetValue(chromedp.ID("bulk-priority"), "high"),
			)
			b.submit("set their priority", `[data-testid="bulk-priority"]`, `[data-testid="flash-success"]`)
			for _, id := range ids {
				if c, _ := env.db.ClaimByID(t.Context(), id); c.Priority != domain.PriorityHigh {
					t.Errorf("claim %d has priority %s", id, c.Priority)
				}
			}
			if got := b.eval(`Promise.resolve(location.search)`); !strings.Contains(got, "state=open") || !strings.Contains(got, "type=quantity") {
				t.Errorf("the queue after the change is at %q, not the filter shown", got)
			}
			if got := b.value(`#state`); got != "open" {
				t.Errorf("state filter after the change: %q", got)
			}
		})
	}
}
