// Command train rebuilds the claim extractor's check-worthiness model from the
// CheckThat! 2024 task 1 data, or evaluates a model against it with -eval.
//
//	go run ./cmd/train -data ../shared/claimdata/checkthat2024 -o domain/extract/model.bin
//	go run ./cmd/train -data ../shared/claimdata/checkthat2024 -eval
//
// Training is deterministic: fixed seeds, no map iteration, one goroutine.
// Setting TRAIN_CURVE=1 also prints F1 on dev and dev-test over thresholds,
// for inspection only; the threshold is chosen on dev.
package main

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"claimtrail/domain/extract"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "train:", err)
		os.Exit(1)
	}
}

// config holds the training knobs; the defaults are the ones the committed model used.
type config struct {
	epochs      int
	rate        float64
	l2          float64
	folds       int
	pruneConf   float64 // drop a train row when out-of-fold models give its label less than this probability
	posWeight   float64
	threshSlack float64
	seed        uint64
	average     bool    // average the weights after each epoch (Polyak averaging)
	lenBal      float64 // length balance of the main model: 0 none, 1 equal Yes share in every length band
	mix         float64 // weight of a second, length-balanced model in the log-odds mix (0 = no second model)
	mixLenBal   float64 // length balance of the second model
	platt       bool    // calibrate both members on out-of-fold train scores before mixing
	blind       bool    // do not score dev-test (for choices that must be made on dev alone)
	informative int     // if > 0, drop No rows that are not informative (see informative) before anything else
}

func run(args []string, out io.Writer) error {
	fs := flag.NewFlagSet("train", flag.ContinueOnError)
	data := fs.String("data", "../shared/claimdata/checkthat2024", "folder holding train.tsv, dev.tsv and dev-test.tsv")
	outPath := fs.String("o", "domain/extract/model.bin", "where to write the trained model")
	evalOnly := fs.Bool("eval", false, "evaluate the embedded model instead of training")
	method := fs.String("method", "shipped", "with -newsroom: shipped, threshold (threshold only), round2 (weights chosen by log-loss) or round3 (weights chosen by F1)")
	newsroom := fs.String("newsroom", "", "simulate a newsroom on this labelled file: adapt on alternate rows, score the others, both ways")
	devNewsrooms := fs.Bool("devnewsrooms", false, "compare ways of adapting on newsrooms made of held-out train debates (dev-test is not read)")
	only := fs.String("only", "", "with -devnewsrooms: the candidates to score, separated by commas (default all)")
	var c config
	fs.IntVar(&c.epochs, "epochs", 12, "passes over the training data")
	fs.Float64Var(&c.rate, "rate", 0.05, "AdaGrad learning rate")
	fs.Float64Var(&c.l2, "l2", 1e-5, "L2 penalty per example")
	fs.IntVar(&c.folds, "folds", 5, "cross-validation folds used to find noisy rows")
	fs.Float64Var(&c.pruneConf, "prune", 0.1, "drop rows whose label gets less than this out-of-fold probability (0 disables)")
	fs.Float64Var(&c.posWeight, "posweight", 1, "weight of a check-worthy example relative to a non-check-worthy one")
	fs.Float64Var(&c.threshSlack, "slack", 0.01, "pick the lowest threshold whose dev F1 is within this of the best")
	fs.Uint64Var(&c.seed, "seed", 2024, "shuffle seed")
	fs.BoolVar(&c.average, "average", false, "average the weights over epochs, which steadies the model on unseen text")
	fs.Float64Var(&c.lenBal, "lenbal", 0, "length balance of the main model (0 none, 1 full)")
	fs.Float64Var(&c.mix, "mix", 0.1, "weight of a length-balanced second model in the log-odds mix (0 = none)")
	fs.Float64Var(&c.mixLenBal, "mixlenbal", 1, "length balance of the second model")
	fs.BoolVar(&c.platt, "platt", false, "Platt-calibrate both members on out-of-fold train scores before mixing")
	fs.BoolVar(&c.blind, "blind", false, "leave dev-test unscored, for choosing settings on dev alone")
	fs.IntVar(&c.informative, "informative", 0, "drop No rows with no digit, no capitalised word after the first and fewer than this many words (0 keeps all)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *devNewsrooms {
		train, err := readTSV(filepath.Join(*data, "train.tsv"))
		if err != nil {
			return err
		}
		dev, err := readTSV(filepath.Join(*data, "dev.tsv"))
		if err != nil {
			return err
		}
		return developmentNewsrooms(out, c, train, dev, *only)
	}
	if *newsroom != "" {
		opt, ok := newsroomMethods[*method]
		if !ok {
			return fmt.Errorf("-method %q: want shipped, threshold, round2 or round3", *method)
		}
		return simulateNewsroom(out, *newsroom, filepath.Join(*data, "dev.tsv"), opt)
	}
	train, err := readTSV(filepath.Join(*data, "train.tsv"))
	if err != nil {
		return err
	}
	dev, err := readTSV(filepath.Join(*data, "dev.tsv"))
	if err != nil {
		return err
	}
	devTest, err := readTSV(filepath.Join(*data, "dev-test.tsv"))
	if err != nil {
		return err
	}
	if *evalOnly {
		m := extract.DefaultModel()
		report(out, "dev", m, dev, m.Threshold)
		report(out, "dev-test", m, devTest, m.Threshold)
		return nil
	}
	m, err := trainModel(out, c, train, dev, devTest)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := extract.WriteModel(&buf, m); err != nil {
		return err
	}
	if err := os.WriteFile(*outPath, buf.Bytes(), 0o644); err != nil {
		return err
	}
	fmt.Fprintf(out, "wrote %s (%d bytes)\n", *outPath, buf.Len())
	return nil
}

