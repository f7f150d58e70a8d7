package main

import (
	"fmt"
	"io"
	"math"
	"math/rand/v2"

	"claimtrail/domain/extract"
)

// fitHidden trains the small network of extract.Hidden on rows: an embedding
// bag over the features, ReLU, one output, per-element AdaGrad. A fixed tenth
// of the rows is held out, and the epoch with the lowest held-out log-loss is
// kept. Everything is seeded and single-threaded, so runs are identical.
func fitHidden(out io.Writer, c config, rows []example) *extract.Hidden {
	H := c.mlp
	rng := rand.New(rand.NewPCG(c.seed, 3))
	perm := rng.Perm(len(rows))
	var tr, ho []example
	for k, i := range perm {
		if k%10 == 9 {
			ho = append(ho, rows[i])
		} else {
			tr = append(tr, rows[i])
		}
	}
	// Only slots the training rows touch get an embedding; the rest stay
	// zero, so unseen n-grams contribute nothing.
	touched := make([]bool, extract.NumSlots)
	for _, e := range tr {
		for _, f := range e.feats {
			touched[f.Slot] = true
		}
	}
	init := rand.New(rand.NewPCG(c.seed, 5))
	emb := make([]float32, extract.NumSlots*H)
	for s := range touched {
		if touched[s] {
			for j := 0; j < H; j++ {
				emb[s*H+j] = float32((init.Float64()*2 - 1) * 0.1)
			}
		}
	}
	b1 := make([]float32, H)
	w2 := make([]float32, H)
	lim := 1 / math.Sqrt(float64(H))
	for j := range w2 {
		w2[j] = float32((init.Float64()*2 - 1) * lim)
	}
	var b2 float32
	gEmb := make([]float32, len(emb))
	gb1, gw2 := make([]float32, H), make([]float32, H)
	var gb2 float32
	rate := float32(c.mlpRate)
	const l2 = 1e-6
	a := make([]float32, H)
	gh := make([]float32, H)

	forward := func(fs []extract.Feature) float32 {
		copy(a, b1)
		for _, f := range fs {
			row := emb[int(f.Slot)*H : int(f.Slot)*H+H]
			for j, x := range row {
				a[j] += f.Value * x
			}
		}
		z := b2
		for j, x := range a {
			if x > 0 {
				z += x * w2[j]
			}
		}
		return z
	}
	step := func(g2 *float32, g float32) float32 {
		*g2 += g * g
		return rate * g / (float32(math.Sqrt(float64(*g2))) + 1e-8)
	}
	holdLoss := func() float64 {
		var loss float64
		for _, e := range ho {
			p := extract.Probability(float64(forward(e.feats)))
			p = min(max(p, 1e-7), 1-1e-7)
			if e.yes {
				loss -= math.Log(p)
			} else {
				loss -= math.Log(1 - p)
			}
		}
		return loss / float64(len(ho))
	}

	best := math.Inf(1)
	bestEpoch := 0
	snap := struct {
		emb, b1, w2 []float32
		b2          float32
	}{make([]float32, len(emb)), make([]float32, H), make([]float32, H), 0}
	order := make([]int, len(tr))
	for i := range order {
		order[i] = i
	}
	shuffle := rand.New(rand.NewPCG(c.seed, 1))
	for epoch := 1; epoch <= c.mlpEpochs; epoch++ {
		shuffle.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		for _, idx := range order {
			e := tr[idx]
			z := forward(e.feats)
			p := float32(extract.Probability(float64(z)))
			g := p
			if e.yes {
				g = p - 1
			}
			for j, x := range a {
				if x > 0 {
					gh[j] = g * w2[j]
					w2[j] -= step(&gw2[j], g*x)
				} else {
					gh[j] = 0
				}
			}
			b2 -= step(&gb2, g)
			for j := range b1 {
				b1[j] -= step(&gb1[j], gh[j])
			}
			for _, f := range e.feats {
				base := int(f.Slot) * H
				row, acc := emb[base:base+H], gEmb[base:base+H]
				for j := range row {
					gi := f.Value*gh[j] + l2*row[j]
					if gi == 0 {
						continue
					}
					acc[j] += gi * gi
					row[j] -= rate * gi / (float32(math.Sqrt(float64(acc[j]))) + 1e-8)
				}
			}
		}
		loss := holdLoss()
		fmt.Fprintf(out, "mlp epoch %2d held-out log-loss %.4f\n", epoch, loss)
		if loss < best {
			best, bestEpoch = loss, epoch
			copy(snap.emb, emb)
			copy(snap.b1, b1)
			copy(snap.w2, w2)
			snap.b2 = b2
		}
	}
	fmt.Fprintf(out, "mlp H %d rate %g: kept epoch %d (held-out log-loss %.4f)\n", H, c.mlpRate, bestEpoch, best)
	return quantise(H, snap.emb, snap.b1, snap.w2, snap.b2)
}

// quantise stores each slot's embedding as int8 with its own scale.
func quantise(H int, emb, b1, w2 []float32, b2 float32) *extract.Hidden {
	h := &extract.Hidden{Size: H, Emb: make([]int8, len(emb)), Scale: make([]float32, extract.NumSlots),
		Bias: append([]float32(nil), b1...), Out: append([]float32(nil), w2...), OutB: b2}
	for s := range h.Scale {
		row := emb[s*H : s*H+H]
		var m float32
		for _, x := range row {
			m = max(m, float32(math.Abs(float64(x))))
		}
		if m == 0 {
			continue
		}
		scale := m / 127
		h.Scale[s] = scale
		for j, x := range row {
			h.Emb[s*H+j] = int8(math.Round(float64(x / scale)))
		}
	}
	return h
}

// withHidden returns the mix (1-gamma)·linear + gamma·network as one model.
func withHidden(lin *extract.Model, h *extract.Hidden, gamma float64) *extract.Model {
	m := &extract.Model{Weights: make([]float32, extract.NumSlots), Bias: float32(1-gamma) * lin.Bias, Threshold: 0.5}
	for i, w := range lin.Weights {
		m.Weights[i] = float32(1-gamma) * w
	}
	hh := *h
	hh.Out = make([]float32, len(h.Out))
	for j, w := range h.Out {
		hh.Out[j] = float32(gamma) * w
	}
	hh.OutB = float32(gamma) * h.OutB
	m.Hidden = &hh
	return m
}
