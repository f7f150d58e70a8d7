package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"os"
	"runtime/debug"
	"runtime/pprof"
	"strconv"
	"strings"
	"time"

	"claimtrail/storage"
	"claimtrail/storage/keyfile"
	"claimtrail/web"
)

func cmdServe(ctx context.Context, env *environment, args []string) error {
	fs, dbPath := newFlags(env, "serve")
	addr := fs.String("addr", env.envOr("CLAIMTRAIL_ADDR", "127.0.0.1:8080"), "listen on `host:port`")
	demo := fs.Bool("demo", false, "add demo accounts (printing one-time passwords) and a demo article")
	baseURL := fs.String("base-url", env.getenv("CLAIMTRAIL_BASE_URL"), "public `URL` of the site, used in exports and ClaimReview")
	secure := fs.Bool("secure-cookies", env.getenv("CLAIMTRAIL_SECURE_COOKIES") == "1", "mark session cookies Secure (behind a TLS proxy)")
	proxies := fs.String("trusted-proxies", env.getenv("CLAIMTRAIL_TRUSTED_PROXIES"), "comma-separated `addresses` or CIDR ranges of reverse proxies whose X-Forwarded-For names the client")
	checkpoints := fs.String("audit-checkpoints", env.getenv("CLAIMTRAIL_AUDIT_CHECKPOINTS"), "append a signed checkpoint of the audit log to `file` at start and every -checkpoint-every")
	checkpointEvery := fs.Duration("checkpoint-every", time.Hour, "how often to write an audit checkpoint")
	maxUpload := fs.Int64("max-upload-mb", envInt(env, "CLAIMTRAIL_MAX_UPLOAD_MB", 5), "largest article accepted, in `MB`")
	apiRate := fs.Int64("api-rate", envInt(env, "CLAIMTRAIL_API_RATE", 600), "API requests a `minute` per person, shared by their tokens; 0 for no limit (load tests)")
	durability := fs.String("durability", env.getenv("CLAIMTRAIL_DURABILITY"), "when a change is acknowledged: `full` (on disk; the default), sqlite-full or normal (see README)")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the whole run to `file` when the server stops (for bench/)")
	gcPercent := fs.Int64("gc-percent", envInt(env, "CLAIMTRAIL_GC_PERCENT", defaultGCPercent), "heap growth, in `percent` of the live heap, before the garbage collector runs (GOGC, when set, wins)")
	memoryLimitMB := int64(defaultMemoryLimitMB)
	if n, err := strconv.ParseInt(env.getenv("CLAIMTRAIL_MEMORY_LIMIT"), 10, 64); err == nil && n >= 0 {
		memoryLimitMB = n // 0: none
	}
	memoryLimit := fs.Int64("memory-limit", memoryLimitMB, "soft limit on the Go heap, in `MB`: nearing it, the garbage collector runs sooner than -gc-percent says (GOMEMLIMIT, when set, wins; 0: none)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if env.getenv("GOGC") == "" {
		// The pages allocate quickly from a small live heap; at Go's default
		// (100) the collector ran every few tens of milliseconds under load.
		defer debug.SetGCPercent(debug.SetGCPercent(int(*gcPercent)))
	}
	if env.getenv("GOMEMLIMIT") == "" && *memoryLimit > 0 {
		// The headroom -gc-percent gives is five times what is live; once
		// the kept reads have filled, that alone passed a gigabyte.
		defer debug.SetMemoryLimit(debug.SetMemoryLimit(*memoryLimit << 20))
	}
	if *cpuProfile != "" {
		stop, err := startCPUProfile(*cpuProfile)
		if err != nil {
			return err
		}
		defer stop()
	}
	dur, err := storage.ParseDurability(*durability)
	if err != nil {
		return &usageError{msg: "-durability: " + err.Error()}
	}
	if *apiRate == 0 {
		*apiRate = -1
	}
	trusted, err := parseTrustedProxies(*proxies)
	if err != nil {
		return &usageError{msg: err.Error()}
	}
	logger := slog.New(slog.NewTextHandler(env.stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))

	db, dbCtx, err := openDBWith(ctx, *dbPath, storage.Options{Durability: dur})
	if err != nil {
		return err
	}
	defer db.Close()
	db.OnCheckpointError(func(err error) {
		logger.Error("copying the write-ahead log into the database failed; the log grows until it works again", slog.Any("error", err))
	})
	db.OnDeskFoldError(func(err error) {
		logger.Error("folding the dashboard's pending counters failed; they stay exact, and pending, until it works again", slog.Any("error", err))
	})
	if *demo {
		if err := seedDemo(dbCtx, db, env.stdout); err != nil {
			return fmt.Errorf("demo data: %w", err)
		}
	}
	keys, err := keyfile.Load(keyfile.PathFor(*dbPath))
	if err != nil {
		return err
	}
	sessKeys, err := sessionKeys(env, keys)
	if err != nil {
		return &usageError{msg: err.Error()}
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	defer ln.Close()
	if *demo && *baseURL == "" {
		// The demo runs on one's own machine: its public address is the one
		// it listens on, so its check pages carry ClaimReview. Otherwise the
		// address comes from -base-url or the admin, never from a request.
		*baseURL = "http://" + ln.Addr().String()
	}
	app, err := web.New(ctx, web.Config{
		SessionKeys: sessKeys,
		DB:          db, Logger: logger, BaseURL: *baseURL, SecureCookies: *secure, MaxUploadBytes: *maxUpload << 20,
		TrustedProxies: trusted, APIRequestsPerMinute: int(*apiRate),
	})
	if err != nil {
		return err
	}
	// Notifications are made and delivered in the background, and the
	// notifier has stopped before the database closes.
	defer background(ctx, func(ctx context.Context) { app.RunNotifier(ctx, 5*time.Second) })()
	// Subscribed ClaimReview feeds are fetched in the background too; the
	// worker stops with the server, before the database closes.
	defer background(ctx, func(ctx context.Context) { app.RunFeeds(ctx, 30*time.Second) })()
	// Adapting the claim scorer runs in the background (Adapt now, or after
	// every N labels); a run under way is finished and saved before the
	// database closes.
	defer background(ctx, app.RunScorer)()
	// What changes listed for the search index is indexed by the writer in
	// transactions of its own, every searchIndexEvery (storage/search_indexer.go).
	defer background(ctx, func(ctx context.Context) { indexSearchPending(ctx, db, logger, searchIndexEvery) })()
	// Documents that were there before the search index are indexed a slice
	// at a time in the background (or all at once by claimtrail reindex).
	defer background(ctx, func(ctx context.Context) { indexSearchBacklog(ctx, db, logger) })()
	// Every search document's rank is read into memory in the background,
	// so the first searches need not wait for it (storage/search_ranks.go).
	db.PrepareSearch()
	srv := &http.Server{
		Handler:           app.Handler(),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second, // long exports extend their own deadline
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	fmt.Fprintf(env.stdout, "claimtrail is running at http://%s (database %s); press Ctrl-C to stop\n", ln.Addr(), *dbPath)
	if *demo {
		fmt.Fprintf(env.stdout, "Sign in at http://%s/login with one of the demo accounts above.\n", ln.Addr())
	}

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	if *checkpoints != "" {
		defer background(ctx, func(ctx context.Context) {
			writeCheckpoints(ctx, dbCtx, db, *checkpoints, *checkpointEvery, logger)
		})()
	}
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	// Finish in-flight requests, then stop.
	logger.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return err
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// startCPUProfile profiles the server's CPU until the returned function is
// called: the benchmark scripts read where a change's time goes from it.
func startCPUProfile(path string) (func(), error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("-cpuprofile: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("-cpuprofile: %w", err)
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}

// defaultGCPercent lets the heap grow to five times what is live before a
// collection: a few tens of megabytes more, beside the database's page caches.
const defaultGCPercent = 400

// defaultMemoryLimitMB bounds the Go heap softly: below it the collector
// runs as -gc-percent says; nearing it, sooner. At a million claims the
// live heap is 100-220 MB (the kept reads, the search's ranks and words'
// blocks), so the collector runs no more often until the heap has grown
// three to five times past it; SQLite's page caches (about 150 MB at most)
// come on top.
const defaultMemoryLimitMB = 768

func envInt(env *environment, key string, def int64) int64 {
	if n, err := strconv.ParseInt(env.getenv(key), 10, 64); err == nil && n > 0 {
		return n
	}
	return def
}

// parseTrustedProxies reads "10.0.0.1, 192.168.0.0/24" into prefixes.
func parseTrustedProxies(s string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		if p, err := netip.ParsePrefix(part); err == nil {
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(part)
		if err != nil {
			return nil, fmt.Errorf("-trusted-proxies: %q is not an IP address or CIDR range", part)
		}
		out = append(out, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
	}
	return out, nil
}

// writeCheckpoints appends a signed checkpoint of the audit log to file now
// and then every interval while the log grows, until ctx ends.
func writeCheckpoints(ctx, dbCtx context.Context, db *storage.DB, file string, every time.Duration, logger *slog.Logger) {
	var last int64 = -1
	tick := time.NewTicker(max(every, time.Second))
	defer tick.Stop()
	for {
		cp, err := db.AuditCheckpoint(dbCtx)
		if err == nil && cp.Seq != last {
			cp, err = appendCheckpoint(dbCtx, db, file)
		}
		if err != nil {
			logger.Error("audit checkpoint", slog.String("file", file), slog.Any("error", err))
		} else {
			last = cp.Seq
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// indexSearchBacklog works through the search index's backlog, 200
// documents a transaction with a pause between, until none are left or ctx
// ends.
func indexSearchBacklog(ctx context.Context, db *storage.DB, logger *slog.Logger) {
	for ctx.Err() == nil {
		left, err := db.IndexSearchBacklog(ctx, 200)
		if err != nil {
			if ctx.Err() == nil {
				logger.Error("search index backlog", slog.Any("error", err))
			}
			return
		}
		if left == 0 {
			return
		}
		select {
		case <-ctx.Done():
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// searchIndexEvery is how often the search index catches up with the
// changes: a verdict saved is found by its words within about this long
// (and the time the pass takes), a document changed several times meanwhile
// is indexed once.
const searchIndexEvery = 500 * time.Millisecond

// indexSearchPending indexes what changes listed for the search index, at
// once (what a previous run left, even after a crash), then every `every`,
// and a last time as the server stops (for at most a few seconds; what is
// left waits in the database for the next start).
func indexSearchPending(ctx context.Context, db *storage.DB, logger *slog.Logger, every time.Duration) {
	tick := time.NewTicker(every)
	defer tick.Stop()
	failing := false
	for {
		stopping := ctx.Err() != nil
		pass := ctx
		if stopping {
			var cancel context.CancelFunc
			pass, cancel = context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
			defer cancel()
		}
		err := db.IndexSearchPending(pass)
		// Told once until a pass works again: the next pass retries.
		if err != nil && !failing && pass.Err() == nil {
			logger.Error("search index: indexing the changed documents failed; searches show them as they were until it works", slog.Any("error", err))
		}
		failing = err != nil
		if stopping {
			return
		}
		select {
		case <-ctx.Done():
		case <-tick.C:
		}
	}
}

// background runs work in a goroutine of its own, under a context of its
// own, and returns stop, which cancels that context and waits for work to
// return: serve's workers have stopped before the database closes.
func background(ctx context.Context, work func(context.Context)) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		work(ctx)
	}()
	return func() { cancel(); <-done }
}
