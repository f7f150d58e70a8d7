package storage

import (
	"context"
	"database/sql"
	"errors"
	"sync/atomic"
	"time"
)

// The dashboard's counters wait in desk_pending (migration 500) until the
// writer folds them into desk_counts. Each commit folds at most
// deskFoldRows of them, the next ones in key order after the last folded,
// so no commit carries more than a small fixed cost; once a round has
// reached the end, the next starts from the first key deskFoldEvery after
// the last began. A counter every change bumps (today's and this month's,
// for all outlets) thus reaches desk_counts once a round, however many
// commits bumped it meanwhile.
//
// At 60 changes a second on the 1M database, a change wrote 8.5 frames of
// desk_counts; folded each second 3.7, each five seconds 2.4: the longer a
// round, the more bumps of one counter share one page write.
const (
	deskFoldRows  = 128
	deskFoldEvery = 5 * time.Second
)

// deskFold is where the writer is in folding desk_pending; guarded by the
// writer's turn. Kept in memory only: after a restart the first round
// starts from the first key, and a slice whose commit failed is folded again
// in a later round (its rows were left in desk_pending by the rollback).
type deskFold struct {
	after   [4]string // the last key folded in this round (outlet, metric, period, key)
	inRound bool      // a round is under way
	began   time.Time // when the last round began

	// rows and every are deskFoldRows and deskFoldEvery; tests fold
	// smaller slices at every commit.
	rows  int
	every time.Duration

	failing bool                        // the last fold failed
	onError atomic.Pointer[func(error)] // told when folds start failing (OnDeskFoldError)
}

// OnDeskFoldError has f told when folding the dashboard's pending counters
// starts failing (once, until a fold works again); the server logs it.
// The counters stay exact meanwhile (a failed fold is undone), but
// desk_pending grows and every dashboard read adds up more of it.
func (db *DB) OnDeskFoldError(f func(error)) { db.writer.fold.onError.Store(&f) }

// foldDeskAtCommit folds a slice as the writer commits, and tells of the
// first failure after a fold that worked. A failed fold is undone alone (its
// savepoint) and leaves the counters where they were, exact; a transaction
// SQLite rolled back as a whole fails its commit after this.
func (db *DB) foldDeskAtCommit(ctx context.Context, tx *Tx) {
	f := &db.writer.fold
	err := db.foldDesk(ctx, tx)
	first := err != nil && !f.failing
	f.failing = err != nil
	if first {
		if tell := f.onError.Load(); tell != nil {
			(*tell)(err)
		}
	}
}

// foldFirstKey sorts before every counter's key: metric is never empty.
var foldFirstKey = [4]string{"", "", "", ""}

// foldDesk folds the next slice of desk_pending into desk_counts, in tx
// (the writer's transaction, about to commit), when a round is under way or
// due. The slice's rows are added and taken away in one savepoint, so a
// count is never in both tables nor in neither, whatever fails.
func (db *DB) foldDesk(ctx context.Context, tx *Tx) error {
	f := &db.writer.fold
	now := time.Now()
	if !f.inRound {
		if now.Sub(f.began) < f.every {
			return nil
		}
		f.inRound, f.began, f.after = true, now, foldFirstKey
	}
	after := f.after
	var last [4]string
	err := tx.QueryRowContext(ctx, `SELECT outlet, metric, period, key FROM desk_pending
		WHERE (outlet, metric, period, key) > (?, ?, ?, ?) ORDER BY outlet, metric, period, key LIMIT 1 OFFSET ?`,
		after[0], after[1], after[2], after[3], f.rows-1).Scan(&last[0], &last[1], &last[2], &last[3])
	whole := errors.Is(err, sql.ErrNoRows)
	if err != nil && !whole {
		return err
	}
	// Fewer than a slice left: fold them all and end the round.
	upTo, args := ` AND (outlet, metric, period, key) <= (?, ?, ?, ?)`, []any{after[0], after[1], after[2], after[3], last[0], last[1], last[2], last[3]}
	if whole {
		upTo, args = "", args[:4]
	}
	if _, err := tx.ExecContext(ctx, `SAVEPOINT desk_fold`); err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO desk_counts (outlet, metric, period, key, n)
		SELECT outlet, metric, period, key, n FROM desk_pending WHERE (outlet, metric, period, key) > (?, ?, ?, ?)`+upTo+`
		ON CONFLICT (outlet, metric, period, key) DO UPDATE SET n = n + excluded.n`, args...)
	if err == nil {
		_, err = tx.ExecContext(ctx, `DELETE FROM desk_pending WHERE (outlet, metric, period, key) > (?, ?, ?, ?)`+upTo, args...)
	}
	if err != nil {
		if _, rerr := tx.ExecContext(ctx, `ROLLBACK TO desk_fold`); rerr != nil {
			return errors.Join(err, rerr)
		}
		if _, rerr := tx.ExecContext(ctx, `RELEASE desk_fold`); rerr != nil {
			return errors.Join(err, rerr)
		}
		return err
	}
	if _, err := tx.ExecContext(ctx, `RELEASE desk_fold`); err != nil {
		return err
	}
	if whole {
		f.inRound = false
	} else {
		f.after = last
	}
	return nil
}

// foldAllDesk folds the whole of desk_pending into desk_counts in tx (a
// recount, which writes desk_counts directly).
func foldAllDesk(ctx context.Context, tx *Tx) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO desk_counts (outlet, metric, period, key, n)
		SELECT outlet, metric, period, key, n FROM desk_pending WHERE true
		ON CONFLICT (outlet, metric, period, key) DO UPDATE SET n = n + excluded.n;
		DELETE FROM desk_pending;`)
	return err
}
