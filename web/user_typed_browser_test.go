package web

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/chromedp/chromedp"

	"claimtrail/domain"
	"claimtrail/web/browsertest"
)

// TestBrowserUserPageKeepsTypedWork: an admin chooses a new role on a
// user's page, then resets the password and deactivates the account before
// pressing Change role. The chosen role stays chosen through both, unsaved
// until Change role saves it; with JavaScript off and on.
func TestBrowserUserPageKeepsTypedWork(t *testing.T) {
	for _, script := range []bool{false, true} {
		t.Run(map[bool]string{false: "without-script", true: "with-script"}[script], func(t *testing.T) {
			env := newTestEnv(t)
			env.createUser("ada@newsroom.example", domain.RoleAdmin)
			rita := env.createUser("rita@newsroom.example", domain.RoleReviewer)
			b := &browser{t: t, ctx: browsertest.New(t), env: env}
			if !script {
				browsertest.NoScript(t, b.ctx)
			}
			b.signIn("ada@newsroom.example")
			b.do("open Rita's page", chromedp.Navigate(env.srv.URL+"/admin/users/"+itoa(rita.ID)), chromedp.WaitVisible(chromedp.CSS(`[data-testid="change-role"]`)))
			if script {
				b.eval(`Promise.resolve((window.confirm = () => true, ""))`)
			}
			b.do("choose editor", chromedp.SetValue(chromedp.ID("role"), string(domain.RoleEditor)))
			b.submit("reset the password", `[data-testid="reset-password"]`, `[data-testid="one-time-password"]`)
			if got := b.value(`#role`); got != string(domain.RoleEditor) {
				t.Errorf("role after resetting the password: %q, want the editor chosen", got)
			}
			if n := env.count(`SELECT count(*) FROM users WHERE id = ? AND role = 'reviewer'`, rita.ID); n != 1 {
				t.Error("the role was saved without Change role")
			}

			if script {
				b.eval(`Promise.resolve((window.confirm = () => true, ""))`)
			}
			b.submit("deactivate", `[data-testid="deactivate"]`, `[data-testid="flash-success"]`)
			if got := b.value(`#role`); got != string(domain.RoleEditor) {
				t.Errorf("role after deactivating: %q, want the editor chosen", got)
			}
			if got := b.text(`[data-testid="user-status"]`); got != "Deactivated" {
				t.Errorf("status %q after deactivating", got)
			}
			if b.eval(`Promise.resolve(String(document.querySelector('[data-testid="one-time-password"]') === null))`) != "true" {
				t.Error("the one-time password is shown a second time")
			}

			b.submit("change the role", `[data-testid="change-role"]`, `[data-testid="flash-success"]`)
			if n := env.count(`SELECT count(*) FROM users WHERE id = ? AND role = 'editor' AND active = 0`, rita.ID); n != 1 {
				t.Error("Change role did not save the chosen role")
			}
			if got := b.text(`[data-testid="user-role"]`); got != domain.RoleEditor.Label() {
				t.Errorf("role shown %q after saving", got)
			}
		})
	}
}

// TestUserPageRefusalKeepsChoices: a refused post on a user's page (the
// account is already deactivated) redraws the page with the reason and
// the role chosen, not an error page; a password reset keeps the role
// chosen and shows the one-time password once.
func TestUserPageRefusalKeepsChoices(t *testing.T) {
	env := newTestEnv(t)
	ada, _ := env.signedIn("ada@newsroom.example", domain.RoleAdmin)
	rita := env.createUser("rita@newsroom.example", domain.RoleReviewer)
	page := "/admin/users/" + itoa(rita.ID)
	wantStatus(t, ada.postForm(page+"/active", url.Values{"active": {"false"}, "role": {"editor"}}), http.StatusSeeOther)
	res := ada.get(page)
	if got, _ := res.Doc(t).Find(`#role option[selected]`).Attr("value"); got != "editor" {
		t.Errorf("role chosen after deactivating: %q", got)
	}
	res = ada.postForm(page+"/active", url.Values{"active": {"false"}, "role": {"admin"}})
	wantStatus(t, res, http.StatusConflict)
	if got := res.TestID(t, "error-message"); got == "" {
		t.Error("no reason shown for the refusal")
	}
	if got, _ := res.Doc(t).Find(`#role option[selected]`).Attr("value"); got != "admin" {
		t.Errorf("role chosen after a refusal: %q", got)
	}
	wantStatus(t, ada.postForm(page+"/password", url.Values{"role": {"admin"}, "secret": {"typed to be shown"}}), http.StatusSeeOther)
	res = ada.get(page)
	doc := res.Doc(t)
	if got, _ := doc.Find(`#role option[selected]`).Attr("value"); got != "admin" {
		t.Errorf("role chosen after resetting the password: %q", got)
	}
	shown := doc.Find(`[data-testid="one-time-password"]`).Text()
	if shown == "" || shown == "typed to be shown" {
		t.Errorf("one-time password shown as %q", shown)
	}
	if ada.get(page).Doc(t).Find(`[data-testid="one-time-password"]`).Length() != 0 {
		t.Error("the one-time password is shown again on a reload")
	}
	if n := env.count(`SELECT count(*) FROM users WHERE id = ? AND role = 'reviewer'`, rita.ID); n != 1 {
		t.Error("the role changed without Change role")
	}
}
