package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"claimtrail/domain/extract"
)

const extractUsage = `usage: claimtrail extract [-lines] [-threshold X] [FILE]

Reads an article from FILE (or standard input) and writes one JSON object per
sentence, in input order: text, start, end, score, checkworthy, type, figures,
claimant, reasons.

`

// cmdExtract runs `claimtrail extract`. It returns the process exit code.
func cmdExtract(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("extract", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, extractUsage)
		fs.PrintDefaults()
	}
	lines := fs.Bool("lines", false, "treat each input line as one sentence (no splitting); one output line per input line")
	threshold := fs.Float64("threshold", extract.DefaultThreshold, "score at or above which a sentence is check-worthy, in [0,1]")
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return 0
		}
		return 2
	}
	if fs.NArg() > 1 || *threshold < 0 || *threshold > 1 {
		fs.Usage()
		return 2
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

	var sentences []extract.Sentence
	if *lines {
		text := strings.TrimSuffix(string(data), "\n")
		ls := strings.Split(text, "\n")
		for i := range ls {
			ls[i] = strings.TrimSuffix(ls[i], "\r")
		}
		sentences = extract.ExtractLines(ls)
	} else {
		sentences = extract.Extract(string(data))
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
