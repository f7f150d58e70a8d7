// Package components holds claimtrail's pages and fragments as templ
// components with typed props. Key nodes carry data-testid for tests.
package components

import (
	"github.com/a-h/templ"
	"strconv"
	"strings"
	"time"

	"claimtrail/domain"
)

// Flash is a one-time message shown at the top of the next page.
type Flash struct {
	Kind    string // "success", "error" or "info"
	Message string
}

// PageMeta is what every full page's layout needs.
type PageMeta struct {
	Title string
	User  *domain.User // nil when signed out
	Flash []Flash
	Path  string // the request path, to mark the current navigation link

	Unread int // the user's unread notifications, shown in the header
}

type navItem struct {
	Href, Label string
}

// navFor lists the navigation a user's role allows.
func navFor(u *domain.User) []navItem {
	if u == nil {
		return nil
	}
	items := []navItem{{"/", "Home"}, {"/articles", "Articles"}, {"/queue", "Queue"}, {"/returning", "Returning"}}
	if domain.CanEdit(u) {
		items = append(items, navItem{"/review", "Review"}, navItem{"/dashboard", "Dashboard"}, navItem{"/ratings", "Ratings"})
	}
	items = append(items, navItem{"/export", "Export"}, navItem{"/checks", "Published"})
	return items
}

// adminNavFor is the admin's own pages, a group of their own beside the
// desk's: run together with them, fourteen links wrapped into four ragged
// rows on a phone.
func adminNavFor(u *domain.User) []navItem {
	if !domain.CanManageUsers(u) {
		return nil
	}
	return []navItem{{"/admin/users", "Users"}, {"/admin/audit", "Audit log"}, {"/admin/settings", "Publishing"}, {"/admin/scorer", "Claim scorer"}}
}

func isCurrent(path, href string) bool {
	if href == "/" {
		return path == "/"
	}
	return path == href || strings.HasPrefix(path, href+"/")
}

func ariaCurrent(path, href string) string {
	if isCurrent(path, href) {
		return "page"
	}
	return "false"
}

// FormatTime shows a time in the newsroom's usual short form, in UTC.
func FormatTime(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.UTC().Format("2 Jan 2006 15:04 UTC")
}

// FormatDate shows a date without a time.
func FormatDate(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.UTC().Format("2 Jan 2006")
}

// FormatDay shows a day kept as yyyy-mm-dd (a search hit's) as FormatDate
// does, so every page writes dates alike; anything else is shown as is.
func FormatDay(day string) string {
	t, err := time.Parse(time.DateOnly, day)
	if err != nil {
		return day
	}
	return FormatDate(t)
}

// ISOTime is the machine-readable form for <time datetime>.
func ISOTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// itoa writes an id, a version or a count in decimal.
func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// FieldErrors maps form field names to messages shown beside them.
type FieldErrors map[string]string

// invalid marks a form control whose field has an error, for screen
// readers: aria-invalid, and aria-describedby pointing at the message that
// FieldError renders (id field+"-error").
func invalid(errs FieldErrors, field string) templ.Attributes {
	if errs[field] == "" {
		return nil
	}
	return templ.Attributes{"aria-invalid": "true", "aria-describedby": field + "-error"}
}

func inputClass(errs FieldErrors, field string) string {
	if errs[field] != "" {
		return "input-error"
	}
	return ""
}

// ratingClass picks the colour of a rating badge from the rating's name:
// green for true ends of the scale, red for false ones, amber otherwise.
func ratingClass(name string) string {
	n := strings.ToLower(name)
	switch {
	case n == "true" || n == "mostly true" || n == "correct":
		return "rating rating-true"
	case n == "false" || n == "mostly false" || n == "incorrect" || strings.Contains(n, "pants"):
		return "rating rating-false"
	}
	return "rating rating-mixed"
}
