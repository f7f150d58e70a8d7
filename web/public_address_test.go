package web

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"claimtrail/domain"
	"claimtrail/storage"
	"claimtrail/storage/storagetest"
)

// getAs sends an anonymous GET with another Host header, as a client
// poisoning a shared cache would.
func getAs(t *testing.T, env *testEnv, host, path string) *response {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, env.srv.URL+path, nil)
	req.Host = host
	return send(t, http.DefaultClient, req)
}

// Public output names only the configured public address, never the Host a
// request came with; until one is set, ClaimReview and the feed are held back.
func TestPublicOutputNeverUsesTheRequestHost(t *testing.T) {
	env := newTestEnv(t)
	if err := env.db.SetSettings(context.Background(), map[string]string{
		storage.SettingPublisherName: "Herald Checks", storage.SettingPublisherURL: "https://herald.example"}); err != nil {
		t.Fatal(err)
	}
	s := storagetest.New(t, env.db.Path)
	id := s.Claim(storagetest.Claim{ArticleID: s.Article(storagetest.Article{}), Text: "Taxes fell",
		RatingID: s.Rating("True", 5, 1), Conclusion: "Correct.", ApprovedAt: time.Now()})

	page := getAs(t, env, "evil.example", "/checks/"+itoa(id))
	wantStatus(t, page, http.StatusOK)
	if strings.Contains(page.Body, "evil.example") || strings.Contains(page.Body, "application/ld+json") {
		t.Errorf("check page without a public address carries ClaimReview or the Host:\n%s", snippet(page.Body))
	}
	feed := getAs(t, env, "evil.example", "/checks/feed.jsonld")
	wantStatus(t, feed, http.StatusServiceUnavailable)
	if strings.Contains(feed.Body, "evil.example") || !strings.Contains(feed.Body, "public address") {
		t.Errorf("feed without a public address: %s", snippet(feed.Body))
	}
	api, _ := env.apiUser("rita@newsroom.example", domain.RoleReviewer)
	req, _ := http.NewRequest(http.MethodGet, env.srv.URL+"/api/v1/export.csv", nil)
	req.Host = "evil.example"
	req.Header.Set("Authorization", "Bearer "+api.token)
	if csv := send(t, http.DefaultClient, req); strings.Contains(csv.Body, "evil.example") {
		t.Errorf("CSV names the request's Host: %s", snippet(csv.Body))
	}

	// Started with an address: that one, whatever the Host says.
	started := newTestEnv(t, func(c *Config) { c.BaseURL = "https://checks.herald.example/" })
	started.db.SetSettings(context.Background(), map[string]string{
		storage.SettingPublisherName: "Herald Checks", storage.SettingPublisherURL: "https://herald.example"})
	s2 := storagetest.New(t, started.db.Path)
	id2 := s2.Claim(storagetest.Claim{ArticleID: s2.Article(storagetest.Article{}), Text: "Taxes fell",
		RatingID: s2.Rating("True", 5, 1), Conclusion: "Correct.", ApprovedAt: time.Now()})
	page = getAs(t, started, "evil.example", "/checks/"+itoa(id2))
	if cr := onlyClaimReview(t, page); cr.URL != "https://checks.herald.example/checks/"+itoa(id2) {
		t.Errorf("ClaimReview url %q", cr.URL)
	}
	feed = getAs(t, started, "evil.example", "/checks/feed.jsonld")
	wantStatus(t, feed, http.StatusOK)
	if strings.Contains(feed.Body, "evil.example") || !strings.Contains(feed.Body, "https://checks.herald.example/checks/") {
		t.Errorf("feed: %s", snippet(feed.Body))
	}
}

// Public pages tell shared caches how long they may keep them; a page as a
// signed-in person sees it, and an error, are never stored.
func TestPublicPagesSendCacheControl(t *testing.T) {
	env := newTestEnv(t)
	setPublisher(t, env.db)
	s := storagetest.New(t, env.db.Path)
	id := s.Claim(storagetest.Claim{ArticleID: s.Article(storagetest.Article{}), Text: "Taxes fell",
		RatingID: s.Rating("True", 5, 1), Conclusion: "Correct.", ApprovedAt: time.Now()})
	anon := env.newClient()
	for _, path := range []string{"/checks", "/checks/" + itoa(id), "/checks/feed.jsonld"} {
		res := anon.get(path)
		wantStatus(t, res, http.StatusOK)
		if cc := res.Header.Get("Cache-Control"); cc != "public, max-age=300" {
			t.Errorf("%s: Cache-Control %q", path, cc)
		}
		if !strings.Contains(res.Header.Get("Vary"), "Cookie") {
			t.Errorf("%s: Vary %q", path, res.Header.Get("Vary"))
		}
	}
	if cc := anon.get("/checks/99999").Header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("404 Cache-Control %q", cc)
	}
	signedIn, _ := env.signedIn("rita@newsroom.example", domain.RoleReviewer)
	if cc := signedIn.get("/checks/" + itoa(id)).Header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("signed-in check page Cache-Control %q", cc)
	}
}

// TestChecksFeedIsWrittenForAFewReadersAtATime: the public feed reads every
// published check and anyone may ask for it, so only maxChecksFeeds are
// written at once. A reader beyond them waits its turn and is served when
// one is done, instead of being turned away (feed readers are machines
// that often count a 503 as a failed fetch); only a reader that waits too
// long, or finds too many waiting already, is asked to come back shortly
// (503 with Retry-After), so a flood adds no work.
func TestChecksFeedIsWrittenForAFewReadersAtATime(t *testing.T) {
	env := newTestEnv(t)
	if err := env.db.SetSettings(domain.WithActor(context.Background(), domain.SystemActor), map[string]string{
		storage.SettingPublisherName: "The Gazette", storage.SettingSiteBaseURL: "https://checks.gazette.example"}); err != nil {
		t.Fatal(err)
	}
	anon := env.newClient()
	wantStatus(t, anon.get("/checks/feed.jsonld"), http.StatusOK)
	for range maxChecksFeeds {
		env.app.checksFeeds <- struct{}{} // feeds being written for others
	}

	// A third reader waits, and is served once a place is free.
	third := make(chan *response, 1)
	go func() { third <- anon.get("/checks/feed.jsonld") }()
	for deadline := time.Now().Add(10 * time.Second); env.app.checksFeedWaiting.Load() != 1; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the third reader is not waiting for a place")
		}
	}
	<-env.app.checksFeeds
	wantStatus(t, <-third, http.StatusOK)

	// Too many waiting already: asked to come back, at once.
	env.app.checksFeeds <- struct{}{}
	env.app.checksFeedWaiting.Store(maxChecksFeedWaiting)
	busy := anon.get("/checks/feed.jsonld")
	wantStatus(t, busy, http.StatusServiceUnavailable)
	if busy.Header.Get("Retry-After") == "" || !strings.Contains(busy.Body, "Try again") {
		t.Errorf("a reader turned away is not told when to come back: %q\n%s", busy.Header.Get("Retry-After"), snippet(busy.Body))
	}
	// Waited too long: asked to come back.
	env.app.checksFeedWaiting.Store(0)
	env.app.checksFeedWait = 20 * time.Millisecond
	wantStatus(t, anon.get("/checks/feed.jsonld"), http.StatusServiceUnavailable)
	if n := env.app.checksFeedWaiting.Load(); n != 0 {
		t.Errorf("%d readers still counted as waiting", n)
	}
	<-env.app.checksFeeds
	wantStatus(t, anon.get("/checks/feed.jsonld"), http.StatusOK)
}