// example is one labelled sentence with its features computed once.
type example struct {
	text  string
	yes   bool
	feats []extract.Feature
	wt    float64 // weight in the loss; 1 unless length-balanced
	id    int     // Sentence_id: rows of one debate have neighbouring ids
}

// readTSV reads a CheckThat! file: header, then id, text, Yes/No. Texts may
// be wrapped in double quotes with doubled inner quotes; lines may end in CRLF.
func readTSV(path string) ([]example, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var rows []example
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for line := 0; sc.Scan(); line++ {
		if line == 0 {
			continue
		}
		cols := strings.Split(strings.TrimRight(sc.Text(), "\r"), "\t")
		if len(cols) < 3 {
			continue
		}
		text := cols[1]
		if len(text) >= 2 && text[0] == '"' && text[len(text)-1] == '"' {
			text = strings.ReplaceAll(text[1:len(text)-1], `""`, `"`)
		}
		label := strings.TrimSpace(cols[len(cols)-1])
		if label != "Yes" && label != "No" {
			return nil, fmt.Errorf("%s:%d: label %q is not Yes or No", path, line+1, label)
		}
		id, _ := strconv.Atoi(strings.TrimSpace(cols[0]))
		rows = append(rows, example{text: text, yes: label == "Yes", feats: extract.Featurize(nil, text), wt: 1, id: id})
	}
	return rows, sc.Err()
}

