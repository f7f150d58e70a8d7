// Command seed builds a database of approved claims for bench/export.sh:
// users, a rating scale, articles, and N claims moved candidate → approved
// with verdicts and two sources each. SQLite generates the rows itself
// (recursive CTEs): a million claims take about two minutes.
//
//	go run ./bench/seed -db /tmp/bench.db -claims 1000000
package main

import (
	"flag"
	"fmt"
	"os"
	"time"

	"claimtrail/storage/storagetest"
)

func main() {
	path := flag.String("db", "bench.db", "database `file` to create (must not exist)")
	claims := flag.Int("claims", 1_000_000, "number of approved `claims`")
	flag.Parse()
	start := time.Now()
	if err := storagetest.Bulk(*path, *claims); err != nil {
		fmt.Fprintln(os.Stderr, "seed:", err)
		os.Exit(1)
	}
	fmt.Fprintf(os.Stderr, "seeded %d approved claims in %s\n", *claims, time.Since(start).Round(time.Millisecond))
}
