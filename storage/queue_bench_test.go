package storage_test

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"claimtrail/domain"
	"claimtrail/storage"
)

// benchClaims is how many claims the queue benchmarks run over;
// CLAIMTRAIL_BENCH_CLAIMS overrides it for a quicker run.
func benchClaims() int {
	if n, err := strconv.Atoi(os.Getenv("CLAIMTRAIL_BENCH_CLAIMS")); err == nil && n > 0 {
		return n
	}
	return 1_000_000
}

var (
	benchOnce sync.Once
	benchDB   *storage.DB
	benchDir  string
)

// TestMain removes the benchmarks' shared database once every test and
// benchmark of the run is done.
func TestMain(m *testing.M) {
	code := m.Run()
	if benchDB != nil {
		benchDB.Close()
		os.RemoveAll(benchDir)
	}
	os.Exit(code)
}

// queueBenchDB seeds one database (`claimtrail seed-bench`'s) for every
// queue benchmark in the run; seeding a million claims takes minutes.
func queueBenchDB(b *testing.B) *storage.DB {
	benchOnce.Do(func() {
		dir, err := os.MkdirTemp("", "claimtrail-bench-")
		if err != nil {
			b.Fatal(err)
		}
		benchDir = dir
		path := filepath.Join(dir, "queue.db")
		start := time.Now()
		if _, err := storage.SeedBench(context.Background(), path, storage.BenchSeed{Claims: benchClaims(), PasswordHash: "x"}); err != nil {
			b.Fatal(err)
		}
		b.Logf("seeded %d claims in %s", benchClaims(), time.Since(start).Round(time.Millisecond))
		db, err := storage.Open(context.Background(), path)
		if err != nil {
			b.Fatal(err)
		}
		benchDB = db
	})
	if benchDB == nil {
		b.Fatal("benchmark database failed to seed")
	}
	return benchDB
}

// BenchmarkListQueue measures one 50-claim queue page over a million claims:
// the first page, and a page deep in the queue reached by cursor.
func BenchmarkListQueue(b *testing.B) {
	db := queueBenchDB(b)
	ctx := context.Background()
	// A cursor 80% of the way down the queued claims.
	deep := deepCursor(b, db, 0.8)
	for _, bc := range []struct {
		name string
		f    domain.QueueFilter
	}{
		{"first", domain.QueueFilter{Limit: 50}},
		{"deep", domain.QueueFilter{Limit: 50, Cursor: deep}},
		{"first-type-filter", domain.QueueFilter{Limit: 50, Type: domain.TypeCausation}},
		{"first-outlet-filter", domain.QueueFilter{Limit: 50, Outlet: "City Wire"}},
		{"first-all-open", domain.QueueFilter{Limit: 50, States: []domain.ClaimState{domain.StateQueued, domain.StateInReview, domain.StateSubmitted}}},
		{"deep-all-open", domain.QueueFilter{Limit: 50, Cursor: deep, States: []domain.ClaimState{domain.StateQueued, domain.StateInReview, domain.StateSubmitted}}},
	} {
		eachStmtCache(b, db, bc.name, func(b *testing.B) {
			start := time.Now()
			for b.Loop() {
				items, _, err := db.ListQueue(ctx, bc.f)
				if err != nil || len(items) != 50 {
					b.Fatalf("%d items, %v", len(items), err)
				}
			}
			b.ReportMetric(float64(time.Since(start).Microseconds())/1000/float64(b.N), "ms/page")
		})
	}
}

// deepCursor returns the queue key found at fraction f of the queued claims.
func deepCursor(b *testing.B, db *storage.DB, f float64) string {
	b.Helper()
	key, err := storage.QueueKeyAtForTest(db, f)
	if err != nil {
		b.Fatal(err)
	}
	return key
}

// BenchmarkTakeNext measures taking the top claim with a million in the queue.
func BenchmarkTakeNext(b *testing.B) {
	db := queueBenchDB(b)
	u, err := db.UserByEmail(context.Background(), storage.BenchReviewerEmail(1))
	if err != nil {
		b.Fatal(err)
	}
	ctx := as(u)
	eachStmtCache(b, db, "", func(b *testing.B) {
		start := time.Now()
		for b.Loop() {
			if _, err := db.TakeNext(ctx); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(time.Since(start).Microseconds())/1000/float64(b.N), "ms/take")
	})
}

// eachStmtCache runs bench three times: without prepared statements and
// without mapping the file (as before both), with statements kept prepared
// per connection, and with both, so one run compares them.
func eachStmtCache(b *testing.B, db *storage.DB, name string, bench func(*testing.B)) {
	for _, m := range []struct {
		mode     string
		prepared bool
		mmap     int64
	}{{"unprepared", false, 0}, {"prepared", true, 0}, {"prepared+mmap", true, storage.ReaderMmap}} {
		mode := m.mode
		if name != "" {
			mode = name + "/" + mode
		}
		storage.SetStatementCacheForTest(db, m.prepared)
		if err := storage.SetReaderMmapForTest(context.Background(), db, m.mmap); err != nil {
			b.Fatal(err)
		}
		b.Run(mode, bench)
	}
	storage.SetStatementCacheForTest(db, true)
}

// BenchmarkClaimDetail measures the claim page's read, similar claims
// included, with a million claims in the search index. Every claim shares
// most of its words with the others here, the worst case for the search:
// only words few claims use are searched on, so the cost stays flat.
func BenchmarkClaimDetail(b *testing.B) {
	db := queueBenchDB(b)
	ctx := context.Background()
	id := int64(benchClaims() / 2)
	eachStmtCache(b, db, "", func(b *testing.B) {
		start := time.Now()
		for b.Loop() {
			if _, err := db.ClaimDetail(ctx, id); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(time.Since(start).Microseconds())/1000/float64(b.N), "ms/page")
	})
}

// BenchmarkOutlets measures the outlet list the queue and article filters
// show, by the SELECT DISTINCT in use and by a hand-written skip scan.
func BenchmarkOutlets(b *testing.B) {
	db := queueBenchDB(b)
	ctx := context.Background()
	for _, bm := range []struct {
		name string
		list func(context.Context, *storage.DB) ([]string, error)
	}{
		{"distinct", func(ctx context.Context, db *storage.DB) ([]string, error) { return db.Outlets(ctx) }},
		{"skip-scan", storage.OutletsBySkipScanForBenchmark},
	} {
		b.Run(bm.name, func(b *testing.B) {
			start := time.Now()
			for b.Loop() {
				if _, err := bm.list(ctx, db); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(time.Since(start).Microseconds())/1000/float64(b.N), "ms/list")
		})
	}
}