func trainModel(out io.Writer, c config, train, dev, devTest []example) (*extract.Model, error) {
	// The evaluation sentences must not be learnt from: a few of them also
	// occur in train.tsv.
	held := map[string]bool{}
	for _, e := range dev {
		held[e.text] = true
	}
	for _, e := range devTest {
		held[e.text] = true
	}
	var pool []example
	for _, e := range train {
		if !held[e.text] {
			pool = append(pool, e)
		}
	}
	fmt.Fprintf(out, "train rows %d (dropped %d that are also in dev or dev-test)\n", len(pool), len(train)-len(pool))
	if c.informative > 0 {
		kept := pool[:0:0]
		for _, e := range pool {
			if e.yes || informative(e.text, c.informative) {
				kept = append(kept, e)
			}
		}
		fmt.Fprintf(out, "dropped %d uninformative No rows (fewer than %d words, no digit, no name)\n", len(pool)-len(kept), c.informative)
		pool = kept
	}

	if c.pruneConf > 0 {
		oof := outOfFold(c, pool)
		kept := pool[:0:0]
		droppedYes, droppedNo := 0, 0
		for i, e := range pool {
			pLabel := oof[i]
			if !e.yes {
				pLabel = 1 - oof[i]
			}
			if pLabel < c.pruneConf {
				if e.yes {
					droppedYes++
				} else {
					droppedNo++
				}
				continue
			}
			kept = append(kept, e)
		}
		fmt.Fprintf(out, "pruned %d Yes and %d No rows that %d-fold models confidently disagree with\n", droppedYes, droppedNo, c.folds)
		pool = kept
	}
	m := fit(c, lengthBalanced(pool, c.lenBal))
	if c.mix > 0 {
		// A second model trained without the length prior, mixed in log-odds.
		// Both read the same features, so the mix is again one weight table
		// and scores as fast as a single model.
		second := fit(c, lengthBalanced(pool, c.mixLenBal))
		a1, b1, a2, b2 := 1.0, 0.0, 1.0, 0.0
		if c.platt {
			a1, b1 = plattScale(outOfFoldLogits(c, lengthBalanced(pool, c.lenBal)), pool)
			a2, b2 = plattScale(outOfFoldLogits(c, lengthBalanced(pool, c.mixLenBal)), pool)
			fmt.Fprintf(out, "Platt scaling: main %.3f·z%+.3f, length-balanced %.3f·z%+.3f\n", a1, b1, a2, b2)
		}
		m = blend(m, a1, b1, second, a2, b2, c.mix)
	}
	m.Threshold = chooseThreshold(m, dev, c.threshSlack)
	report(out, "dev", m, dev, m.Threshold)
	if c.blind {
		return m, nil
	}
	report(out, "dev-test", m, devTest, m.Threshold)
	if os.Getenv("TRAIN_CURVE") != "" {
		for t := 0.05; t < 0.7; t += 0.05 {
			_, _, a := prf(m, dev, t)
			_, _, b := prf(m, devTest, t)
			fmt.Fprintf(out, "curve t=%.2f dev %.3f dev-test %.3f\n", t, a, b)
		}
	}
	return m, nil
}

// lengthBands are sentence lengths in words; in train the share of Yes rises
// from 13% in the shortest band to 41% in the longest.
var lengthBands = []int{8, 12, 16, 20, 25, 32, 45}

func lengthBand(text string) int {
	n := len(strings.Fields(text))
	for b, upper := range lengthBands {
		if n < upper {
			return b
		}
	}
	return len(lengthBands)
}

// lengthBalanced returns a copy of rows weighted so that, at strength 1,
// every length band has train's overall share of Yes; the model then cannot
// learn "short means not check-worthy". Strength alpha in (0,1) raises the
// weights to that power, part of the way.
func lengthBalanced(rows []example, alpha float64) []example {
	out := slices.Clone(rows)
	if alpha == 0 {
		return out
	}
	nb := len(lengthBands) + 1
	yes, all := make([]float64, nb), make([]float64, nb)
	var totalYes float64
	for _, e := range rows {
		b := lengthBand(e.text)
		all[b]++
		if e.yes {
			yes[b]++
			totalYes++
		}
	}
	share := totalYes / float64(len(rows))
	for i, e := range out {
		b := lengthBand(e.text)
		q := yes[b] / all[b]
		w := share / q
		if !e.yes {
			w = (1 - share) / (1 - q)
		}
		out[i].wt = e.wt * math.Pow(w, alpha)
	}
	return out
}

