package extract

import (
	"bufio"
	"bytes"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"testing"

	"claimtrail/domain"
)

// readLabels reads a CheckThat! file (id, text, Yes/No) as labels.
func readLabels(t testing.TB, rel string) []Label {
	t.Helper()
	f, err := os.Open(sharedPath(t, rel))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var ls []Label
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		c := strings.Split(strings.TrimRight(sc.Text(), "\r"), "\t")
		if len(c) < 3 || c[len(c)-1] != "Yes" && c[len(c)-1] != "No" {
			continue
		}
		text := c[1]
		if len(text) >= 2 && text[0] == '"' && text[len(text)-1] == '"' {
			text = strings.ReplaceAll(text[1:len(text)-1], `""`, `"`)
		}
		ls = append(ls, Label{Text: text, CheckWorthy: c[len(c)-1] == "Yes"})
	}
	return ls
}

func modelF1(m *Model, ls []Label) float64 {
	var tp, fp, fn float64
	for _, l := range ls {
		switch pred := m.Score(l.Text) >= m.Threshold; {
		case pred && l.CheckWorthy:
			tp++
		case pred:
			fp++
		case l.CheckWorthy:
			fn++
		}
	}
	return f1(tp, fp, fn)
}

// ownLabels are sentences written for these tests, in a newsroom's voice.
func ownLabels() []Label {
	yes := []string{
		"Unemployment fell to 4.1% in the three months to June.",
		"The council spent £3 million on consultants last year.",
		"Hospital waiting lists reached 7.6 million in September.",
		"We cut the deficit by half since 2010.",
		"Crime in the city rose by 12% over the past decade.",
		"The minister said 40,000 new homes were built in 2023.",
		"Only one in five bus routes runs after 10pm.",
		"Food prices went up faster than wages for two years.",
		"The school budget was cut by £200 per pupil.",
		"I voted against the bill three times.",
		"Net migration was 685,000 in the year to December.",
		"The river has flooded four times since 2015.",
	}
	no := []string{
		"Thank you all for coming tonight.",
		"I think we can do better than this.",
		"What would you do about it?",
		"Let me finish my point.",
		"We should be proud of our town.",
		"That is a question for another day.",
		"Good evening and welcome.",
		"I hope everyone has a lovely weekend.",
		"You know what I mean.",
		"It was a pleasure to be here.",
		"We must work together on this.",
		"Let's move on to the next topic.",
	}
	var ls []Label
	for i := range yes {
		ls = append(ls, Label{yes[i], true}, Label{no[i], false})
	}
	return ls
}

func TestAdaptRefusesTooFewLabels(t *testing.T) {
	all := ownLabels()
	for _, tc := range []struct {
		name   string
		labels []Label
	}{
		{"none", nil},
		{"nineteen", all[:19]},
		{"four check-worthy", append(slicesOf(all, true)[:4], slicesOf(all, false)...)},
		{"four not", append(slicesOf(all, true), slicesOf(all, false)[:4]...)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Adapt(DefaultModel(), tc.labels, AdaptOptions{})
			if domain.ErrorCode(err) != domain.EINVALID {
				t.Fatalf("Adapt with %d labels: error %v, want %s", len(tc.labels), err, domain.EINVALID)
			}
		})
	}
	if _, err := Adapt(DefaultModel(), all[:20], AdaptOptions{}); err != nil {
		t.Fatalf("Adapt with 20 labels, 10 of each: %v", err)
	}
}

func slicesOf(ls []Label, yes bool) []Label {
	var out []Label
	for _, l := range ls {
		if l.CheckWorthy == yes {
			out = append(out, l)
		}
	}
	return out
}

// trainLabels are the first n rows of train.tsv: enough labels to learn
// weights from (MinLearnLabels), from debates the tests do not evaluate on.
func trainLabels(t testing.TB, n int) []Label {
	return readLabels(t, "claimdata/checkthat2024/train.tsv")[:n]
}

