package match

import (
	"os"
	"slices"
	"testing"
)

func TestStem(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"caresses", "caress"}, {"ponies", "poni"}, {"cats", "cat"}, {"agreed", "agre"},
		{"plastered", "plaster"}, {"motoring", "motor"}, {"hopping", "hop"}, {"filing", "file"},
		{"happy", "happi"}, {"relational", "relat"}, {"conditional", "condit"}, {"electricity", "electr"},
		{"hopeful", "hope"}, {"goodness", "good"}, {"adjustment", "adjust"}, {"adoption", "adopt"},
		{"controll", "control"}, {"immigration", "immigr"}, {"immigrants", "immigr"},
		{"cuts", "cut"}, {"cutting", "cut"}, {"£22bn", "£22bn"}, {"as", "as"},
	} {
		if got := Stem(c.in); got != c.want {
			t.Errorf("Stem(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// uniform weighs every term alike, so the tests read without an index.
func uniform(string) float64 { return 1 }

func TestFiguresWrittenAnyWayAreOneTerm(t *testing.T) {
	a := Analyse("The Tories left a £22bn black hole", "")
	for _, text := range []string{"the tories left a £22 billion black hole", "Tories left a 22 billion pounds black hole"} {
		b := Analyse(text, "")
		c := Compare(a, b, uniform)
		if !c.SharedFigure || c.FigureConflict || c.Score < 0.99 {
			t.Errorf("%q: %+v, want the same figure and a score of 1", text, c)
		}
	}
}

func TestTiers(t *testing.T) {
	check := Analyse("The previous government left a £22 billion black hole in the public finances.", "Rachel Reeves")
	for _, c := range []struct {
		name, text string
		want       Tier
	}{
		{"copy", "The previous government left a £22bn black hole in the public finances", TierSame},
		{"different figure", "The previous government left a £20 billion black hole in the public finances.", TierRelated},
		{"unrelated", "The council approved a new swimming pool.", TierNone},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := Compare(Analyse(c.text, ""), check, uniform)
			if got.Tier != c.want {
				t.Errorf("tier %q (%+v), want %q", got.Tier, got, c.want)
			}
		})
	}
}

func TestDirectionAndSwapKeepOutOfSame(t *testing.T) {
	check := Analyse("Knife crime in London has fallen by 12 percent over the past year.", "")
	for _, text := range []string{
		"Knife crime in London has risen by 12 percent over the past year.",
		"Knife crime in Paris has fallen by 12 percent over the past year.",
	} {
		c := Compare(Analyse(text, ""), check, uniform)
		if c.Tier == TierSame {
			t.Errorf("%q: %+v, want not the same claim", text, c)
		}
	}
}

func TestClaimantNamedInHeadline(t *testing.T) {
	check := Analyse("Inflation has been halved since January 2023.", "Rishi Sunak")
	with := Compare(Analyse("Sunak says inflation halved since January 2023", ""), check, uniform)
	if with.Swapped || with.Score < 0.9 {
		t.Errorf("claimant in the headline: %+v", with)
	}
}

func TestValidLimit(t *testing.T) {
	for _, c := range []struct {
		in, want int
		ok       bool
	}{{0, DefaultLimit, true}, {1, 1, true}, {50, 50, true}, {51, 0, false}, {-1, 0, false}} {
		got, err := ValidLimit(c.in)
		if (err == nil) != c.ok || got != c.want {
			t.Errorf("ValidLimit(%d) = %d, %v", c.in, got, err)
		}
	}
}

// TestLabelledSetQuality runs the held-out evaluation, so a change that
// breaks the matcher's quality fails here as well as in make eval.
func TestLabelledSetQuality(t *testing.T) {
	f, err := os.Open("../../testdata/match/pairs.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	set, err := ReadLabelledSet(f)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(set.Queries); n < 300 {
		t.Fatalf("%d labelled texts, want at least 300", n)
	}
	ev := Evaluate(set, nil, func(q LabelledQuery) bool { return !q.Tuning })
	if ev.SamePrecision < 0.98 || ev.RecallAt5 < 0.90 {
		t.Errorf("held-out quality below target:\n%s", ev)
	}
}

func FuzzAnalyse(f *testing.F) {
	for _, s := range []string{"£22bn", "3,000 nurses", "l'économie", "#NHS @someone https://x.y", "4.5.6", "", "é"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a := Analyse(s, s)
		if !slices.IsSorted(a.Terms) {
			t.Fatalf("terms not sorted: %v", a.Terms)
		}
		c := Compare(a, a, func(string) float64 { return 1 })
		if c.Score < 0 || c.Score > 1 {
			t.Fatalf("score %v out of [0, 1]", c.Score)
		}
	})
}
