package web

import (
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"

	"claimtrail/domain"
)

// TestNoRouteAnswersABrokenBodyWithAServerError posts bodies a clumsy
// client or an attacker sends (a multipart form cut short or without its
// boundary, a broken escape, bytes that are not UTF-8, JSON cut short) to
// every route that takes a body, signed in as an admin or with an admin's
// token: each is the sender's mistake, answered with a 4xx, never a 500.
func TestNoRouteAnswersABrokenBodyWithAServerError(t *testing.T) {
	src, err := os.ReadFile("routes.go")
	if err != nil {
		t.Fatal(err)
	}
	env := newTestEnv(t)
	// Account 1, whom the admin routes below act on, is not the admin.
	env.createUser("rita@newsroom.example", domain.RoleReviewer)
	admin, _ := env.signedIn("ada@newsroom.example", domain.RoleAdmin)
	script, _ := env.apiUser("ada.script@newsroom.example", domain.RoleAdmin)
	env.queuedClaims(1, "unemployment fell by 3% last year")

	bodies := []struct{ name, contentType, body string }{
		{"multipart cut short", "multipart/form-data; boundary=zzz", "--zzz\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n\r\nabc"},
		{"multipart without a boundary", "multipart/form-data", "x"},
		{"multipart with a broken part header", "multipart/form-data; boundary=zzz", "--zzz\r\nContent-Disposition form-data\r\n\r\nx\r\n--zzz--\r\n"},
		{"form with a broken escape", "application/x-www-form-urlencoded", "body=%zz&version=1"},
		{"form that is not UTF-8", "application/x-www-form-urlencoded", "body=\xff\xfe&version=1"},
		{"JSON cut short", "application/json", `{"body": "a`},
		{"binary", "application/octet-stream", "\x00\x01\x02\xff"},
	}
	route := regexp.MustCompile(`mux\.HandleFunc?\("((?:POST|PUT|DELETE) [^"]+)"`)
	seen := 0
	for _, m := range route.FindAllStringSubmatch(string(src), -1) {
		method, path, _ := strings.Cut(m[1], " ")
		if path == "/logout" {
			continue // ends the admin's session for the routes after it
		}
		path = strings.NewReplacer("{id}", "1", "{tid}", "1", "{sid}", "1", "{aid}", "1").Replace(strings.TrimSuffix(path, "{$}"))
		seen++
		for _, b := range bodies {
			t.Run(m[1]+" "+b.name, func(t *testing.T) {
				req, _ := http.NewRequest(method, env.srv.URL+path, strings.NewReader(b.body))
				req.Header.Set("Content-Type", b.contentType)
				var res *response
				if strings.HasPrefix(path, "/api/") {
					req.Header.Set("Authorization", "Bearer "+script.token)
					res = send(t, http.DefaultClient, req)
				} else {
					req.Header.Set("Origin", env.srv.URL)
					res = admin.do(req)
				}
				if res.StatusCode >= 500 {
					t.Errorf("status %d:\n%s", res.StatusCode, snippet(res.Body))
				}
				if still := admin.get("/admin/users"); still.StatusCode != http.StatusOK {
					t.Fatalf("afterwards the admin's page answers %d: the routes after this one are not reached", still.StatusCode)
				}
			})
		}
	}
	if seen < 50 {
		t.Fatalf("read only %d routes that take a body from routes.go", seen)
	}
}

// TestNoPageAnswersOddAddressesWithAServerError asks every GET route, as an
// admin or with an admin's token, for ids that do not exist or are not
// numbers and with query values a hand-edited address carries: each is a
// 4xx or a page, never a 500.
func TestNoPageAnswersOddAddressesWithAServerError(t *testing.T) {
	src, err := os.ReadFile("routes.go")
	if err != nil {
		t.Fatal(err)
	}
	env := newTestEnv(t)
	setPublisher(t, env.db) // or the feed is, rightly, 503
	admin, _ := env.signedIn("ada@newsroom.example", domain.RoleAdmin)
	script, _ := env.apiUser("ada.script@newsroom.example", domain.RoleAdmin)
	env.queuedClaims(1, "unemployment fell by 3% last year")

	route := regexp.MustCompile(`mux\.HandleFunc?\("GET ([^"]+)"`)
	queries := []string{"", "?page=-1&before=%FF%FE&after=zz&limit=99999999999999999999&since=0000-00-00&until=9999-99-99&from=x&to=y",
		"?q=%00%E2%80%AE&name=%FF&outlet=%00&rating=%27&state=nonsense&cursor=%27%3B--"}
	seen := 0
	for _, m := range route.FindAllStringSubmatch(string(src), -1) {
		path := strings.TrimSuffix(m[1], "{$}")
		if strings.HasPrefix(path, "/static/") {
			continue
		}
		seen++
		for _, id := range []string{"99999999", "abc", "-1", "99999999999999999999999"} {
			p := strings.NewReplacer("{id}", id, "{tid}", id, "{sid}", id, "{aid}", id, "{file}", "x.csv").Replace(path)
			for _, q := range queries {
				t.Run(p+q, func(t *testing.T) {
					req, _ := http.NewRequest(http.MethodGet, env.srv.URL+p+q, nil)
					var res *response
					if strings.HasPrefix(p, "/api/") {
						req.Header.Set("Authorization", "Bearer "+script.token)
						res = send(t, http.DefaultClient, req)
					} else {
						res = admin.do(req)
					}
					if res.StatusCode >= 500 {
						t.Errorf("status %d:\n%s", res.StatusCode, snippet(res.Body))
					}
				})
			}
			if !strings.Contains(path, "{") {
				break
			}
		}
	}
	if seen < 40 {
		t.Fatalf("read only %d GET routes from routes.go", seen)
	}
}