// blend mixes two calibrated models in log-odds: (1-beta)·(a1·z1+b1) + beta·(a2·z2+b2).
func blend(m1 *extract.Model, a1, b1 float64, m2 *extract.Model, a2, b2, beta float64) *extract.Model {
	m := &extract.Model{Weights: make([]float32, extract.NumSlots), Threshold: 0.5}
	for i := range m.Weights {
		m.Weights[i] = float32((1-beta)*a1*float64(m1.Weights[i]) + beta*a2*float64(m2.Weights[i]))
	}
	m.Bias = float32((1-beta)*(a1*float64(m1.Bias)+b1) + beta*(a2*float64(m2.Bias)+b2))
	return m
}

// plattScale fits P(Yes) = σ(a·z + b) to out-of-fold log-odds z by Newton's
// method, with Platt's smoothed targets so that a and b stay finite.
func plattScale(z []float64, rows []example) (a, b float64) {
	var nPos, nNeg float64
	for _, e := range rows {
		if e.yes {
			nPos++
		} else {
			nNeg++
		}
	}
	hi, lo := (nPos+1)/(nPos+2), 1/(nNeg+2)
	a = 1
	for iter := 0; iter < 100; iter++ {
		var ga, gb, haa, hab, hbb float64
		for i, e := range rows {
			t := lo
			if e.yes {
				t = hi
			}
			p := 1 / (1 + math.Exp(-(a*z[i] + b)))
			d := p - t
			h := p * (1 - p)
			ga += d * z[i]
			gb += d
			haa += h * z[i] * z[i]
			hab += h * z[i]
			hbb += h
		}
		det := haa*hbb - hab*hab
		if det <= 0 {
			break
		}
		da := (hbb*ga - hab*gb) / det
		db := (haa*gb - hab*ga) / det
		a -= da
		b -= db
		if math.Abs(da)+math.Abs(db) < 1e-10 {
			break
		}
	}
	return a, b
}

// outOfFold returns, for each row, the probability of Yes given by a model
// that did not see it.
func outOfFold(c config, rows []example) []float64 {
	p := outOfFoldLogits(c, rows)
	for i, z := range p {
		p[i] = extract.Probability(z)
	}
	return p
}

// outOfFoldLogits returns, for each row, the log-odds of Yes given by a model
// that did not see it.
func outOfFoldLogits(c config, rows []example) []float64 {
	p := make([]float64, len(rows))
	for k := 0; k < c.folds; k++ {
		var tr []example
		for i, e := range rows {
			if i%c.folds != k {
				tr = append(tr, e)
			}
		}
		m := fit(c, tr)
		for i, e := range rows {
			if i%c.folds == k {
				p[i] = m.Logit(e.feats)
			}
		}
	}
	return p
}

// fit trains logistic regression with per-weight AdaGrad steps and L2
// shrinkage, visiting rows in a seeded shuffle so every run is identical.
func fit(c config, rows []example) *extract.Model {
	w := make([]float64, extract.NumSlots)
	g2 := make([]float64, extract.NumSlots)
	var bias, gb2 float64
	order := make([]int, len(rows))
	for i := range order {
		order[i] = i
	}
	rng := rand.New(rand.NewPCG(c.seed, 1))
	avg := make([]float64, extract.NumSlots)
	var avgBias float64
	for epoch := 0; epoch < c.epochs; epoch++ {
		if c.average && epoch > 0 {
			for i, x := range w {
				avg[i] += x
			}
			avgBias += bias
		}
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		for _, idx := range order {
			e := rows[idx]
			z := bias
			for _, f := range e.feats {
				z += w[f.Slot] * float64(f.Value)
			}
			p := 1 / (1 + math.Exp(-z))
			y, wt := 0.0, e.wt
			if e.yes {
				y, wt = 1, e.wt*c.posWeight
			}
			g := (p - y) * wt
			gb2 += g * g
			bias -= c.rate * g / (math.Sqrt(gb2) + 1e-8)
			for _, f := range e.feats {
				gi := g*float64(f.Value) + c.l2*w[f.Slot]
				g2[f.Slot] += gi * gi
				w[f.Slot] -= c.rate * gi / (math.Sqrt(g2[f.Slot]) + 1e-8)
			}
		}
	}
	if c.average {
		for i, x := range w {
			w[i] = (avg[i] + x) / float64(c.epochs)
		}
		bias = (avgBias + bias) / float64(c.epochs)
	}
	m := &extract.Model{Weights: make([]float32, extract.NumSlots), Bias: float32(bias), Threshold: 0.5}
	for i, x := range w {
		m.Weights[i] = float32(x)
	}
	return m
}

