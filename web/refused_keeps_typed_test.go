package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"claimtrail/domain"
	"claimtrail/web/auth"
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
			wantKept(t, doc, tt.kept)
		})
	}
}

// wantKept fails t for each form control of doc (selector → what was
// typed, or a selected option's value) that does not show what was typed.
func wantKept(t *testing.T, doc *goquery.Document, kept map[string]string) {
	t.Helper()
	for sel, want := range kept {
		if got := typedValue(doc.Find(sel).First()); got != want {
			t.Errorf("%s shows %q, want %q as typed", sel, got, want)
		}
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

// TestSourceChangesThroughHTMXKeepOtherTypedSources: with JavaScript, a
// source's Save, Remove or Add source swaps the claim page's whole sources
// panel. A new source half typed, or another source's edit not yet saved,
// comes back in the panel as typed; only what the change saved is drawn
// from storage.
func TestSourceChangesThroughHTMXKeepOtherTypedSources(t *testing.T) {
	env := newTestEnv(t)
	env.queuedClaims(1, "unemployment fell by 3%")
	rita, _ := env.signedIn("rita@newsroom.example", domain.RoleReviewer)
	claim := itoa(env.takeAndComplete(rita))
	var sid int64
	if err := env.raw().QueryRow(`SELECT id FROM sources`).Scan(&sid); err != nil {
		t.Fatal(err)
	}
	p := "src-" + itoa(sid) + "-"
	stored := url.Values{p + "url": {"https://www.ons.gov.uk/employment"}, p + "title": {"Labour market overview"}, p + "type": {"official_statistics"}}
	edited := url.Values{p + "url": {"https://www.ons.gov.uk/employment"}, p + "title": {"Title edited, not saved"}, p + "type": {"official_statistics"}}
	newTyped := url.Values{"url": {"https://typed.example/new"}, "title": {"New source typed"}, "type": {"official_statistics"}}
	join := func(vs ...url.Values) url.Values {
		out := url.Values{"version": {env.verdictVersion(mustID(t, claim))}}
		for _, v := range vs {
			for k, x := range v {
				out[k] = x
			}
		}
		return out
	}
	cases := []struct {
		name, path string
		form       url.Values
		status     int
		kept       map[string]string
	}{
		{"save a source, a new one half typed", "/sources/" + itoa(sid), join(stored, newTyped), http.StatusOK,
			map[string]string{"#new-source-url": "https://typed.example/new", "#new-source-title": "New source typed"}},
		{"save a source badly, a new one half typed", "/sources/" + itoa(sid), join(stored, url.Values{p + "url": {"not an address"}}, newTyped), http.StatusUnprocessableEntity,
			map[string]string{"#new-source-title": "New source typed", "#" + p + "url": "not an address"}},
		{"add a source refused, another's edit typed", "/sources", join(edited, url.Values{"url": {"ftp://x"}, "title": {"New source typed"}, "type": {"official_statistics"}}), http.StatusUnprocessableEntity,
			map[string]string{"#new-source-title": "New source typed", "#" + p + "title": "Title edited, not saved"}},
		{"add a source, another's edit typed", "/sources", join(edited, newTyped), http.StatusOK,
			map[string]string{"#new-source-title": "", "#" + p + "title": "Title edited, not saved"}},
	}
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			tt.form.Set("version", env.verdictVersion(mustID(t, claim)))
			res := rita.htmx(http.MethodPost, "/claims/"+claim+tt.path, tt.form)
			wantStatus(t, res, tt.status)
			wantKept(t, res.Doc(t), tt.kept)
		})
	}

	// Without JavaScript, Save draft carries a source's edit typed beside
	// a new source and a conclusion (each changed before it was looked at).
	t.Run("save the draft without scripts", func(t *testing.T) {
		form := join(edited, newTyped, url.Values{"rating": {env.ratingID("Mostly false")}, "conclusion": {"A conclusion saved."}, "explanation": {"Saved."}})
		wantStatus(t, rita.postForm("/claims/"+claim+"/verdict", form), http.StatusSeeOther)
		wantKept(t, rita.get("/claims/"+claim).Doc(t), map[string]string{"#" + p + "title": "Title edited, not saved", "#new-source-title": "New source typed"})
	})
}

