package storage

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"sync"

	"claimtrail/domain"
	"claimtrail/domain/extract"
)

// The newsroom's claim scorer: versions learnt from triage labels, which
// one is in use, and the labels themselves.

// TriageLabels returns the sentences the newsroom's triage has labelled, in
// the order the claims were made, so the same database gives the same
// labels. Which decisions are labels is domain.Claim.TriageLabel's rule.
func (db *DB) TriageLabels(ctx context.Context) ([]extract.Label, error) {
	tx, err := db.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	type row struct {
		c    domain.Claim
		text string
	}
	rows, err := queryAll(ctx, tx, func(s scanner) (row, error) {
		var r row
		return r, s.Scan(&r.text, &r.c.State, &r.c.Manual, &r.c.DismissCode)
	}, `SELECT sentence, state, manual, dismiss_code FROM claims
		WHERE state <> 'candidate' OR manual ORDER BY id`)
	if err != nil {
		return nil, err
	}
	var out []extract.Label
	for _, r := range rows {
		if yes, ok := r.c.TriageLabel(); ok {
			out = append(out, extract.Label{Text: r.text, CheckWorthy: yes})
		}
	}
	return out, nil
}

const scorerModelColumns = `version, threshold, triage_labels, file_labels, positive, f1_before, f1_after, strength,
	labels_seen, created_by, created_at`

func scanScorerModel(s scanner) (domain.ScorerModel, error) {
	var m domain.ScorerModel
	var created string
	err := s.Scan(&m.Version, &m.Threshold, &m.TriageLabels, &m.FileLabels, &m.Positive, &m.F1Before, &m.F1After,
		&m.Strength, &m.LabelsSeen, &m.CreatedBy, &created)
	m.CreatedAt = parseTime(created)
	return m, err
}

// ScorerStatus returns the versions (newest first), the one in use, the
// automatic-adaptation setting and how many triage labels there are.
func (db *DB) ScorerStatus(ctx context.Context) (domain.ScorerStatus, error) {
	tx, err := db.beginRead(ctx)
	if err != nil {
		return domain.ScorerStatus{}, err
	}
	defer tx.Rollback()
	return scorerStatus(ctx, tx)
}

func scorerStatus(ctx context.Context, tx *Tx) (domain.ScorerStatus, error) {
	var s domain.ScorerStatus
	var current sql.NullInt64
	if err := tx.QueryRowContext(ctx, `SELECT current_version, auto_every FROM scorer_state WHERE id = 1`).Scan(&current, &s.AutoEvery); err != nil {
		return s, err
	}
	s.Current = current.Int64
	type group struct {
		c domain.Claim
		n int
	}
	groups, err := queryAll(ctx, tx, func(sc scanner) (group, error) {
		var g group
		return g, sc.Scan(&g.c.State, &g.c.Manual, &g.c.DismissCode, &g.n)
	}, `SELECT state, manual, dismiss_code, count(*) FROM claims GROUP BY state, manual, dismiss_code ORDER BY 1, 2, 3`)
	if err != nil {
		return s, err
	}
	for _, g := range groups {
		if yes, ok := g.c.TriageLabel(); ok {
			s.Labels += g.n
			if yes {
				s.Positive += g.n
			}
		}
	}
	s.Models, err = queryAll(ctx, tx, scanScorerModel, `SELECT `+scorerModelColumns+` FROM scorer_models ORDER BY version DESC`)
	return s, err
}

// scorerEvent is what the audit log keeps of the scorer's state.
type scorerEvent struct {
	Current   int64               `json:"current_version"`
	AutoEvery *int                `json:"auto_every,omitempty"`
	Model     *domain.ScorerModel `json:"model,omitempty"`
}

