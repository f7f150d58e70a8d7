package extract

import (
	"math"
	"slices"
)

// The compact adaptation moves a handful of parameters, each of which acts
// on every sentence: the bias, the twenty hand cues, a scale s on the base
// model's n-gram score and an offset c added to every n-gram slot. An
// n-gram's value is 1/√(n-grams of its kind), so c adds c·(√words-ish +
// √characters-ish) to a sentence: a length term. The adapted model is again
// one weight table (cue weights replaced, n-gram weights s·w + c), so it
// scores as fast as the base.
const (
	cBias  = 0
	cCue   = 1 // first of numHand cue parameters
	cScale = 1 + numHand
	cLen   = 2 + numHand
	cDim   = 3 + numHand
)

// globalPull holds the cues at the base's weights when only the global
// parameters (bias, scale, length) may move.
const globalPull = 1e6

type compactProblem struct {
	x    [][cDim]float64
	yes  []bool
	base []float64
	pull [cDim]float64
}

func newCompactProblem(base *Model, labels []Label, global bool) *compactProblem {
	p := &compactProblem{x: make([][cDim]float64, len(labels)), yes: make([]bool, len(labels))}
	var fs []Feature
	var g2, l2 float64
	for i, l := range labels {
		fs = Featurize(fs[:0], l.Text)
		x := &p.x[i]
		x[cBias] = 1
		for _, f := range fs {
			s := f.Slot & (NumSlots - 1)
			if s < numHand {
				x[cCue+s] = float64(f.Value)
				continue
			}
			x[cScale] += float64(base.Weights[s]) * float64(f.Value)
			x[cLen] += float64(f.Value)
		}
		g2 += x[cScale] * x[cScale]
		l2 += x[cLen] * x[cLen]
		p.yes[i] = l.CheckWorthy
	}
	n := float64(max(len(labels), 1))
	p.base = make([]float64, cDim)
	p.base[cBias] = float64(base.Bias)
	for j := 0; j < numHand; j++ {
		p.base[cCue+j] = float64(base.Weights[j])
	}
	p.base[cScale] = 1
	// Each parameter is pulled in units of its effect on a sentence's
	// log-odds: the bias and cues move a sentence by their change, the scale
	// and length term by their change times a typical n-gram score or length.
	for j := range p.pull {
		p.pull[j] = 1
		if global && j >= cCue && j < cCue+numHand {
			p.pull[j] = globalPull
		}
	}
	p.pull[cScale] = max(g2/n, 1e-3)
	p.pull[cLen] = max(l2/n, 1e-3)
	return p
}

func (p *compactProblem) start() []float64 { return p.base }

func (p *compactProblem) logit(theta []float64, i int) float64 {
	z := 0.0
	for j, v := range p.x[i] {
		z += theta[j] * v
	}
	return z
}

// fit minimises Σ log-loss + (λ/2)·Σ pull·(θ − θ₀)² by Newton's method from
// the base. The objective is strongly convex and small (23 parameters), and
// every sum runs in a fixed order, so the result is the same on every run.
func (p *compactProblem) fit(rows []int, lambda float64, from []float64) []float64 {
	theta := slices.Clone(from)
	var grad [cDim]float64
	var hess [cDim][cDim]float64
	for iter := 0; iter < 50; iter++ {
		for j := range grad {
			d := theta[j] - p.base[j]
			grad[j] = lambda * p.pull[j] * d
			for k := range hess[j] {
				hess[j][k] = 0
			}
			hess[j][j] = lambda * p.pull[j]
		}
		for _, i := range rows {
			x := &p.x[i]
			q := Probability(p.logit(theta, i))
			g := q
			if p.yes[i] {
				g--
			}
			h := q * (1 - q)
			for j, v := range x {
				if v == 0 {
					continue
				}
				grad[j] += g * v
				for k := j; k < cDim; k++ {
					hess[j][k] += h * v * x[k]
				}
			}
		}
		for j := range hess {
			for k := 0; k < j; k++ {
				hess[j][k] = hess[k][j]
			}
		}
		step, ok := solveSPD(hess, grad)
		if !ok {
			break
		}
		// Halve the step until the objective does not rise, so that labels
		// the base gets all wrong cannot throw the iteration off.
		f0 := p.objective(theta, rows, lambda)
		next := make([]float64, cDim)
		size := 1.0
		for try := 0; try < 30; try++ {
			for j := range next {
				next[j] = theta[j] - size*step[j]
			}
			if p.objective(next, rows, lambda) <= f0 {
				break
			}
			size /= 2
		}
		moved := 0.0
		for j := range theta {
			moved = max(moved, math.Abs(theta[j]-next[j]))
		}
		copy(theta, next)
		if moved < 1e-9 {
			break
		}
	}
	return theta
}

func (p *compactProblem) objective(theta []float64, rows []int, lambda float64) float64 {
	f := 0.0
	for j, t := range theta {
		d := t - p.base[j]
		f += 0.5 * lambda * p.pull[j] * d * d
	}
	for _, i := range rows {
		f += logLoss(p.logit(theta, i), p.yes[i])
	}
	return f
}

// model writes θ into a full weight table: cue weights replaced, every
// hashed slot scaled and offset.
func (p *compactProblem) model(base *Model, theta []float64) *Model {
	m := &Model{Weights: make([]float32, NumSlots), Bias: float32(theta[cBias])}
	for j := 0; j < numHand; j++ {
		m.Weights[j] = float32(theta[cCue+j])
	}
	s, c := theta[cScale], theta[cLen]
	for j := numHand; j < NumSlots; j++ {
		m.Weights[j] = float32(s*float64(base.Weights[j]) + c)
	}
	return m
}

// solveSPD solves A·x = b for a symmetric positive definite A by Cholesky
// decomposition; ok is false if A is not positive definite.
func solveSPD(a [cDim][cDim]float64, b [cDim]float64) (x [cDim]float64, ok bool) {
	var l [cDim][cDim]float64
	for i := 0; i < cDim; i++ {
		for j := 0; j <= i; j++ {
			sum := a[i][j]
			for k := 0; k < j; k++ {
				sum -= l[i][k] * l[j][k]
			}
			if i == j {
				if sum <= 0 {
					return x, false
				}
				l[i][i] = math.Sqrt(sum)
			} else {
				l[i][j] = sum / l[j][j]
			}
		}
	}
	var y [cDim]float64
	for i := 0; i < cDim; i++ {
		sum := b[i]
		for k := 0; k < i; k++ {
			sum -= l[i][k] * y[k]
		}
		y[i] = sum / l[i][i]
	}
	for i := cDim - 1; i >= 0; i-- {
		sum := y[i]
		for k := i + 1; k < cDim; k++ {
			sum -= l[k][i] * x[k]
		}
		x[i] = sum / l[i][i]
	}
	return x, true
}
