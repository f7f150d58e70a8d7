package web

import (
	"bytes"
	"context"

	"claimtrail/domain"
	"claimtrail/domain/extract"
	"claimtrail/storage"
)

// AdaptScorer learns a new version of the newsroom's claim scorer from its
// triage labels plus fileLabels (a newsroom's archive), stores it with its
// provenance and puts it in use. progress, if not nil, hears how far it is.
// Too few labels are refused with a message saying how many there are.
func AdaptScorer(ctx context.Context, db *storage.DB, fileLabels []extract.Label, progress func(done, total int)) (domain.ScorerModel, error) {
	triageLabels, err := db.TriageLabels(ctx)
	if err != nil {
		return domain.ScorerModel{}, err
	}
	labels := append(triageLabels[:len(triageLabels):len(triageLabels)], fileLabels...)
	res, err := extract.Adapt(extract.DefaultModel(), labels, extract.AdaptOptions{Progress: progress})
	if err != nil {
		return domain.ScorerModel{}, err
	}
	var file bytes.Buffer
	if err := extract.WriteModel(&file, res.Model); err != nil {
		return domain.ScorerModel{}, err
	}
	m := domain.ScorerModel{
		Threshold:    res.Model.Threshold,
		TriageLabels: len(triageLabels),
		FileLabels:   len(fileLabels),
		Positive:     res.Positive,
		F1Before:     res.F1Before,
		F1After:      res.F1After,
		Strength:     res.Strength,
		LabelsSeen:   len(triageLabels),
	}
	if err := db.SaveScorerModel(ctx, &m, file.Bytes()); err != nil {
		return domain.ScorerModel{}, err
	}
	return m, nil
}
