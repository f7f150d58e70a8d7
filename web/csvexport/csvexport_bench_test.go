package csvexport_test

import (
	"context"
	"io"
	"path/filepath"
	"testing"

	"claimtrail/storage"
	"claimtrail/web/csvexport"
)

// countingWriter counts the bytes of the export and throws them away.
type countingWriter struct{ n int64 }

func (c *countingWriter) Write(b []byte) (int, error) { c.n += int64(len(b)); return len(b), nil }

// BenchmarkExportCSV exports the approved claims of a 160,000-claim
// benchmark database (about 20,000) per iteration, from the database through
// the CSV writer; bench/export.sh does a larger one end to end.
func BenchmarkExportCSV(b *testing.B) {
	path := filepath.Join(b.TempDir(), "bench.db")
	seeded, err := storage.SeedBench(context.Background(), path, storage.BenchSeed{Claims: 160_000, PasswordHash: "x"})
	if err != nil {
		b.Fatal(err)
	}
	claims := seeded.States["approved"]
	db, err := storage.Open(context.Background(), path)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	var out countingWriter
	b.ResetTimer()
	for b.Loop() {
		w := csvexport.NewWriter(&out, csvexport.Options{BaseURL: "https://checks.example"})
		w.WriteHeader()
		n, err := db.ExportClaims(context.Background(), storage.ExportFilter{}, w.Write)
		if err != nil || n != claims {
			b.Fatalf("exported %d rows: %v", n, err)
		}
		if err := w.Flush(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(claims*b.N)/b.Elapsed().Seconds(), "rows/s")
	b.ReportMetric(float64(out.n)/b.Elapsed().Seconds()/1e6, "MB/s")
}

var _ io.Writer = (*countingWriter)(nil)