// TestAdaptIsDeterministic: the same labels give the same model file, with
// the weights learnt (the strength grid, folds fitted side by side) as well
// as threshold only.
func TestAdaptIsDeterministic(t *testing.T) {
	labels := trainLabels(t, MinLearnLabels)
	for _, strengths := range [][]float64{{math.Inf(1)}, ResearchStrengths} {
		var files [2][]byte
		steps := 0
		for k := range files {
			res, err := Adapt(DefaultModel(), labels, AdaptOptions{Strengths: strengths, Progress: func(done, total int) {
				if done > total {
					t.Errorf("progress %d of %d", done, total)
				}
				steps = done
			}})
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			if err := WriteModel(&buf, res.Model); err != nil {
				t.Fatal(err)
			}
			files[k] = buf.Bytes()
		}
		if !bytes.Equal(files[0], files[1]) {
			t.Errorf("strengths %v: two runs gave different models", strengths)
		}
		if want := 1 + 5*(len(strengths)-min(len(strengths), 1)); steps != want {
			t.Errorf("strengths %v: %d progress steps, want %d", strengths, steps, want)
		}
	}
}

// TestAdaptLearnsWeights: on enough labels the base model gets wrong, the
// shipped adaptation weakens the pull and the scores move toward the labels;
// one label fewer than MinLearnLabels keeps the base weights.
func TestAdaptLearnsWeights(t *testing.T) {
	// A newsroom that sees things the other way round from the base model.
	ls := trainLabels(t, MinLearnLabels)
	for i := range ls {
		ls[i].CheckWorthy = !ls[i].CheckWorthy
	}
	base := DefaultModel()
	few, err := Adapt(base, ls[:MinLearnLabels-1], AdaptOptions{Strengths: ResearchStrengths})
	if err != nil {
		t.Fatal(err)
	}
	if few.Strength != 0 || !slices.Equal(few.Model.Weights, base.Weights) || few.Model.Bias != base.Bias {
		t.Errorf("%d labels: weights learnt (strength %g); want the base weights below %d labels", len(ls)-1, few.Strength, MinLearnLabels)
	}
	res, err := Adapt(base, ls, AdaptOptions{Strengths: ResearchStrengths})
	if err != nil {
		t.Fatal(err)
	}
	if res.Strength == 0 {
		t.Fatal("cross-validation kept the base weights on labels it gets wrong")
	}
	wrong := 0
	for _, l := range ls {
		before, after := base.Score(l.Text), res.Model.Score(l.Text)
		if l.CheckWorthy && after <= before || !l.CheckWorthy && after >= before {
			wrong++
		}
	}
	if wrong > len(ls)/10 {
		t.Errorf("%d of %d scores moved away from their labels", wrong, len(ls))
	}
}

// TestAdaptOnTwentyLabelsKeepsDev: whatever twenty labels a newsroom gives,
// including labels that contradict the base model, dev F1 stays ≥ 0.85.
// Twenty labels can move the threshold only 20/170 of the way in log-odds.
func TestAdaptOnTwentyLabelsKeepsDev(t *testing.T) {
	dev := readLabels(t, "claimdata/checkthat2024/dev.tsv")
	devTest := readLabels(t, "claimdata/checkthat2024/dev-test.tsv")
	base := DefaultModel()
	rng := rand.New(rand.NewPCG(11, 20))
	draw := func(pool []Label, invert bool) []Label {
		for {
			idx := rng.Perm(len(pool))[:20]
			ls := make([]Label, 20)
			pos := 0
			for i, j := range idx {
				ls[i] = pool[j]
				ls[i].CheckWorthy = ls[i].CheckWorthy != invert
				if ls[i].CheckWorthy {
					pos++
				}
			}
			if pos >= MinAdaptPerKind && 20-pos >= MinAdaptPerKind {
				return ls
			}
		}
	}
	for _, tc := range []struct {
		name   string
		pool   []Label
		invert bool
	}{
		{"dev-test", devTest, false},
		{"dev-test, labels inverted", devTest, true},
		{"dev, labels inverted", dev, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for k := 0; k < 10; k++ {
				// The grid of pulls is given outright, so the test fails if
				// twenty labels could ever learn weights.
				res, err := Adapt(base, draw(tc.pool, tc.invert), AdaptOptions{Strengths: ResearchStrengths})
				if err != nil {
					t.Fatal(err)
				}
				if got := modelF1(res.Model, dev); got < 0.85 {
					t.Errorf("draw %d: dev F1 %.3f after adapting (threshold %.3f)", k, got, res.Model.Threshold)
				}
			}
		})
	}
}
