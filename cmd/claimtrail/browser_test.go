package main

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"claimtrail/web/browsertest"
)

// signIn fills and submits the sign-in form and waits for the home page.
func signIn(t *testing.T, ctx context.Context, base, email, password string) {
	t.Helper()
	if err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/login"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="login"]`)),
		chromedp.SendKeys(chromedp.ID("email"), email),
		chromedp.SendKeys(chromedp.ID("password"), password),
		chromedp.Click(chromedp.CSS(`[data-testid="login-submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="nav"]`)),
	); err != nil {
		t.Fatalf("sign in as %s: %v", email, err)
	}
}

func text(t *testing.T, ctx context.Context, testid string) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`[data-testid="`+testid+`"]`)))
	if err != nil {
		t.Fatalf("read %s: %v", testid, err)
	}
	return strings.TrimSpace(s)
}

// An admin creates a reviewer in the browser; the reviewer signs in with the
// one-time password and sees the reviewer's navigation.
func TestBrowserAdminCreatesReviewer(t *testing.T) {
	s := startServer(t, "-demo")
	ctx := browsertest.New(t)

	signIn(t, ctx, s.URL, "admin@newsroom.example", s.Passwords["admin@newsroom.example"])
	if nav := text(t, ctx, "nav"); !strings.Contains(nav, "Users") || !strings.Contains(nav, "Audit log") {
		t.Errorf("admin navigation = %q", nav)
	}
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`a.nav-link[href="/admin/users"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="new-user"]`)),
		chromedp.Click(chromedp.CSS(`[data-testid="new-user"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="new-user-form"]`)),
		chromedp.SendKeys(chromedp.ID("name"), "Nia Newcomer"),
		chromedp.SendKeys(chromedp.ID("email"), "nia@newsroom.example"),
		chromedp.SetValue(chromedp.ID("role"), "reviewer"),
		chromedp.Click(chromedp.CSS(`[data-testid="create-user"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="one-time-password"]`)),
	); err != nil {
		t.Fatalf("create reviewer: %v", err)
	}
	browsertest.Screenshot(t, ctx, "new-user")
	password := text(t, ctx, "one-time-password")
	if role := text(t, ctx, "user-role"); role != "Reviewer" {
		t.Errorf("new account's role = %q", role)
	}

	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`[data-testid="logout"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="login"]`)),
	); err != nil {
		t.Fatalf("sign out: %v", err)
	}

	signIn(t, ctx, s.URL, "nia@newsroom.example", password)
	browsertest.Screenshot(t, ctx, "reviewer-home")
	if role := text(t, ctx, "current-role"); role != "Reviewer" {
		t.Errorf("signed-in role = %q", role)
	}
	nav := text(t, ctx, "nav")
	for _, want := range []string{"Home", "Articles", "Queue"} {
		if !strings.Contains(nav, want) {
			t.Errorf("reviewer navigation %q lacks %s", nav, want)
		}
	}
	for _, hidden := range []string{"Users", "Audit log", "Review"} {
		if strings.Contains(nav, hidden) {
			t.Errorf("reviewer navigation %q shows %s", nav, hidden)
		}
	}
}
