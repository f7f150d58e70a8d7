package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"claimtrail/domain"
	"claimtrail/domain/extract"
	"claimtrail/storage"
	"claimtrail/web"
	"claimtrail/web/ingest"
)

// cmdImportArticles adds articles from files and folders through the same
// path as an upload in the browser: read and clean the file, extract the
// candidate claims, store the article with them in one transaction. Every
// article is its own transaction, so an interrupted run keeps what it has
// done, and a second run recognises those articles (same address or same
// text) and leaves them alone.
func cmdImportArticles(ctx context.Context, env *environment, args []string) error {
	fs, dbPath := newFlags(env, "import -format articles")
	maxMB := fs.Int64("max-mb", envInt(env, "CLAIMTRAIL_MAX_UPLOAD_MB", 5), "largest article accepted, in `MB`")
	fs.Usage = func() {
		fmt.Fprintln(env.stderr, "Usage: claimtrail import -format articles [-db FILE] [-max-mb N] FILE|DIR...")
		fmt.Fprintln(env.stderr, "Adds .txt, .md and .html files, and JSON Lines files (.jsonl: one article a line with title, url, outlet, published_at and body).")
		fs.PrintDefaults()
	}
	paths, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if len(paths) == 0 {
		fs.Usage()
		return &usageError{msg: "name at least one file or folder to import"}
	}
	if *maxMB <= 0 {
		return &usageError{msg: "-max-mb must be at least 1"}
	}
	imp := &articleImporter{limit: *maxMB << 20}
	for _, p := range paths {
		if err := imp.collect(p); err != nil {
			return err
		}
	}
	db, ctx, err := openExistingDB(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	imp.db = db
	// Imported articles are scored as the browser scores them, by the
	// newsroom's claim scorer in use when the import starts.
	if imp.scorerVersion, imp.scorer, err = db.CurrentScorer(ctx); err != nil {
		return err
	}

	imp.progress = newProgress(env.stderr, "articles", imp.total)
	runErr := imp.run(ctx)
	imp.progress.Finish()
	imp.summarise(env.stdout)
	switch {
	case runErr != nil && ctx.Err() != nil:
		return &exitError{code: 130, msg: fmt.Sprintf("interrupted after %d of %d; run the same command again to carry on: articles already in are recognised and left alone", imp.progress.done, imp.total)}
	case runErr != nil:
		return runErr
	case len(imp.skipped) > 0:
		return &exitError{code: 1, msg: fmt.Sprintf("%s not imported; see above for why", plural(len(imp.skipped), "input was", "inputs were"))}
	}
	return nil
}

// parseInterleaved parses flags that may come before, between or after the
// file names, and returns the file names.
func parseInterleaved(fs interface {
	Parse([]string) error
	Args() []string
}, args []string) ([]string, error) {
	var rest []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, &usageError{}
		}
		args = fs.Args()
		if len(args) == 0 {
			return rest, nil
		}
		rest = append(rest, args[0])
		args = args[1:]
	}
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// articleSource is one file to read: a single article, or JSON Lines.
type articleSource struct {
	path  string
	lines bool
}

// skippedInput is something not imported, and why, in words.
type skippedInput struct {
	where, why string
}

type articleImporter struct {
	db            *storage.DB
	scorer        *extract.Model
	scorerVersion int64
	limit         int64
	sources       []articleSource
	total         int64
	progress      *progress

	added, candidates, checkWorthy int
	already                        int
	skipped                        []skippedInput
	ignored                        []string // files in a folder that are not articles
}

// collect adds a file, or every article file under a folder, to the work
// list; files of other kinds found in a folder are noted as skipped.
func (imp *articleImporter) collect(path string) error {
	st, err := os.Stat(path)
	if err != nil {
		imp.skip(path, "there is no such file or folder")
		return nil
	}
	if !st.IsDir() {
		return imp.collectFile(path, true)
	}
	return filepath.WalkDir(path, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			imp.skip(p, "cannot be read: "+describeFSError(err))
			return nil
		}
		if strings.HasPrefix(d.Name(), ".") && p != path {
			// Hidden files and folders (.git, .DS_Store) are not articles.
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			return nil
		}
		return imp.collectFile(p, false)
	})
}

