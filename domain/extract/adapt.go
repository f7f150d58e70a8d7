package extract

import (
	"cmp"
	"math"
	"runtime"
	"slices"
	"sync"

	"claimtrail/domain"
)

// Label is one sentence a newsroom has judged: check-worthy or not.
type Label struct {
	Text        string
	CheckWorthy bool
}

// Adaptation limits: below these a newsroom model would learn noise.
const (
	MinAdaptLabels  = 20 // labels in all
	MinAdaptPerKind = 5  // of each kind, check-worthy and not
)

// AdaptResult is a newsroom model and the figures that justify it.
type AdaptResult struct {
	Model    *Model
	Labels   int     // labels learnt from
	Positive int     // of which check-worthy
	Strength float64 // the chosen pull toward the base model; 0 means the base weights were kept
	F1Before float64 // the base model at its own threshold on the labels
	F1After  float64 // cross-validated F1 of the adapted model on the labels
}

// AdaptOptions tunes Adapt. The zero value is what the product uses.
type AdaptOptions struct {
	// Strengths are the pulls toward the base model that cross-validation
	// chooses between, weakest first; math.Inf(1) keeps the base weights and
	// retunes only the threshold. Nil means ShippedStrengths.
	Strengths []float64
	// Progress, if not nil, is called after each fit with the number done
	// and the number to do.
	Progress func(done, total int)
	// The rest reproduce the alternatives tried in docs/extractor.md; their
	// zero values are what the product uses.

	// Method is what the labels may change.
	Method AdaptMethod
	// BlockFolds cross-validates on consecutive blocks of labels rather
	// than every fifth label.
	BlockFolds bool
	// SelectByLogLoss chooses the strength by cross-validated log-loss
	// (newsroom rounds 1 and 2) rather than cross-validated F1.
	SelectByLogLoss bool
	// NgramPull is AdaptSlots' least pull on a hashed slot relative to the
	// bias; 0 means 0.01.
	NgramPull float64
}

// AdaptMethod says which of the base model's parameters a newsroom's labels
// may move.
type AdaptMethod int

const (
	// AdaptSlots moves the bias, the hand cues and every hashed slot the
	// labels use, each pulled toward the base by its own weight.
	AdaptSlots AdaptMethod = iota
	// AdaptCompact moves the bias, the hand cues, one scale on the base's
	// n-gram score and one offset on every n-gram slot (a length term).
	AdaptCompact
	// AdaptGlobal moves the bias, the n-gram scale and the length term only.
	AdaptGlobal
)

// learner is one way of adapting: parameters θ, starting at the base's.
type learner interface {
	start() []float64
	fit(rows []int, lambda float64, from []float64) []float64
	logit(theta []float64, i int) float64
	model(base *Model, theta []float64) *Model
}

// ShippedStrengths keeps the base weights and retunes only the threshold:
// in the simulated newsroom (docs/extractor.md) learning weights, in rounds
// 1 to 3, lost to the base model on one of the two folds.
var ShippedStrengths = []float64{math.Inf(1)}

// ResearchStrengths is the grid of pulls newsroom rounds 1 to 3 choose from.
var ResearchStrengths = []float64{0.3, 1, 3, 10, 30, 100, math.Inf(1)}

// MinLearnLabels is how many labels it takes to learn weights at all: with
// fewer, only the threshold is retuned, so twenty labels that contradict
// the base cannot turn it round.
const MinLearnLabels = 100

const (
	adaptFolds       = 5
	ngramPull        = 0.01 // pull on a hashed slot relative to the bias and hand cues
	thresholdPrior   = 150  // labels at which the threshold moves half way to the newsroom's own
	lbfgsMemory      = 10
	lbfgsMaxIter     = 200
	lbfgsRelGradStop = 1e-5
)

// steps is how many model fits Adapt makes with these strengths.
func steps(strengths []float64) int {
	n := 1
	for _, l := range strengths {
		if !math.IsInf(l, 1) {
			n += adaptFolds
		}
	}
	return n
}

// CheckAdaptLabels refuses a set of labels too small to learn from.
func CheckAdaptLabels(total, positive int) error {
	negative := total - positive
	if total < MinAdaptLabels || positive < MinAdaptPerKind || negative < MinAdaptPerKind {
		return domain.Errorf(domain.EINVALID,
			"Too few labels to learn from: %d (%d check-worthy, %d not). A newsroom model needs at least %d, with at least %d of each kind.",
			total, positive, negative, MinAdaptLabels, MinAdaptPerKind)
	}
	return nil
}

