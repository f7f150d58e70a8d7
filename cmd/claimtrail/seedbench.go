package main

import (
	"context"
	"fmt"
	"os"
	"runtime/debug"
	"time"

	"claimtrail/storage"
	"claimtrail/storage/keyfile"
	"claimtrail/web/auth"
)

// cmdSeedBench makes a realistic benchmark database: articles, claims in
// every state, verdicts with sources, comments and audit history.
func cmdSeedBench(ctx context.Context, env *environment, args []string) error {
	fs, dbPath := newFlags(env, "seed-bench")
	claims := fs.Int("claims", 1_000_000, "number of `claims`, candidates included")
	articles := fs.Int("articles", 0, "number of `articles` (default: one per five claims)")
	password := fs.String("password", "bench-password", "`password` of every seeded account")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *claims <= 0 || *articles < 0 {
		return &usageError{msg: "-claims must be more than 0 and -articles not negative"}
	}
	if err := folderOf(*dbPath); err != nil {
		return err
	}
	if _, err := os.Stat(keyfile.PathFor(*dbPath)); err == nil {
		return fmt.Errorf("%s is left from an earlier database; remove it with that database before seeding a new one", keyfile.PathFor(*dbPath))
	}
	hash, err := auth.HashPassword(*password)
	if err != nil {
		return err
	}
	boundHeap(env)
	start := time.Now()
	n, err := storage.SeedBench(ctx, *dbPath, storage.BenchSeed{Claims: *claims, Articles: *articles, PasswordHash: hash, Progress: env.stderr})
	if err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "Seeded %s in %s: %d articles, %d claims (%d candidates, %d dismissed, %d queued, %d in review, %d submitted, %d approved), %d verdicts, %d sources, %d comments, %d audit events.\n",
		*dbPath, time.Since(start).Round(time.Millisecond), n.Articles, n.Claims,
		n.States["candidate"], n.States["dismissed"], n.States["queued"], n.States["in_review"], n.States["submitted"], n.States["approved"],
		n.Verdicts, n.Sources, n.Comments, n.AuditEvents)
	fmt.Fprintf(env.stdout, "Accounts (password %q): %s; editor01..%02d@bench.example; reviewer01..%02d@bench.example.\n",
		*password, storage.BenchAdminEmail, storage.BenchEditors, storage.BenchReviewers)
	return nil
}

// boundHeap keeps a whole-index build's memory in bounds: it holds hundreds
// of megabytes of postings live, and the collector's default (grow to twice
// what is live before collecting) would double them. GOMEMLIMIT, when set,
// decides instead.
func boundHeap(env *environment) {
	if env.getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(1280 << 20)
	}
}
