package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode/utf8"

	"claimtrail/domain"
	"claimtrail/domain/extract"
	"claimtrail/web/ingest"
)

const extractUsage = `usage: claimtrail extract [-lines] [-threshold X] [-db FILE] [FILE]

Reads an article from FILE (or standard input) and writes one JSON object per
sentence, in input order: text, start, end, score, checkworthy, type, figures,
claimant, reasons. start and end are byte offsets into the input, so
input[start:end] is the sentence (with -lines too; a line's CR is left out);
a figure's start and end are offsets into its sentence. Text saved as UTF-16
with a byte-order mark is read as UTF-8 first, and offsets count that.
Bytes that are not UTF-8 are kept in place and shown as U+FFFD, with a
warning; a binary file (a PDF, an image, a program) is refused.
With -db, sentences are scored by the newsroom's claim scorer in use in that
database (see claimtrail model), and -threshold defaults to its threshold;
without it, by the base model built into the program.

`

// cmdExtract runs `claimtrail extract`. It returns the process exit code.
func cmdExtract(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("extract", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, extractUsage)
		fs.PrintDefaults()
	}
	lines := fs.Bool("lines", false, "treat each input line as one sentence (no splitting); one output line per input line")
	threshold := fs.Float64("threshold", extract.DefaultThreshold, "score at or above which a sentence is check-worthy, in [0,1] (default: the model's own)")
	dbPath := fs.String("db", "", "score with the claim scorer in use in this database `file` (default: the base model)")
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return 0
		}
		return 2
	}
	thresholdSet := false
	fs.Visit(func(f *flag.Flag) { thresholdSet = thresholdSet || f.Name == "threshold" })
	switch {
	case fs.NArg() > 1:
		fmt.Fprintf(stderr, "claimtrail extract: give one FILE at most, not %d\n\n", fs.NArg())
		fs.Usage()
		return 2
	case !(*threshold >= 0 && *threshold <= 1): // NaN fails both
		fmt.Fprintf(stderr, "claimtrail extract: -threshold must be a number from 0 to 1, not %v\n\n", *threshold)
		fs.Usage()
		return 2
	}

	model := extract.DefaultModel()
	if *dbPath != "" {
		db, dbCtx, err := openExistingDB(ctx, *dbPath)
		if err != nil {
			fmt.Fprintf(stderr, "claimtrail extract: %v\n", err)
			return 1
		}
		_, model, err = db.CurrentScorer(dbCtx)
		db.Close()
		if err != nil {
			fmt.Fprintf(stderr, "claimtrail extract: cannot read the claim scorer from %s: %s\n", *dbPath, domain.ErrorMessage(err))
			return 1
		}
	}
	if !thresholdSet {
		*threshold = model.Threshold
	}

	in := stdin
	name := "standard input"
	if fs.NArg() == 1 && fs.Arg(0) != "-" {
		name = fs.Arg(0)
		f, err := os.Open(name)
		if err != nil {
			fmt.Fprintf(stderr, "claimtrail extract: cannot read %s: %v\n", name, err)
			return 1
		}
		defer f.Close()
		in = f
	}
	data, err := io.ReadAll(in)
	if err != nil {
		fmt.Fprintf(stderr, "claimtrail extract: cannot read %s: %v\n", name, err)
		return 1
	}
	if len(data) == 0 {
		return 0
	}
	data = ingest.FromUTF16(data)
	if len(bytes.TrimPrefix(data, []byte("\uFEFF"))) == 0 {
		return 0 // a byte-order mark and nothing else is empty input
	}
	if kind := ingest.BinaryKind(data); kind != "" {
		fmt.Fprintf(stderr, "claimtrail extract: cannot read %s: it looks like %s, not text\n", name, kind)
		return 1
	}
	if !utf8.Valid(data) {
		fmt.Fprintf(stderr, "claimtrail extract: warning: %s is not all UTF-8; unreadable bytes are shown as U+FFFD\n", name)
	}

	var sentences []extract.Sentence
	if *lines {
		text := strings.TrimSuffix(string(data), "\n")
		ls := strings.Split(text, "\n")
		starts := make([]int, len(ls))
		next := 0
		for i, line := range ls {
			starts[i], next = next, next+len(line)+1
			ls[i] = strings.TrimSuffix(line, "\r")
		}
		// A UTF-8 byte-order mark is not part of the first line's text.
		if rest, ok := strings.CutPrefix(ls[0], "\uFEFF"); ok {
			ls[0], starts[0] = rest, starts[0]+len("\uFEFF")
		}
		sentences = extract.ExtractLinesWith(model, ls)
		for i := range sentences {
			// Offsets into the whole input, as without -lines.
			sentences[i].Start += starts[i]
			sentences[i].End += starts[i]
		}
	} else {
		sentences = extract.ExtractWith(model, string(data))
	}

	w := bufio.NewWriter(stdout)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false) // quotes and £ signs stay readable
	for _, s := range sentences {
		s.CheckWorthy = s.Score >= *threshold && s.Type != extract.NotClaim
		if err := enc.Encode(s); err != nil {
			fmt.Fprintf(stderr, "claimtrail extract: %v\n", err)
			return 1
		}
	}
	if err := w.Flush(); err != nil {
		fmt.Fprintf(stderr, "claimtrail extract: %v\n", err)
		return 1
	}
	return 0
}
