package storage_test

import (
	"bytes"
	"testing"

	"claimtrail/domain"
	"claimtrail/domain/extract"
)

func TestTriageLabelsAndScorerStatus(t *testing.T) {
	db := openTestDB(t)
	ctx := actorCtx("rita@example.org")
	a := newArticle("Report", "", reportText+"\n\nThe bridge cost £9 million. Unemployment fell to 4%. Turnout was 61%.")
	cands := mustCreateArticle(t, db, ctx, a)
	if len(cands) < 5 {
		t.Fatalf("candidates: %d", len(cands))
	}
	// Accepted: check-worthy. Not check-worthy: not. Duplicate: no label.
	if _, err := db.AcceptClaim(ctx, cands[0].ID, "", 0); err != nil {
		t.Fatal(err)
	}
	if _, err := db.DismissClaim(ctx, cands[1].ID, domain.Dismissal{Reason: domain.DismissNotCheckWorthy}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.DismissClaim(ctx, cands[2].ID, domain.Dismissal{Reason: domain.DismissDuplicate}); err != nil {
		t.Fatal(err)
	}
	manual, err := db.AddManualClaim(ctx, a.ID, "Your donation keeps our reporting free", 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	labels, err := db.TriageLabels(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := []extract.Label{{Text: cands[0].Sentence, CheckWorthy: true}, {Text: cands[1].Sentence}, {Text: manual.Sentence, CheckWorthy: true}}
	if len(labels) != len(want) {
		t.Fatalf("labels %+v, want %+v", labels, want)
	}
	for i := range want {
		if labels[i] != want[i] {
			t.Errorf("label %d = %+v, want %+v", i, labels[i], want[i])
		}
	}
	s, err := db.ScorerStatus(ctx)
	if err != nil || s.Labels != 3 || s.Positive != 2 || s.Current != 0 || len(s.Models) != 0 || s.NewLabels() != 3 {
		t.Fatalf("status %+v %v", s, err)
	}

	// A stored version goes in use, with its provenance; new labels count from it.
	var file bytes.Buffer
	if err := extract.WriteModel(&file, extract.DefaultModel()); err != nil {
		t.Fatal(err)
	}
	m := &domain.ScorerModel{TriageLabels: 3, LabelsSeen: 3}
	if err := db.SaveScorerModel(ctx, m, file.Bytes()); err != nil {
		t.Fatal(err)
	}
	if err := db.SaveScorerModel(ctx, &domain.ScorerModel{}, []byte("not a model")); domain.ErrorCode(err) != domain.EINVALID {
		t.Errorf("saving a broken model file: %v", err)
	}
	s, _ = db.ScorerStatus(ctx)
	if s.Current != m.Version || len(s.Models) != 1 || s.Models[0].CreatedBy != "rita@example.org" || s.NewLabels() != 0 {
		t.Errorf("status after saving %+v", s)
	}
	v, model, err := db.CurrentScorer(ctx)
	if err != nil || v != m.Version || model.Threshold != extract.DefaultModel().Threshold || m.Threshold != model.Threshold {
		t.Errorf("current scorer %d %v", v, err)
	}

	// Automatic adaptation: a domain rule checks the setting; it is audited.
	if err := db.SetScorerAutoEvery(ctx, 5); domain.ErrorCode(err) != domain.EINVALID {
		t.Errorf("auto every 5: %v", err)
	}
	before := countEvents(t, db)
	if err := db.SetScorerAutoEvery(ctx, 50); err != nil {
		t.Fatal(err)
	}
	if err := db.UseScorerModel(ctx, 0); err != nil {
		t.Fatal(err)
	}
	if err := db.UseScorerModel(ctx, 0); err != nil { // already in use: nothing to record
		t.Fatal(err)
	}
	if err := db.UseScorerModel(ctx, 42); domain.ErrorCode(err) != domain.ENOTFOUND {
		t.Errorf("use 42: %v", err)
	}
	if n := countEvents(t, db) - before; n != 2 {
		t.Errorf("%d audit events, want 2", n)
	}
	s, _ = db.ScorerStatus(ctx)
	if s.Current != 0 || s.AutoEvery != 50 {
		t.Errorf("status %+v", s)
	}
	if v, model, _ := db.CurrentScorer(ctx); v != 0 || model != extract.DefaultModel() {
		t.Errorf("after rollback: version %d", v)
	}
}
