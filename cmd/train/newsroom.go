package main

import (
	"fmt"
	"io"
	"math"
	"time"

	"claimtrail/domain/extract"
)

// newsroomMethods are the ways of adapting the newsroom rounds compare
// (docs/extractor.md).
var newsroomMethods = map[string]extract.AdaptOptions{
	"shipped":   {},
	"threshold": {Strengths: []float64{math.Inf(1)}},
	"round2":    {Strengths: extract.ResearchStrengths, SelectByLogLoss: true},
	"round3":    {Strengths: extract.ResearchStrengths},
}

// simulateNewsroom is the protocol in docs/extractor.md: the labelled file's
// rows are split into two folds by alternate rows; the base model is adapted
// on one fold's labels and scored on the other, both ways. Dev F1 of each
// adapted model checks that adapting did not wreck it.
func simulateNewsroom(out io.Writer, path, devPath string, opt extract.AdaptOptions) error {
	rows, err := readTSV(path)
	if err != nil {
		return err
	}
	dev, err := readTSV(devPath)
	if err != nil {
		return err
	}
	var folds [2][]example
	for i, e := range rows {
		folds[i%2] = append(folds[i%2], e)
	}
	base := extract.DefaultModel()
	for k, name := range []string{"A", "B"} {
		adaptOn, scoreOn := folds[k], folds[1-k]
		labels := make([]extract.Label, len(adaptOn))
		for i, e := range adaptOn {
			labels[i] = extract.Label{Text: e.text, CheckWorthy: e.yes}
		}
		start := time.Now()
		res, err := extract.Adapt(base, labels, opt)
		if err != nil {
			return err
		}
		took := time.Since(start)
		_, _, baseF1 := prf(base, scoreOn, base.Threshold)
		_, _, adaptedF1 := prf(res.Model, scoreOn, res.Model.Threshold)
		_, _, devBase := prf(base, dev, base.Threshold)
		_, _, devAdapted := prf(res.Model, dev, res.Model.Threshold)
		fmt.Fprintf(out, "adapt on %s (%d labels, %d yes), score the other fold (%d rows): base F1 %.3f  adapted F1 %.3f  |  strength %g  threshold %.4f  cv f1_before %.3f f1_after %.3f  |  dev F1 base %.3f adapted %.3f  |  %.2fs\n",
			name, res.Labels, res.Positive, len(scoreOn), baseF1, adaptedF1,
			res.Strength, res.Model.Threshold, res.F1Before, res.F1After, devBase, devAdapted, took.Seconds())
	}
	return nil
}