// TestQueueBulkRefusalKeepsTicksAndChoices: an editor ticks claims on the
// queue and presses Assign without choosing whom, or with a claim that a
// colleague changed since the page was drawn. The queue comes back with
// the reason, the same claims ticked and the choices made.
func TestQueueBulkRefusalKeepsTicksAndChoices(t *testing.T) {
	env := newTestEnv(t)
	ids := env.queuedClaims(3, "unemployment fell by 3%")
	eddie, _ := env.signedIn("eddie@newsroom.example", domain.RoleEditor)
	priority := domain.Priorities[len(domain.Priorities)-1].String()
	var seen []string // as the page drawn before a colleague's change saw them
	for _, id := range ids {
		seen = append(seen, itoa(id)+":"+itoa(mustVersion(t, env, id)))
	}
	other := domain.Priorities[0].String()
	wantStatus(t, eddie.postForm("/queue/bulk", url.Values{"ids": {itoa(ids[2])}, "seen": seen, "action": {"priority"}, "priority": {other}}), http.StatusSeeOther)
	cases := []struct {
		name   string
		form   url.Values
		status int
		field  string
	}{
		{"assign to nobody", url.Values{"ids": {itoa(ids[0]), itoa(ids[2])}, "seen": seen, "action": {"assign"}, "assignee": {""}, "priority": {priority}}, http.StatusUnprocessableEntity, "assignee"},
		{"a ticked claim changed meanwhile", url.Values{"ids": {itoa(ids[0]), itoa(ids[2])}, "seen": seen, "action": {"priority"}, "priority": {priority}}, http.StatusConflict, "ids"},
	}
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			res := eddie.postForm("/queue/bulk", tt.form)
			wantStatus(t, res, tt.status)
			if res.TestID(t, "error-"+tt.field) == "" {
				t.Errorf("no message beside %s", tt.field)
			}
			doc := res.Doc(t)
			for _, id := range ids {
				_, ticked := doc.Find(`input[name="ids"][value="` + itoa(id) + `"]`).Attr("checked")
				if want := id != ids[1]; ticked != want {
					t.Errorf("claim %d ticked %v, want %v", id, ticked, want)
				}
			}
			if got := doc.Find(`#bulk-priority option[selected]`).AttrOr("value", ""); got != priority {
				t.Errorf("priority chosen %q, want %q", got, priority)
			}
		})
	}
}

// TestRefusedOnPageCodes: which refusals stay on the form's page (with what
// was typed) and which go to the error page.
func TestRefusedOnPageCodes(t *testing.T) {
	env := newTestEnv(t)
	r, _ := http.NewRequest(http.MethodPost, "/settings", nil)
	for _, tt := range []struct {
		err    error
		onPage bool
	}{
		{domain.Errorf(domain.EINVALID, "x"), true},
		{domain.Errorf(domain.ECONFLICT, "x"), true},
		{domain.Errorf(domain.EFORBIDDEN, "x"), true},
		{domain.Errorf(domain.ENOTFOUND, "x"), true},
		{domain.Errorf(domain.ERATELIMIT, "x"), true},
		{domain.Errorf(domain.EUNAVAILABLE, "x"), true},
		{domain.Errorf(domain.EUNAUTHORIZED, "x"), false}, // the sign-in ended: signedOutPost keeps the text
		{domain.Errorf(domain.ETOOLARGE, "x"), false},
		{domain.Errorf(domain.EBADREQUEST, "x"), false},
		{http.ErrNotMultipart, false}, // internal: logged, never shown
	} {
		if _, got := env.app.refusedOnPage(r, tt.err); got != tt.onPage {
			t.Errorf("%v (%s): on the page %v, want %v", tt.err, domain.ErrorCode(tt.err), got, tt.onPage)
		}
	}
}

