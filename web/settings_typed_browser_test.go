package web

import (
	"context"
	"testing"

	"github.com/chromedp/chromedp"

	"claimtrail/domain"
	"claimtrail/web/browsertest"
)

// TestBrowserAccountPageKeepsTypedWork types a public name, unticks a
// notification and names a token on Your account, then presses Create
// token, Save choices and Save public name in turn: each saves its own part
// and the rest stays as typed, with JavaScript off and on. Passwords are
// never kept.
func TestBrowserAccountPageKeepsTypedWork(t *testing.T) {
	for _, script := range []bool{false, true} {
		t.Run(map[bool]string{false: "without-script", true: "with-script"}[script], func(t *testing.T) {
			env := newTestEnv(t)
			u := env.createUser("rita@newsroom.example", domain.RoleReviewer)
			b := &browser{t: t, ctx: browsertest.New(t), env: env}
			if !script {
				browsertest.NoScript(t, b.ctx)
			}
			b.signIn("rita@newsroom.example")
			b.do("open Your account", chromedp.Navigate(env.srv.URL+"/settings"), chromedp.WaitVisible(chromedp.CSS(`[data-testid="public-name-form"]`)))
			b.do("type in three places and a password",
				chromedp.SendKeys(chromedp.ID("public_name"), "Rita Reporter"),
				chromedp.Click(chromedp.CSS(`[data-testid="notify-overdue"]`)),
				chromedp.SendKeys(chromedp.ID("name"), "weekly spreadsheet"),
				chromedp.SendKeys(chromedp.ID("current_password"), "not kept anywhere"),
			)
			b.submit("create the token", `[data-testid="create-token"]`, `[data-testid="new-token"]`)
			if got := b.value(`#public_name`); got != "Rita Reporter" {
				t.Errorf("public name after creating a token: %q", got)
			}
			if b.eval(`Promise.resolve(String(document.querySelector('[data-testid="notify-overdue"]').checked))`) != "false" {
				t.Error("the unticked notification is ticked again after creating a token")
			}
			if got := b.value(`#name`); got != "" {
				t.Errorf("the created token's name is still in its box: %q", got)
			}
			if got := b.value(`#current_password`); got != "" {
				t.Error("a typed password came back")
			}
			if n := env.count(`SELECT count(*) FROM notification_prefs WHERE user_id = ? AND enabled = 0`, u.ID); n != 0 {
				t.Error("the notification choice was saved without Save choices")
			}
			browsertest.Screenshot(t, b.ctx, "after-token")

			b.submit("save the choices", `[data-testid="save-notifications"]`, `[data-testid="flash-success"]`)
			if n := env.count(`SELECT count(*) FROM notification_prefs WHERE user_id = ? AND event = 'overdue' AND enabled = 0`, u.ID); n != 1 {
				t.Error("the notification choice was not saved")
			}
			if got := b.value(`#public_name`); got != "Rita Reporter" {
				t.Errorf("public name after saving choices: %q", got)
			}

			b.submit("save the public name", `[data-testid="save-public-name"]`, `[data-testid="flash-success"]`)
			if n := env.count(`SELECT count(*) FROM users WHERE id = ? AND public_name_requested = 'Rita Reporter'`, u.ID); n != 1 {
				t.Error("the public name was not saved")
			}
			if b.eval(`Promise.resolve(String(document.querySelector('[data-testid="notify-overdue"]').checked))`) != "false" {
				t.Error("the saved choice is not shown")
			}
		})
	}
}

// TestBrowserPublishingPageKeepsTypedWork types the publisher's name and a
// chat webhook on the publishing settings page, saves one and then the
// other: the unsaved one stays as typed, and a refused webhook keeps the
// publisher's details typed meanwhile; with JavaScript off and on.
func TestBrowserPublishingPageKeepsTypedWork(t *testing.T) {
	for _, script := range []bool{false, true} {
		t.Run(map[bool]string{false: "without-script", true: "with-script"}[script], func(t *testing.T) {
			env := newTestEnv(t)
			env.createUser("ada@newsroom.example", domain.RoleAdmin)
			b := &browser{t: t, ctx: browsertest.New(t), env: env}
			if !script {
				browsertest.NoScript(t, b.ctx)
			}
			b.signIn("ada@newsroom.example")
			b.do("open the publishing settings", chromedp.Navigate(env.srv.URL+"/admin/settings"), chromedp.WaitVisible(chromedp.CSS(`[data-testid="webhook-form"]`)))
			hook := "https://hooks.chat.example/services/T01/B01/abc"
			b.clear(`#publisher_name`)
			b.do("type a webhook and the publisher's name",
				chromedp.SendKeys(chromedp.ID("webhook_url"), hook),
				chromedp.SendKeys(chromedp.ID("publisher_name"), "Ledger Checks"),
			)
			b.submit("save the publisher", `[data-testid="save-publishing"]`, `[data-testid="flash-success"]`)
			if got := b.value(`#webhook_url`); got != hook {
				t.Errorf("webhook after saving the publisher: %q", got)
			}
			if n := env.count(`SELECT count(*) FROM settings WHERE key = 'notify.webhook_url' AND value != ''`); n != 0 {
				t.Error("the webhook was saved without Save webhook")
			}
			b.clear(`#publisher_name`)
			b.clear(`#webhook_url`)
			b.do("type another name and a webhook that is not a web address",
				chromedp.SendKeys(chromedp.ID("publisher_name"), "Ledger Fact Checks"),
				chromedp.SendKeys(chromedp.ID("webhook_url"), "the chat's hook"),
			)
			b.submit("save the webhook", `[data-testid="save-webhook"]`, `[data-testid="error-webhook_url"]`)
			if got := b.value(`#publisher_name`); got != "Ledger Fact Checks" {
				t.Errorf("publisher's name after a refused webhook: %q", got)
			}
			b.clear(`#webhook_url`)
			b.do("type a good webhook", chromedp.SendKeys(chromedp.ID("webhook_url"), hook))
			b.submit("save a good webhook", `[data-testid="save-webhook"]`, `[data-testid="flash-success"]`)
			if got := b.value(`#publisher_name`); got != "Ledger Fact Checks" {
				t.Errorf("publisher's name after saving the webhook: %q", got)
			}
			if got, err := env.db.Setting(context.Background(), domain.SettingNotifyWebhookURL, ""); err != nil || got != hook {
				t.Errorf("the webhook was not saved: %q, %v", got, err)
			}
		})
	}
}
