package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"claimtrail/components"
	"claimtrail/domain"
	"claimtrail/web/ingest"
)

// feedServer serves ClaimReview and misbehaving feeds from loopback.
func feedServer(t *testing.T) *httptest.Server {
	good := `[{"@type": "ClaimReview", "url": "https://checks.example/a", "claimReviewed": "Knife crime rose by 12% in London last year.",
		"author": {"name": "Example Checks"}, "reviewRating": {"alternateName": "Misleading"}, "datePublished": "2026-02-01"},
		{"@type": "ClaimReview", "url": "https://checks.example/b", "claimReviewed": "The city built 4,000 new homes.",
		"author": {"name": "Example Checks"}, "reviewRating": {"alternateName": "Correct"}},
		{"@type": "ClaimReview", "claimReviewed": "No address here."}]`
	mux := http.NewServeMux()
	mux.HandleFunc("/good.json", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/ld+json")
		w.Write([]byte(good))
	})
	mux.HandleFunc("/garbage.json", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"this is": not json at all`))
	})
	mux.HandleFunc("/huge.json", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte("[" + strings.Repeat(`{"@type": "ClaimReview"},`, 4000) + "{}]"))
	})
	mux.HandleFunc("/slow.json", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(5 * time.Second):
		case <-r.Context().Done():
		}
	})
	mux.HandleFunc("/page.html", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/png")
		w.Write([]byte("\x89PNG"))
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func feedEnv(t *testing.T, allow bool) *testEnv {
	return newTestEnv(t, func(c *Config) {
		c.Fetcher = &ingest.Fetcher{Timeout: 500 * time.Millisecond}
		if allow {
			c.Fetcher.AllowAddr = allowLoopback
		}
		c.FeedMaxBytes = 32 << 10
	})
}

// feedRow finds a feed's row on the feeds page.
func feedRow(t *testing.T, c *client, feed string) (result, failure string) {
	t.Helper()
	doc := c.get("/import/feeds").Doc(t)
	row := doc.Find(`[data-testid="feed"][data-feed-url="` + feed + `"]`)
	if row.Length() != 1 {
		t.Fatalf("no row for %s", feed)
	}
	return strings.TrimSpace(row.Find(`[data-testid="feed-result"]`).Text()), strings.TrimSpace(row.Find(`[data-testid="feed-error"]`).Text())
}

func TestFeedSubscriptionsFetchImportAndShowTheirResult(t *testing.T) {
	env := feedEnv(t, true)
	feeds := feedServer(t)
	eddie, _ := env.signedIn("eddie@newsroom.example", domain.RoleEditor)
	rita, _ := env.signedIn("rita@newsroom.example", domain.RoleReviewer)

	// Reviewers may not manage feeds, in the browser or by a forged post.
	if res := rita.get("/import/feeds"); res.StatusCode != http.StatusForbidden {
		t.Errorf("reviewer sees the feeds page: %d", res.StatusCode)
	}
	if res := rita.postForm("/import/feeds", url.Values{"url": {feeds.URL + "/good.json"}}); res.StatusCode != http.StatusForbidden {
		t.Errorf("reviewer subscribes: %d", res.StatusCode)
	}
	// Bad input is a 422 naming the field, keeping what was typed.
	for _, c := range []struct{ url, every, field string }{
		{"", "60", "url"}, {"ftp://feeds.example/x", "60", "url"}, {"https://user:pw@feeds.example/x", "60", "url"},
		{"feeds.example/x", "60", "url"}, {feeds.URL + "/good.json", "5", "every"}, {feeds.URL + "/good.json", "x", "every"},
	} {
		res := eddie.postForm("/import/feeds", url.Values{"url": {c.url}, "every": {c.every}})
		if res.StatusCode != http.StatusUnprocessableEntity || res.TestID(t, "error-"+c.field) == "" {
			t.Errorf("%q every %q: status %d, no message on %s", c.url, c.every, res.StatusCode, c.field)
		}
		if c.url != "" && !strings.Contains(res.Body, `value="`+c.url) {
			t.Errorf("%q: what was typed is lost", c.url)
		}
	}

	for _, path := range []string{"/good.json", "/garbage.json", "/huge.json", "/slow.json", "/page.html"} {
		wantStatus(t, eddie.postForm("/import/feeds", url.Values{"url": {feeds.URL + path}, "every": {"60"}}), http.StatusSeeOther)
	}
	if res := eddie.postForm("/import/feeds", url.Values{"url": {feeds.URL + "/good.json"}, "every": {"60"}}); res.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("the same feed twice: %d", res.StatusCode)
	}
	ctx := context.Background()
	env.app.fetchDueFeeds(ctx)

	result, failure := feedRow(t, eddie, feeds.URL+"/good.json")
	if failure != "" || !strings.HasPrefix(result, "2 added, 0 updated, 0 unchanged, 1 skipped") {
		t.Errorf("good feed: %q, %q", result, failure)
	}
	for path, want := range map[string]string{
		"/garbage.json": "not ClaimReview JSON", "/huge.json": "larger than the 32 KB", "/slow.json": "took longer than",
		"/page.html": "an image, not a ClaimReview feed",
	} {
		if _, failure := feedRow(t, eddie, feeds.URL+path); !strings.Contains(failure, want) {
			t.Errorf("%s: error %q, want %q", path, failure, want)
		}
	}
	if n, _ := env.db.CountImportedChecks(ctx); n != 2 {
		t.Errorf("%d imported checks, want 2", n)
	}
	// Fetched feeds are not due again until their interval has passed; fetch
	// now makes one due, and a second fetch changes nothing (idempotent by url).
	if due, _ := env.db.DueFeeds(ctx, time.Now(), 10); len(due) != 0 {
		t.Errorf("%d feeds still due", len(due))
	}
	list, _ := env.db.Feeds(ctx)
	wantStatus(t, eddie.postForm("/import/feeds/"+itoa(list[0].ID)+"/fetch", nil), http.StatusSeeOther)
	env.app.fetchDueFeeds(ctx)
	if result, _ := feedRow(t, eddie, feeds.URL+"/good.json"); !strings.HasPrefix(result, "0 added, 0 updated, 2 unchanged") {
		t.Errorf("fetched again: %q", result)
	}
	// The checks it brought are searchable.
	env.searchIndexed()
	doc := eddie.get("/search?q=" + url.QueryEscape("knife crime") + "&kind=imported").Doc(t)
	if n := doc.Find(`[data-testid="search-result"]`).Length(); n != 1 {
		t.Errorf("%d imported results for the feed's check", n)
	}
	// Removing a feed keeps its checks.
	wantStatus(t, eddie.postForm("/import/feeds/"+itoa(list[0].ID)+"/delete", nil), http.StatusSeeOther)
	if list2, _ := env.db.Feeds(ctx); len(list2) != len(list)-1 {
		t.Errorf("%d feeds after removing one of %d", len(list2), len(list))
	}
	if n, _ := env.db.CountImportedChecks(ctx); n != 2 {
		t.Errorf("%d imported checks after removing the feed, want 2", n)
	}
	if res := eddie.postForm("/import/feeds/99999/fetch", nil); res.StatusCode != http.StatusNotFound {
		t.Errorf("fetch a feed that is not there: %d", res.StatusCode)
	}
}