// TestEveryTypedSourceEditIsKept: without JavaScript a reviewer may open
// and edit several sources before pressing one button; each edit not saved
// comes back open and as typed, not only the first or the one that failed.
func TestEveryTypedSourceEditIsKept(t *testing.T) {
	env := newTestEnv(t)
	env.queuedClaims(1, "unemployment fell by 3%")
	rita, _ := env.signedIn("rita@newsroom.example", domain.RoleReviewer)
	claim := itoa(env.takeAndComplete(rita))
	second := url.Values{"url": {"https://www.ons.gov.uk/lfs"}, "title": {"Labour force survey"}, "type": {"official_statistics"}}
	wantStatus(t, rita.postForm("/claims/"+claim+"/sources", withVersion(second, env.verdictVersion(mustID(t, claim)))), http.StatusSeeOther)
	rows, err := env.raw().Query(`SELECT id FROM sources ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	var sids []string
	for rows.Next() {
		var id int64
		rows.Scan(&id)
		sids = append(sids, itoa(id))
	}
	rows.Close()
	a, b := "src-"+sids[0]+"-", "src-"+sids[1]+"-"
	edits := url.Values{
		a + "url": {"https://www.ons.gov.uk/employment"}, a + "title": {"First, edited"}, a + "type": {"official_statistics"},
		b + "url": {"https://www.ons.gov.uk/lfs"}, b + "title": {"Second, edited"}, b + "type": {"official_statistics"},
	}
	with := func(extra url.Values) url.Values {
		out := withVersion(edits, env.verdictVersion(mustID(t, claim)))
		for k, v := range extra {
			out[k] = v
		}
		return out
	}
	t.Run("save one badly", func(t *testing.T) {
		res := rita.postForm("/claims/"+claim+"/sources/"+sids[1], with(url.Values{b + "url": {"not an address"}}))
		wantStatus(t, res, http.StatusUnprocessableEntity)
		// The other source's edit, and the refused one.
		wantKept(t, res.Doc(t), map[string]string{"#" + a + "title": "First, edited", "#" + b + "url": "not an address"})
	})
	t.Run("save the draft", func(t *testing.T) {
		wantStatus(t, rita.postForm("/claims/"+claim+"/verdict", with(url.Values{"rating": {env.ratingID("Mostly false")}, "conclusion": {"Saved."}, "explanation": {"Saved."}})), http.StatusSeeOther)
		doc := rita.get("/claims/" + claim).Doc(t)
		for id, want := range map[string]string{a + "title": "First, edited", b + "title": "Second, edited"} {
			if got := typedValue(doc.Find("#" + id)); got != want {
				t.Errorf("%s shows %q, want %q", id, got, want)
			}
			if _, open := doc.Find("#" + id).Closest("details").Attr("open"); !open {
				t.Errorf("the edit holding %s is closed", id)
			}
		}
	})
}

// TestRefusalsWhileHashingIsBusyKeepWhatWasTyped: with every password
// hashing slot taken (many people signing in at once), a new account, a
// password reset and a change of one's own password are refused with 429
// and "wait a few seconds", on the form's own page with what was typed or
// chosen there still in place, not on the error page.
func TestRefusalsWhileHashingIsBusyKeepWhatWasTyped(t *testing.T) {
	env := newTestEnv(t)
	ada, _ := env.signedIn("ada@newsroom.example", domain.RoleAdmin)
	rita, u := env.signedIn("rita@newsroom.example", domain.RoleReviewer)
	env.app.hashes = auth.NewGate(1, 20*time.Millisecond)
	release, err := env.app.hashes.Enter(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer release()

	cases := []struct {
		name string
		who  *client
		path string
		form url.Values
		kept map[string]string // selector → value (or a selected option's value)
	}{
		{"add a user", ada, "/admin/users",
			url.Values{"name": {"Nell Newcomer"}, "email": {"nell@newsroom.example"}, "role": {"editor"}},
			map[string]string{"#name": "Nell Newcomer", "#email": "nell@newsroom.example", "#role option[selected]": "editor"}},
		{"reset a password", ada, "/admin/users/" + itoa(u.ID) + "/password",
			url.Values{"role": {"editor"}},
			map[string]string{"#role option[selected]": "editor"}},
		{"change one's own password", rita, "/settings/password",
			url.Values{"current_password": {testPassword}, "new_password": {"a long new passphrase"}, "confirm_password": {"a long new passphrase"},
				"public_name": {"Rita Typed"}, "name": {"nightly import"}},
			map[string]string{"#public_name": "Rita Typed", "#name": "nightly import"}},
	}
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			res := tt.who.postForm(tt.path, tt.form)
			wantStatus(t, res, http.StatusTooManyRequests)
			doc := res.Doc(t)
			if doc.Find(`[data-testid="error-page"]`).Length() != 0 {
				t.Fatal("the error page, which holds nothing typed")
			}
			said := res.TestID(t, "error-message")
			if !strings.Contains(said, "Wait a few seconds") {
				t.Errorf("the page says %q at the top, want the reason", said)
			}
			wantKept(t, doc, tt.kept)
			if sel := doc.Find(`input[type="password"]`); sel.Length() > 0 {
				sel.Each(func(_ int, s *goquery.Selection) {
					if v := s.AttrOr("value", ""); v != "" {
						t.Errorf("a password came back: %q", v)
					}
				})
			}
		})
	}
	if n := env.count(`SELECT count(*) FROM users WHERE email = 'nell@newsroom.example'`); n != 0 {
		t.Error("the account was added while hashing was busy")
	}
}
