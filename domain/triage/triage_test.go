package triage

import (
	"fmt"
	"strings"
	"testing"

	"claimtrail/domain"
	"claimtrail/domain/extract"
)

const sample = `Support our journalism. Your donation helps us keep reporting; sign up to our newsletter and donate today.

The Chancellor said the previous government left a £22 billion black hole in the public finances. It was a sunny day.`

func TestCandidatesSkipBoilerplateAndKeepOffsets(t *testing.T) {
	cands := Candidates(sample)
	var found bool
	for _, c := range cands {
		if strings.Contains(c.Sentence, "donat") {
			t.Errorf("boilerplate kept as a candidate: %q", c.Sentence)
		}
		if sample[c.Start:c.End] != c.Sentence {
			t.Errorf("offsets %d:%d do not point at %q", c.Start, c.End, c.Sentence)
		}
		for _, f := range c.Figures {
			if c.Sentence[f.Start:f.End] != f.Text {
				t.Errorf("figure %q at %d:%d does not match the sentence", f.Text, f.Start, f.End)
			}
		}
		if strings.Contains(c.Sentence, "£22 billion") {
			found = true
			if c.State != domain.StateCandidate || c.Manual || len(c.Figures) == 0 || c.Type == domain.TypeNotClaim {
				t.Errorf("£22 billion candidate = %+v", c)
			}
		}
	}
	if !found {
		t.Fatalf("the £22 billion sentence is not a candidate: %+v", cands)
	}
}

func TestManualMarksAndAnalyses(t *testing.T) {
	start := strings.Index(sample, "The Chancellor")
	end := strings.Index(sample, " It was")
	c := Manual(sample, start, end, "Labour says the Tories left a £22bn hole")
	if !c.Manual || c.Start != start || c.End != end || c.Sentence != sample[start:end] {
		t.Errorf("manual claim = %+v", c)
	}
	if c.Text != "Labour says the Tories left a £22bn hole" || len(c.Figures) == 0 {
		t.Errorf("manual claim text/figures = %q %+v", c.Text, c.Figures)
	}
}

func TestLedeSkipsSiteBoilerplate(t *testing.T) {
	text := "Your support helps us tell the story. Donate now and sign up to our newsletter. Read more\n\n" +
		"The council says bin collections will move to fortnightly from April, saving £2 million a year.\n\n" +
		"Residents have until March to respond."
	a := Analyse(text)
	want := "The council says bin collections will move to fortnightly from April, saving £2 million a year."
	if a.Lede != want {
		t.Errorf("Lede = %q, want %q", a.Lede, want)
	}
	if len(a.Candidates) == 0 || a.Candidates[0].Sentence != want {
		t.Errorf("candidates = %+v", a.Candidates)
	}
}

func TestAnalyseBoundsCandidates(t *testing.T) {
	// Thousands of sentences pasted at once: the highest-scoring are kept,
	// in document order.
	var b strings.Builder
	for i := range 1500 {
		if i%3 == 0 {
			fmt.Fprintf(&b, "Unemployment fell by %d%% last year, the minister said. ", i%90+1)
		} else {
			fmt.Fprintf(&b, "The meeting %d went on for a while. ", i)
		}
	}
	a := Analyse(b.String())
	if len(a.Candidates) != MaxCandidates {
		t.Fatalf("%d candidates, want %d", len(a.Candidates), MaxCandidates)
	}
	for i := 1; i < len(a.Candidates); i++ {
		if a.Candidates[i].Start <= a.Candidates[i-1].Start {
			t.Fatal("candidates are not in document order")
		}
	}
	figures := 0
	for _, c := range a.Candidates {
		if strings.Contains(c.Text, "Unemployment") {
			figures++
		}
	}
	if figures != 500 {
		t.Errorf("%d of the 500 check-worthy sentences kept, want all", figures)
	}

	// A run-on passage without full stops is not one claim.
	long := "Figures " + strings.Repeat("rose by 5% and ", 400) + "then fell."
	if ss := extract.Extract(long); len(ss) != 1 || ss[0].End-ss[0].Start <= MaxSentenceBytes {
		t.Fatalf("the test needs one run-on sentence longer than %d bytes", MaxSentenceBytes)
	}
	for _, c := range Analyse(long).Candidates {
		if len(c.Sentence) > MaxSentenceBytes {
			t.Errorf("kept a %d-byte passage as a candidate", len(c.Sentence))
		}
	}
}

func TestDatelineIsNeitherHeadlineNorClaim(t *testing.T) {
	a := Analyse("Published: 2025-02-23\n\nUnemployment fell by 3% last year, the minister said.")
	if a.Lede != "Unemployment fell by 3% last year, the minister said." {
		t.Errorf("lede %q", a.Lede)
	}
	for _, c := range a.Candidates {
		if strings.HasPrefix(c.Text, "Published") {
			t.Errorf("dateline kept as a candidate: %q", c.Text)
		}
	}
	// A sentence that starts with the same word is still a sentence.
	if got := Analyse("Published figures show 40% of pupils were absent.").Candidates; len(got) != 1 {
		t.Errorf("a sentence starting with Published: %d candidates", len(got))
	}
}
