package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"claimtrail/domain"
	"claimtrail/domain/claimreview"
)

// publishedQuery reads approved claims; sources come back as one JSON array
// per claim so that a page of checks is one query. CROSS JOIN keeps the
// verdicts outermost, so a page walks the approval index newest first and
// stops at its limit instead of sorting every approved claim.
const publishedQuery = `SELECT c.id, c.text, c.claimant, c.type, a.title, a.url, a.outlet, a.author, coalesce(a.published_at, ''),
	coalesce(r.id, 0), coalesce(v.approved_rating_name, r.name, ''), coalesce(v.approved_rating_value, r.value, 0), coalesce(r.position, 0),
	coalesce(v.approved_rating_on_scale, r.on_scale, 0), v.approved_scale_best IS NOT NULL, coalesce(v.approved_scale_best, 0), coalesce(v.approved_scale_worst, 0),
	v.conclusion, v.explanation,
	(SELECT json_group_array(json_object('url', s.url, 'title', s.title, 'publisher', s.publisher, 'type', s.type))
		FROM (SELECT url, title, publisher, type FROM sources WHERE claim_id = c.id ORDER BY position, id) s),
	v.approved_at, v.updated_at, coalesce(v.first_approved_at, v.approved_at), v.first_rating,
	coalesce(su.public_name, ''), coalesce(au.public_name, ''),
	(SELECT json_group_array(json_object('title', x.title, 'url', x.url, 'outlet', x.outlet, 'seen', x.seen_at))
		FROM (SELECT pa.title, coalesce(pa.url, '') AS url, pa.outlet, ap.seen_at FROM claim_appearances ap JOIN articles pa ON pa.id = ap.article_id
			WHERE ap.claim_id = c.id AND ap.applied_at IS NOT NULL AND ap.removed_at IS NULL ORDER BY ap.seen_at, ap.id) x)
FROM verdicts v
CROSS JOIN claims c ON c.id = v.claim_id
CROSS JOIN articles a ON a.id = c.article_id
LEFT JOIN ratings r ON r.id = v.rating_id
LEFT JOIN users su ON su.id = v.submitted_by
LEFT JOIN users au ON au.id = v.approved_by
WHERE c.state = 'approved' AND v.approved_at IS NOT NULL`

func scanPublishedCheck(row scanner) (*domain.PublishedCheck, error) {
	var p domain.PublishedCheck
	var published, sources, approved, updated, first, appearances string
	err := row.Scan(&p.ClaimID, &p.Claim, &p.Claimant, &p.ClaimType, &p.ArticleTitle, &p.ArticleURL, &p.Outlet, &p.ArticleAuthor, &published,
		&p.Rating.ID, &p.Rating.Name, &p.Rating.Value, &p.Rating.Position, &p.Rating.OnScale, &p.ScaleKnown, &p.ScaleBest, &p.ScaleWorst, &p.Conclusion, &p.Explanation, &sources, &approved, &updated,
		&first, &p.FirstRating, &p.CheckedBy, &p.ApprovedBy, &appearances)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, domain.Errorf(domain.ENOTFOUND, "There is no published check at this address.")
	} else if err != nil {
		return nil, err
	}
	var srcs []struct {
		URL, Title, Publisher string
		Type                  domain.SourceType
	}
	if err := json.Unmarshal([]byte(sources), &srcs); err != nil {
		return nil, fmt.Errorf("claim %d sources: %w", p.ClaimID, err)
	}
	for i, s := range srcs {
		p.Sources = append(p.Sources, domain.Source{ClaimID: p.ClaimID, Position: i, URL: s.URL, Title: s.Title, Publisher: s.Publisher, Type: s.Type})
	}
	var apps []struct{ Title, URL, Outlet, Seen string }
	if err := json.Unmarshal([]byte(appearances), &apps); err != nil {
		return nil, fmt.Errorf("claim %d appearances: %w", p.ClaimID, err)
	}
	for _, a := range apps {
		p.Appearances = append(p.Appearances, domain.PublishedAppearance{ArticleTitle: a.Title, ArticleURL: a.URL, Outlet: a.Outlet, SeenAt: parseTime(a.Seen)})
	}
	p.ArticlePublishedAt = parseOptionalTime(published)
	p.ApprovedAt, p.UpdatedAt, p.FirstPublishedAt = parseTime(approved), parseTime(updated), parseTime(first)
	p.Plain()
	return &p, nil
}

// PublishedCheck returns one approved claim. Any other claim, and any
// unknown id, is ENOTFOUND: unpublished work must not be told apart from
// nothing at all.
func (db *DB) PublishedCheck(ctx context.Context, claimID int64) (*domain.PublishedCheck, error) {
	tx, err := db.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	return scanPublishedCheck(tx.QueryRowContext(ctx, publishedQuery+` AND v.claim_id = ?`, claimID))
}

// PublishedChecks returns up to limit approved claims, most recently
// approved first, after the cursor before (the zero cursor: from the start;
// keyset pagination on approval time, then id). Each holds what the list of
// checks shows, and no more: the claim's id and words, the rating, the first
// and the latest approval and the first rating. The verdict's text, sources,
// article, bylines and appearances are on the check's own page
// (PublishedCheck); reading them here was most of a list's cost.
func (db *DB) PublishedChecks(ctx context.Context, before CheckCursor, limit int) ([]*domain.PublishedCheck, error) {
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	q, args := publishedListQuery, []any{}
	if before.ClaimID > 0 {
		// The cursor carries the last check's own approval time, so a page
		// link still works after that check is reopened or withdrawn.
		q += ` AND (v.approved_at, v.claim_id) < (?, ?)`
		args = append(args, formatTime(before.ApprovedAt), before.ClaimID)
	}
	q += ` ORDER BY v.approved_at DESC, v.claim_id DESC LIMIT ?`
	args = append(args, limit)
	tx, err := db.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	rows, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*domain.PublishedCheck
	for rows.Next() {
		var p domain.PublishedCheck
		var approved, first string
		if err := rows.Scan(&p.ClaimID, &p.Claim, &p.Rating.Name, &approved, &first, &p.FirstRating); err != nil {
			return nil, err
		}
		p.ApprovedAt, p.FirstPublishedAt = parseTime(approved), parseTime(first)
		p.Plain()
		out = append(out, &p)
	}
	return out, rows.Err()
}

