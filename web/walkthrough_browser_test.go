package web

import (
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
