package storage

import (
	"context"
	"database/sql"
	"time"

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
// writes no audit event.
func (db *DB) Reindex(ctx context.Context) (docs int, err error) {
	tx, err := db.begin(ctx)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	for _, q := range []string{`DELETE FROM match_postings`, `DELETE FROM match_terms`, `DELETE FROM match_docs`,
		`UPDATE match_stats SET docs = 0`, `DELETE FROM match_pending`,
		`INSERT INTO match_pending (claim_id) SELECT id FROM claims WHERE state IN ('queued', 'in_review', 'submitted', 'approved')`} {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return 0, err
		}
	}
	checks, err := queryAll(ctx, tx, scanImported, `SELECT `+importedColumns+` FROM imported_checks`)
	if err != nil {
		return 0, err
	}
	for _, c := range checks {
		if err := indexImported(ctx, tx, c.ID, c.Claim, c.Headline, c.Claimant); err != nil {
			return 0, err
		}
	}
	if err := indexPending(ctx, tx); err != nil {
		return 0, err
	}
	if err := tx.QueryRowContext(ctx, `SELECT docs FROM match_stats`).Scan(&docs); err != nil {
		return 0, err
	}
	return docs, tx.Commit()
}
