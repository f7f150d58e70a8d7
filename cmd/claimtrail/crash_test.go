package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"claimtrail/bench/crashtest"
	"claimtrail/storage"
	"claimtrail/web/auth"
)

// TestMain lets the test binary stand in for the claimtrail binary: the
// crash test starts it as the server it kills.
func TestMain(m *testing.M) {
	if os.Getenv("CLAIMTRAIL_TEST_AS_BINARY") == "1" {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		err := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv)
		stop()
		os.Exit(exitCode(err, os.Stderr))
	}
	os.Exit(m.Run())
}

// TestCrashRecovery is the short version of bench/crash.sh: a desk works
// through the API and the browser while the server is killed with SIGKILL at
// a random moment, three times; after each restart every acknowledged change
// is in the database, nothing is half done, the audit log verifies and the
// server answers within a second. The second round takes a backup under the
// load and checks it too.
func TestCrashRecovery(t *testing.T) {
	if testing.Short() {
		t.Skip("starts and kills servers")
	}
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "crash.db")
	// Enough queued claims (about 3,000) that the desk, at full speed,
	// never runs out of work in a round: a round with nothing acknowledged
	// fails the run.
	cli, reviewers, editors := seedCrashDesk(t, path, 20000)
	cfg := crashtest.Config{
		DB: path, Password: "bench-password",
		Start: func(addr string) *exec.Cmd {
			cmd := exec.Command(os.Args[0], "serve", "-db", path, "-addr", addr, "-api-rate", "0")
			cmd.Env = append(os.Environ(), "CLAIMTRAIL_TEST_AS_BINARY=1")
			return cmd
		},
		Verify:      func(db string) error { _, err := cli("audit", "verify", "-db", db); return err },
		Backup:      func(out string) error { _, err := cli("backup", "-db", path, "-o", out); return err },
		BackupRound: 2, Rounds: 3, MinRun: 400 * time.Millisecond, MaxRun: 1200 * time.Millisecond,
		RestartLimit: 0, // bench/crash.sh holds the server to 1 s; here it only has to come back
		Log:          testLog{t},
		Reviewers:    reviewers, Editors: editors,
	}
	rep, err := crashtest.Run(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d rounds, %d changes acknowledged %v, %d checked in the backup; slowest restart %s",
		rep.Rounds, rep.Acknowledged, rep.Kinds, rep.BackupChecked, rep.SlowestRestart.Round(time.Millisecond))
	// The checks above mean something only if the desk got work done.
	for _, kind := range []string{"taken", "saved", "submitted", "approved", "commented"} {
		if rep.Kinds[kind] == 0 {
			t.Errorf("no %s change was acknowledged in %d rounds", kind, rep.Rounds)
		}
	}
}

// seedCrashDesk seeds a benchmark database of claims claims at path, with
// API tokens for six reviewers and two editors, and returns a way to run
// claimtrail's commands and those accounts.
func seedCrashDesk(t *testing.T, path string, claims int) (cli func(args ...string) (string, error), reviewers, editors []crashtest.Account) {
	t.Helper()
	ctx := context.Background()
	hash, err := auth.HashPassword("bench-password")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := storage.SeedBench(ctx, path, storage.BenchSeed{Claims: claims, PasswordHash: hash}); err != nil {
		t.Fatal(err)
	}
	cli = func(args ...string) (string, error) {
		var out, errs bytes.Buffer
		err := run(ctx, args, strings.NewReader(""), &out, &errs, func(string) string { return "" })
		if err != nil {
			return "", fmt.Errorf("claimtrail %s: %w: %s", strings.Join(args, " "), err, errs.String())
		}
		return strings.TrimSpace(out.String()), nil
	}
	account := func(email string) crashtest.Account {
		token, err := cli("token", "create", "-db", path, "-user", email, "-name", "crash")
		if err != nil {
			t.Fatal(err)
		}
		return crashtest.Account{Email: email, Token: token}
	}
	for i := 1; i <= 6; i++ {
		reviewers = append(reviewers, account(storage.BenchReviewerEmail(i)))
	}
	for i := 1; i <= 2; i++ {
		editors = append(editors, account(storage.BenchEditorEmail(i)))
	}
	return cli, reviewers, editors
}

type testLog struct{ t *testing.T }

func (l testLog) Write(p []byte) (int, error) {
	l.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}
