package main

import (
	"strings"
	"testing"

	"claimtrail/domain"
	"claimtrail/storage"
)

// The desk's verdicts are what the server accepts (a refused save would
// measure the refusal, not the save), each conclusion is one of a kind (an
// acknowledged save is found by it), and their words are many, not the
// same few in every verdict.
func TestDeskVerdictsAreValidDistinctAndBroad(t *testing.T) {
	text := storage.NewBenchText()
	seen := map[string]bool{}
	words := map[string]bool{}
	const reviewers, rounds = 5, 400
	for i := range reviewers {
		vt := newVerdictText(text, i)
		for n := 1; n <= rounds; n++ {
			conclusion, v := vt.verdict(n, 1)
			if seen[conclusion] {
				t.Fatalf("reviewer %d, round %d: conclusion %q written before", i, n, conclusion)
			}
			seen[conclusion] = true
			verdict := domain.Verdict{Conclusion: v["conclusion"].(string), Explanation: v["explanation"].(string)}
			if err := verdict.CheckText(); err != nil {
				t.Fatalf("reviewer %d, round %d: %v\n%q", i, n, fields(err), verdict.Conclusion)
			}
			for _, s := range v["sources"].([]map[string]any) {
				src := domain.Source{URL: s["url"].(string), Title: s["title"].(string), Quote: s["quote"].(string), Type: domain.SourceType(s["type"].(string))}
				src.Tidy()
				if err := src.Check(); err != nil {
					t.Fatalf("reviewer %d, round %d: source refused: %v", i, n, fields(err))
				}
			}
			for _, w := range strings.Fields(strings.ToLower(verdict.Explanation)) {
				words[strings.Trim(w, ".,;:")] = true
			}
		}
	}
	if len(words) < 3000 {
		t.Fatalf("%d verdicts' explanations use %d different words: too few to load a search index as a newsroom's do", reviewers*rounds, len(words))
	}
}

// fields says what a refusal found wrong, field by field.
func fields(err error) any {
	if e, ok := err.(*domain.Error); ok && len(e.Fields) > 0 {
		return e.Fields
	}
	return err
}
