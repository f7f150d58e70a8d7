package main

import (
	"context"
	"io"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"claimtrail/domain"
	"claimtrail/storage"
)

func TestDemoArticleAddedOnceWithItsClaims(t *testing.T) {
	ctx := context.Background()
	db, err := storage.Open(ctx, filepath.Join(t.TempDir(), "demo.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for range 2 {
		if _, err := seedDemoContent(ctx, db, io.Discard); err != nil {
			t.Fatal(err)
		}
	}
	list, _ := db.ListArticles(ctx, storage.ArticleFilter{})
	if len(list) != 1 || list[0].Article.Origin != "demo" || list[0].Article.AddedBy != 0 {
		t.Fatalf("demo articles = %d (%+v)", len(list), list)
	}
	claims, _ := db.ArticleClaims(ctx, list[0].Article.ID)
	worthy := map[string]bool{}
	for _, c := range claims {
		if strings.Contains(strings.ToLower(c.Sentence), "donate") {
			t.Errorf("donation appeal is a candidate: %q", c.Sentence)
		}
		for _, want := range []string{"£22 billion", "2.3% of GDP", "Jordan Ashby"} {
			if strings.Contains(c.Sentence, want) && c.CheckWorthy {
				worthy[want] = true
			}
		}
	}
	for _, want := range []string{"£22 billion", "2.3% of GDP", "Jordan Ashby"} {
		if !worthy[want] {
			t.Errorf("no check-worthy candidate stating %q", want)
		}
	}
}

// The demo walks claims through the newsroom with the real storage calls, so
// each role's pages have work on them, and the audit chain stays intact.
func TestDemoWorkflowGivesEveryRoleSomethingToSee(t *testing.T) {
	ctx := context.Background()
	db, err := storage.Open(ctx, filepath.Join(t.TempDir(), "demo.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var out strings.Builder
	for range 2 { // a restart must not repeat the workflow
		if err := seedDemo(ctx, db, &out); err != nil {
			t.Fatal(err)
		}
	}
	list, _ := db.ListArticles(ctx, storage.ArticleFilter{})
	if len(list) != 1 {
		t.Fatalf("%d demo articles", len(list))
	}
	claims, _ := db.ArticleClaims(ctx, list[0].Article.ID)
	states := map[domain.ClaimState]int{}
	var published int64
	for _, c := range claims {
		states[c.State]++
		if c.State == domain.StateApproved {
			published = c.ID
			if !strings.Contains(c.Sentence, "2.3% of GDP") {
				t.Errorf("approved claim %q", c.Sentence)
			}
		}
		if c.State == domain.StateSubmitted && !strings.Contains(c.Sentence, "£22 billion") {
			t.Errorf("submitted claim %q", c.Sentence)
		}
	}
	want := map[domain.ClaimState]int{domain.StateApproved: 1, domain.StateSubmitted: 1, domain.StateInReview: 1, domain.StateQueued: 2, domain.StateDismissed: 1}
	for s, n := range want {
		if states[s] != n {
			t.Errorf("%d claims %s, want %d (all: %v)", states[s], s, n, states)
		}
	}
	if states[domain.StateCandidate] == 0 {
		t.Error("no candidates left to triage")
	}
	check, err := db.PublishedCheck(ctx, published)
	if err != nil || check.Rating.Name != "Mostly true" || len(check.Sources) != 1 {
		t.Fatalf("published check: %+v, %v", check, err)
	}
	if !strings.Contains(out.String(), "/checks/"+strconv.FormatInt(published, 10)) {
		t.Errorf("start-up output does not point to the published check:\n%s", out.String())
	}

	// The editor has the £22 billion verdict to approve (the reviewer wrote it).
	eddie, _ := db.UserByEmail(ctx, "editor@newsroom.example")
	home, err := db.HomeFor(domain.WithActor(ctx, domain.Actor{UserID: eddie.ID, Label: eddie.Email}))
	if err != nil || len(home.Waiting) != 1 || len(home.Overdue) != 0 {
		t.Fatalf("editor's home: waiting %d, overdue %d, %v", len(home.Waiting), len(home.Overdue), err)
	}
	// The reviewer has the troops claim to work on.
	rita, _ := db.UserByEmail(ctx, "reviewer@newsroom.example")
	home, err = db.HomeFor(domain.WithActor(ctx, domain.Actor{UserID: rita.ID, Label: rita.Email}))
	if err != nil || len(home.InReview) != 1 || !strings.Contains(home.InReview[0].Sentence, "regular troops") {
		t.Fatalf("reviewer's home: in review %d, %v", len(home.InReview), err)
	}
	// Publishing is set up, so the check carries ClaimReview and the feed works.
	if pub, err := db.PublishingSettings(ctx); err != nil || pub.Publisher.Name == "" {
		t.Errorf("demo publishing settings: %+v, %v", pub, err)
	}
	if n, err := db.VerifyAudit(ctx); err != nil || n == 0 {
		t.Fatalf("audit chain after the demo: %d events, %v", n, err)
	}
}