func (imp *articleImporter) collectFile(path string, named bool) error {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".jsonl", ".ndjson":
		n, err := countLines(path)
		if err != nil {
			imp.skip(path, "cannot be read: "+describeFSError(err))
			return nil
		}
		imp.sources = append(imp.sources, articleSource{path: path, lines: true})
		imp.total += n
	case ".txt", ".text", ".md", ".markdown", ".html", ".htm", ".xhtml":
		imp.sources = append(imp.sources, articleSource{path: path})
		imp.total++
	default:
		if named {
			// Named on the command line: the upload's own message says why.
			imp.sources = append(imp.sources, articleSource{path: path})
			imp.total++
		} else {
			imp.ignored = append(imp.ignored, path)
		}
	}
	return nil
}

func describeFSError(err error) string {
	switch {
	case errors.Is(err, fs.ErrPermission):
		return "permission denied"
	case errors.Is(err, fs.ErrNotExist):
		return "it no longer exists"
	}
	return err.Error()
}

// countLines counts the lines of a file, for the progress bar's total.
func countLines(path string) (int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	var n int64
	buf := make([]byte, 256<<10)
	last := byte('\n')
	for {
		k, err := f.Read(buf)
		if k > 0 {
			n += int64(bytes.Count(buf[:k], []byte{'\n'}))
			last = buf[k-1]
		}
		if err == io.EOF {
			break
		} else if err != nil {
			return 0, err
		}
	}
	if last != '\n' {
		n++
	}
	return n, nil
}

func (imp *articleImporter) skip(where, why string) {
	imp.skipped = append(imp.skipped, skippedInput{where, why})
}

// run imports every source in turn; it stops between two articles when ctx
// is cancelled, and at once on an error that is not the input's fault.
func (imp *articleImporter) run(ctx context.Context) error {
	for _, src := range imp.sources {
		var err error
		if src.lines {
			err = imp.importLines(ctx, src.path)
		} else {
			err = imp.importFile(ctx, src.path)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func (imp *articleImporter) importFile(ctx context.Context, path string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	defer imp.progress.Add(1)
	f, err := os.Open(path)
	if err != nil {
		imp.skip(path, "cannot be read: "+describeFSError(err))
		return nil
	}
	defer f.Close()
	in, err := ingest.FromUpload(path, f, imp.limit)
	if err != nil {
		return imp.refused(path, err)
	}
	return imp.add(ctx, path, in)
}

// articleLine is one line of a JSON Lines import.
type articleLine struct {
	Title       string `json:"title"`
	URL         string `json:"url"`
	Outlet      string `json:"outlet"`
	Author      string `json:"author"`
	PublishedAt string `json:"published_at"`
	Body        string `json:"body"`
}

func (imp *articleImporter) importLines(ctx context.Context, path string) error {
	f, err := os.Open(path)
	if err != nil {
		imp.skip(path, "cannot be read: "+describeFSError(err))
		return nil
	}
	defer f.Close()
	r := bufio.NewReaderSize(f, 64<<10)
	// JSON escaping can make the text longer than the article itself.
	maxLine := 2*imp.limit + 64<<10
	for n := 1; ; n++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		line, tooLong, err := readLine(r, maxLine)
		if err == io.EOF && len(line) == 0 && !tooLong {
			return nil
		} else if err != nil && err != io.EOF {
			imp.skip(path, "cannot be read: "+describeFSError(err))
			return nil
		}
		where := fmt.Sprintf("%s line %d", path, n)
		if err := imp.importLine(ctx, where, line, tooLong); err != nil {
			return err
		}
		imp.progress.Add(1)
	}
}

func (imp *articleImporter) importLine(ctx context.Context, where string, line []byte, tooLong bool) error {
	if tooLong {
		imp.skip(where, fmt.Sprintf("the line is longer than %d MB, far more than an article of at most %d MB", (2*imp.limit+64<<10)>>20, imp.limit>>20))
		return nil
	}
	if len(bytes.TrimSpace(line)) == 0 {
		return nil
	}
	var rec articleLine
	dec := json.NewDecoder(bytes.NewReader(line))
	if err := dec.Decode(&rec); err != nil {
		imp.skip(where, "not a JSON object with title, url, outlet, published_at and body: "+describeJSONError(err))
		return nil
	}
	if dec.More() {
		imp.skip(where, "more than one JSON value on the line; put one article on each line")
		return nil
	}
	published, err := parseImportDate(rec.PublishedAt)
	if err != nil {
		imp.skip(where, fmt.Sprintf("published_at %q is not a date like 2025-02-23 or 2025-02-23T09:30:00Z", rec.PublishedAt))
		return nil
	}
	in, err := ingest.FromText(rec.Body, imp.limit)
	if err != nil {
		return imp.refused(where, err)
	}
	in.Title, in.URL, in.Outlet, in.Author = rec.Title, rec.URL, rec.Outlet, rec.Author
	if !published.IsZero() {
		in.PublishedAt = published
	}
	return imp.add(ctx, where, in)
}

func describeJSONError(err error) string {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return fmt.Sprintf("%s at byte %d", syn.Error(), syn.Offset)
	case errors.As(err, &typ):
		return fmt.Sprintf("%s should be a %s", typ.Field, typ.Type)
	}
	return err.Error()
}

func parseImportDate(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UTC(), nil
	}
	return time.Parse("2006-01-02", s)
}

