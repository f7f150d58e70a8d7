package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"claimtrail/domain"
	"claimtrail/domain/claimreview"
	"claimtrail/storage"
)

// importBatch is how many checks go into one transaction: an interrupted
// run keeps whole batches, and the progress bar moves at least this often.
const importBatch = 500

// cmdImportClaimReview adds other publishers' fact checks from schema.org
// ClaimReview: a JSON array (as our own feed writes it), one object, an
// @graph, or JSON Lines, from a file or standard input. A check is known by
// its url, so importing the same file again adds nothing, and a changed
// check is updated; a bad item is skipped with its reason and never stops
// the rest.
func cmdImportClaimReview(ctx context.Context, env *environment, args []string) error {
	fs, dbPath := newFlags(env, "import -format claimreview")
	fs.Usage = func() {
		fmt.Fprintln(env.stderr, "Usage: claimtrail import -format claimreview [-db FILE] FILE|-")
		fmt.Fprintln(env.stderr, "Reads schema.org ClaimReview: a JSON array, one object, an @graph, or JSON Lines; - reads standard input.")
		fs.PrintDefaults()
	}
	files, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if len(files) != 1 {
		fs.Usage()
		return &usageError{msg: "name one file to import, or - for standard input"}
	}
	name := files[0]
	var open func() (io.ReadCloser, error)
	source := "standard input"
	var total int64
	if name == "-" {
		open = func() (io.ReadCloser, error) { return io.NopCloser(env.stdin), nil }
	} else {
		source = filepath.Base(name)
		open = func() (io.ReadCloser, error) { return os.Open(name) }
		// A first pass counts the items, for the progress bar.
		f, err := open()
		if err != nil {
			return fmt.Errorf("cannot read %s: %s", name, describeFSError(err))
		}
		err = claimreview.Read(f, func(claimreview.Item) error { total++; return nil })
		f.Close()
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
	}
	db, ctx, err := openExistingDB(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer db.Close()

	r, err := open()
	if err != nil {
		return fmt.Errorf("cannot read %s: %s", name, describeFSError(err))
	}
	defer r.Close()
	p := newProgress(env.stderr, "checks", total)
	sum, runErr := importClaimReview(ctx, db, r, source, p)
	p.Finish()
	fmt.Fprintf(env.stdout, "%s added, %s updated, %s unchanged, %s skipped\n", plural(sum.Added, "check", "checks"),
		plural(sum.Updated, "check", "checks"), plural(sum.Unchanged, "check", "checks"), plural(len(sum.Skipped), "item", "items"))
	for _, s := range sum.Skipped {
		where := fmt.Sprintf("item %d", s.Item)
		if s.URL != "" {
			where += " (" + s.URL + ")"
		}
		fmt.Fprintf(env.stdout, "  skipped %s: %s\n", where, s.Reason)
	}
	switch {
	case runErr != nil && ctx.Err() != nil:
		return &exitError{code: 130, msg: "interrupted; run the same command again to carry on: checks already in are recognised by their url"}
	case runErr != nil:
		return runErr
	case len(sum.Skipped) > 0:
		return &exitError{code: 1, msg: fmt.Sprintf("%s not imported; see above for why", plural(len(sum.Skipped), "item was", "items were"))}
	}
	return nil
}

// importClaimReview reads ClaimReview items from r and stores them in
// batches, counting each item on p.
func importClaimReview(ctx context.Context, db *storage.DB, r io.Reader, source string, p *progress) (domain.ImportSummary, error) {
	var sum domain.ImportSummary
	var batch []domain.ImportedCheck
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		got, err := db.ImportChecks(ctx, batch)
		if err != nil {
			return err
		}
		sum.Add(got)
		p.Add(int64(len(batch)))
		batch = batch[:0]
		return nil
	}
	err := claimreview.Read(r, func(it claimreview.Item) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		if it.Err != nil {
			sum.Skipped = append(sum.Skipped, domain.ImportSkip{Item: it.N, URL: it.Check.URL, Reason: reason(it.Err)})
			p.Add(1)
			return nil
		}
		it.Check.Source = source
		batch = append(batch, it.Check)
		if len(batch) == importBatch {
			return flush()
		}
		return nil
	})
	if err == nil {
		err = flush()
	}
	return sum, err
}

// reason is an error's message for a person.
func reason(err error) string {
	var de *domain.Error
	if errors.As(err, &de) {
		return de.Message
	}
	return err.Error()
}

// cmdReindex rebuilds the indexes: the matcher's (accepted claims and
// imported checks) and the search's (claims, articles, verdicts, sources and
// imported checks).
func cmdReindex(ctx context.Context, env *environment, args []string) error {
	fs, dbPath := newFlags(env, "reindex")
	which := fs.String("index", "all", "which index to rebuild: all, match or search")
	fs.Usage = func() {
		fmt.Fprintln(env.stderr, "Usage: claimtrail reindex [-db FILE] [-index all|match|search]")
		fmt.Fprintln(env.stderr, "Rebuilds the index that matches claims against accepted claims and imported checks,")
		fmt.Fprintln(env.stderr, "and the search index over claims, articles, verdicts, sources and imported checks.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return &usageError{}
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return &usageError{msg: "reindex takes no arguments"}
	}
	if *which != "all" && *which != "match" && *which != "search" {
		return &usageError{msg: "-index must be all, match or search"}
	}
	boundHeap(env)
	db, ctx, err := openExistingDB(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	for _, ix := range []struct {
		name string
		run  func(context.Context, func(int)) (int, error)
	}{{"match", db.Reindex}, {"search", db.ReindexSearch}} {
		if *which != "all" && *which != ix.name {
			continue
		}
		start := time.Now()
		p := newProgress(env.stderr, "documents", 0)
		docs, err := ix.run(ctx, func(done int) { p.Add(int64(done) - p.done) })
		p.Finish()
		if err != nil {
			return err
		}
		fmt.Fprintf(env.stdout, "%s index: %s in %s\n", ix.name, plural(docs, "document", "documents"), time.Since(start).Round(time.Second))
	}
	return nil
}
