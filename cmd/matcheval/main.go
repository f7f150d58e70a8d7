// Command matcheval prints the claim matcher's quality on the labelled pairs
// in testdata/match: same-tier precision, recall@5 and more, on the tuning
// split, the held-out split or both.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"strings"

	"claimtrail/domain/match"
)

func main() {
	file := flag.String("pairs", "testdata/match/pairs.txt", "labelled pairs")
	split := flag.String("split", "all", "tuning, held-out or all")
	verbose := flag.Bool("v", false, "list the mistakes")
	bg := flag.String("background", "../shared/claimdata/checkthat2024/train.tsv", "sentences that weigh words by rarity (tab-separated, text in the second column); skipped when absent")
	flag.Parse()
	f, err := os.Open(*file)
	if err != nil {
		fmt.Fprintln(os.Stderr, "matcheval:", err)
		os.Exit(1)
	}
	defer f.Close()
	set, err := match.ReadLabelledSet(f)
	if err != nil {
		fmt.Fprintln(os.Stderr, "matcheval:", err)
		os.Exit(1)
	}
	choose := map[string]func(match.LabelledQuery) bool{
		"tuning":   func(q match.LabelledQuery) bool { return q.Tuning },
		"held-out": func(q match.LabelledQuery) bool { return !q.Tuning },
		"all":      func(match.LabelledQuery) bool { return true },
	}[*split]
	if choose == nil {
		fmt.Fprintln(os.Stderr, "matcheval: -split is tuning, held-out or all")
		os.Exit(2)
	}
	background := readBackground(*bg)
	ev := match.Evaluate(set, background, choose)
	fmt.Printf("claim matcher, %s split, %d checks in the collection, %d background sentences\n%s", *split, len(set.Checks), len(background), ev)
	if *verbose {
		for _, m := range ev.Mistakes {
			fmt.Println(" ", m)
		}
	}
}

// readBackground reads the sentences of a tab-separated file with a header
// (id, text, label), or none when the file is absent.
func readBackground(path string) []string {
	f, err := os.Open(path)
	if err != nil {
		return nil
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for first := true; sc.Scan(); first = false {
		if first {
			continue
		}
		if cols := strings.Split(sc.Text(), "\t"); len(cols) >= 2 {
			out = append(out, strings.Trim(cols[1], `"`))
		}
	}
	return out
}