// publishedListQuery is publishedQuery with only the columns the list of
// checks shows: the same rows, in the same walk of the approval index.
const publishedListQuery = `SELECT c.id, c.text, coalesce(v.approved_rating_name, r.name, ''),
	v.approved_at, coalesce(v.first_approved_at, v.approved_at), v.first_rating
FROM verdicts v
CROSS JOIN claims c ON c.id = v.claim_id
CROSS JOIN articles a ON a.id = c.article_id
LEFT JOIN ratings r ON r.id = v.rating_id
WHERE c.state = 'approved' AND v.approved_at IS NOT NULL`

// CheckCursor marks a place in the list of published checks, newest first:
// the checks after it are those approved before ApprovedAt, or at the same
// time with a lower claim id. The zero cursor is the start of the list.
type CheckCursor struct {
	ApprovedAt time.Time
	ClaimID    int64
}

// CursorAfter is the cursor for the page after the one ending with p.
func CursorAfter(p *domain.PublishedCheck) CheckCursor {
	return CheckCursor{ApprovedAt: p.ApprovedAt, ClaimID: p.ClaimID}
}

// String writes the cursor for a page link: microseconds since 1970 and the
// claim id.
func (c CheckCursor) String() string {
	return strconv.FormatInt(c.ApprovedAt.UnixMicro(), 10) + "-" + strconv.FormatInt(c.ClaimID, 10)
}

// ParseCheckCursor reads a cursor written by String; anything else is the
// start of the list.
func ParseCheckCursor(s string) CheckCursor {
	at, id, ok := strings.Cut(s, "-")
	micros, err1 := strconv.ParseInt(at, 10, 64)
	claimID, err2 := strconv.ParseInt(id, 10, 64)
	if !ok || err1 != nil || err2 != nil || claimID <= 0 {
		return CheckCursor{}
	}
	return CheckCursor{ApprovedAt: time.UnixMicro(micros).UTC(), ClaimID: claimID}
}

// AllPublishedChecks streams every approved claim, most recently approved
// first, to fn; it returns how many it gave. fn may write to a client that
// stalls, so the read is a stream (beginStream).
func (db *DB) AllPublishedChecks(ctx context.Context, fn func(*domain.PublishedCheck) error) (int, error) {
	return db.eachPublishedCheck(ctx, db.beginStream, publishedQuery+` ORDER BY v.approved_at DESC, v.claim_id DESC`, nil, fn)
}

// eachPublishedCheck runs a query built on publishedQuery in one read
// snapshot begun with begin and gives each check to fn.
func (db *DB) eachPublishedCheck(ctx context.Context, begin func(context.Context) (*Tx, error), q string, args []any, fn func(*domain.PublishedCheck) error) (int, error) {
	tx, err := begin(ctx)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	rows, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		p, err := scanPublishedCheck(rows)
		if err != nil {
			return n, err
		}
		if err := fn(p); err != nil {
			return n, err
		}
		n++
	}
	return n, rows.Err()
}

// RatingValues returns the value of every rating on the newsroom's scale
// (ratings marked off the scale, like Unverifiable, are left out), for
// working out ClaimReview's best and worst rating.
func (db *DB) RatingValues(ctx context.Context) ([]float64, error) {
	tx, err := db.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	return queryAll(ctx, tx, scanValue[float64], `SELECT value FROM ratings WHERE on_scale = 1 ORDER BY position, id`)
}

// Publishing settings, set by an admin on /admin/settings.
const (
	SettingPublisherName    = "publisher.name"
	SettingPublisherURL     = "publisher.url"
	SettingPublisherLogoURL = "publisher.logo_url"
	SettingSiteBaseURL      = "site.base_url"
)

// Publishing is who publishes the checks and where the site lives.
type Publishing struct {
	Publisher claimreview.Publisher
	BaseURL   string // public address of the site, without a trailing slash; "" when not set
}

// PublishingSettings reads the publishing settings. Every public page asks,
// so they are read in one snapshot and kept while nothing in the database
// changes (generation.go), instead of four reads a page.
func (db *DB) PublishingSettings(ctx context.Context) (Publishing, error) {
	return cached(ctx, db, db.publishing, struct{}{}, func() (Publishing, error) {
		return db.readPublishing(ctx)
	}, func(p Publishing) Publishing { return p })
}

func (db *DB) readPublishing(ctx context.Context) (Publishing, error) {
	var p Publishing
	tx, err := db.beginRead(ctx)
	if err != nil {
		return p, err
	}
	defer tx.Rollback()
	for key, dst := range map[string]*string{
		SettingPublisherName: &p.Publisher.Name, SettingPublisherURL: &p.Publisher.URL,
		SettingPublisherLogoURL: &p.Publisher.LogoURL, SettingSiteBaseURL: &p.BaseURL,
	} {
		v, _, err := db.readSetting(ctx, tx, key)
		if err != nil {
			return p, err
		}
		*dst = v
	}
	p.BaseURL = strings.TrimRight(p.BaseURL, "/")
	return p, nil
}
