package storage_test

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"testing"

	"claimtrail/storage"
)

func TestParseDurability(t *testing.T) {
	for in, want := range map[string]storage.Durability{"": storage.DurableFull, "FULL": storage.DurableFull,
		"normal": storage.DurableNormal, " sqlite-full ": storage.DurableSQLiteFull} {
		if got, err := storage.ParseDurability(in); err != nil || got != want {
			t.Errorf("ParseDurability(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := storage.ParseDurability("off"); err == nil {
		t.Error(`"off" was accepted`)
	}
}

// TestDurableWritesConcurrently has many writers share the log's syncs:
// every write returns, and every one is in the database afterwards, in each
// durability mode.
func TestDurableWritesConcurrently(t *testing.T) {
	for _, mode := range []storage.Durability{storage.DurableFull, storage.DurableSQLiteFull, storage.DurableNormal} {
		t.Run(string(mode), func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "d.db")
			db, err := storage.OpenWith(context.Background(), path, storage.Options{Durability: mode})
			if err != nil {
				t.Fatal(err)
			}
			ctx := actorCtx("writer@example.org")
			var wg sync.WaitGroup
			errs := make(chan error, 400)
			for w := range 20 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := range 20 {
						errs <- db.SetSettings(ctx, map[string]string{fmt.Sprintf("k%d", w): fmt.Sprint(i)})
					}
				}()
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				if err != nil {
					t.Fatal(err)
				}
			}
			syncs := storage.LogSyncsForTest(db)
			if mode == storage.DurableFull && (syncs == 0 || syncs > 400) {
				t.Errorf("%d syncs of the log for 400 changes", syncs)
			} else if mode != storage.DurableFull && syncs != 0 {
				t.Errorf("%d syncs of the log in mode %s", syncs, mode)
			}
			t.Logf("%d syncs of the log for 400 changes", syncs)
			db.Close()
			db, err = storage.Open(context.Background(), path)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			n, err := db.VerifyAudit(context.Background())
			if err != nil || n < 400 {
				t.Fatalf("%d audit events after 400 writes: %v", n, err)
			}
			for w := range 20 {
				if v, err := db.Setting(context.Background(), fmt.Sprintf("k%d", w), ""); err != nil || v != "19" {
					t.Errorf("k%d = %q, %v; want the last write", w, v, err)
				}
			}
		})
	}
}

// BenchmarkDurability compares the durability modes side by side: 32
// writers at once, each change one audited write, as on a busy desk.
func BenchmarkDurability(b *testing.B) {
	for _, mode := range []storage.Durability{storage.DurableNormal, storage.DurableFull, storage.DurableSQLiteFull} {
		b.Run(string(mode), func(b *testing.B) {
			db, err := storage.OpenWith(context.Background(), filepath.Join(b.TempDir(), "d.db"), storage.Options{Durability: mode})
			if err != nil {
				b.Fatal(err)
			}
			defer db.Close()
			ctx := actorCtx("bench@example.org")
			b.SetParallelism(16) // 32 writers on 2 CPUs
			b.RunParallel(func(pb *testing.PB) {
				i := 0
				for pb.Next() {
					i++
					if err := db.SetSettings(ctx, map[string]string{"bench": fmt.Sprint(i)}); err != nil {
						b.Error(err)
						return
					}
				}
			})
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "writes/s")
		})
	}
}
