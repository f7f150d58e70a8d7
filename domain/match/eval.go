package match

import (
	"bufio"
	"cmp"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
)

// LabelledSet is a collection of published checks and queries labelled with
// the check each one states (or none), read from testdata/match/pairs.txt.
type LabelledSet struct {
	Checks  []LabelledCheck
	Queries []LabelledQuery
}

// LabelledCheck is one check of the collection.
type LabelledCheck struct {
	ID, Claimant, Text string
}

// LabelledQuery is a text with the check it is the same as or related to.
type LabelledQuery struct {
	Text   string
	Target string // check id, "" for an unrelated text
	Same   bool   // the same claim; false means related (or unrelated when Target is "")
	Tuning bool   // in the tuning split; false means held out
}

// heldOutFrom is the first check id whose queries are held out; unrelated
// texts are split in half.
const heldOutFrom = "C041"

// ReadLabelledSet parses the labelled pairs file.
func ReadLabelledSet(r io.Reader) (*LabelledSet, error) {
	set := &LabelledSet{}
	sc := bufio.NewScanner(r)
	var current string
	unrelated := false
	var loose []string
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "" || strings.HasPrefix(line, "#"):
		case line == "UNRELATED":
			unrelated = true
		case strings.HasPrefix(line, "C") && strings.Count(line, "|") == 2:
			f := strings.Split(line, "|")
			current = strings.TrimSpace(f[0])
			set.Checks = append(set.Checks, LabelledCheck{ID: current, Claimant: strings.TrimSpace(f[1]), Text: strings.TrimSpace(f[2])})
		case strings.HasPrefix(line, "= ") || strings.HasPrefix(line, "~ "):
			if current == "" || unrelated {
				return nil, fmt.Errorf("line %d: a labelled text outside a check", n)
			}
			set.Queries = append(set.Queries, LabelledQuery{Text: line[2:], Target: current, Same: line[0] == '=', Tuning: current < heldOutFrom})
		case strings.HasPrefix(line, "- ") && unrelated:
			loose = append(loose, line[2:])
		default:
			return nil, fmt.Errorf("line %d: cannot read %q", n, line)
		}
	}
	for i, t := range loose {
		set.Queries = append(set.Queries, LabelledQuery{Text: t, Tuning: i < len(loose)/2})
	}
	return set, sc.Err()
}

// Evaluation is the matcher's quality on a labelled set.
type Evaluation struct {
	Queries, SameQueries, RelatedQueries int
	// SamePrecision is the share of pairs put in the same tier that are
	// labelled the same claim.
	SamePrecision float64
	SameFound     int // pairs put in the same tier
	// SameRecall is the share of same-claim queries whose check is put in the same tier.
	SameRecall float64
	// RecallAt5 is the share of same-claim queries whose check is among the
	// first five matches.
	RecallAt5 float64
	// MRR is the mean reciprocal rank of the check of same-claim queries.
	MRR float64
	// RelatedNotSame is the share of related queries whose check is not put
	// in the same tier (a different figure is not the same claim).
	RelatedNotSame float64
	// Mistakes lists the same-tier pairs that are wrong and the same-claim
	// queries whose check is missing from the first five.
	Mistakes []string
	// SameScores are the scores of same-claim queries against their check.
	SameScores []float64
}

// Evaluate runs every query of the chosen split against the whole
// collection, weighting terms by their rarity in the collection and in
// background, sentences that are in no check (so that "year" weighs little
// and "insulin" much, as in a newsroom's archive).
func Evaluate(set *LabelledSet, background []string, split func(LabelledQuery) bool) Evaluation {
	texts := make([]Text, len(set.Checks))
	df := map[string]int{}
	for i, c := range set.Checks {
		texts[i] = Analyse(c.Text, c.Claimant)
		for _, t := range texts[i].Terms {
			df[t]++
		}
	}
	for _, b := range background {
		for _, t := range Analyse(b, "").Terms {
			df[t]++
		}
	}
	n := len(set.Checks) + len(background)
	weight := func(t string) float64 { return IDF(df[t], n) }
	var ev Evaluation
	sameRight, sameTierHit, inTop5, relatedOK := 0, 0, 0, 0
	var rr float64
	for _, q := range set.Queries {
		if !split(q) {
			continue
		}
		ev.Queries++
		qt := Analyse(q.Text, "")
		type scored struct {
			id string
			c  Comparison
		}
		var all []scored
		for i, c := range set.Checks {
			all = append(all, scored{c.ID, Compare(qt, texts[i], weight)})
		}
		slices.SortStableFunc(all, func(a, b scored) int { return cmp.Compare(b.c.Score, a.c.Score) })
		for _, s := range all {
			if s.c.Tier != TierSame {
				continue
			}
			ev.SameFound++
			if q.Same && s.id == q.Target {
				sameRight++
			} else {
				ev.Mistakes = append(ev.Mistakes, fmt.Sprintf("wrongly same (%.2f): %q ~ %s", s.c.Score, q.Text, s.id))
			}
		}
		rank := slices.IndexFunc(all, func(s scored) bool { return s.id == q.Target })
		switch {
		case q.Same:
			ev.SameQueries++
			if rank >= 0 && rank < 5 {
				inTop5++
			} else {
				ev.Mistakes = append(ev.Mistakes, fmt.Sprintf("not in first five (rank %d, %.2f): %q ~ %s", rank+1, all[rank].c.Score, q.Text, q.Target))
			}
			if rank >= 0 {
				ev.SameScores = append(ev.SameScores, all[rank].c.Score)
				rr += 1 / float64(rank+1)
				if all[rank].c.Tier == TierSame {
					sameTierHit++
				}
			}
		case q.Target != "":
			ev.RelatedQueries++
			if all[rank].c.Tier != TierSame {
				relatedOK++
			}
		}
	}
	ev.SamePrecision = ratio(sameRight, ev.SameFound)
	ev.SameRecall = ratio(sameTierHit, ev.SameQueries)
	ev.RecallAt5 = ratio(inTop5, ev.SameQueries)
	ev.MRR = rr / float64(max(1, ev.SameQueries))
	ev.RelatedNotSame = ratio(relatedOK, ev.RelatedQueries)
	return ev
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// String prints the figures one per line.
func (ev Evaluation) String() string {
	f := func(x float64) string { return strconv.FormatFloat(x, 'f', 3, 64) }
	return fmt.Sprintf("queries %d (same %d, related %d, unrelated %d)\nsame-tier precision %s (%d pairs put in the same tier)\nrecall@5 %s\nMRR %s\nsame-tier recall %s\nrelated kept out of the same tier %s\n",
		ev.Queries, ev.SameQueries, ev.RelatedQueries, ev.Queries-ev.SameQueries-ev.RelatedQueries,
		f(ev.SamePrecision), ev.SameFound, f(ev.RecallAt5), f(ev.MRR), f(ev.SameRecall), f(ev.RelatedNotSame))
}
