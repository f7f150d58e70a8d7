// Command claimtrail runs the claimtrail web application and its
// administration tools. Run `claimtrail help` for the subcommands.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv)
	stop()
	os.Exit(exitCode(err, os.Stderr))
}

// usageError means the command line was wrong: exit status 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

// exitError carries a specific exit status with a message.
type exitError struct {
	code int
	msg  string
}

func (e *exitError) Error() string { return e.msg }

func exitCode(err error, stderr io.Writer) int {
	if err == nil {
		return 0
	}
	var ue *usageError
	var ee *exitError
	switch {
	case errors.As(err, &ue):
		if ue.msg != "" {
			fmt.Fprintln(stderr, "claimtrail:", ue.msg)
		}
		return 2
	case errors.As(err, &ee):
		if ee.msg != "" {
			fmt.Fprintln(stderr, "claimtrail:", ee.msg)
		}
		return ee.code
	}
	fmt.Fprintln(stderr, "claimtrail:", err)
	return 1
}

const usage = `claimtrail: track claims from article to published verdict.

Usage:
  claimtrail serve   [-db FILE] [-addr HOST:PORT] [-demo]   start the web application
  claimtrail migrate [-db FILE]                            create or upgrade the database
  claimtrail user add -email E -name N -role reviewer|editor|admin [-db FILE]
                                                          (password from stdin, or generated)
  claimtrail user list [-db FILE]
  claimtrail user set-role -email E -role R [-db FILE]
  claimtrail user disable -email E [-db FILE]
  claimtrail user enable -email E [-db FILE]
  claimtrail backup -o FILE [-db FILE]                     copy the database while it is in use
  claimtrail audit verify [-checkpoints FILE] [-db FILE]   check the audit log's keyed hash chain
                                                          (and the signed checkpoints in FILE)
  claimtrail audit checkpoint -o FILE [-db FILE]           append the chain's signed head to FILE
  claimtrail keys rotate [-db FILE]                        new session key; the previous one still works
  claimtrail export [-format csv|claimreview] [-since DATE] [-until DATE] [-o FILE] [-bom]
                    [-state S] [-rating R] [-outlet O] [-reviewer EMAIL] [-editor EMAIL] [-type T]
                    [-base-url URL] [-stats]
                                                          checked claims as CSV, or ClaimReview JSON-LD
  claimtrail import -format articles [-max-mb N] FILE|DIR...
                                                          add articles from .txt, .md, .html and .jsonl files
  claimtrail import -format claimreview FILE|-             add other publishers' fact checks (ClaimReview JSON,
                                                          JSON Lines or @graph); a re-import updates by url
  claimtrail reindex [-db FILE]                            rebuild the index that matches claims and checks
  claimtrail extract [-lines] [-threshold X] [-db FILE] [FILE]
                                                          find check-worthy claims (JSON Lines)
  claimtrail model adapt [-labels FILE.tsv]                learn the newsroom's claim scorer from its triage
  claimtrail model list                                    its versions, with their figures
  claimtrail model use VERSION|base                        switch version, or back to the base model
  claimtrail seed-bench -db FILE [-claims N] [-articles M] [-password P]
                                                          a realistic database for benchmarks
  claimtrail token create -user EMAIL [-name NAME]         make an API token (printed once)
  claimtrail token list -user EMAIL
  claimtrail token revoke -user EMAIL -id N

Every command takes -db FILE (default ./claimtrail.db, or $CLAIMTRAIL_DB).
`

// run is the whole program; tests call it directly.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return &usageError{}
	}
	env := &environment{stdin: stdin, stdout: stdout, stderr: stderr, getenv: getenv}
	switch args[0] {
	case "serve":
		return cmdServe(ctx, env, args[1:])
	case "migrate":
		return cmdMigrate(ctx, env, args[1:])
	case "user":
		return cmdUser(ctx, env, args[1:])
	case "backup":
		return cmdBackup(ctx, env, args[1:])
	case "audit":
		return cmdAudit(ctx, env, args[1:])
	case "token":
		return cmdToken(ctx, env, args[1:])
	case "keys":
		return cmdKeys(ctx, env, args[1:])
	case "export":
		return cmdExport(ctx, env, args[1:])
	case "import":
		return cmdImport(ctx, env, args[1:])
	case "reindex":
		return cmdReindex(ctx, env, args[1:])
	case "seed-bench":
		return cmdSeedBench(ctx, env, args[1:])
	case "model":
		return cmdModel(ctx, env, args[1:])
	case "extract":
		if code := cmdExtract(ctx, args[1:], stdin, stdout, stderr); code != 0 {
			return &exitError{code: code}
		}
		return nil
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return &usageError{msg: fmt.Sprintf("unknown command %q", args[0])}
}

// environment is what every subcommand gets from the process.
type environment struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string
}

func (e *environment) envOr(key, def string) string {
	if v := e.getenv(key); v != "" {
		return v
	}
	return def
}
