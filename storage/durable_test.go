package storage_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"claimtrail/domain"
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

// TestFullDisk: once the disk is full, a change is refused with a clear
// "unavailable" error (not an internal one), and reading goes on working.
func TestFullDisk(t *testing.T) {
	db := openTestDB(t)
	ctx := actorCtx("admin@example.org")
	if err := db.SetSettings(ctx, map[string]string{"before": "x"}); err != nil {
		t.Fatal(err)
	}
	storage.FillDiskForTest(t, db)
	big := map[string]string{}
	for i := range 200 {
		big[fmt.Sprintf("key-%d", i)] = fmt.Sprintf("%0500d", i)
	}
	err := db.SetSettings(ctx, big)
	if err == nil {
		t.Fatal("a change that needs room was saved on a full disk")
	}
	derr, ok := storage.Unavailable(err)
	if !ok || derr.Code != domain.EUNAVAILABLE || !strings.Contains(derr.Message, "disk is full") {
		t.Fatalf("full disk: %v gave %+v, %v", err, derr, ok)
	}
	if v, err := db.Setting(context.Background(), "before", ""); err != nil || v != "x" {
		t.Errorf("reading on a full disk: %q, %v", v, err)
	}
	if _, ok := storage.Unavailable(domain.Errorf(domain.ECONFLICT, "x")); ok {
		t.Error("a conflict was taken for a disk problem")
	}
}
