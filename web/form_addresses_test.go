package web

import (
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"

	"claimtrail/domain"
)

// TestEveryFormAddressAnswersAGet asks, as a page, the address of every
// form POST listed in routes.go: a form refused without JavaScript leaves
// the browser there, so a reload in a new tab or a bookmark asks it with a
// GET. Each leads (303) to the page the form is on, which opens, instead
// of "not found".
func TestEveryFormAddressAnswersAGet(t *testing.T) {
	env := newTestEnv(t)
	claim := env.queuedClaims(1, "Rents rose by 12% last year")[0]
	var article int64
	if err := env.raw().QueryRow(`SELECT article_id FROM claims WHERE id = ?`, claim).Scan(&article); err != nil {
		t.Fatal(err)
	}
	admin, me := env.signedIn("ada@newsroom.example", domain.RoleAdmin)

	src, err := os.ReadFile("routes.go")
	if err != nil {
		t.Fatal(err)
	}
	routes := regexp.MustCompile(`HandleFunc\("POST (/[^"]*)"`).FindAllStringSubmatch(string(src), -1)
	if len(routes) < 50 {
		t.Fatalf("found %d POST routes in routes.go; has its form changed?", len(routes))
	}
	// The page a few forms are on, where the nearest page above is not it.
	want := map[string]string{
		"/bylines/{id}/approve": "/review",
		"/bylines/{id}/refuse":  "/review",
		"/articles/upload":      "/articles/new",
		"/articles/fetch":       "/articles/new",
		"/logout":               "/",
	}
	for _, m := range routes {
		pattern := m[1]
		if strings.HasPrefix(pattern, "/api/") {
			continue // the API answers 405 with Allow, in JSON
		}
		id := "1"
		switch {
		case strings.HasPrefix(pattern, "/claims/"):
			id = itoa(claim)
		case strings.HasPrefix(pattern, "/articles/"):
			id = itoa(article)
		case strings.HasPrefix(pattern, "/admin/users/"):
			id = itoa(me.ID)
		}
		path := strings.NewReplacer("{id}", id, "{sid}", "1", "{aid}", "1", "{tid}", "1").Replace(pattern)
		t.Run(pattern, func(t *testing.T) {
			res := admin.get(path)
			if strings.Contains(string(src), `"GET `+pattern+`"`) {
				// A page of its own (the sign-in, the list a form adds to).
				if res.StatusCode == http.StatusNotFound || res.StatusCode == http.StatusMethodNotAllowed {
					t.Errorf("GET %s: %d", path, res.StatusCode)
				}
				if page, ok := want[pattern]; ok && res.Header.Get("Location") != page {
					t.Errorf("GET %s leads to %q, want %s", path, res.Header.Get("Location"), page)
				}
				return
			}
			wantStatus(t, res, http.StatusSeeOther)
			loc := res.Header.Get("Location")
			if page, ok := want[pattern]; ok && loc != page {
				t.Errorf("GET %s leads to %s, want %s", path, loc, page)
			}
			if !strings.HasPrefix(path, loc) && want[pattern] == "" {
				t.Errorf("GET %s leads to %s, not a page above it", path, loc)
			}
			if pattern == "/logout" {
				return
			}
			if page := admin.get(loc); page.StatusCode != http.StatusOK {
				t.Errorf("GET %s leads to %s, which answers %d", path, loc, page.StatusCode)
			}
		})
	}

	// Addresses that take no form are still "not found", and a POST-only
	// address asked with another method is not sent anywhere.
	wantStatus(t, admin.get("/claims/"+itoa(claim)+"/nothing-here"), http.StatusNotFound)
	req, _ := http.NewRequest(http.MethodPut, admin.env.srv.URL+"/claims/"+itoa(claim)+"/due", strings.NewReader(url.Values{}.Encode()))
	if res := admin.do(req); res.StatusCode == http.StatusSeeOther || res.StatusCode == http.StatusOK {
		t.Errorf("PUT to a form's address answered %d", res.StatusCode)
	}
}
