package storage

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"claimtrail/domain"
	"claimtrail/domain/match"
)

// Appearances of claims (migrations 100 and 160). When an article is added,
// its candidates are matched once, before the write transaction; the write
// transaction keeps what was found (the article page reads it back rather
// than matching again) and records each candidate that is the same claim as
// an accepted one as a new appearance of it, one "claim.appeared" event each.

// matchesKept is how many matches of each candidate are kept for the article page.
const matchesKept = 5

// candidateFound is what the matcher found for one new candidate.
type candidateFound []match.Found

// matchNewCandidates matches the candidates of an article about to be added,
// the articleMatchCandidates with the highest scores, from one read
// snapshot. The result is indexed like candidates; nil for those not matched.
func (db *DB) matchNewCandidates(ctx context.Context, candidates []*domain.Claim) ([]candidateFound, error) {
	if len(candidates) == 0 {
		return nil, nil
	}
	order := make([]int, len(candidates))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(candidates[b].Score, candidates[a].Score) })
	order = order[:min(len(order), articleMatchCandidates)]
	tx, err := db.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	qs := make([]matchQuery, len(order))
	for k, i := range order {
		qs[k] = matchQuery{text: match.Analyse(candidates[i].Text, candidates[i].Claimant), limit: matchesKept}
	}
	all, err := matchTexts(ctx, tx, qs)
	if err != nil {
		return nil, err
	}
	out := make([]candidateFound, len(candidates))
	for k, i := range order {
		out[i] = orEmpty(all[k])
	}
	return out, nil
}

