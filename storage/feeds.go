package storage

import (
	"context"
	"database/sql"
	"time"

	"claimtrail/domain"
)

const feedColumns = `id, url, every_minutes, created_by, created_at, next_fetch_at, fetched_at, added, updated, unchanged, skipped, skip_note, error`

func scanFeed(r scanner) (domain.FeedSubscription, error) {
	var f domain.FeedSubscription
	var every int
	var created, next string
	var fetched sql.NullString
	err := r.Scan(&f.ID, &f.URL, &every, &f.CreatedBy, &created, &next, &fetched, &f.Added, &f.Updated, &f.Unchanged, &f.Skipped, &f.SkipNote, &f.Error)
	f.Every = time.Duration(every) * time.Minute
	f.CreatedAt, f.NextFetch, f.FetchedAt = parseTime(created), parseTime(next), parseNullTime(fetched)
	return f, err
}

// Feeds lists the ClaimReview feeds subscribed to, in the order they were added.
func (db *DB) Feeds(ctx context.Context) ([]domain.FeedSubscription, error) {
	tx, err := db.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	return queryAll(ctx, tx, scanFeed, `SELECT `+feedColumns+` FROM feed_subscriptions ORDER BY id`)
}

func findFeed(ctx context.Context, tx *Tx, id int64) (domain.FeedSubscription, error) {
	f, err := scanFeed(tx.QueryRowContext(ctx, `SELECT `+feedColumns+` FROM feed_subscriptions WHERE id = ?`, id))
	if err == sql.ErrNoRows {
		return f, &domain.Error{Code: domain.ENOTFOUND, Message: "No such feed."}
	}
	return f, err
}

// SubscribeFeed adds a feed as domain.Subscribe decides, with one audit event.
func (db *DB) SubscribeFeed(ctx context.Context, in domain.FeedInput) (domain.FeedSubscription, error) {
	tx, err := db.begin(ctx)
	if err != nil {
		return domain.FeedSubscription{}, err
	}
	defer tx.Rollback()
	by, err := actingUser(ctx, tx)
	if err != nil {
		return domain.FeedSubscription{}, err
	}
	existing, err := queryAll(ctx, tx, scanFeed, `SELECT `+feedColumns+` FROM feed_subscriptions`)
	if err != nil {
		return domain.FeedSubscription{}, err
	}
	f, ev, err := domain.Subscribe(by, in, existing, tx.now)
	if err != nil {
		return f, err
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO feed_subscriptions (url, every_minutes, created_by, created_at, next_fetch_at) VALUES (?, ?, ?, ?, ?)`,
		f.URL, int(f.Every/time.Minute), f.CreatedBy, formatTime(f.CreatedAt), formatTime(f.NextFetch))
	if err != nil {
		return f, err
	}
	f.ID, _ = res.LastInsertId()
	ev.EntityID = f.ID
	if err := tx.record(ctx, ev); err != nil {
		return f, err
	}
	return f, tx.Commit()
}

// UnsubscribeFeed removes a feed; the checks it brought in stay.
func (db *DB) UnsubscribeFeed(ctx context.Context, id int64) error {
	return db.changeFeed(ctx, id, func(tx *Tx, by *domain.User, f domain.FeedSubscription) (domain.Event, error) {
		ev, err := domain.Unsubscribe(by, f)
		if err != nil {
			return ev, err
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM feed_subscriptions WHERE id = ?`, f.ID)
		return ev, err
	})
}

// FetchFeedNow makes a feed due at once; the worker fetches it on its next
// tick, so the request never waits for the feed's site.
func (db *DB) FetchFeedNow(ctx context.Context, id int64) error {
	return db.changeFeed(ctx, id, func(tx *Tx, by *domain.User, f domain.FeedSubscription) (domain.Event, error) {
		f, ev, err := domain.FetchNow(by, f, tx.now)
		if err != nil {
			return ev, err
		}
		_, err = tx.ExecContext(ctx, `UPDATE feed_subscriptions SET next_fetch_at = ? WHERE id = ?`, formatTime(f.NextFetch), f.ID)
		return ev, err
	})
}

// changeFeed loads feed id in one transaction, lets change decide and
// write, and records the event it returns.
func (db *DB) changeFeed(ctx context.Context, id int64, change func(tx *Tx, by *domain.User, f domain.FeedSubscription) (domain.Event, error)) error {
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	by, err := actingUser(ctx, tx)
	if err != nil {
		return err
	}
	f, err := findFeed(ctx, tx, id)
	if err != nil {
		return err
	}
	ev, err := change(tx, by, f)
	if err != nil {
		return err
	}
	if err := tx.record(ctx, ev); err != nil {
		return err
	}
	return tx.Commit()
}

// DueFeeds lists up to limit feeds whose next fetch is at or before now,
// longest waiting first.
func (db *DB) DueFeeds(ctx context.Context, now time.Time, limit int) ([]domain.FeedSubscription, error) {
	tx, err := db.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	return queryAll(ctx, tx, scanFeed, `SELECT `+feedColumns+` FROM feed_subscriptions WHERE next_fetch_at <= ? ORDER BY next_fetch_at, id LIMIT ?`,
		formatTime(now), limit)
}

// FeedFetched records what a fetch of a feed did (failure empty when it
// worked) and schedules the next, with one audit event. A feed removed
// meanwhile is left removed.
func (db *DB) FeedFetched(ctx context.Context, id int64, sum domain.ImportSummary, failure string) error {
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	f, err := findFeed(ctx, tx, id)
	if domain.ErrorCode(err) == domain.ENOTFOUND {
		return nil
	}
	if err != nil {
		return err
	}
	f, ev := domain.Fetched(f, sum, failure, tx.now)
	if _, err := tx.ExecContext(ctx, `UPDATE feed_subscriptions SET fetched_at = ?, next_fetch_at = ?, added = ?, updated = ?, unchanged = ?,
		skipped = ?, skip_note = ?, error = ? WHERE id = ?`, formatTime(f.FetchedAt), formatTime(f.NextFetch), f.Added, f.Updated, f.Unchanged,
		f.Skipped, f.SkipNote, f.Error, id); err != nil {
		return err
	}
	if err := tx.record(ctx, ev); err != nil {
		return err
	}
	return tx.Commit()
}
