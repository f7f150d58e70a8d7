package web

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"claimtrail/domain"
)

// deepPage is a small page whose article sits inside 511 nested elements,
// deeper than the HTML parser keeps.
var deepPage = "<html><body>" + strings.Repeat("<div>", 511) +
	"The council said spending on the harbour rose by 12% in 2024 across every district. " +
	strings.Repeat("</div>", 511) + "</body></html>"

// A page nested too deeply, uploaded or fetched, is refused with a message
// beside its field, never a 500.
func TestDeeplyNestedHTMLIsRefusedClearly(t *testing.T) {
	env := articleEnv(t)
	c, _ := env.signedIn("rita@newsroom.example", domain.RoleReviewer)

	res := c.upload("/articles/upload", "deep.html", []byte(deepPage), nil)
	wantStatus(t, res, http.StatusUnprocessableEntity)
	if msg := res.TestID(t, "error-file"); !strings.Contains(msg, "nested too deeply") {
		t.Errorf("upload: message beside the file %q", msg)
	}

	page := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(deepPage))
	}))
	defer page.Close()
	res = c.postForm("/articles/fetch", url.Values{"url": {page.URL + "/story"}})
	wantStatus(t, res, http.StatusUnprocessableEntity)
	if msg := res.TestID(t, "error-url"); !strings.Contains(msg, "nested too deeply") {
		t.Errorf("fetch: message beside the address %q", msg)
	}
}

// A body that is not a readable form (a broken %-escape, more fields than
// are read) is a 422 that says so, on every form that reads its own body.
func TestMalformedFormBodiesAreRefusedClearly(t *testing.T) {
	env := articleEnv(t)
	c, _ := env.signedIn("rita@newsroom.example", domain.RoleReviewer)
	id := articleIDFrom(t, c.postForm("/articles", url.Values{"body": {testReport}}))

	many := strings.Repeat("x=1&", 10_001) + "body=text"
	for _, path := range []string{"/articles", "/articles/fetch", "/articles/" + id + "/edit", "/settings/password"} {
		for name, body := range map[string]string{"broken escape": "body=%zz&title=a", "10,001 fields": many} {
			t.Run(path+" "+name, func(t *testing.T) {
				req, _ := http.NewRequest(http.MethodPost, env.srv.URL+path, strings.NewReader(body))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				req.Header.Set("Origin", env.srv.URL)
				res := c.do(req)
				wantStatus(t, res, http.StatusUnprocessableEntity)
				if !strings.Contains(res.Body, "could not read that form") {
					t.Errorf("no clear message:\n%s", snippet(res.Body))
				}
			})
		}
	}
}

// TestMalformedFormOnAppearanceActionsIsRefusedClearly: applying a verdict
// to an appearance and undoing one read the claim page's form too; a body
// that is not a readable form is the same 422 as everywhere else, not a 500.
func TestMalformedFormOnAppearanceActionsIsRefusedClearly(t *testing.T) {
	env := newTestEnv(t)
	ed, _ := env.signedIn("eddie@newsroom.example", domain.RoleEditor)
	for _, path := range []string{"/claims/1/appearances/1/apply", "/claims/1/appearances/1/undo"} {
		t.Run(path, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodPost, env.srv.URL+path, strings.NewReader("reason=%zz"))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("Origin", env.srv.URL)
			res := ed.do(req)
			wantStatus(t, res, http.StatusUnprocessableEntity)
			if !strings.Contains(res.Body, "could not read that form") {
				t.Errorf("no clear message:\n%s", snippet(res.Body))
			}
		})
	}
}

// TestActionsWithoutInputRefuseAnUnreadableBody: taking the next claim,
// starting two-factor set-up and marking notifications read need nothing
// from the request's body, but a body that cannot be read is refused, not
// ignored: 400 with one message in the browser and the API alike, and
// nothing is done. An empty body still does what it says.
func TestActionsWithoutInputRefuseAnUnreadableBody(t *testing.T) {
	env := newTestEnv(t)
	rev, _ := env.signedIn("rita@newsroom.example", domain.RoleReviewer)
	script, _ := env.apiUser("rita.script@newsroom.example", domain.RoleReviewer)
	env.queuedClaims(1, "unemployment fell by 3% last year")
	want := domain.ErrorMessage(domain.ErrUnreadableRequest)

	for _, path := range []string{"/queue/next", "/settings/two-factor/start", "/notifications/read"} {
		for name, body := range map[string]string{"broken escape": "x=%zz", "10,001 fields": strings.Repeat("x=1&", 10_001)} {
			t.Run(path+" "+name, func(t *testing.T) {
				req, _ := http.NewRequest(http.MethodPost, env.srv.URL+path, strings.NewReader(body))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				req.Header.Set("Origin", env.srv.URL)
				res := rev.do(req)
				wantStatus(t, res, http.StatusBadRequest)
				if got := res.TestID(t, "error-message"); got != want {
					t.Errorf("message %q, want %q", got, want)
				}
			})
		}
	}
	for _, body := range []string{"x=%zz", "{", "\xff\xfe"} {
		res := script.call(http.MethodPost, "/api/v1/queue/next", body)
		wantAPIError(t, res, http.StatusBadRequest, "bad_request")
		if got := decode[apiErr](t, res).Error.Message; got == nil || *got != want {
			t.Errorf("API body %q: message %v, want %q", body, got, want)
		}
	}
	// Nothing was taken, by either; an empty body takes the claim.
	if res := script.call(http.MethodPost, "/api/v1/queue/next", "{}"); res.StatusCode != http.StatusOK {
		t.Fatalf("an empty object: status %d\n%s", res.StatusCode, res.Body)
	}
}
