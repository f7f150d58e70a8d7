package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"claimtrail/domain"
	"claimtrail/storage"
)

// newFlags makes a flag set for a subcommand with the shared -db flag. Parse
// errors print usage and become exit status 2.
func newFlags(env *environment, name string) (*flag.FlagSet, *string) {
	fs := flag.NewFlagSet("claimtrail "+name, flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	db := fs.String("db", env.envOr("CLAIMTRAIL_DB", "./claimtrail.db"), "SQLite database `file`")
	return fs, db
}

func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		// The flag package has already printed the problem and the usage.
		return &usageError{}
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return &usageError{msg: fmt.Sprintf("unexpected argument %q", fs.Arg(0))}
	}
	return nil
}

// openExistingDB is openDB for commands that read or change what is already
// there: a mistyped path must not become a new, empty database that is then
// backed up, verified or exported as if it were the newsroom's.
func openExistingDB(ctx context.Context, path string) (*storage.DB, context.Context, error) {
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return nil, ctx, fmt.Errorf("no database at %s: check the -db path (or CLAIMTRAIL_DB); `claimtrail migrate -db %s` creates a new one", path, path)
	}
	return openDB(ctx, path)
}

// folderOf refuses a file path whose folder does not exist, naming it;
// SQLite would only say it is "unable to open database file".
func folderOf(path string) error {
	dir := filepath.Dir(path)
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return fmt.Errorf("there is no folder %s for %s; create it first or choose another path", dir, path)
	}
	return nil
}

// openDB opens the database with the CLI as the actor of any change.
func openDB(ctx context.Context, path string) (*storage.DB, context.Context, error) {
	return openDBWith(ctx, path, storage.Options{})
}

// openDBWith is openDB with database settings (serve's -durability).
func openDBWith(ctx context.Context, path string, o storage.Options) (*storage.DB, context.Context, error) {
	if err := folderOf(path); err != nil {
		return nil, ctx, err
	}
	db, err := storage.OpenWith(ctx, path, o)
	if err != nil {
		return nil, ctx, err
	}
	ctx = domain.WithActor(ctx, domain.Actor{Label: "cli"})
	if _, err := setUpKeys(ctx, db, path); err != nil {
		db.Close()
		return nil, ctx, err
	}
	return db, ctx, nil
}
