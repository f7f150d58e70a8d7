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

// TestEveryRouteChecksItsRole reads every route from routes.go and sends
// it, with an existing claim, article, user or token id in its path, as
// someone signed out, as a reviewer and as an editor: nobody gets past a
// route's role, in the browser or the API. A route must name its role
// (app.reviewer, app.editor, app.admin, app.apiReviewer, app.apiEditor) or
// be one of the public ones listed here, so a new route cannot be added
// without one.
func TestEveryRouteChecksItsRole(t *testing.T) {
	src, err := os.ReadFile("routes.go")
	if err != nil {
		t.Fatal(err)
	}
	public := map[string]bool{
		"GET /static/": true, "GET /favicon.ico": true, "GET /healthz": true, "GET /login": true, "POST /login": true,
		"GET /login/two-factor": true, "POST /login/two-factor": true, "POST /logout": true,
	}
	env := newTestEnv(t)
	rev, _ := env.signedIn("rita@newsroom.example", domain.RoleReviewer)
	ed, _ := env.signedIn("eddie@newsroom.example", domain.RoleEditor)
	revAPI, _ := env.apiUser("rita.script@newsroom.example", domain.RoleReviewer)
	env.queuedClaims(1, "unemployment fell by 3% last year")
	anon := env.newClient()
	anonAPI := &apiClient{t: t, env: env}

	route := regexp.MustCompile(`mux\.HandleFunc?\("((?:GET|POST|PUT|DELETE) [^"]+)", (app\.(\w+)|publicPage)?`)
	seen := 0
	for _, m := range route.FindAllStringSubmatch(string(src), -1) {
		pattern, role := m[1], m[3]
		if m[2] == "publicPage" {
			role = "public"
		}
		if public[pattern] {
			role = "public"
		}
		method, path, _ := strings.Cut(pattern, " ")
		path = strings.TrimSuffix(path, "{$}")
		path = strings.NewReplacer("{id}", "1", "{tid}", "1", "{sid}", "1", "{aid}", "1", "{file}", "flow.csv").Replace(path)
		seen++
		t.Run(pattern, func(t *testing.T) {
			send := func(c *client) *response {
				if method == http.MethodGet {
					return c.get(path)
				}
				return c.postForm(path, url.Values{})
			}
			switch role {
			case "public":
				return
			case "reviewer", "editor", "admin":
				if res := send(anon); res.StatusCode < 300 || res.StatusCode >= 500 {
					t.Errorf("signed out: status %d", res.StatusCode)
				}
				if role == "reviewer" {
					return
				}
				if res := send(rev); res.StatusCode != http.StatusForbidden {
					t.Errorf("a reviewer: status %d, want 403", res.StatusCode)
				}
				if role == "admin" {
					if res := send(ed); res.StatusCode != http.StatusForbidden {
						t.Errorf("an editor: status %d, want 403", res.StatusCode)
					}
				}
			case "apiReviewer", "apiEditor":
				if res := anonAPI.call(method, path, nil); res.StatusCode != http.StatusUnauthorized {
					t.Errorf("without a token: status %d, want 401", res.StatusCode)
				}
				if role == "apiEditor" {
					wantAPIError(t, revAPI.call(method, path, nil), http.StatusForbidden, domain.EFORBIDDEN)
				}
			default:
				t.Errorf("the route names no role (%q): wrap it in app.reviewer, app.editor, app.admin, app.apiReviewer or app.apiEditor, or list it as public", m[2])
			}
		})
	}
	if seen < 100 {
		t.Fatalf("read only %d routes from routes.go", seen)
	}
}
