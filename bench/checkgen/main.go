// Command checkgen writes made-up published fact checks as ClaimReview JSON
// Lines, for measuring imports and matching on a benchmark database.
//
//	go run ./bench/checkgen -db bench.db -n 100000 > checks.jsonl
//	claimtrail import -format claimreview -db bench.db checks.jsonl
//
// The checks are written from the database's own claims (read-only), so their
// vocabulary is the benchmark newsroom's broad one: half are other
// publishers' rewordings of accepted claims (the repeats a matcher must find),
// half are rewordings of claims the newsroom never accepted (new to the
// index). A rewording drops about a fifth of the words and sometimes swaps
// two neighbours; the headline is a shorter rewording in a fact-check's
// style. Publishers, ratings, dates and claimants are drawn from fixed lists,
// so the same flags give the same file.
package main

import (
	"bufio"
	"database/sql"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"time"

	_ "modernc.org/sqlite"
)

func main() {
	db := flag.String("db", "", "benchmark database to read claims from (opened read-only)")
	n := flag.Int("n", 10000, "how many checks to write")
	seed := flag.Uint64("seed", 1, "random seed")
	prefix := flag.String("url", "https://checks.example/", "the checks' addresses start with this")
	flag.Parse()
	if *db == "" || *n <= 0 {
		flag.Usage()
		os.Exit(2)
	}
	if err := run(*db, *n, *seed, *prefix); err != nil {
		fmt.Fprintln(os.Stderr, "checkgen:", err)
		os.Exit(1)
	}
}

var (
	publishers = []string{"Northern Facts", "The Verifier", "Check Desk Weekly", "Truth Meter", "Open Ledger Checks",
		"Harbour Fact Unit", "Civic Claims", "Second Look", "Plain Numbers", "Evidence First", "Coastline Checks",
		"Statline", "Daylight Review", "Fair Count", "Record Straight"}
	ratings   = []string{"False", "Misleading", "Mostly false", "Half true", "Mostly true", "True", "Missing context", "Unproven"}
	headlines = []string{"Fact check: %s", "No, %s", "Claim that %s is misleading", "%s? What the figures show",
		"Checked: %s", "Viral post says %s", "%s"}
)

func run(path string, n int, seed uint64, prefix string) error {
	raw, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		return err
	}
	defer raw.Close()
	accepted, err := texts(raw, `state IN ('queued', 'in_review', 'submitted', 'approved')`, n-n/2)
	if err != nil {
		return err
	}
	other, err := texts(raw, `state IN ('candidate', 'dismissed')`, n/2)
	if err != nil {
		return err
	}
	r := rand.New(rand.NewPCG(seed, 10))
	w := bufio.NewWriter(os.Stdout)
	enc := json.NewEncoder(w)
	start := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range n {
		var c claim
		if i%2 == 0 && len(accepted) > 0 {
			c = accepted[(i/2)%len(accepted)]
		} else if len(other) > 0 {
			c = other[(i/2)%len(other)]
		} else {
			c = accepted[i%len(accepted)]
		}
		text := reword(r, c.text)
		head := fmt.Sprintf(headlines[r.IntN(len(headlines))], strings.TrimSuffix(reword(r, text), "."))
		item := map[string]any{
			"@context":      "https://schema.org",
			"@type":         "ClaimReview",
			"url":           fmt.Sprintf("%s%d/%d", prefix, seed, i),
			"claimReviewed": text,
			"name":          head,
			"author":        map[string]any{"@type": "Organization", "name": publishers[r.IntN(len(publishers))]},
			"datePublished": start.AddDate(0, 0, r.IntN(700)).Format(time.DateOnly),
			"reviewRating":  map[string]any{"@type": "Rating", "alternateName": ratings[r.IntN(len(ratings))]},
		}
		if c.claimant != "" {
			item["itemReviewed"] = map[string]any{"@type": "Claim", "author": map[string]any{"@type": "Person", "name": c.claimant}}
		}
		if err := enc.Encode(item); err != nil {
			return err
		}
	}
	return w.Flush()
}

type claim struct{ text, claimant string }

// texts reads up to n claims spread evenly over the table.
func texts(raw *sql.DB, where string, n int) ([]claim, error) {
	if n <= 0 {
		return nil, nil
	}
	var total int
	if err := raw.QueryRow(`SELECT count(*) FROM claims WHERE ` + where).Scan(&total); err != nil {
		return nil, err
	}
	step := max(1, total/n)
	rows, err := raw.Query(`SELECT text, claimant FROM claims WHERE `+where+` AND id % ? = 0 ORDER BY id LIMIT ?`, step, n)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []claim
	for rows.Next() {
		var c claim
		if err := rows.Scan(&c.text, &c.claimant); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// reword drops about a fifth of the words and sometimes swaps two
// neighbours, as another publisher's wording of the same claim would.
func reword(r *rand.Rand, text string) string {
	w := strings.Fields(text)
	out := w[:0:0]
	for _, x := range w {
		if r.IntN(5) != 0 || len(w) < 4 {
			out = append(out, x)
		}
	}
	if len(out) > 3 && r.IntN(2) == 0 {
		i := r.IntN(len(out) - 1)
		out[i], out[i+1] = out[i+1], out[i]
	}
	return strings.Join(out, " ")
}