// Adapt trains a newsroom model from base on the newsroom's labels: warm
// started from base and pulled toward it, with the pull's strength and the
// threshold chosen by cross-validation on the labels alone. The same labels
// in the same order always give the same model.
func Adapt(base *Model, labels []Label, opt AdaptOptions) (AdaptResult, error) {
	adaptStrengths := opt.Strengths
	if adaptStrengths == nil {
		adaptStrengths = ShippedStrengths
	}
	if len(labels) < MinLearnLabels {
		adaptStrengths = []float64{math.Inf(1)}
	}
	pos := 0
	for _, l := range labels {
		if l.CheckWorthy {
			pos++
		}
	}
	if err := CheckAdaptLabels(len(labels), pos); err != nil {
		return AdaptResult{}, err
	}
	var p learner
	switch opt.Method {
	case AdaptSlots:
		p = newAdaptProblem(base, labels, cmp.Or(opt.NgramPull, ngramPull))
	default:
		p = newCompactProblem(base, labels, opt.Method == AdaptGlobal)
	}
	yes := make([]bool, len(labels))
	for i, l := range labels {
		yes[i] = l.CheckWorthy
	}
	total, done := steps(adaptStrengths), 0
	var progress sync.Mutex
	tick := func() {
		progress.Lock()
		defer progress.Unlock()
		done++
		if opt.Progress != nil {
			opt.Progress(done, total)
		}
	}

	// Out-of-fold log-odds for every strength. Each fold runs through the
	// strengths from the strongest pull down, every fit starting where the
	// last one ended; the folds run side by side. A fold's sums run in a
	// fixed order whatever the scheduling, so the result is the same.
	n := len(labels)
	foldOf := func(i int) int { return i % adaptFolds }
	if opt.BlockFolds {
		foldOf = func(i int) int { return i * adaptFolds / n }
	}
	oof := make([][]float64, len(adaptStrengths))
	for k := range oof {
		oof[k] = make([]float64, n)
	}
	var wg sync.WaitGroup
	workers := make(chan struct{}, max(1, min(runtime.GOMAXPROCS(0), adaptFolds)))
	for fold := 0; fold < adaptFolds; fold++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			workers <- struct{}{}
			defer func() { <-workers }()
			var train []int
			for i := 0; i < n; i++ {
				if foldOf(i) != fold {
					train = append(train, i)
				}
			}
			warm := p.start()
			for k := len(adaptStrengths) - 1; k >= 0; k-- {
				theta := p.start()
				if lambda := adaptStrengths[k]; !math.IsInf(lambda, 1) {
					warm = p.fit(train, lambda, warm)
					theta = warm
					tick()
				}
				for i := 0; i < n; i++ {
					if foldOf(i) == fold {
						oof[k][i] = p.logit(theta, i)
					}
				}
			}
		}()
	}
	wg.Wait()
	bestK, bestLoss := -1, math.Inf(1)
	for k, z := range oof {
		loss := 0.0
		for i, zi := range z {
			loss += logLoss(zi, yes[i])
		}
		if !opt.SelectByLogLoss {
			loss = -cvF1(z, yes, foldOf, base.Threshold)
		}
		// Strengths run weakest to strongest, so a tie goes to the stronger pull.
		if loss <= bestLoss+1e-9 {
			bestK, bestLoss = k, loss
		}
	}
	lambda := adaptStrengths[bestK]
	z := oof[bestK]

	m := &Model{Weights: slices.Clone(base.Weights), Bias: base.Bias}
	if !math.IsInf(lambda, 1) {
		all := make([]int, n)
		for i := range all {
			all[i] = i
		}
		m = p.model(base, p.fit(all, lambda, p.start()))
	}
	tick()
	m.Threshold = shrinkThreshold(base.Threshold, bestF1Threshold(z, yes), n)

	before := make([]float64, n)
	for i := range before {
		before[i] = p.logit(p.start(), i)
	}
	strength := lambda
	if math.IsInf(lambda, 1) {
		strength = 0
	}
	return AdaptResult{
		Model:    m,
		Labels:   n,
		Positive: pos,
		Strength: strength,
		F1Before: f1At(before, yes, base.Threshold),
		F1After:  cvF1(z, yes, foldOf, base.Threshold),
	}, nil
}