// chooseThreshold picks the lowest threshold whose F1 on dev is within slack
// of the best. Lower thresholds keep recall on newer text, whose claims the
// older debates under-represent; the slack bounds what that costs on dev.
func chooseThreshold(m *extract.Model, dev []example, slack float64) float64 {
	best, bestT := -1.0, 0.5
	type point struct{ t, f1 float64 }
	var pts []point
	for t := 0.05; t < 0.951; t += 0.005 {
		_, _, f1 := prf(m, dev, t)
		pts = append(pts, point{t, f1})
		if f1 > best {
			best, bestT = f1, t
		}
	}
	for _, p := range pts {
		if p.f1 >= best-slack {
			return math.Round(p.t*1000) / 1000
		}
	}
	return bestT
}

func prf(m *extract.Model, rows []example, t float64) (p, r, f1 float64) {
	var tp, fp, fn float64
	for _, e := range rows {
		pred := extract.Probability(m.Logit(e.feats)) >= t
		switch {
		case pred && e.yes:
			tp++
		case pred && !e.yes:
			fp++
		case !pred && e.yes:
			fn++
		}
	}
	if tp > 0 {
		p, r = tp/(tp+fp), tp/(tp+fn)
		f1 = 2 * p * r / (p + r)
	}
	return p, r, f1
}

// averagePrecision ranks rows by score and averages precision at each Yes.
func averagePrecision(m *extract.Model, rows []example) float64 {
	type scored struct {
		s   float64
		yes bool
		i   int
	}
	ss := make([]scored, len(rows))
	for i, e := range rows {
		ss[i] = scored{m.Logit(e.feats), e.yes, i}
	}
	slices.SortFunc(ss, func(a, b scored) int {
		if a.s != b.s {
			if a.s > b.s {
				return -1
			}
			return 1
		}
		return a.i - b.i
	})
	var hits, sum float64
	for k, x := range ss {
		if x.yes {
			hits++
			sum += hits / float64(k+1)
		}
	}
	if hits == 0 {
		return 0
	}
	return sum / hits
}

func report(out io.Writer, name string, m *extract.Model, rows []example, t float64) {
	p, r, f1 := prf(m, rows, t)
	fmt.Fprintf(out, "%-8s threshold %.3f  precision %.3f  recall %.3f  F1 %.3f  AP %.3f  (%d rows)\n",
		name, t, p, r, f1, averagePrecision(m, rows), len(rows))
}

// informative reports a sentence that says something a check could be about:
// it has a digit, a capitalised word after the first (a name, roughly), or
// at least minWords words. "Thank you." and "Let me say this." are not.
func informative(text string, minWords int) bool {
	words := strings.Fields(text)
	if len(words) >= minWords || strings.ContainsAny(text, "0123456789") {
		return true
	}
	for _, w := range words[min(1, len(words)):] {
		w = strings.Trim(w, `"'(`)
		switch w {
		case "I", "I'm", "I've", "I'll", "I'd":
			continue
		}
		if w != "" && w[0] >= 'A' && w[0] <= 'Z' {
			return true
		}
	}
	return false
}
