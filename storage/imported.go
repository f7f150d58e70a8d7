package storage

import (
	"cmp"
	"context"
	"database/sql"
	"slices"
	"strings"
	"time"

	"claimtrail/domain/match"

	"claimtrail/domain"
)

// importedState is what the audit log records of an imported check.
type importedState struct {
	URL         string   `json:"url"`
	Claim       string   `json:"claim"`
	Headline    string   `json:"headline,omitempty"`
	Publisher   string   `json:"publisher,omitempty"`
	Rating      string   `json:"rating"`
	RatingValue *float64 `json:"rating_value,omitempty"`
	PublishedOn string   `json:"published_on,omitempty"`
	Claimant    string   `json:"claimant,omitempty"`
	Appearance  string   `json:"appearance,omitempty"`
	Source      string   `json:"source,omitempty"`
}

func stateOfImported(c domain.ImportedCheck) importedState {
	return importedState{URL: c.URL, Claim: c.Claim, Headline: c.Headline, Publisher: c.Publisher, Rating: c.Rating,
		RatingValue: c.RatingValue, PublishedOn: formatDay(c.PublishedOn), Claimant: c.Claimant, Appearance: c.AppearanceURL, Source: c.Source}
}

func formatDay(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.DateOnly)
}

// ImportChecks adds or updates imported fact checks, one per URL, in one
// transaction: an audit event and an index entry for each one added or
// changed; a check that is already there unchanged is counted, not written.
// The checks must have passed domain.CheckImportedCheck.
func (db *DB) ImportChecks(ctx context.Context, checks []domain.ImportedCheck) (domain.ImportSummary, error) {
	var sum domain.ImportSummary
	tx, err := db.begin(ctx)
	if err != nil {
		return sum, err
	}
	defer tx.Rollback()
	for _, c := range checks {
		old, err := findImportedByURL(ctx, tx, c.URL)
		switch {
		case err == sql.ErrNoRows:
			res, err := tx.ExecContext(ctx, `INSERT INTO imported_checks (url, claim, headline, publisher, rating, rating_value,
				published_on, claimant, appearance_url, source, imported_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				c.URL, c.Claim, c.Headline, c.Publisher, c.Rating, c.RatingValue, formatDay(c.PublishedOn), c.Claimant,
				c.AppearanceURL, c.Source, formatTime(tx.now), formatTime(tx.now))
			if err != nil {
				return sum, err
			}
			id, _ := res.LastInsertId()
			if err := tx.audit(ctx, "imported_check.added", "imported_check", id, nil, stateOfImported(c)); err != nil {
				return sum, err
			}
			if err := indexImported(ctx, tx, id, c.Claim, c.Headline, c.Claimant); err != nil {
				return sum, err
			}
			sum.Added++
		case err != nil:
			return sum, err
		case domain.SameImportedCheck(*old, c):
			sum.Unchanged++
		default:
			if _, err := tx.ExecContext(ctx, `UPDATE imported_checks SET claim = ?, headline = ?, publisher = ?, rating = ?,
				rating_value = ?, published_on = ?, claimant = ?, appearance_url = ?, source = ?, updated_at = ? WHERE id = ?`,
				c.Claim, c.Headline, c.Publisher, c.Rating, c.RatingValue, formatDay(c.PublishedOn), c.Claimant, c.AppearanceURL,
				c.Source, formatTime(tx.now), old.ID); err != nil {
				return sum, err
			}
			if err := tx.audit(ctx, "imported_check.updated", "imported_check", old.ID, stateOfImported(*old), stateOfImported(c)); err != nil {
				return sum, err
			}
			if err := indexImported(ctx, tx, old.ID, c.Claim, c.Headline, c.Claimant); err != nil {
				return sum, err
			}
			sum.Updated++
		}
	}
	return sum, tx.Commit()
}

const importedColumns = `id, url, claim, headline, publisher, rating, rating_value, published_on, claimant, appearance_url, source, imported_at, updated_at`

func scanImported(row scanner) (*domain.ImportedCheck, error) {
	var c domain.ImportedCheck
	var value sql.NullFloat64
	var published, imported, updated string
	if err := row.Scan(&c.ID, &c.URL, &c.Claim, &c.Headline, &c.Publisher, &c.Rating, &value, &published, &c.Claimant,
		&c.AppearanceURL, &c.Source, &imported, &updated); err != nil {
		return nil, err
	}
	if value.Valid {
		c.RatingValue = &value.Float64
	}
	c.PublishedOn, c.ImportedAt, c.UpdatedAt = parseDay(published), parseTime(imported), parseTime(updated)
	return &c, nil
}

func findImportedByURL(ctx context.Context, tx *Tx, url string) (*domain.ImportedCheck, error) {
	return scanImported(tx.QueryRowContext(ctx, `SELECT `+importedColumns+` FROM imported_checks WHERE url = ?`, url))
}

// ImportedCheck reads one imported check.
func (db *DB) ImportedCheck(ctx context.Context, id int64) (*domain.ImportedCheck, error) {
	tx, err := db.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	c, err := scanImported(tx.QueryRowContext(ctx, `SELECT `+importedColumns+` FROM imported_checks WHERE id = ?`, id))
	if err == sql.ErrNoRows {
		return nil, &domain.Error{Code: domain.ENOTFOUND, Message: "No such imported check."}
	}
	return c, err
}

// Reindex rebuilds the matcher's index from every accepted claim and
// imported check, in one transaction, reading each once: text is analysed
// on every core, postings and each term's document count are gathered in
// memory, and everything is written at the end in key order, each document
// with the final counts. It changes no newsroom data, so it writes no audit
// event. progress, when not nil, is told how many documents are done every
// so often.
func (db *DB) Reindex(ctx context.Context, progress func(done int)) (docs int, err error) {
	tx, err := db.begin(ctx)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	for _, q := range []string{`DELETE FROM match_postings`, `DELETE FROM match_terms`, `DELETE FROM match_heads`, `DELETE FROM match_docs`, `DELETE FROM match_pending`} {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return 0, err
		}
	}
	b := newMatchBuild()
	work := startInParallel(matchSource.analyse, func(d matchAnalysed) error {
		b.add(d.doc, d.data)
		if progress != nil && len(b.docs)%10000 == 0 {
			progress(len(b.docs))
		}
		return nil
	})
	defer work.finish()
	if err := eachMatchSource(ctx, tx, work.put); err != nil {
		return 0, err
	}
	if err := work.finish(); err != nil {
		return 0, err
	}
	return len(b.docs), b.write(ctx, tx, func() error { return tx.Commit() })
}

// matchSource is a document of the matcher's index before analysis.
type matchSource struct {
	doc                      int64
	text, headline, claimant string
	imported                 bool
}

// matchAnalysed is a matcher document analysed.
type matchAnalysed struct {
	doc  int64
	data docData
}

func (s matchSource) analyse() matchAnalysed {
	if s.imported {
		return matchAnalysed{s.doc, importedDocData(s.text, s.headline, s.claimant)}
	}
	return matchAnalysed{s.doc, docData{Text: match.Analyse(s.text, s.claimant)}}
}

// matchBuild gathers a whole matcher index in memory: every document,
// encoded but for its stored counts (only known once all are in), and its
// postings.
type matchBuild struct {
	postings *postingLists[int64]
	docs     []matchBuilt
}

// matchBuilt is a document waiting for its counts: its encoded texts and
// its terms' places in the postings.
type matchBuilt struct {
	doc   int64
	texts string
	terms []int32
}

func newMatchBuild() *matchBuild { return &matchBuild{postings: newPostingLists[int64]()} }

func (b *matchBuild) add(doc int64, d docData) {
	terms := d.terms()
	b.postings.add(doc, terms)
	ids := make([]int32, len(terms))
	for i, t := range terms {
		ids[i] = b.postings.ids[t]
	}
	b.docs = append(b.docs, matchBuilt{doc: doc, texts: d.encodeTexts(), terms: ids})
}

// write puts the index in its tables, documents in order of their number
// with each term's final count, then commit (nil for none).
func (b *matchBuild) write(ctx context.Context, db execer, commit func() error) error {
	slices.SortFunc(b.docs, func(x, y matchBuilt) int { return cmp.Compare(x.doc, y.doc) })
	const per = 400
	put := func(n int) string {
		return `INSERT INTO match_docs (doc, data) VALUES (?, ?)` + strings.Repeat(`, (?, ?)`, n-1)
	}
	full, err := db.PrepareContext(ctx, put(per))
	if err != nil {
		return err
	}
	defer full.Close()
	args := make([]any, 0, 2*per)
	var df []int
	for i := range b.docs {
		d := &b.docs[i]
		df = df[:0]
		for _, id := range d.terms {
			df = append(df, len(b.postings.docs[id]))
		}
		args = append(args, d.doc, encodeDoc(len(b.docs), df, d.texts))
		d.texts, d.terms = "", nil
		if len(args) == 2*per {
			if _, err := full.ExecContext(ctx, args...); err != nil {
				return err
			}
			args = args[:0]
		}
	}
	if len(args) > 0 {
		if _, err := db.ExecContext(ctx, put(len(args)/2), args...); err != nil {
			return err
		}
	}
	if err := b.postings.write(ctx, db, "match_postings", "match_terms", "match_heads"); err != nil {
		return err
	}
	if _, err := db.ExecContext(ctx, `UPDATE match_stats SET docs = ?, version = version + 1 WHERE id = 1`, len(b.docs)); err != nil {
		return err
	}
	if commit != nil {
		return commit()
	}
	return nil
}

// eachMatchSource hands every accepted claim and imported check to fn, read
// in pages by id so that no cursor stays open while writing: a walk along
// the ids (the unary + keeps the planner from reading every accepted claim
// by state and sorting them for each page).
func eachMatchSource(ctx context.Context, tx *Tx, fn func(matchSource) error) error {
	type claimRow struct {
		id             int64
		text, claimant string
	}
	for last := int64(-1); ; {
		page, err := queryAll(ctx, tx, func(r scanner) (claimRow, error) {
			var c claimRow
			return c, r.Scan(&c.id, &c.text, &c.claimant)
		}, `SELECT id, text, claimant FROM claims WHERE id > ? AND +state IN ('queued', 'in_review', 'submitted', 'approved') ORDER BY id LIMIT 5000`, last)
		if err != nil {
			return err
		}
		if len(page) == 0 {
			break
		}
		for _, c := range page {
			if err := fn(matchSource{doc: claimDoc(c.id), text: c.text, claimant: c.claimant}); err != nil {
				return err
			}
		}
		last = page[len(page)-1].id
	}
	for last := int64(0); ; {
		page, err := queryAll(ctx, tx, scanImported, `SELECT `+importedColumns+` FROM imported_checks WHERE id > ? ORDER BY id LIMIT 5000`, last)
		if err != nil {
			return err
		}
		if len(page) == 0 {
			return nil
		}
		for _, c := range page {
			if err := fn(matchSource{doc: importedDoc(c.ID), text: c.Claim, headline: c.Headline, claimant: c.Claimant, imported: true}); err != nil {
				return err
			}
		}
		last = page[len(page)-1].ID
	}
}

// CountImportedChecks says how many imported checks there are.
func (db *DB) CountImportedChecks(ctx context.Context) (int, error) {
	tx, err := db.beginRead(ctx)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	var n int
	return n, tx.QueryRowContext(ctx, `SELECT count(*) FROM imported_checks`).Scan(&n)
}