// cvF1 is the F1 of out-of-fold log-odds z when each fold is cut at the
// threshold the rule picks from the other folds' scores.
func cvF1(z []float64, yes []bool, foldOf func(int) int, baseThreshold float64) float64 {
	var c confusion
	for fold := 0; fold < adaptFolds; fold++ {
		var zs []float64
		var ys []bool
		for i := range z {
			if foldOf(i) != fold {
				zs, ys = append(zs, z[i]), append(ys, yes[i])
			}
		}
		t := shrinkThreshold(baseThreshold, bestF1Threshold(zs, ys), len(zs))
		for i := range z {
			if foldOf(i) == fold {
				c.add(Probability(z[i]) >= t, yes[i])
			}
		}
	}
	return c.f1()
}

// adaptProblem is the labels in a compact form: only the slots that occur in
// them can move, so they are numbered 0..K-1 and the bias is K.
type adaptProblem struct {
	slots []uint32    // model slot of each parameter but the bias
	pull  []float64   // relative pull of each parameter, bias included
	base  []float64   // base weights of each parameter, bias last
	rows  [][]feature // features of each label, compact
	yes   []bool
}

type feature struct {
	j int32
	v float64
}

func newAdaptProblem(base *Model, labels []Label, floor float64) *adaptProblem {
	feats := make([][]Feature, len(labels))
	seen := map[uint32]bool{}
	var slots []uint32
	for i, l := range labels {
		feats[i] = Featurize(nil, l.Text)
		for _, f := range feats[i] {
			s := f.Slot & (NumSlots - 1)
			if !seen[s] {
				seen[s] = true
				slots = append(slots, s)
			}
		}
	}
	slices.Sort(slots)
	index := make(map[uint32]int32, len(slots))
	for j, s := range slots {
		index[s] = int32(j)
	}
	p := &adaptProblem{slots: slots, yes: make([]bool, len(labels))}
	p.pull = make([]float64, len(slots)+1)
	p.base = make([]float64, len(slots)+1)
	// A slot's pull is ngramPull, or its share of the labels it occurs in
	// when larger (newsroom round 2): a slot in most sentences acts like the
	// bias, so it is held as firmly. Hand cues are held like the bias.
	occurs := make([]float64, len(slots))
	for _, fs := range feats {
		for _, f := range fs {
			occurs[index[f.Slot&(NumSlots-1)]]++ // an n-gram repeated in a sentence counts again
		}
	}
	for j, s := range slots {
		p.base[j] = float64(base.Weights[s])
		p.pull[j] = max(floor, min(occurs[j]/float64(len(labels)), 1))
		if s < numHand {
			p.pull[j] = 1
		}
	}
	p.base[len(slots)] = float64(base.Bias)
	p.pull[len(slots)] = 1
	p.rows = make([][]feature, len(labels))
	for i, fs := range feats {
		row := make([]feature, len(fs))
		for k, f := range fs {
			row[k] = feature{index[f.Slot&(NumSlots-1)], float64(f.Value)}
		}
		p.rows[i] = row
		p.yes[i] = labels[i].CheckWorthy
	}
	return p
}

func (p *adaptProblem) start() []float64 { return p.base }

func (p *adaptProblem) model(base *Model, theta []float64) *Model {
	m := &Model{Weights: slices.Clone(base.Weights)}
	for j, slot := range p.slots {
		m.Weights[slot] = float32(theta[j])
	}
	m.Bias = float32(theta[len(p.slots)])
	return m
}

func (p *adaptProblem) logit(theta []float64, i int) float64 {
	z := theta[len(theta)-1]
	for _, f := range p.rows[i] {
		z += theta[f.j] * f.v
	}
	return z
}

// objective returns the loss over rows plus the pull toward the base, and
// writes its gradient into grad.
func (p *adaptProblem) objective(theta, grad []float64, rows []int, lambda float64) float64 {
	bias := len(theta) - 1
	loss := 0.0
	for j := range grad {
		d := theta[j] - p.base[j]
		loss += 0.5 * lambda * p.pull[j] * d * d
		grad[j] = lambda * p.pull[j] * d
	}
	for _, i := range rows {
		z := p.logit(theta, i)
		loss += logLoss(z, p.yes[i])
		g := Probability(z)
		if p.yes[i] {
			g--
		}
		grad[bias] += g
		for _, f := range p.rows[i] {
			grad[f.j] += g * f.v
		}
	}
	return loss
}

