package storage

import (
	"context"
	"database/sql"
	"maps"
	"slices"
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
// imported check, in one transaction. It changes no newsroom data, so it
// writes no audit event. progress, when not nil, is told how many documents
// are done every so often.
func (db *DB) Reindex(ctx context.Context, progress func(done int)) (docs int, err error) {
	tx, err := db.begin(ctx)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	for _, q := range []string{`DELETE FROM match_postings`, `DELETE FROM match_terms`, `DELETE FROM match_docs`, `DELETE FROM match_pending`} {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return 0, err
		}
	}
	putDoc, err := tx.PrepareContext(ctx, `INSERT INTO match_docs (doc, data) VALUES (?, ?)`)
	if err != nil {
		return 0, err
	}
	defer putDoc.Close()
	// Postings go first into an unindexed scratch table and then into the
	// index in one sorted pass: written document by document, each term's
	// postings would land all over the index's pages.
	if _, err := tx.ExecContext(ctx, `CREATE TEMP TABLE IF NOT EXISTS reindex_postings (term TEXT NOT NULL, doc INTEGER NOT NULL)`); err != nil {
		return 0, err
	}
	putPosting, err := tx.PrepareContext(ctx, `INSERT INTO temp.reindex_postings (term, doc) VALUES (?, ?)`)
	if err != nil {
		return 0, err
	}
	defer putPosting.Close()
	// Two passes over the documents: the first counts each term's
	// documents, the second writes every document with the final counts.
	df := map[string]int{}
	total := 0
	if err := eachDocument(ctx, tx, func(_ int64, d docData) error {
		for _, t := range d.terms() {
			df[t]++
		}
		total++
		return nil
	}); err != nil {
		return 0, err
	}
	if err := eachDocument(ctx, tx, func(doc int64, d docData) error {
		terms := d.terms()
		d.DF, d.N = make([]int, len(terms)), total
		for i, t := range terms {
			d.DF[i] = df[t]
			if _, err := putPosting.ExecContext(ctx, t, doc); err != nil {
				return err
			}
		}
		if _, err := putDoc.ExecContext(ctx, doc, d.encode()); err != nil {
			return err
		}
		docs++
		if progress != nil && docs%10000 == 0 {
			progress(docs)
		}
		return nil
	}); err != nil {
		return 0, err
	}
	// The scratch table is dropped in the same transaction (a rollback
	// drops it too), so it never outlives the reindex on the connection.
	for _, q := range []string{`INSERT INTO match_postings (term, doc) SELECT term, doc FROM temp.reindex_postings ORDER BY term, doc`,
		`DROP TABLE temp.reindex_postings`} {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return 0, err
		}
	}
	putTerm, err := tx.PrepareContext(ctx, `INSERT INTO match_terms (term, df) VALUES (?, ?)`)
	if err != nil {
		return 0, err
	}
	defer putTerm.Close()
	for _, t := range slices.Sorted(maps.Keys(df)) {
		if _, err := putTerm.ExecContext(ctx, t, df[t]); err != nil {
			return 0, err
		}
	}
	if _, err := tx.ExecContext(ctx, `UPDATE match_stats SET docs = ? WHERE id = 1`, docs); err != nil {
		return 0, err
	}
	return docs, tx.Commit()
}

// eachDocument calls fn with every accepted claim and imported check,
// analysed, read in pages by id so that no cursor stays open while writing.
func eachDocument(ctx context.Context, tx *Tx, fn func(doc int64, d docData) error) error {
	type claimRow struct {
		id             int64
		text, claimant string
	}
	for last := int64(-1); ; {
		page, err := queryAll(ctx, tx, func(r scanner) (claimRow, error) {
			var c claimRow
			return c, r.Scan(&c.id, &c.text, &c.claimant)
		}, `SELECT id, text, claimant FROM claims WHERE id > ? AND state IN ('queued', 'in_review', 'submitted', 'approved') ORDER BY id LIMIT 5000`, last)
		if err != nil {
			return err
		}
		if len(page) == 0 {
			break
		}
		for _, c := range page {
			if err := fn(claimDoc(c.id), docData{Text: match.Analyse(c.text, c.claimant)}); err != nil {
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
			if err := fn(importedDoc(c.ID), importedDocData(c.Claim, c.Headline, c.Claimant)); err != nil {
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