// Without the test's explicit allowance, a feed on a loopback (or any
// internal) address is refused before anything is sent to it.
func TestFeedOnAnInternalAddressIsRefused(t *testing.T) {
	env := feedEnv(t, false)
	hits := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits++ }))
	t.Cleanup(srv.Close)
	eddie, _ := env.signedIn("eddie@newsroom.example", domain.RoleEditor)
	// A literal loopback address is refused when subscribed, beside the
	// address as typed, rather than at every fetch.
	res := eddie.postForm("/import/feeds", url.Values{"url": {srv.URL + "/feed.json"}})
	wantStatus(t, res, http.StatusUnprocessableEntity)
	if got := res.TestID(t, "error-url"); got != domain.FeedInternalMessage {
		t.Errorf("subscribing to %s: %q", srv.URL, got)
	}
	if got := res.Doc(t).Find(`input#url`).AttrOr("value", ""); got != srv.URL+"/feed.json" {
		t.Errorf("the address typed is shown as %q", got)
	}
	// One subscribed before that check (or a name that resolves inside) is
	// refused by the fetcher, before anything is sent.
	if _, err := env.raw().Exec(`INSERT INTO feed_subscriptions (url, every_minutes, created_by, created_at, next_fetch_at) VALUES (?, 360, 'eddie@newsroom.example', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')`, srv.URL+"/feed.json"); err != nil {
		t.Fatal(err)
	}
	env.app.fetchDueFeeds(context.Background())
	if _, failure := feedRow(t, eddie, srv.URL+"/feed.json"); !strings.Contains(failure, "inside our own network") {
		t.Errorf("error %q", failure)
	}
	if hits != 0 {
		t.Errorf("the internal address was reached %d times", hits)
	}
}

