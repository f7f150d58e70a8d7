package storage_test

import (
	"context"
	"os"
	"testing"

	"claimtrail/domain"
	"claimtrail/storage"
)

// BenchmarkReindexSearch rebuilds the search index of the database at
// CLAIMTRAIL_SEARCH_BENCH_DB (a copy: it is written to), once per run, and
// reports documents a second.
func BenchmarkReindexSearch(b *testing.B) {
	path := os.Getenv("CLAIMTRAIL_SEARCH_BENCH_DB")
	if path == "" {
		b.Skip("CLAIMTRAIL_SEARCH_BENCH_DB names a copy of a database to reindex")
	}
	ctx := domain.WithActor(context.Background(), domain.SystemActor)
	db, err := storage.Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	docs := 0
	for b.Loop() {
		if docs, err = db.ReindexSearch(ctx, nil); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(docs)*float64(b.N)/b.Elapsed().Seconds(), "docs/s")
}
