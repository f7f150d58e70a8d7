package extract

import (
	"os"
	"slices"
	"strings"
	"testing"
)

func TestClaimant(t *testing.T) {
	tests := []struct {
		name string
		in   string // paragraphs; the claimant of the last sentence is checked
		want string
	}{
		{"X said", "Health Secretary Wes Streeting said waiting lists had fallen.", "Health Secretary Wes Streeting"},
		{"said X", "Waiting lists have fallen, said Mr Streeting.", "Mr Streeting"},
		{"according to X", "According to the Office for National Statistics, prices rose.", "Office for National Statistics"},
		{"X told the BBC", "Ms Reeves told the BBC the books were balanced.", "Ms Reeves"},
		{"quote then attribution", "“We have cut the deficit,” the Chancellor said.", "Chancellor"},
		{"has said", "Mr Zelensky has said he will not sign.", "Mr Zelensky"},
		{"comma stops the name", "Speaking in Leeds on Friday, the Prime Minister said taxes would not rise.", "Prime Minister"},
		{"he added", "Transport Secretary Louise Haigh said fares would be frozen. He added that services had improved.", "Transport Secretary Louise Haigh"},
		{"short name expands to full title", "Education Secretary Bridget Phillipson said schools were full.\n\nMs Phillipson told reporters it was hard.", "Education Secretary Bridget Phillipson"},
		{"quote runs into the next paragraph", "Dr Amara Lee said: “The ward is full.\n\n“We turned away 40 patients last week.”", "Dr Amara Lee"},
		{"new quoted paragraph after attribution", "“Crime is down,” Downing Street said.\n\n“Police numbers are up by 3,000.”", "Downing Street"},
		{"no claimant", "Prices rose sharply in the spring.", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ss := Extract(tc.in)
			if got := ss[len(ss)-1].Claimant; got != tc.want {
				t.Errorf("claimant = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestClaimType(t *testing.T) {
	tests := []struct {
		in   string
		want ClaimType
	}{
		{"Unemployment rose to 5.1% last year.", Quantity},
		{"The government will raise the minimum wage to £12.60 next April.", Prediction},
		{"Prices will keep climbing through the winter.", Prediction},
		// A quantity about the past stays a quantity when the sentence also
		// promises something, even a target figure.
		{"We will get there, but they left a £40 billion hole in the budget and no plan to reach 3%.", Quantity},
		{"We will fix it; the last government cut 20,000 police officers.", Quantity},
		{"Ministers will raise spending to 3% of GDP by 2030.", Prediction},
		{"Knife crime fell because more officers were put on the streets.", Causation},
		{"The law requires landlords to protect deposits.", RulesLaws},
		{"When I was a nurse I saw patients on trolleys in corridors.", PersonalExperience},
		{"The minister said the scheme had been a success.", Quote},
		{"Do you really believe that?", NotClaim},
		{"Thank you.", NotClaim},
		{"The river runs through the middle of the old town.", Other},
	}
	for _, tc := range tests {
		t.Run(string(tc.want)+"/"+tc.in, func(t *testing.T) {
			if got := ExtractLines([]string{tc.in})[0].Type; got != tc.want {
				t.Errorf("type = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestBoilerplateIsNotAClaim(t *testing.T) {
	tests := []struct {
		name, in string
	}{
		{"donation appeal paragraph", "Your support keeps our reporters in the field. Over 40,000 readers gave last year, and 90% of our funding comes from them. Donate now.\n\nThe real story starts here."},
		{"read more", "Read more"},
		{"share prompt", "Share this article on social media"},
		{"newsletter", "Sign up to our free newsletter for the 10 biggest stories of the day."},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ss := Extract(tc.in)
			n := len(ss)
			if strings.Contains(tc.in, "The real story") {
				n-- // the last paragraph is the article
			}
			for _, s := range ss[:n] {
				if s.CheckWorthy || s.Type != NotClaim || s.Score > 0.05 {
					t.Errorf("%q: checkworthy %v, type %s, score %.2f; want boilerplate", s.Text, s.CheckWorthy, s.Type, s.Score)
				}
			}
		})
	}
}

func TestReasons(t *testing.T) {
	s := Extract("Chancellor Rachel Reeves said borrowing was £14 billion higher than a year ago.")[0]
	for _, want := range []string{"states a money figure", "attributed to a minister or official"} {
		if !slices.Contains(s.Reasons, want) {
			t.Errorf("reasons %q lack %q", s.Reasons, want)
		}
	}
}

// TestSuperlativeReason: the superlative reason is given for words that
// rank something, not for "first" as an order or inside a compound.
func TestSuperlativeReason(t *testing.T) {
	const reason = "makes a superlative claim (most, largest, never)"
	for _, tc := range []struct {
		in   string
		want bool
	}{
		{"In the first weeks of the strike, 300 operations were cancelled at the hospital.", false},
		{"I have seen first-hand how long the queues at the food bank have become.", false},
		{"It was the first rise in the jobless rate for two years.", false},
		{"The hospital has the longest waiting list in the region and the worst record on cancer.", true},
		{"This is the largest rise in food prices the town has ever seen.", true},
		{"The best-selling car was a hybrid, and sales of electric cars rose 20%.", false},
	} {
		t.Run(tc.in, func(t *testing.T) {
			s := ExtractLines([]string{tc.in})[0]
			if got := slices.Contains(s.Reasons, reason); got != tc.want {
				t.Errorf("superlative reason %v, want %v: %q", got, tc.want, s.Reasons)
			}
		})
	}
}

func TestScoreOrdersClaimsAboveChatter(t *testing.T) {
	lines := []string{
		"Thank you very much, it's great to be here tonight.",
		"Unemployment has doubled since 2019, to 1.6 million people.",
	}
	ss := ExtractLines(lines)
	if ss[1].Score <= ss[0].Score {
		t.Errorf("figure-laden claim scored %.3f, courtesy %.3f", ss[1].Score, ss[0].Score)
	}
	for _, s := range ss {
		if s.Score < 0 || s.Score > 1 {
			t.Errorf("score %v outside [0,1]", s.Score)
		}
	}
}

// TestSampleArticle checks the article the product was described with: the
// two key claims rank in the top five with their figures and claimant, and
// the donation appeal is never queued.
func TestSampleArticle(t *testing.T) {
	b, err := os.ReadFile(sharedPath(t, "samples/starmer-macron-ukraine.txt"))
	if err != nil {
		t.Fatal(err)
	}
	text := string(b)
	ss := Extract(text)
	checkSpans(t, text, spansOf(ss))
	for _, s := range ss {
		if text[s.Start:s.End] != s.Text {
			t.Fatalf("sentence text differs from input at %d..%d", s.Start, s.End)
		}
	}
	ranked := slices.Clone(ss)
	slices.SortStableFunc(ranked, func(a, b Sentence) int {
		switch {
		case a.Score > b.Score:
			return -1
		case a.Score < b.Score:
			return 1
		}
		return 0
	})
	top := ranked[:5]
	for _, want := range []struct{ phrase, figure, unit, claimant string }{
		{"£22 billion black hole", "£22 billion", "GBP", "Phillipson"},
		{"current 2.3% share", "2.3%", "% of GDP", "Phillipson"},
	} {
		t.Run(want.figure, func(t *testing.T) {
			i := slices.IndexFunc(top, func(s Sentence) bool { return strings.Contains(s.Text, want.phrase) })
			if i < 0 {
				t.Fatalf("sentence with %q not in the top five", want.phrase)
			}
			s := top[i]
			if !s.CheckWorthy {
				t.Errorf("not check-worthy at score %.3f", s.Score)
			}
			if !slices.ContainsFunc(s.Figures, func(f Figure) bool { return f.Text == want.figure && f.Unit == want.unit }) {
				t.Errorf("figures %+v lack %s (%s)", s.Figures, want.figure, want.unit)
			}
			if !strings.Contains(s.Claimant, want.claimant) {
				t.Errorf("claimant %q, want %s", s.Claimant, want.claimant)
			}
		})
	}
	appealEnd := strings.Index(text, "\n\n")
	for _, s := range ss {
		if s.Start < appealEnd && s.CheckWorthy {
			t.Errorf("donation appeal sentence is check-worthy: %q", s.Text)
		}
	}
}

func spansOf(ss []Sentence) []Span {
	out := make([]Span, len(ss))
	for i, s := range ss {
		out[i] = Span{s.Start, s.End}
	}
	return out
}