// keepCandidateMatches stores what matchNewCandidates found for the
// candidates of article a, just inserted in tx, and records each candidate
// that is the same claim as an accepted one as an appearance of it.
func keepCandidateMatches(ctx context.Context, tx *Tx, a *domain.Article, candidates []*domain.Claim, found []candidateFound) error {
	if found == nil {
		return nil
	}
	for i, c := range candidates {
		for _, f := range found[i] {
			if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO candidate_matches (claim_id, doc, tier, score) VALUES (?, ?, ?, ?)`,
				c.ID, foundDoc(f), string(f.Tier), f.Score); err != nil {
				return err
			}
		}
		if same := sameClaim(found[i], a.ID); same != nil {
			if err := recordMatched(ctx, tx, a, c, same); err != nil {
				return err
			}
		}
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO candidate_matches_done (article_id, matched_at) VALUES (?, ?)`, a.ID, formatTime(tx.now))
	return err
}

// sameClaim is the best match that is the same claim as one of ours from
// another article, or nil.
func sameClaim(found []match.Found, articleID int64) *match.Found {
	for i := range found {
		f := &found[i]
		if f.Kind == match.KindClaim && f.Tier == match.TierSame && f.ArticleID != articleID {
			return f
		}
	}
	return nil
}

func foundDoc(f match.Found) int64 {
	if f.Kind == match.KindImported {
		return importedDoc(f.ID)
	}
	return claimDoc(f.ID)
}

// recordMatched records candidate as an appearance of the claim f found.
func recordMatched(ctx context.Context, tx *Tx, a *domain.Article, candidate *domain.Claim, f *match.Found) error {
	c, err := findClaimByID(ctx, tx, f.ID)
	if domain.ErrorCode(err) == domain.ENOTFOUND {
		return nil // gone since it was matched
	} else if err != nil {
		return err
	}
	ch, err := domain.RecordAppearance(nil, c, candidate, a, domain.AppearanceMatched, f.Score, tx.now)
	if domain.ErrorCode(err) == domain.ECONFLICT {
		return nil // changed since it was matched: no longer a claim that can appear again
	} else if err != nil {
		return err
	}
	ch.Appearance.CreatedBy = tx.actor.UserID
	ch.Event.After = domain.AppearanceRecordOf(ch.Appearance)
	return insertAppearance(ctx, tx, ch)
}

// insertAppearance saves a new appearance and its event.
func insertAppearance(ctx context.Context, tx *Tx, ch domain.AppearanceChange) error {
	p := ch.Appearance
	res, err := tx.ExecContext(ctx, `INSERT INTO claim_appearances (claim_id, article_id, source_claim_id, text, claimant, seen_at,
		created_by, created_at, origin, score) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		p.ClaimID, p.ArticleID, p.SourceClaimID, p.Sentence, p.Claimant, formatTime(p.SeenAt), nullInt(p.CreatedBy),
		formatTime(p.CreatedAt), string(p.Origin), p.Score)
	if err != nil {
		return mapError(err, "That sentence is already recorded as an appearance of this claim.")
	}
	p.ID, _ = res.LastInsertId()
	if r, ok := ch.Event.After.(*domain.AppearanceRecord); ok {
		r.ID = p.ID
	}
	return tx.record(ctx, ch.Event)
}

// saveAppearance saves a decided change to a stored appearance and its event.
func saveAppearance(ctx context.Context, tx *Tx, ch domain.AppearanceChange) error {
	p := ch.Appearance
	if _, err := tx.ExecContext(ctx, `UPDATE claim_appearances SET applied_at = ?, applied_by = ?, removed_at = ?, removed_by = ?,
		origin = ?, created_by = ? WHERE id = ?`,
		nullTime(p.AppliedAt), nullInt(p.AppliedBy), nullTime(p.RemovedAt), nullInt(p.RemovedBy), string(p.Origin), nullInt(p.CreatedBy), p.ID); err != nil {
		return mapError(err, "")
	}
	return tx.record(ctx, ch.Event)
}

const appearanceColumns = `x.id, x.claim_id, coalesce(x.source_claim_id, 0), coalesce(x.article_id, 0), coalesce(a.title, ''),
	coalesce(a.url, ''), coalesce(a.outlet, ''), x.text, x.claimant, x.seen_at, x.origin, x.score, coalesce(x.created_by, 0),
	x.created_at, x.applied_at, coalesce(x.applied_by, 0), x.removed_at, coalesce(x.removed_by, 0)`

const appearanceFrom = ` FROM claim_appearances x LEFT JOIN articles a ON a.id = x.article_id`

func scanAppearance(row scanner) (*domain.Appearance, error) {
	var p domain.Appearance
	var seen, created string
	var applied, removed sql.NullString
	err := row.Scan(&p.ID, &p.ClaimID, &p.SourceClaimID, &p.ArticleID, &p.ArticleTitle, &p.ArticleURL, &p.Outlet, &p.Sentence,
		&p.Claimant, &seen, &p.Origin, &p.Score, &p.CreatedBy, &created, &applied, &p.AppliedBy, &removed, &p.RemovedBy)
	if err != nil {
		return nil, err
	}
	p.SeenAt, p.CreatedAt = parseTime(seen), parseTime(created)
	p.AppliedAt, p.RemovedAt = parseNullTime(applied), parseNullTime(removed)
	return &p, nil
}

// findAppearance loads appearance id of claim claimID; any other is ENOTFOUND.
func findAppearance(ctx context.Context, tx *Tx, claimID, id int64) (*domain.Appearance, error) {
	p, err := scanAppearance(tx.QueryRowContext(ctx, `SELECT `+appearanceColumns+appearanceFrom+` WHERE x.id = ? AND x.claim_id = ?`, id, claimID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, domain.Errorf(domain.ENOTFOUND, "Claim %d has no appearance %d.", claimID, id)
	}
	return p, err
}

// ClaimAppearances lists where claim id appeared after its own article,
// newest first; undone appearances are left out (the history keeps them).
// An unknown claim is ENOTFOUND.
//
// A claim's appearances are kept while nothing changes (generation.go), as
// the rest of its page is; each caller gets its own copy.
func (db *DB) ClaimAppearances(ctx context.Context, id int64) ([]*domain.Appearance, error) {
	return cached(ctx, db, db.claimAppearances, id, func() ([]*domain.Appearance, error) {
		return db.readClaimAppearances(ctx, id)
	}, copyAppearances)
}

// copyAppearances copies a list of appearances for one caller.
func copyAppearances(list []*domain.Appearance) []*domain.Appearance {
	if list == nil {
		return nil
	}
	out := make([]*domain.Appearance, len(list))
	for i, a := range list {
		c := *a
		out[i] = &c
	}
	return out
}

func (db *DB) readClaimAppearances(ctx context.Context, id int64) ([]*domain.Appearance, error) {
	tx, err := db.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	var one int
	if err := tx.QueryRowContext(ctx, `SELECT 1 FROM claims WHERE id = ?`, id).Scan(&one); errors.Is(err, sql.ErrNoRows) {
		return nil, domain.Errorf(domain.ENOTFOUND, "No such claim.")
	} else if err != nil {
		return nil, err
	}
	return queryAll(ctx, tx, scanAppearance, `SELECT `+appearanceColumns+appearanceFrom+`
		WHERE x.claim_id = ? AND x.removed_at IS NULL ORDER BY x.seen_at DESC, x.id DESC`, id)
}

// RemoveAppearance undoes appearance id of claim claimID, recorded by
// mistake, with an optional reason: one "claim.appearance_removed" event.
func (db *DB) RemoveAppearance(ctx context.Context, claimID, id int64, reason string) (*domain.Appearance, error) {
	tx, u, err := beginAs(ctx, db.begin)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	p, err := findAppearance(ctx, tx, claimID, id)
	if err != nil {
		return nil, err
	}
	ch, err := domain.RemoveAppearance(u, p, reason, tx.now)
	if err != nil {
		return nil, err
	}
	if err := saveAppearance(ctx, tx, ch); err != nil {
		return nil, err
	}
	return ch.Appearance, tx.Commit()
}

// ApplyVerdict applies claim claimID's approved verdict to its appearance
// id: one "claim.verdict_applied" event, and the published check names the
// appearance from then on.
func (db *DB) ApplyVerdict(ctx context.Context, claimID, id int64) (*domain.Appearance, error) {
	tx, u, err := beginAs(ctx, db.begin)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	if !domain.CanEdit(u) { // before looking anything up, so no one else learns it exists
		return nil, domain.CanApplyVerdict(u, &domain.Claim{}, &domain.Appearance{})
	}
	c, err := findClaimByID(ctx, tx, claimID)
	if err != nil {
		return nil, err
	}
	p, err := findAppearance(ctx, tx, claimID, id)
	if err != nil {
		return nil, err
	}
	ch, err := domain.ApplyVerdict(u, c, p, tx.now)
	if err != nil {
		return nil, err
	}
	if err := saveAppearance(ctx, tx, ch); err != nil {
		return nil, err
	}
	return ch.Appearance, tx.Commit()
}

// RecordAsAppearance triages candidate candidateID as a new appearance of
// the approved check checkID instead of queueing it again: the appearance
// is recorded (unless the matcher already did) with one "claim.appeared"
// event on the check, and the candidate is dismissed as already checked
// with one "claim.dismissed" event. expectVersion, when not 0, is the
// candidate's version the person saw.
func (db *DB) RecordAsAppearance(ctx context.Context, candidateID, checkID, expectVersion int64) (*domain.Claim, error) {
	tx, u, err := beginAs(ctx, db.begin)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	cand, err := findClaimByID(ctx, tx, candidateID)
	if err != nil {
		return nil, err
	}
	check, err := findClaimByID(ctx, tx, checkID)
	if domain.ErrorCode(err) == domain.ENOTFOUND {
		return nil, domain.FieldError("check", "There is no claim "+strconv.FormatInt(checkID, 10)+" to record this as an appearance of.")
	} else if err != nil {
		return nil, err
	}
	if err := domain.CanRecordAsAppearance(u, cand, check); err != nil {
		return nil, err
	}
	if err := checkSeen(cand, expectVersion); err != nil {
		return nil, err
	}
	a, err := findArticleByID(ctx, tx, cand.ArticleID)
	if err != nil {
		return nil, err
	}
	ch, err := domain.RecordAppearance(u, check, cand, a, domain.AppearanceTriaged, 0, tx.now)
	if err != nil {
		return nil, err
	}
	var existing *domain.Appearance
	err = func() error {
		var id int64
		err := tx.QueryRowContext(ctx, `SELECT id FROM claim_appearances WHERE claim_id = ? AND source_claim_id = ?`, checkID, candidateID).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		} else if err != nil {
			return err
		}
		existing, err = findAppearance(ctx, tx, checkID, id)
		return err
	}()
	if err != nil {
		return nil, err
	}
	switch {
	case existing == nil:
		if err := insertAppearance(ctx, tx, ch); err != nil {
			return nil, err
		}
	case existing.Removed():
		// Undone before, and now a person says it is the same claim after all.
		next := *existing
		next.RemovedAt, next.RemovedBy, next.Origin, next.CreatedBy = time.Time{}, 0, domain.AppearanceTriaged, u.ID
		ch.Appearance, ch.Event.Before = &next, domain.AppearanceRecordOf(existing)
		ch.Event.After = domain.AppearanceRecordOf(&next)
		if err := saveAppearance(ctx, tx, ch); err != nil {
			return nil, err
		}
	}
	dch, err := domain.Dismiss(cand, domain.AlreadyChecked(checkID), tx.now)
	if err != nil {
		return nil, err
	}
	if err := applyChange(ctx, tx, cand, dch); err != nil {
		return nil, err
	}
	return cand, tx.Commit()
}

// maxReturning caps the claims one returning-claims list shows.
const maxReturning = 200

// ReturningClaims lists approved claims that appeared again on or after
// since, the most recently seen first, each with its appearances since then
// (newest first), up to limit claims.
func (db *DB) ReturningClaims(ctx context.Context, since time.Time, limit int) ([]*domain.ReturningClaim, error) {
	if limit <= 0 || limit > maxReturning {
		limit = maxReturning
	}
	tx, err := db.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	ps, err := queryAll(ctx, tx, scanAppearance, `SELECT `+appearanceColumns+appearanceFrom+`
		JOIN claims c ON c.id = x.claim_id
		WHERE x.seen_at >= ? AND x.removed_at IS NULL AND c.state = 'approved'
		ORDER BY x.seen_at DESC, x.id DESC`, formatTime(since))
	if err != nil {
		return nil, err
	}
	var out []*domain.ReturningClaim
	byClaim := map[int64]*domain.ReturningClaim{}
	for _, p := range ps {
		r := byClaim[p.ClaimID]
		if r == nil {
			if len(out) == limit {
				continue
			}
			r = &domain.ReturningClaim{ClaimID: p.ClaimID}
			byClaim[p.ClaimID] = r
			out = append(out, r)
		}
		r.Appearances = append(r.Appearances, p)
	}
	for _, r := range out {
		var approved sql.NullString
		if err := tx.QueryRowContext(ctx, `SELECT c.text, c.claimant, coalesce(v.approved_rating_name, rt.name, ''), v.approved_at
			FROM claims c LEFT JOIN verdicts v ON v.claim_id = c.id LEFT JOIN ratings rt ON rt.id = v.rating_id
			WHERE c.id = ?`, r.ClaimID).Scan(&r.Claim, &r.Claimant, &r.Rating, &approved); err != nil {
			return nil, err
		}
		r.ApprovedAt = parseNullTime(approved)
	}
	return out, nil
}

// AppearanceSummaries says, for each of the claims given that appeared again,
// how often and when it was last seen (one indexed read per page of claims).
func (db *DB) AppearanceSummaries(ctx context.Context, ids []int64) (map[int64]domain.AppearanceSummary, error) {
	out := map[int64]domain.AppearanceSummary{}
	if len(ids) == 0 {
		return out, nil
	}
	tx, err := db.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	for len(ids) > 0 {
		chunk := ids[:min(len(ids), 400)]
		ids = ids[len(chunk):]
		args := make([]any, len(chunk))
		for i, id := range chunk {
			args[i] = id
		}
		type row struct {
			id   int64
			n    int
			last string
		}
		rows, err := queryAll(ctx, tx, func(s scanner) (row, error) {
			var r row
			return r, s.Scan(&r.id, &r.n, &r.last)
		}, `SELECT claim_id, count(*), max(seen_at) FROM claim_appearances
			WHERE claim_id IN (?`+strings.Repeat(", ?", len(chunk)-1)+`) AND removed_at IS NULL GROUP BY claim_id`, args...)
		if err != nil {
			return nil, err
		}
		for _, r := range rows {
			out[r.id] = domain.AppearanceSummary{Count: r.n, LastSeen: parseTime(r.last)}
		}
	}
	return out, nil
}

// CandidateAppearances says, for the candidates of article articleID that
// were recorded as appearances of an accepted claim, which claim.
//
// They are kept while nothing changes (generation.go); each caller gets its
// own copy.
func (db *DB) CandidateAppearances(ctx context.Context, articleID int64) (map[int64]*domain.Appearance, error) {
	return cached(ctx, db, db.candidateAppearances, articleID, func() (map[int64]*domain.Appearance, error) {
		return db.readCandidateAppearances(ctx, articleID)
	}, func(m map[int64]*domain.Appearance) map[int64]*domain.Appearance {
		out := make(map[int64]*domain.Appearance, len(m))
		for k, a := range m {
			c := *a
			out[k] = &c
		}
		return out
	})
}

func (db *DB) readCandidateAppearances(ctx context.Context, articleID int64) (map[int64]*domain.Appearance, error) {
	tx, err := db.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	ps, err := queryAll(ctx, tx, scanAppearance, `SELECT `+appearanceColumns+appearanceFrom+`
		WHERE x.article_id = ? AND x.removed_at IS NULL ORDER BY x.id`, articleID)
	if err != nil {
		return nil, err
	}
	out := map[int64]*domain.Appearance{}
	for _, p := range ps {
		out[p.SourceClaimID] = p
	}
	return out, nil
}

// storedArticleMatches reads back what was found for an article's
// candidates when it was added; ok is false for an article added before
// matches were kept, which is matched when shown.
func storedArticleMatches(ctx context.Context, tx *Tx, articleID int64) (out map[int64]match.Found, ok bool, err error) {
	var one int
	if err := tx.QueryRowContext(ctx, `SELECT 1 FROM candidate_matches_done WHERE article_id = ?`, articleID).Scan(&one); errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	} else if err != nil {
		return nil, false, err
	}
	type row struct {
		claim, doc int64
		tier       string
		score      float64
	}
	rows, err := queryAll(ctx, tx, func(s scanner) (row, error) {
		var r row
		return r, s.Scan(&r.claim, &r.doc, &r.tier, &r.score)
	}, `SELECT m.claim_id, m.doc, m.tier, m.score FROM candidate_matches m JOIN claims c ON c.id = m.claim_id
		WHERE c.article_id = ? AND c.state = 'candidate'`, articleID)
	if err != nil {
		return nil, false, err
	}
	// A check deleted or a claim no longer accepted since is left out: one
	// statement finds which of the documents are still indexed, and one
	// pass describes every match kept (a first visit of an article read
	// them one statement each, two hundred for forty candidates).
	docs := make([]int64, 0, len(rows))
	for _, r := range rows {
		docs = append(docs, r.doc)
	}
	indexed, err := queryAll(ctx, tx, scanInt64, `SELECT doc FROM match_docs WHERE doc IN (SELECT value FROM json_each(?))`, jsonList(docs))
	if err != nil {
		return nil, false, err
	}
	still := make(map[int64]bool, len(indexed))
	for _, d := range indexed {
		still[d] = true
	}
	var kept []match.Found
	var keptFor []int64 // the candidate of each kept match
	for _, r := range rows {
		if !still[r.doc] {
			continue
		}
		f := match.Found{Kind: match.KindClaim, ID: r.doc, Tier: match.Tier(r.tier), Score: r.score}
		if r.doc < 0 {
			f.Kind, f.ID = match.KindImported, -r.doc
		}
		kept = append(kept, f)
		keptFor = append(keptFor, r.claim)
	}
	if err := describeFound(ctx, tx, kept); err != nil {
		return nil, false, err
	}
	byClaim := map[int64][]match.Found{}
	for i, f := range kept {
		byClaim[keptFor[i]] = append(byClaim[keptFor[i]], f)
	}
	out = map[int64]match.Found{}
	for id, found := range byClaim {
		slices.SortFunc(found, match.Better)
		for _, f := range found {
			if f.Kind == match.KindImported || f.State == domain.StateApproved && f.ArticleID != articleID {
				out[id] = f
				break
			}
		}
	}
	return out, true, nil
}