// readLine reads one line without its newline. A line longer than max is
// read to its end and thrown away, reported as tooLong.
func readLine(r *bufio.Reader, max int64) (line []byte, tooLong bool, err error) {
	for {
		chunk, err := r.ReadSlice('\n')
		if !tooLong {
			if int64(len(line)+len(chunk)) > max {
				tooLong, line = true, nil
			} else {
				line = append(line, chunk...)
			}
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		return bytes.TrimRight(line, "\r\n"), tooLong, err
	}
}

// afterImportedArticle lets a test interrupt an import part way through.
var afterImportedArticle func()

// add stores one article with its candidates, the browser's way.
func (imp *articleImporter) add(ctx context.Context, where string, in ingest.Article) error {
	if afterImportedArticle != nil {
		defer afterImportedArticle()
	}
	a, candidates, err := web.PrepareArticleWith(in, domain.OriginUpload, imp.scorerVersion, imp.scorer)
	if err == nil {
		err = imp.db.CreateArticle(ctx, a, candidates)
	}
	var dup *storage.DuplicateArticleError
	switch {
	case errors.As(err, &dup):
		imp.already++
		return nil
	case err != nil:
		return imp.refused(where, err)
	}
	imp.added++
	imp.candidates += len(candidates)
	for _, c := range candidates {
		if c.CheckWorthy {
			imp.checkWorthy++
		}
	}
	return nil
}

// refused notes an input the newsroom's rules refuse, with their message;
// any other error stops the import.
func (imp *articleImporter) refused(where string, err error) error {
	var de *domain.Error
	if !errors.As(err, &de) || de.Code == domain.EINTERNAL {
		return fmt.Errorf("%s: %w", where, err)
	}
	why := de.Message
	if len(de.Fields) > 0 {
		var parts []string
		for _, field := range []string{"file", "body", "title", "outlet", "author", "url", "origin"} {
			if msg, ok := de.Fields[field]; ok {
				parts = append(parts, msg)
			}
		}
		if len(parts) > 0 {
			why = strings.Join(parts, " ")
		}
	}
	imp.skip(where, why)
	return nil
}

func (imp *articleImporter) summarise(w io.Writer) {
	fmt.Fprintf(w, "Imported %s with %s (%d check-worthy).\n", plural(imp.added, "article", "articles"),
		plural(imp.candidates, "candidate claim", "candidate claims"), imp.checkWorthy)
	if imp.already > 0 {
		fmt.Fprintf(w, "%s already in claimtrail (same web address or same text), left as %s.\n",
			plural(imp.already, "article was", "articles were"), map[bool]string{true: "it was", false: "they were"}[imp.already == 1])
	}
	if len(imp.ignored) > 0 {
		fmt.Fprintf(w, "Left out %s in the folders, not being .txt, .md, .html or .jsonl:\n", plural(len(imp.ignored), "file", "files"))
		for _, p := range imp.ignored {
			fmt.Fprintf(w, "  %s\n", p)
		}
	}
	if len(imp.skipped) > 0 {
		fmt.Fprintf(w, "Skipped %d:\n", len(imp.skipped))
		for _, s := range imp.skipped {
			fmt.Fprintf(w, "  %s: %s\n", s.where, s.why)
		}
	}
}
