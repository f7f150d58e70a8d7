package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"claimtrail/bench/crashtest"
	"claimtrail/bench/powercut"
)

// TestPowerCut is the short version of bench/powercut.sh: the crash test's
// desk works against a server whose database sits on a FUSE mount that keeps
// unsynced writes in memory; each SIGKILL comes with a power cut dropping
// them, and the directory underneath must then hold every acknowledged
// change, nothing half done, with the audit log verifying. For `full` (the
// default) and `sqlite-full` nothing acknowledged may be lost; `normal` is
// documented to lose the last changes on a power cut, so there the count is
// only reported. Skipped where FUSE cannot be mounted (not root, no
// /dev/fuse).
func TestPowerCut(t *testing.T) {
	if testing.Short() {
		t.Skip("starts and kills servers")
	}
	if err := powercut.Available(); err != nil {
		t.Skipf("skipped: a power cut is played on a FUSE mount, and %v", err)
	}
	if f, err := powercut.Mount(t.TempDir(), t.TempDir()); err != nil {
		t.Skipf("skipped: FUSE cannot be mounted here: %v", err)
	} else if err := f.Close(); err != nil {
		t.Fatal(err)
	}

	ctx := context.Background()
	seed := filepath.Join(t.TempDir(), "seed.db")
	cli, reviewers, editors := seedCrashDesk(t, seed, 6000)

	for _, mode := range []string{"full", "sqlite-full", "normal"} {
		t.Run(mode, func(t *testing.T) {
			dir, mnt := t.TempDir(), t.TempDir()
			path := filepath.Join(dir, "powercut.db")
			for _, suffix := range []string{"", ".keys"} {
				b, err := os.ReadFile(seed + suffix)
				if err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path+suffix, b, 0o600); err != nil {
					t.Fatal(err)
				}
			}
			onMount := filepath.Join(mnt, filepath.Base(path))
			cfg := crashtest.Config{
				DB: path, Password: "bench-password", Reviewers: reviewers, Editors: editors,
				Start: func(addr string) *exec.Cmd {
					cmd := exec.Command(os.Args[0], "serve", "-db", onMount, "-addr", addr, "-api-rate", "0", "-durability", mode)
					cmd.Env = append(os.Environ(), "CLAIMTRAIL_TEST_AS_BINARY=1")
					return cmd
				},
				Verify:   func(db string) error { _, err := cli("audit", "verify", "-db", db); return err },
				Rounds:   3,
				MinRun:   400 * time.Millisecond,
				MaxRun:   1200 * time.Millisecond,
				Log:      testLog{t},
				PowerCut: crashtest.MountedPowerCut(dir, mnt, mode == "normal"),
			}
			rep, err := crashtest.Run(ctx, cfg)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("durability %s: %d power cuts, %d changes acknowledged %v, %d of them lost %v",
				mode, rep.Rounds, rep.Acknowledged+rep.Lost, rep.Kinds, rep.Lost, rep.LostKinds)
			// The checks above mean something only if the desk got work done.
			for _, kind := range []string{"taken", "saved", "submitted", "approved", "commented"} {
				if rep.Kinds[kind]+rep.LostKinds[kind] == 0 {
					t.Errorf("no %s change was acknowledged in %d rounds", kind, rep.Rounds)
				}
			}
		})
	}
}
