package main

import (
	"context"
	"io"
	"path/filepath"
	"strings"
	"testing"

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
		if err := seedDemoContent(ctx, db, io.Discard); err != nil {
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
