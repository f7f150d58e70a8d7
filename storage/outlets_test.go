package storage_test

import (
	"context"
	"slices"
	"testing"

	"claimtrail/storage"
)

func TestOutletsListsEachOutletOnceByName(t *testing.T) {
	n := newNewsroom(t) // its article comes from "The Daily Ledger"
	for i, outlet := range []string{"harbour gazette", "Avon Post", "", "Harbour Gazette", "avon post", "Avon Post", "Zed News"} {
		storage.InsertArticleForTest(t, n.db, "Story "+string(rune('a'+i)), outlet, "Body of story "+string(rune('a'+i)))
	}
	got, err := n.db.Outlets(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"Avon Post", "avon post", "Harbour Gazette", "harbour gazette", "The Daily Ledger", "Zed News"}
	if !slices.Equal(got, want) {
		t.Errorf("outlets %q, want %q", got, want)
	}
}
