package web

import (
	"fmt"
	"strconv"
	"testing"

	"github.com/chromedp/chromedp"

	"claimtrail/domain"
	"claimtrail/web/browsertest"
)

// TestBrowserAuditLogFitsADesktop opens the audit log on a 1366-pixel
// laptop screen: the table stays inside the page, and each request's id
// reads on one line (the long names, an email or a dotted action, wrap
// instead), so an admin can copy it to find the request in the logs.
func TestBrowserAuditLogFitsADesktop(t *testing.T) {
	env := newTestEnv(t)
	env.createUser("ada@newsroom.example", domain.RoleAdmin)
	env.createUser("reviewer.with.a.long.name@newsroom.example", domain.RoleReviewer)
	b := &browser{t: t, ctx: browsertest.New(t), env: env}
	b.do("a laptop's screen", chromedp.EmulateViewport(1366, 800))
	b.signIn("reviewer.with.a.long.name@newsroom.example")
	b.signOut()
	b.signIn("ada@newsroom.example")
	b.do("open the audit log", chromedp.Navigate(env.srv.URL+"/admin/audit"), chromedp.WaitVisible(chromedp.CSS(`[data-testid="audit-events"]`)))
	browsertest.Screenshot(t, b.ctx, "audit-log")
	if got := b.eval(`Promise.resolve((() => {
		const table = document.querySelector('[data-testid="audit-events"]');
		const main = document.querySelector("main");
		const right = main.getBoundingClientRect().right - parseFloat(getComputedStyle(main).paddingRight);
		return String(table.getBoundingClientRect().right <= right + 0.5);
	})())`); got != "true" {
		t.Error("the audit table runs past the right edge of the page")
	}
	if got := b.eval(`Promise.resolve(String([...document.querySelectorAll('[data-testid="audit-request"] span:first-child')].filter(s => {
		const r = document.createRange();
		r.selectNodeContents(s);
		return s.textContent.trim() !== "" && r.getClientRects().length > 1;
	}).length))`); got != "0" {
		t.Errorf("%s request ids are broken across lines", got)
	}
}

// TestBrowserAppearancesReadOnAPhone opens a claim on a phone: each of its
// appearances reads as one block, every cell named by its column, so the
// sentence wraps on screen instead of running a line thousands of pixels
// wide that the reviewer must scroll sideways to read.
func TestBrowserAppearancesReadOnAPhone(t *testing.T) {
	env := newTestEnv(t)
	ids := env.queuedClaims(1, "unemployment fell by 3% in the year to March, the fastest fall in the number of people out of work since records began in 1971")
	env.createUser("rita@newsroom.example", domain.RoleReviewer)
	b := &browser{t: t, ctx: browsertest.New(t), env: env}
	browsertest.Phone(t, b.ctx)
	b.signIn("rita@newsroom.example")
	b.do("open the claim", chromedp.Navigate(env.srv.URL+"/claims/"+itoa(ids[0])), chromedp.WaitVisible(chromedp.CSS(`[data-testid="appearances"]`)))
	browsertest.Screenshot(t, b.ctx, "appearances")
	if got := b.eval(`Promise.resolve((() => {
		const table = document.querySelector('[data-testid="appearances"] table');
		return table.scrollWidth + " " + table.clientWidth + " " + document.documentElement.clientWidth;
	})())`); !fitsPhone(got) {
		t.Errorf("appearances table scroll width, its width, the page's: %s; want it no wider than it shows", got)
	}
	// The sections are cards of their own, with room between them.
	if got := b.eval(`Promise.resolve(String(Math.round(document.querySelector('[data-testid="appearances"]').getBoundingClientRect().top -
		document.querySelector('[data-testid="appearances"]').previousElementSibling.getBoundingClientRect().bottom)))`); atoi(got) < 12 {
		t.Errorf("%s px between the appearances and the card above, want a gap like the grid's", got)
	}
}

func atoi(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		return -1
	}
	return n
}

// fitsPhone reads "scrollWidth clientWidth pageWidth" and reports whether
// the box shows all it holds and fits the page.
func fitsPhone(s string) bool {
	var scroll, client, page int
	if _, err := fmt.Sscan(s, &scroll, &client, &page); err != nil {
		return false
	}
	return scroll <= client+1 && client <= page
}

// TestBrowserUsersListReadsOnAPhone opens the admin's list of people on a
// phone: each person is a block naming their email, role and status on
// screen, instead of a table whose role and status sat off to the right.
func TestBrowserUsersListReadsOnAPhone(t *testing.T) {
	env := newTestEnv(t)
	env.createUser("ada@newsroom.example", domain.RoleAdmin)
	env.createUser("a.reviewer.with.a.long.address@newsroom.example", domain.RoleReviewer)
	b := &browser{t: t, ctx: browsertest.New(t), env: env}
	browsertest.Phone(t, b.ctx)
	b.signIn("ada@newsroom.example")
	b.do("open the users", chromedp.Navigate(env.srv.URL+"/admin/users"), chromedp.WaitVisible(chromedp.CSS(`[data-testid="users"]`)))
	browsertest.Screenshot(t, b.ctx, "users")
	if got := b.eval(`Promise.resolve((() => {
		const table = document.querySelector('[data-testid="users"]');
		return table.scrollWidth + " " + table.clientWidth + " " + document.documentElement.clientWidth;
	})())`); !fitsPhone(got) {
		t.Errorf("users table scroll width, its width, the page's: %s; want it no wider than it shows", got)
	}
}
