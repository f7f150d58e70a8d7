package storage_test

import (
	"context"
	"testing"
	"time"

	"claimtrail/domain"
)

func TestFeedSubscriptionsAreDomainDecisionsWithOneEventEach(t *testing.T) {
	n := newNewsroom(t)
	db := n.db
	raw := rawDB(t, db)
	events := func() int {
		var k int
		raw.QueryRow(`SELECT count(*) FROM audit_events WHERE entity = 'feed'`).Scan(&k)
		return k
	}
	if _, err := db.SubscribeFeed(as(n.rita), domain.FeedInput{URL: "https://feeds.example/checks.json"}); domain.ErrorCode(err) != domain.EFORBIDDEN {
		t.Fatalf("a reviewer subscribes: %v", err)
	}
	f, err := db.SubscribeFeed(as(n.eddie), domain.FeedInput{URL: "https://feeds.example/checks.json#top", EveryMinutes: "60"})
	if err != nil || f.URL != "https://feeds.example/checks.json" || f.Every != time.Hour {
		t.Fatalf("subscribe: %+v, %v", f, err)
	}
	if _, err := db.SubscribeFeed(as(n.emma), domain.FeedInput{URL: "https://feeds.example/checks.json"}); domain.ErrorCode(err) != domain.EINVALID {
		t.Errorf("the same feed twice: %v", err)
	}
	if got := events(); got != 1 {
		t.Fatalf("%d events after one subscription", got)
	}
	ctx := context.Background()
	if due, _ := db.DueFeeds(ctx, time.Now().Add(time.Second), 10); len(due) != 1 {
		t.Fatalf("a new feed is not due at once: %v", due)
	}
	sys := domain.WithActor(ctx, domain.SystemActor)
	if err := db.FeedFetched(sys, f.ID, domain.ImportSummary{Added: 3, Skipped: []domain.ImportSkip{{Item: 2, Reason: "it has no url"}}}, ""); err != nil {
		t.Fatal(err)
	}
	list, _ := db.Feeds(ctx)
	if len(list) != 1 || list[0].Added != 3 || list[0].Skipped != 1 || list[0].SkipNote != "item 2: it has no url" || list[0].FetchedAt.IsZero() {
		t.Fatalf("after a fetch: %+v", list)
	}
	if due, _ := db.DueFeeds(ctx, time.Now().Add(30*time.Minute), 10); len(due) != 0 {
		t.Errorf("due again before its hour: %v", due)
	}
	if err := db.FetchFeedNow(as(n.eddie), f.ID); err != nil {
		t.Fatal(err)
	}
	if due, _ := db.DueFeeds(ctx, time.Now().Add(time.Second), 10); len(due) != 1 {
		t.Errorf("fetch now did not make it due")
	}
	if err := db.FeedFetched(sys, f.ID, domain.ImportSummary{}, "The feed's site answered 500 Internal Server Error."); err != nil {
		t.Fatal(err)
	}
	if list, _ := db.Feeds(ctx); list[0].Error == "" || list[0].Added != 0 {
		t.Errorf("a failed fetch: %+v", list[0])
	}
	if err := db.UnsubscribeFeed(as(n.rita), f.ID); domain.ErrorCode(err) != domain.EFORBIDDEN {
		t.Errorf("a reviewer removes a feed: %v", err)
	}
	if err := db.UnsubscribeFeed(as(n.eddie), f.ID); err != nil {
		t.Fatal(err)
	}
	if err := db.UnsubscribeFeed(as(n.eddie), f.ID); domain.ErrorCode(err) != domain.ENOTFOUND {
		t.Errorf("removed twice: %v", err)
	}
	if got := events(); got != 5 {
		t.Errorf("%d events, want 5 (subscribed, fetched, fetch requested, fetched, removed)", got)
	}
}
