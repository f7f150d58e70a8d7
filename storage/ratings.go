package storage

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"claimtrail/domain"
)

// The rating scale. Migration 004 seeds the default: True 6, Mostly true 5,
// Half true 4, Misleading 3, Mostly false 2, False 1, and Unverifiable 0
// marked off the scale (on_scale = 0).

func stateOfRating(r *domain.Rating) domain.RatingRecord { return domain.RatingRecordOf(r) }

const ratingColumns = `id, name, value, position, on_scale, updated_at`

func scanRating(row scanner) (*domain.Rating, error) {
	var r domain.Rating
	var updated string
	if err := row.Scan(&r.ID, &r.Name, &r.Value, &r.Position, &r.OnScale, &updated); err != nil {
		return nil, err
	}
	r.UpdatedAt = parseTime(updated)
	return &r, nil
}

func listRatings(ctx context.Context, tx *Tx) ([]*domain.Rating, error) {
	return queryAll(ctx, tx, scanRating, `SELECT `+ratingColumns+` FROM ratings ORDER BY position, id`)
}

// ListRatings returns the scale in order. Every claim page shows it, so it
// is kept while nothing in the database changes (generation.go).
func (db *DB) ListRatings(ctx context.Context) ([]*domain.Rating, error) {
	return cached(ctx, db, db.ratings, struct{}{}, func() ([]*domain.Rating, error) {
		tx, err := db.beginRead(ctx)
		if err != nil {
			return nil, err
		}
		defer tx.Rollback()
		return listRatings(ctx, tx)
	}, func(rs []*domain.Rating) []*domain.Rating {
		out := make([]*domain.Rating, len(rs))
		for i, r := range rs {
			c := *r
			out[i] = &c
		}
		return out
	})
}

// RatingUse counts the verdicts using each rating, by rating id.
func (db *DB) RatingUse(ctx context.Context) (map[int64]int, error) {
	tx, err := db.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	rows, err := tx.QueryContext(ctx, `SELECT rating_id, count(*) FROM verdicts WHERE rating_id IS NOT NULL GROUP BY rating_id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]int{}
	for rows.Next() {
		var id int64
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return nil, err
		}
		out[id] = n
	}
	return out, rows.Err()
}

// changeScale runs one change to the rating scale: begin, load the acting
// user and the scale, let the domain decide, save, record the event, commit.
func (db *DB) changeScale(ctx context.Context, decide func(u *domain.User, scale []*domain.Rating, tx *Tx) (domain.RatingChange, error)) (*domain.Rating, error) {
	tx, u, err := beginAs(ctx, db.begin)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	scale, err := listRatings(ctx, tx)
	if err != nil {
		return nil, err
	}
	ch, err := decide(u, scale, tx)
	if err != nil {
		return nil, err
	}
	r := ch.Rating
	switch ch.Event.Action {
	case "rating.created":
		res, err := tx.ExecContext(ctx, `INSERT INTO ratings (name, value, position, on_scale, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)`,
			r.Name, r.Value, r.Position, r.OnScale, formatTime(tx.now), formatTime(tx.now))
		if err != nil {
			return nil, ratingConflict(err)
		}
		r.ID, _ = res.LastInsertId()
		r.UpdatedAt = parseTime(formatTime(tx.now)) // as stored
		ch.Event.EntityID = r.ID
	case "rating.updated":
		if _, err := tx.ExecContext(ctx, `UPDATE ratings SET name = ?, value = ?, on_scale = ?, updated_at = ? WHERE id = ?`,
			r.Name, r.Value, r.OnScale, formatTime(tx.now), r.ID); err != nil {
			return nil, ratingConflict(err)
		}
		r.UpdatedAt = parseTime(formatTime(tx.now)) // as stored
	case "rating.moved":
		was := map[int64]int{}
		for _, old := range scale {
			was[old.ID] = old.Position
		}
		for _, next := range ch.Scale {
			if was[next.ID] == next.Position {
				continue
			}
			// A move leaves updated_at, which dates what a rating's row
			// says (name, value, on the scale): a rename typed on a page
			// from before a move undoes nothing and goes through.
			if _, err := tx.ExecContext(ctx, `UPDATE ratings SET position = ? WHERE id = ?`, next.Position, next.ID); err != nil {
				return nil, err
			}
		}
	case "rating.deleted":
		if _, err := tx.ExecContext(ctx, `DELETE FROM ratings WHERE id = ?`, r.ID); err != nil {
			return nil, mapError(err, "")
		}
	}
	if err := tx.record(ctx, ch.Event); err != nil {
		return nil, err
	}
	return r, tx.Commit()
}

func findRating(ctx context.Context, tx *Tx, id int64) (*domain.Rating, error) {
	r, err := scanRating(tx.QueryRowContext(ctx, `SELECT `+ratingColumns+` FROM ratings WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, domain.Errorf(domain.ENOTFOUND, "There is no such rating.")
	}
	return r, err
}

func ratingConflict(err error) error {
	err = mapError(err, domain.DuplicateRating)
	if domain.ErrorCode(err) == domain.ECONFLICT {
		return domain.FieldError("name", domain.DuplicateRating)
	}
	return err
}

// CreateRating adds a rating at the end of the scale.
func (db *DB) CreateRating(ctx context.Context, r *domain.Rating) error {
	r.Name = strings.TrimSpace(r.Name)
	if err := r.Check(); err != nil { // what was typed is judged before who typed it
		return err
	}
	saved, err := db.changeScale(ctx, func(u *domain.User, scale []*domain.Rating, _ *Tx) (domain.RatingChange, error) {
		return domain.CreateRating(u, scale, *r)
	})
	if err == nil {
		*r = *saved
	}
	return err
}

// UpdateRating renames a rating or changes its value. r.UpdatedAt, when
// set, is when the rating was last changed as the person's page showed
// it: a change made since is refused (domain.CheckRatingSeen).
func (db *DB) UpdateRating(ctx context.Context, r *domain.Rating) error {
	r.Name = strings.TrimSpace(r.Name)
	if err := r.Check(); err != nil {
		return err
	}
	saved, err := db.changeScale(ctx, func(u *domain.User, scale []*domain.Rating, _ *Tx) (domain.RatingChange, error) {
		return domain.UpdateRating(u, scale, *r)
	})
	if err == nil {
		*r = *saved
	}
	return err
}

// MoveRating moves a rating one place up or down the scale.
func (db *DB) MoveRating(ctx context.Context, id int64, up bool) error {
	_, err := db.changeScale(ctx, func(u *domain.User, scale []*domain.Rating, _ *Tx) (domain.RatingChange, error) {
		return domain.MoveRating(u, scale, id, up)
	})
	return err
}

// DeleteRating removes a rating no verdict uses.
func (db *DB) DeleteRating(ctx context.Context, id int64) error {
	_, err := db.changeScale(ctx, func(u *domain.User, scale []*domain.Rating, tx *Tx) (domain.RatingChange, error) {
		if !domain.CanManageRatings(u) { // before looking the rating up
			return domain.DeleteRating(u, nil, 0)
		}
		r, err := findRating(ctx, tx, id)
		if err != nil {
			return domain.RatingChange{}, err
		}
		var uses int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM verdicts WHERE rating_id = ?`, id).Scan(&uses); err != nil {
			return domain.RatingChange{}, err
		}
		return domain.DeleteRating(u, r, uses)
	})
	return err
}