// The worker fetches on its own schedule, wakes when asked, and stops when
// its context ends.
func TestFeedWorkerRunsInTheBackgroundAndStops(t *testing.T) {
	env := feedEnv(t, true)
	feeds := feedServer(t)
	eddie, _ := env.signedIn("eddie@newsroom.example", domain.RoleEditor)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { env.app.RunFeeds(ctx, time.Hour); close(done) }()
	wantStatus(t, eddie.postForm("/import/feeds", url.Values{"url": {feeds.URL + "/good.json"}}), http.StatusSeeOther)
	deadline := time.Now().Add(10 * time.Second)
	for {
		if result, _ := feedRow(t, eddie, feeds.URL+"/good.json"); strings.HasPrefix(result, "2 added") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the worker did not fetch the new feed")
		}
		time.Sleep(50 * time.Millisecond)
	}
	cancel()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("the worker did not stop")
	}
}

// TestFeedSubscribeRefusalSaysWhy: a subscription refused by the
// newsroom's rules is answered on the feeds page with what was typed in
// place: messages that name a field beside it, and a refusal that names
// none with its reason at the top of the page, never a 422 that says
// nothing.
func TestFeedSubscribeRefusalSaysWhy(t *testing.T) {
	env := feedEnv(t, false)
	eddie := env.createUser("eddie@newsroom.example", domain.RoleEditor)
	_, _, fieldErr := domain.Subscribe(eddie, domain.FeedInput{URL: "not a web address", EveryMinutes: "60"}, nil, time.Now())
	const reason = "Feeds cannot be subscribed to just now."
	for _, tt := range []struct {
		name      string
		err       error
		testID    string // where the reason is shown
		wantWhy   string
		typedURL  string
		typedEach string
	}{
		{"a field named", fieldErr, "error-url", domain.ErrorMessage(fieldErr), "not a web address", "60"},
		{"no field named", domain.Errorf(domain.EINVALID, reason), "error-message", reason, "https://checks.example/feed.json", "1440"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			form := url.Values{"url": {tt.typedURL}, "every": {tt.typedEach}}
			r := httptest.NewRequest(http.MethodPost, feedsPath, strings.NewReader(form.Encode()))
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			if err := r.ParseForm(); err != nil {
				t.Fatal(err)
			}
			r = withActor(r, eddie, "")
			rec := httptest.NewRecorder()
			env.app.subscribeRefused(rec, r, components.FeedsView{URL: tt.typedURL, Every: tt.typedEach}, tt.err)
			res := &response{Response: rec.Result(), Body: rec.Body.String()}
			wantStatus(t, res, http.StatusUnprocessableEntity)
			if got := res.TestID(t, tt.testID); got != tt.wantWhy {
				t.Errorf("%s says %q, want %q", tt.testID, got, tt.wantWhy)
			}
			wantKept(t, res.Doc(t), map[string]string{"#url": tt.typedURL, "#every option[selected]": tt.typedEach})
		})
	}
}
