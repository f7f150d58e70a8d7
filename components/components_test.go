package components

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/a-h/templ"

	"claimtrail/domain"
)

func render(t *testing.T, c templ.Component) *goquery.Document {
	t.Helper()
	var buf bytes.Buffer
	if err := c.Render(context.Background(), &buf); err != nil {
		t.Fatal(err)
	}
	doc, err := goquery.NewDocumentFromReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

func TestNavigationFollowsRole(t *testing.T) {
	tests := []struct {
		role    domain.Role
		want    []string
		notWant []string
	}{
		{domain.RoleReviewer, []string{"Home", "Articles", "Queue", "Export"}, []string{"Review", "Ratings", "Users", "Audit log"}},
		{domain.RoleEditor, []string{"Queue", "Review", "Ratings"}, []string{"Users", "Audit log"}},
		{domain.RoleAdmin, []string{"Review", "Users", "Audit log", "Publishing", "Published"}, nil},
	}
	for _, tt := range tests {
		t.Run(string(tt.role), func(t *testing.T) {
			u := &domain.User{ID: 1, Name: "N", Role: tt.role, Active: true}
			doc := render(t, HomePage(PageMeta{User: u, Path: "/queue"}, HomeView{Home: &domain.Home{}}))
			nav := doc.Find(`[data-testid="nav"]`).Text()
			for _, w := range tt.want {
				if !strings.Contains(nav, w) {
					t.Errorf("nav %q lacks %q", nav, w)
				}
			}
			for _, w := range tt.notWant {
				if strings.Contains(nav, w) {
					t.Errorf("nav %q shows %q", nav, w)
				}
			}
			if cur := doc.Find(`a[aria-current="page"]`).Text(); cur != "Queue" {
				t.Errorf("current link = %q, want Queue", cur)
			}
		})
	}
	// The admin's own pages are a named group of their own, not four more
	// links run on after the desk's.
	admin := render(t, HomePage(PageMeta{User: &domain.User{ID: 1, Name: "A", Role: domain.RoleAdmin, Active: true}, Path: "/"}, HomeView{Home: &domain.Home{}}))
	if n := admin.Find(`nav[aria-label="Main"] a[href^="/admin/"]`).Length(); n != 0 {
		t.Errorf("%d admin links among the desk's", n)
	}
	group := admin.Find(`[data-testid="admin-nav"]`)
	if n := group.Find(`a[href^="/admin/"]`).Length(); n != 4 {
		t.Errorf("the admin group holds %d links, want 4", n)
	}
	if id := group.AttrOr("aria-labelledby", ""); id == "" || strings.TrimSpace(admin.Find("#"+id).Text()) != "Admin" {
		t.Errorf("the admin group is not named Admin (aria-labelledby %q)", id)
	}
	if render(t, LoginPage(PageMeta{}, LoginForm{})).Find(`[data-testid="nav"]`).Length() != 0 {
		t.Error("signed-out page shows navigation")
	}
}

func TestUserTextIsEscaped(t *testing.T) {
	evil := `<script>alert(1)</script><img src=x onerror=alert(2)>`
	u := &domain.User{ID: 7, Name: evil, Email: "x@newsroom.example", Role: domain.RoleReviewer, Active: true}
	var buf bytes.Buffer
	if err := UserPage(PageMeta{User: u, Flash: []Flash{{Kind: "error", Message: evil}}}, u, "", UserView{Problem: evil}, nil).Render(context.Background(), &buf); err != nil {
		t.Fatal(err)
	}
	doc, _ := goquery.NewDocumentFromReader(bytes.NewReader(buf.Bytes()))
	if doc.Find("script:not([src])").Length() != 0 || doc.Find("img").Length() != 0 {
		t.Errorf("user text became markup:\n%s", buf.String())
	}
	if got := doc.Find(`[data-testid="user-name"]`).Text(); got != evil {
		t.Errorf("name shown as %q", got)
	}
}
