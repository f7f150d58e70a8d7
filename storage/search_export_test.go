package storage

import (
	"context"
	"testing"
	"time"

	"claimtrail/domain"
	"claimtrail/domain/match"
)

// SearchAfreshForTest is SearchEverything read afresh, never from the kept
// results: for benchmarks of what a search never asked before costs.
func SearchAfreshForTest(ctx context.Context, db *DB, q match.Query, f domain.SearchFilter, limit int) ([]match.Hit, error) {
	if limit <= 0 || q.Empty() && f.Empty() {
		return nil, nil
	}
	return db.searchEverything(ctx, q, f, limit)
}

// BuildSearchRanksForTest builds the ranks kept in memory (search_ranks.go)
// now and waits for them, so that searches after it rank from memory.
func BuildSearchRanksForTest(db *DB) error {
	t, err := buildSearchRanks(context.Background(), db)
	if err != nil {
		return err
	}
	db.ranks.mu.Lock()
	db.ranks.table = t
	db.ranks.mu.Unlock()
	return nil
}

// KeptBlockCountsForTest says how many words' blocks searches found kept
// and how many they read from SQLite (search_kept_blocks.go).
func KeptBlockCountsForTest(db *DB) (hits, misses int64) {
	db.keptBlocks.mu.Lock()
	defer db.keptBlocks.mu.Unlock()
	return db.keptBlocks.hits, db.keptBlocks.misses
}

// SetKeptBlockBoundForTest empties the words' blocks kept and bounds them
// at maxBytes from now on.
func SetKeptBlockBoundForTest(db *DB, maxBytes int) {
	db.keptBlocks = newKeptBlocks(maxBytes)
}

// WarmKeptBlocksForTest keeps the most common words' blocks as a server's
// start does (PrepareSearch), and waits for it.
func WarmKeptBlocksForTest(db *DB) error {
	return db.warmKeptBlocks(context.Background(), searchWarmBlockBytes)
}

// SetSearchFoldForTest sets how many events the search log holds when the
// indexer begins a fold, and how long without a new row makes it begin one
// whatever its size.
func SetSearchFoldForTest(db *DB, at int, idle time.Duration) {
	db.freshLog.mu.Lock()
	db.freshLog.foldAt, db.freshLog.foldIdle = at, idle
	db.freshLog.mu.Unlock()
}

// SearchLogForTest is how many rows the search log holds, and how far it
// is folded.
func SearchLogForTest(t *testing.T, db *DB) (rows int, folded int64) {
	t.Helper()
	if err := db.read.QueryRow(`SELECT (SELECT count(*) FROM search_fresh), folded FROM search_fresh_state`).Scan(&rows, &folded); err != nil {
		t.Fatal(err)
	}
	return rows, folded
}
