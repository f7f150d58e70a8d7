package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"claimtrail/domain"
)

// TestRefusalsWithoutAFieldKeepWhatWasTyped posts, as a browser without
// JavaScript does, the whole of a page's one form to a button whose change
// is refused for a reason no field holds: a source, token, feed or rating a
// colleague removed meanwhile (the page still showed it), an unknown choice.
// Each answer is the page the form is on, with the refusal's status, the
// reason at the top and everything typed elsewhere on the page in place:
// never the error page, which would lose it.
func TestRefusalsWithoutAFieldKeepWhatWasTyped(t *testing.T) {
	env := newTestEnv(t)
	env.queuedClaims(1, "unemployment fell by 3%")
	rita, _ := env.signedIn("rita@newsroom.example", domain.RoleReviewer)
	eddie, _ := env.signedIn("eddie@newsroom.example", domain.RoleEditor)

	// A claim in review with one source, which is then removed as if in
	// another tab: the page still offers to save it.
	claim := itoa(env.takeAndComplete(rita))
	var sid int64
	if err := env.raw().QueryRow(`SELECT id FROM sources`).Scan(&sid); err != nil {
		t.Fatal(err)
	}
	source := itoa(sid)
	wantStatus(t, rita.postForm("/claims/"+claim+"/sources/"+source+"/delete", url.Values{"version": {env.verdictVersion(mustID(t, claim))}}), http.StatusSeeOther)

	// A feed and a rating that a colleague removes.
	feedRes := eddie.postForm("/import/feeds", url.Values{"url": {"https://checks.example/feed.json"}, "every": {"60"}})
	wantStatus(t, feedRes, http.StatusSeeOther)
	var feed, rating int64
	if err := env.raw().QueryRow(`SELECT id FROM feed_subscriptions`).Scan(&feed); err != nil {
		t.Fatal(err)
	}
	wantStatus(t, eddie.postForm("/import/feeds/"+itoa(feed)+"/delete", nil), http.StatusSeeOther)
	wantStatus(t, eddie.postForm("/ratings", url.Values{"name": {"Cherry-picked"}, "value": {"2"}, "shown": {"1"}}), http.StatusSeeOther)
	if err := env.raw().QueryRow(`SELECT id FROM ratings WHERE name = 'Cherry-picked'`).Scan(&rating); err != nil {
		t.Fatal(err)
	}
	wantStatus(t, eddie.postForm("/ratings/"+itoa(rating)+"/delete", nil), http.StatusSeeOther)

	cases := []struct {
		name   string
		who    *client
		path   string
		form   url.Values
		status int
		kept   map[string]string // selector → value (or a textarea's text) typed
	}{
		{
			name: "claim page: save a source removed meanwhile", who: rita,
			path: "/claims/" + claim + "/sources/" + source,
			form: url.Values{"version": {env.verdictVersion(mustID(t, claim))},
				"src-" + source + "-url": {"https://www.ons.gov.uk/x"}, "src-" + source + "-title": {"Edited title"}, "src-" + source + "-type": {"official_statistics"},
				"conclusion": {"It fell by 0.3 points, typed."}, "explanation": {"Typed explanation\nover two lines."}, "body": {"A comment typed."},
				"title": {"A new source's title"}},
			status: http.StatusNotFound,
			kept:   map[string]string{"#conclusion": "It fell by 0.3 points, typed.", "#explanation": "Typed explanation\nover two lines.", "#body": "A comment typed.", "#new-source-title": "A new source's title"},
		},
		{
			name: "your account: revoke a token gone meanwhile", who: rita,
			path:   "/settings/tokens/99999/revoke",
			form:   url.Values{"public_name": {"Rita Typed"}, "name": {"nightly import"}},
			status: http.StatusNotFound,
			kept:   map[string]string{"#public_name": "Rita Typed", "#name": "nightly import"},
		},
		{
			name: "your account: notification choice not on the list", who: rita,
			path:   "/settings/notifications",
			form:   url.Values{"public_name": {"Rita Typed"}, "name": {"nightly import"}, "events_shown": {"1"}, "event": {"not.an.event"}},
			status: http.StatusUnprocessableEntity,
			kept:   map[string]string{"#public_name": "Rita Typed", "#name": "nightly import"},
		},
		{
			name: "feeds: fetch a feed removed meanwhile", who: eddie,
			path:   "/import/feeds/" + itoa(feed) + "/fetch",
			form:   url.Values{"url": {"https://other.example/claimreview.json"}, "every": {"1440"}},
			status: http.StatusNotFound,
			kept:   map[string]string{"#url": "https://other.example/claimreview.json"},
		},
		{
			name: "feeds: remove a feed removed meanwhile", who: eddie,
			path:   "/import/feeds/" + itoa(feed) + "/delete",
			form:   url.Values{"url": {"https://other.example/claimreview.json"}, "every": {"1440"}},
			status: http.StatusNotFound,
			kept:   map[string]string{"#url": "https://other.example/claimreview.json"},
		},
		{
			name: "ratings: save a rating removed meanwhile", who: eddie,
			path: "/ratings/" + itoa(rating),
			form: url.Values{"rating-" + itoa(rating) + "-name": {"Cherry-picked data"}, "rating-" + itoa(rating) + "-value": {"2"},
				"name": {"Needs context"}, "value": {"3"}, "shown": {"1"}},
			status: http.StatusNotFound,
			kept:   map[string]string{`input[name="name"]`: "Needs context", `input[name="value"]`: "3"},
		},
	}
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			res := tt.who.postForm(tt.path, tt.form)
			wantStatus(t, res, tt.status)
			doc := res.Doc(t)
			if doc.Find(`[data-testid="error-page"]`).Length() != 0 {
				t.Fatal("the error page, which holds nothing typed")
			}
			if res.TestID(t, "error-message") == "" {
				t.Error("no reason at the top of the page")
			}
			for sel, want := range tt.kept {
				if got := typedValue(doc.Find(sel).First()); got != want {
					t.Errorf("%s = %q, want %q as typed", sel, got, want)
				}
			}
		})
	}
}

// typedValue is what a form control shows: a textarea's text, an input's
// value.
func typedValue(s *goquery.Selection) string {
	if goquery.NodeName(s) == "textarea" {
		return strings.TrimPrefix(s.Text(), "\n")
	}
	return s.AttrOr("value", "")
}
