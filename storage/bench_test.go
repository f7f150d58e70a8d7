package storage_test

import (
	"context"
	"fmt"
	"testing"
)

// BenchmarkAuditedWrite measures a small change with its hash-chained audit
// event, the cost every action in claimtrail pays.
func BenchmarkAuditedWrite(b *testing.B) {
	db := openTestDB(b)
	ctx := actorCtx("bench@example.org")
	i := 0
	for b.Loop() {
		i++
		if err := db.SetSettings(ctx, map[string]string{"bench": fmt.Sprint(i)}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "writes/s")
}

// BenchmarkVerifyAudit measures walking the chain, as `claimtrail audit verify` does.
func BenchmarkVerifyAudit(b *testing.B) {
	db := openTestDB(b)
	ctx := actorCtx("bench@example.org")
	const events = 20000
	for i := range events {
		if err := db.SetSettings(ctx, map[string]string{"k": fmt.Sprint(i)}); err != nil {
			b.Fatal(err)
		}
	}
	for b.Loop() {
		n, err := db.VerifyAudit(context.Background())
		if err != nil || n != events {
			b.Fatalf("verified %d, %v", n, err)
		}
	}
	b.ReportMetric(float64(events)*float64(b.N)/b.Elapsed().Seconds(), "events/s")
}
