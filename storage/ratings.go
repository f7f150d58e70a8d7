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

type ratingState struct {
	Name     string  `json:"name"`
	Value    float64 `json:"value"`
	Position int     `json:"position"`
	OnScale  bool    `json:"on_scale"`
}

func stateOfRating(r *domain.Rating) ratingState {
	return ratingState{Name: r.Name, Value: r.Value, Position: r.Position, OnScale: r.OnScale}
}

const ratingColumns = `id, name, value, position, on_scale`

func scanRating(row scanner) (*domain.Rating, error) {
	var r domain.Rating
	if err := row.Scan(&r.ID, &r.Name, &r.Value, &r.Position, &r.OnScale); err != nil {
		return nil, err
	}
	return &r, nil
}

func listRatings(ctx context.Context, tx *Tx) ([]*domain.Rating, error) {
	return queryAll(ctx, tx, scanRating, `SELECT `+ratingColumns+` FROM ratings ORDER BY position, id`)
}

// ListRatings returns the scale in order.
func (db *DB) ListRatings(ctx context.Context) ([]*domain.Rating, error) {
	tx, err := db.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	return listRatings(ctx, tx)
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

// ratingManager starts a change to the scale, refusing anyone but editors.
func (db *DB) ratingManager(ctx context.Context) (*Tx, error) {
	tx, u, err := beginAs(ctx, db.begin)
	if err != nil {
		return nil, err
	}
	if !domain.CanManageRatings(u) {
		tx.Rollback()
		return nil, domain.Errorf(domain.EFORBIDDEN, "Only editors can change the rating scale.")
	}
	return tx, nil
}

const duplicateRating = "There is already a rating with that name."

func findRating(ctx context.Context, tx *Tx, id int64) (*domain.Rating, error) {
	r, err := scanRating(tx.QueryRowContext(ctx, `SELECT `+ratingColumns+` FROM ratings WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, domain.Errorf(domain.ENOTFOUND, "There is no such rating.")
	}
	return r, err
}

func ratingConflict(err error) error {
	err = mapError(err, duplicateRating)
	if domain.ErrorCode(err) == domain.ECONFLICT {
		return domain.FieldError("name", duplicateRating)
	}
	return err
}

// checkRatingName refuses a name another rating has in any letter case:
// "Mostly True" beside "Mostly true" could not be told apart where a name is
// typed, as in the API.
func checkRatingName(ctx context.Context, tx *Tx, r *domain.Rating) error {
	ratings, err := queryAll(ctx, tx, func(row scanner) (*domain.Rating, error) {
		var other domain.Rating
		return &other, row.Scan(&other.ID, &other.Name)
	}, `SELECT id, name FROM ratings`)
	if err != nil {
		return err
	}
	for _, other := range ratings {
		if other.ID != r.ID && strings.EqualFold(other.Name, r.Name) {
			return domain.FieldError("name", duplicateRating)
		}
	}
	return nil
}

// CreateRating adds a rating at the end of the scale.
func (db *DB) CreateRating(ctx context.Context, r *domain.Rating) error {
	r.Name = strings.TrimSpace(r.Name)
	if err := r.Check(); err != nil {
		return err
	}
	tx, err := db.ratingManager(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := checkRatingName(ctx, tx, r); err != nil {
		return err
	}
	if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(position), 0) + 1 FROM ratings`).Scan(&r.Position); err != nil {
		return err
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO ratings (name, value, position, on_scale, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)`,
		r.Name, r.Value, r.Position, r.OnScale, formatTime(tx.now), formatTime(tx.now))
	if err != nil {
		return ratingConflict(err)
	}
	r.ID, _ = res.LastInsertId()
	if err := tx.audit(ctx, "rating.created", "rating", r.ID, nil, stateOfRating(r)); err != nil {
		return err
	}
	return tx.Commit()
}

// UpdateRating renames a rating or changes its value.
func (db *DB) UpdateRating(ctx context.Context, r *domain.Rating) error {
	r.Name = strings.TrimSpace(r.Name)
	if err := r.Check(); err != nil {
		return err
	}
	tx, err := db.ratingManager(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	old, err := findRating(ctx, tx, r.ID)
	if err != nil {
		return err
	}
	r.Position = old.Position
	if err := checkRatingName(ctx, tx, r); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE ratings SET name = ?, value = ?, on_scale = ?, updated_at = ? WHERE id = ?`,
		r.Name, r.Value, r.OnScale, formatTime(tx.now), r.ID); err != nil {
		return ratingConflict(err)
	}
	if err := tx.audit(ctx, "rating.updated", "rating", r.ID, stateOfRating(old), stateOfRating(r)); err != nil {
		return err
	}
	return tx.Commit()
}

// MoveRating moves a rating one place up or down the scale.
func (db *DB) MoveRating(ctx context.Context, id int64, up bool) error {
	tx, err := db.ratingManager(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	all, err := listRatings(ctx, tx)
	if err != nil {
		return err
	}
	i := -1
	for k, r := range all {
		if r.ID == id {
			i = k
		}
	}
	if i < 0 {
		return domain.Errorf(domain.ENOTFOUND, "There is no such rating.")
	}
	j := i + 1
	if up {
		j = i - 1
	}
	if j < 0 || j >= len(all) {
		return domain.Errorf(domain.ECONFLICT, "%s is already at the %s of the scale.", all[i].Name, map[bool]string{true: "top", false: "bottom"}[up])
	}
	moved := all[i]
	before := stateOfRating(moved)
	all[i], all[j] = all[j], all[i]
	// The whole scale is renumbered (so that equal positions can never
	// stick), but the change is one: this rating's move.
	for k, r := range all {
		if r.Position == k+1 {
			continue
		}
		r.Position = k + 1
		if _, err := tx.ExecContext(ctx, `UPDATE ratings SET position = ?, updated_at = ? WHERE id = ?`, r.Position, formatTime(tx.now), r.ID); err != nil {
			return err
		}
	}
	if err := tx.audit(ctx, "rating.moved", "rating", moved.ID, before, stateOfRating(moved)); err != nil {
		return err
	}
	return tx.Commit()
}

// DeleteRating removes a rating no verdict uses.
func (db *DB) DeleteRating(ctx context.Context, id int64) error {
	tx, err := db.ratingManager(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	r, err := findRating(ctx, tx, id)
	if err != nil {
		return err
	}
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM verdicts WHERE rating_id = ?`, id).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		noun := "verdicts"
		if n == 1 {
			noun = "verdict"
		}
		return domain.Errorf(domain.ECONFLICT, "%q cannot be deleted: it is used by %d %s. Rename it instead.", r.Name, n, noun)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM ratings WHERE id = ?`, id); err != nil {
		return mapError(err, "")
	}
	if err := tx.audit(ctx, "rating.deleted", "rating", id, stateOfRating(r), nil); err != nil {
		return err
	}
	return tx.Commit()
}