// SaveScorerModel stores a newly learnt version (file as extract.WriteModel
// writes it) and puts it in use, recording "scorer.adapted". m's Version,
// CreatedBy and CreatedAt are filled in, and its Threshold is the file's.
func (db *DB) SaveScorerModel(ctx context.Context, m *domain.ScorerModel, file []byte) error {
	decoded, err := extract.ReadModel(bytes.NewReader(file))
	if err != nil {
		return domain.Errorf(domain.EINVALID, "That is not a claim scorer model: %v.", err)
	}
	m.Threshold = decoded.Threshold
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var before int64
	var current sql.NullInt64
	if err := tx.QueryRowContext(ctx, `SELECT current_version FROM scorer_state WHERE id = 1`).Scan(&current); err != nil {
		return err
	}
	before = current.Int64
	m.CreatedBy, m.CreatedAt = tx.actor.Label, tx.now
	if m.CreatedBy == "" {
		m.CreatedBy = domain.SystemActor.Label
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO scorer_models (model, threshold, triage_labels, file_labels, positive,
		f1_before, f1_after, strength, labels_seen, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		file, m.Threshold, m.TriageLabels, m.FileLabels, m.Positive, m.F1Before, m.F1After, m.Strength, m.LabelsSeen,
		m.CreatedBy, formatTime(tx.now))
	if err != nil {
		return mapError(err, "")
	}
	m.Version, _ = res.LastInsertId()
	if _, err := tx.ExecContext(ctx, `UPDATE scorer_state SET current_version = ?, updated_at = ? WHERE id = 1`, m.Version, formatTime(tx.now)); err != nil {
		return err
	}
	if err := tx.audit(ctx, "scorer.adapted", "scorer", m.Version, scorerEvent{Current: before}, scorerEvent{Current: m.Version, Model: m}); err != nil {
		return err
	}
	return tx.Commit()
}

// UseScorerModel puts a stored version in use, or the base model with
// version 0, recording "scorer.used". Choosing the version already in use
// changes nothing and records nothing.
func (db *DB) UseScorerModel(ctx context.Context, version int64) error {
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	s, err := scorerStatus(ctx, tx)
	if err != nil {
		return err
	}
	if err := domain.CheckScorerVersion(version, s); err != nil {
		return err
	}
	if version == s.Current {
		return nil
	}
	if _, err := tx.ExecContext(ctx, `UPDATE scorer_state SET current_version = ?, updated_at = ? WHERE id = 1`, nullInt(version), formatTime(tx.now)); err != nil {
		return err
	}
	if err := tx.audit(ctx, "scorer.used", "scorer", version, scorerEvent{Current: s.Current}, scorerEvent{Current: version}); err != nil {
		return err
	}
	return tx.Commit()
}

// SetScorerAutoEvery sets after how many new triage labels the scorer
// adapts by itself (0: only by hand), recording "scorer.auto_every".
func (db *DB) SetScorerAutoEvery(ctx context.Context, n int) error {
	if err := domain.CheckAutoAdaptEvery(n); err != nil {
		return err
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var old int
	var current sql.NullInt64
	if err := tx.QueryRowContext(ctx, `SELECT current_version, auto_every FROM scorer_state WHERE id = 1`).Scan(&current, &old); err != nil {
		return err
	}
	if old == n {
		return nil
	}
	if _, err := tx.ExecContext(ctx, `UPDATE scorer_state SET auto_every = ?, updated_at = ? WHERE id = 1`, n, formatTime(tx.now)); err != nil {
		return err
	}
	if err := tx.audit(ctx, "scorer.auto_every", "scorer", current.Int64,
		scorerEvent{Current: current.Int64, AutoEvery: &old}, scorerEvent{Current: current.Int64, AutoEvery: &n}); err != nil {
		return err
	}
	return tx.Commit()
}

// scorerCache keeps the decoded model in use, so scoring an article reads
// one small row rather than a 300 KB file.
type scorerCache struct {
	mu      sync.Mutex
	version int64
	model   *extract.Model
}

// CurrentScorer returns the claim scorer in use and its version: a stored
// newsroom version, or the base model (version 0).
func (db *DB) CurrentScorer(ctx context.Context) (int64, *extract.Model, error) {
	tx, err := db.beginRead(ctx)
	if err != nil {
		return 0, nil, err
	}
	defer tx.Rollback()
	var current sql.NullInt64
	if err := tx.QueryRowContext(ctx, `SELECT current_version FROM scorer_state WHERE id = 1`).Scan(&current); err != nil {
		return 0, nil, err
	}
	if !current.Valid || current.Int64 == 0 {
		return 0, extract.DefaultModel(), nil
	}
	cache := &db.scorer
	cache.mu.Lock()
	defer cache.mu.Unlock()
	if cache.version == current.Int64 && cache.model != nil {
		return cache.version, cache.model, nil
	}
	var file []byte
	err = tx.QueryRowContext(ctx, `SELECT model FROM scorer_models WHERE version = ?`, current.Int64).Scan(&file)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil, domain.Errorf(domain.ENOTFOUND, "There is no claim scorer version %d.", current.Int64)
	} else if err != nil {
		return 0, nil, err
	}
	m, err := extract.ReadModel(bytes.NewReader(file))
	if err != nil {
		return 0, nil, err
	}
	cache.version, cache.model = current.Int64, m
	return cache.version, m, nil
}