// fit minimises the objective by L-BFGS from the base weights. The objective
// is strongly convex, so the minimum is unique; the fixed order of every sum
// makes the result the same on every run.
func (p *adaptProblem) fit(rows []int, lambda float64, from []float64) []float64 {
	k := len(p.base)
	x := slices.Clone(from)
	g := make([]float64, k)
	f := p.objective(x, g, rows, lambda)
	var ss, ys [][]float64
	var rhos []float64
	d := make([]float64, k)
	xn := make([]float64, k)
	gn := make([]float64, k)
	alpha := make([]float64, lbfgsMemory)
	stop := lbfgsRelGradStop * float64(max(len(rows), 1))
	for iter := 0; iter < lbfgsMaxIter && norm(g) > stop; iter++ {
		// Two-loop recursion: d = -H·g.
		copy(d, g)
		for m := len(ss) - 1; m >= 0; m-- {
			alpha[m] = rhos[m] * dot(ss[m], d)
			axpy(-alpha[m], ys[m], d)
		}
		gamma := 1.0
		if len(ss) > 0 {
			last := len(ss) - 1
			gamma = dot(ss[last], ys[last]) / dot(ys[last], ys[last])
		} else {
			gamma = 1 / max(norm(g), 1)
		}
		for j := range d {
			d[j] *= gamma
		}
		for m := range ss {
			beta := rhos[m] * dot(ys[m], d)
			axpy(alpha[m]-beta, ss[m], d)
		}
		for j := range d {
			d[j] = -d[j]
		}
		slope := dot(g, d)
		if slope >= 0 { // not a descent direction: restart from steepest descent
			ss, ys, rhos = ss[:0], ys[:0], rhos[:0]
			for j := range d {
				d[j] = -g[j]
			}
			slope = dot(g, d)
		}
		// Backtracking line search (Armijo).
		step := 1.0
		var fn float64
		for try := 0; ; try++ {
			for j := range x {
				xn[j] = x[j] + step*d[j]
			}
			fn = p.objective(xn, gn, rows, lambda)
			if fn <= f+1e-4*step*slope || try == 30 {
				break
			}
			step /= 2
		}
		s := make([]float64, k)
		y := make([]float64, k)
		for j := range s {
			s[j] = xn[j] - x[j]
			y[j] = gn[j] - g[j]
		}
		if sy := dot(s, y); sy > 1e-12 {
			if len(ss) == lbfgsMemory {
				ss, ys, rhos = ss[1:], ys[1:], rhos[1:]
			}
			ss, ys, rhos = append(ss, s), append(ys, y), append(rhos, 1/sy)
		}
		x, xn = xn, x
		g, gn = gn, g
		if f-fn < 1e-12*math.Max(1, math.Abs(f)) {
			f = fn
			break
		}
		f = fn
	}
	return x
}

func dot(a, b []float64) float64 {
	s := 0.0
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}

func axpy(a float64, x, y []float64) {
	for i := range x {
		y[i] += a * x[i]
	}
}

func norm(a []float64) float64 { return math.Sqrt(dot(a, a)) }

// logLoss is -log P(label) for log-odds z, computed without overflow.
func logLoss(z float64, yes bool) float64 {
	if yes {
		z = -z
	}
	if z > 0 {
		return z + math.Log1p(math.Exp(-z))
	}
	return math.Log1p(math.Exp(z))
}

// bestF1Threshold returns the threshold, in 0.005 steps from 0.05 to 0.95,
// with the best F1 on the given log-odds; ties go to the lowest.
func bestF1Threshold(z []float64, yes []bool) float64 {
	best, bestT := -1.0, 0.5
	for s := 10; s <= 190; s++ {
		t := float64(s) / 200
		if f := f1At(z, yes, t); f > best+1e-12 {
			best, bestT = f, t
		}
	}
	return bestT
}

// shrinkThreshold moves the base threshold toward the labels' own, in
// log-odds, by n/(n+thresholdPrior): a few labels move it a little.
func shrinkThreshold(base, own float64, n int) float64 {
	lb, lo := math.Log(base/(1-base)), math.Log(own/(1-own))
	w := float64(n) / float64(n+thresholdPrior)
	t := Probability(lb + w*(lo-lb))
	return math.Round(t*10000) / 10000
}

func f1At(z []float64, yes []bool, t float64) float64 {
	var c confusion
	for i, zi := range z {
		c.add(Probability(zi) >= t, yes[i])
	}
	return c.f1()
}

// confusion counts predictions against labels, for an F1.
type confusion struct{ tp, fp, fn float64 }

func (c *confusion) add(pred, yes bool) {
	switch {
	case pred && yes:
		c.tp++
	case pred:
		c.fp++
	case yes:
		c.fn++
	}
}

func (c confusion) f1() float64 { return f1(c.tp, c.fp, c.fn) }

func f1(tp, fp, fn float64) float64 {
	if tp == 0 {
		return 0
	}
	return 2 * tp / (2*tp + fp + fn)
}
