package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"claimtrail/domain"
)

// homeListLimit caps each list on the home page; each links to the full list.
const homeListLimit = 20

// returnedSince is true for claims an editor returned or reopened after the
// verdict was last submitted and after the claim came to its present
// assignee: a return to someone who has since released the claim is not a
// return to whoever holds it now.
const returnedSince = `EXISTS (SELECT 1 FROM comments m WHERE m.claim_id = c.id AND m.kind IN ('returned', 'reopened')
	AND m.created_at > coalesce((SELECT v.submitted_at FROM verdicts v WHERE v.claim_id = c.id), '')
	AND m.created_at > coalesce((SELECT max(e.at) FROM audit_events e WHERE e.entity = 'claim' AND e.entity_id = c.id
		AND e.action IN ('claim.taken', 'claim.assigned', 'claim.reassigned')), ''))`

// verdictItemFrom reads queue items verdict first, so that a list in the
// order of a verdict's time walks the verdict index and stops at its limit.
const verdictItemFrom = ` FROM verdicts v CROSS JOIN claims c ON c.id = v.claim_id CROSS JOIN articles a ON a.id = c.article_id
	LEFT JOIN users u ON u.id = c.assignee_id`

// waitingItemFrom and waitingWhere read the verdicts waiting for an editor
// in submission order through their own partial index (migration 150): the
// planner would otherwise take the approval index and sort.
const (
	waitingItemFrom = ` FROM verdicts v INDEXED BY verdicts_waiting CROSS JOIN claims c ON c.id = v.claim_id
	CROSS JOIN articles a ON a.id = c.article_id LEFT JOIN users u ON u.id = c.assignee_id`
	waitingWhere = `v.approved_at IS NULL AND v.submitted_at IS NOT NULL AND c.state = 'submitted'`
)

// HomeFor gathers the acting user's home page lists.
//
// The editors' waiting list is most of its work and changes only with the
// data, so it is kept while nothing in the database changes (generation.go);
// the other lists depend on the day as well and are read every time.
func (db *DB) HomeFor(ctx context.Context) (*domain.Home, error) {
	gen, fresh := db.generation(ctx) // before the snapshot: see generation.go
	tx, u, err := beginAs(ctx, db.beginRead)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	h := &domain.Home{}
	sel := `SELECT ` + queueItemColumns + queueItemFrom
	if h.InReview, err = queryQueueItems(ctx, tx, sel+` WHERE c.assignee_id = ? AND c.state = 'in_review' AND NOT `+returnedSince+
		` ORDER BY c.queue_key LIMIT ?`, u.ID, homeListLimit); err != nil {
		return nil, err
	}
	if h.Returned, err = queryQueueItems(ctx, tx, sel+` WHERE c.assignee_id = ? AND c.state = 'in_review' AND `+returnedSince+
		` ORDER BY c.queue_key LIMIT ?`, u.ID, homeListLimit); err != nil {
		return nil, err
	}
	h.ReturnedWhy = map[int64]string{}
	for _, it := range h.Returned {
		var why string
		err := tx.QueryRowContext(ctx, `SELECT body FROM comments WHERE claim_id = ? AND kind IN ('returned', 'reopened') ORDER BY id DESC LIMIT 1`, it.ID).Scan(&why)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return nil, err
		}
		h.ReturnedWhy[it.ID] = why
	}
	mine, args := ` AND c.assignee_id = ?`, []any{u.ID}
	if domain.CanEdit(u) {
		mine, args = "", nil
		key := waitingKey{user: u.ID, limit: homeListLimit}
		waiting, ok := db.waiting.Get(gen, key)
		if !fresh || !ok {
			if waiting, err = waitingFor(ctx, tx, u, key.limit); err != nil {
				return nil, err
			}
			if fresh {
				db.waiting.Put(gen, key, waiting)
			}
		}
		h.Waiting = copyQueueItems(waiting)
	}
	// Due on a day means by the end of it: overdue from the start of the
	// next, as domain.Claim.Overdue says.
	cutoff := formatTime(tx.now.AddDate(0, 0, -1))
	if h.Overdue, err = queryQueueItems(ctx, tx, sel+` WHERE c.due_at IS NOT NULL AND c.due_at <= ?
		AND c.state IN ('queued', 'in_review', 'submitted')`+mine+` ORDER BY c.due_at, c.id LIMIT ?`,
		append(append([]any{cutoff}, args...), homeListLimit)...); err != nil {
		return nil, err
	}
	if len(h.Overdue) < homeListLimit {
		// The list has room: the next open claim to fall due joins it then.
		// (A full list cannot change with time alone: a claim joining it
		// was due later than every claim on it, and sorts after them.)
		var next sql.NullString
		if err := tx.QueryRowContext(ctx, `SELECT min(c.due_at) FROM claims c WHERE c.due_at IS NOT NULL AND c.due_at > ?
			AND c.state IN ('queued', 'in_review', 'submitted')`+mine, append([]any{cutoff}, args...)...).Scan(&next); err != nil {
			return nil, err
		}
		if next.Valid {
			h.OverdueGrows = parseTime(next.String).AddDate(0, 0, 1)
		}
	}
	if h.RecentlyApproved, err = queryQueueItems(ctx, tx, `SELECT `+queueItemColumns+verdictItemFrom+`
		WHERE v.approved_at IS NOT NULL AND c.state = 'approved'`+mine+` ORDER BY v.approved_at DESC, v.claim_id DESC LIMIT 10`, args...); err != nil {
		return nil, err
	}
	return h, nil
}

// ListReview returns submitted verdicts, oldest first, one page at a time.
// The cursor is the last item's submission time and id.
func (db *DB) ListReview(ctx context.Context, cursor string, limit int) ([]*domain.ReviewItem, string, error) {
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	where, args := ``, []any{}
	if cursor != "" {
		at, idText, ok := strings.Cut(cursor, "~")
		id, err := strconv.ParseInt(idText, 10, 64)
		if !ok || err != nil {
			return nil, "", domain.Errorf(domain.EINVALID, "That page link is broken; start again from the first page.")
		}
		where, args = ` AND (v.submitted_at, v.claim_id) > (?, ?)`, []any{at, id}
	}
	key := reviewKey{user: domain.ActorFrom(ctx).UserID, cursor: cursor, limit: limit}
	page, err := cached(ctx, db, db.reviewPages, key, func() (reviewPage, error) {
		items, next, err := db.listReview(ctx, where, args, limit)
		return reviewPage{items, next}, err
	}, copyReviewPage)
	return page.items, page.next, err
}

// reviewKey names a page of the review list as one person sees it.
type reviewKey struct {
	user   int64
	cursor string
	limit  int
}

type reviewPage struct {
	items []*domain.ReviewItem
	next  string
}

// copyReviewPage copies a kept page down to each item's lists.
func copyReviewPage(p reviewPage) reviewPage {
	out := reviewPage{next: p.next}
	if p.items != nil {
		out.items = make([]*domain.ReviewItem, len(p.items))
	}
	for i, it := range p.items {
		c := *it
		c.QueueItem = copyQueueItem(it.QueueItem)
		c.Sources = slices.Clone(it.Sources)
		out.items[i] = &c
	}
	return out
}

func (db *DB) listReview(ctx context.Context, where string, args []any, limit int) ([]*domain.ReviewItem, string, error) {
	tx, u, err := beginAs(ctx, db.beginRead)
	if err != nil {
		return nil, "", err
	}
	defer tx.Rollback()
	out, err := queryAll(ctx, tx, func(row scanner) (*domain.ReviewItem, error) {
		var it domain.ReviewItem
		var submitted sql.NullString
		var sources string
		qi, err := scanQueueItem(scanTail{row, []any{&submitted, &it.SubmittedBy, &it.Rating, &it.Conclusion, &it.VerdictVersion, &it.Explanation, &sources}})
		if err != nil {
			return nil, err
		}
		it.QueueItem, it.SubmittedAt = qi, parseNullTime(submitted)
		if err := json.Unmarshal([]byte(sources), &it.Sources); err != nil {
			return nil, fmt.Errorf("claim %d sources: %w", it.ID, err)
		}
		return &it, nil
	}, `SELECT `+queueItemColumns+`, v.submitted_at, coalesce(s.name, ''), coalesce(r.name, ''),
		v.conclusion, v.version, v.explanation,
		(SELECT json_group_array(json_object('URL', x.url, 'Title', x.title, 'Publisher', x.publisher))
			FROM (SELECT url, title, publisher FROM sources WHERE claim_id = c.id ORDER BY position, id) x)`+waitingItemFrom+`
		LEFT JOIN users s ON s.id = v.submitted_by LEFT JOIN ratings r ON r.id = v.rating_id
		WHERE `+waitingWhere+where+` ORDER BY v.submitted_at, v.claim_id LIMIT ?`, append(args, limit+1)...)
	if err != nil {
		return nil, "", err
	}
	claims := make([]*domain.Claim, len(out))
	for i, it := range out {
		claims[i] = it.Claim
	}
	workers, err := workersOf(ctx, tx, claims)
	if err != nil {
		return nil, "", err
	}
	for _, it := range out {
		it.May = domain.Permissions(u, it.Claim, workers[it.ID])
	}
	next := ""
	if len(out) > limit {
		out = out[:limit]
		last := out[len(out)-1]
		next = formatTime(last.SubmittedAt) + "~" + strconv.FormatInt(last.ID, 10)
	}
	return out, next, nil
}

// scanTail lets scanQueueItem read a row that carries extra columns after
// the queue item's own.
type scanTail struct {
	row  scanner
	tail []any
}

func (s scanTail) Scan(dest ...any) error { return s.row.Scan(append(dest, s.tail...)...) }

// waitingKey names the waiting list as one editor sees it.
type waitingKey struct {
	user  int64
	limit int
}

// waitingFor lists up to limit submitted verdicts, oldest first, that u may
// approve or return: the four-eyes rule is domain.Permissions's, applied to
// each claim with its workers, not restated here.
func waitingFor(ctx context.Context, tx *Tx, u *domain.User, limit int) ([]*domain.QueueItem, error) {
	const batch = 100
	var out []*domain.QueueItem
	after, afterID := "", int64(0)
	for {
		page, err := queryAll(ctx, tx, func(row scanner) (*domain.QueueItem, error) {
			var submitted string
			it, err := scanQueueItem(scanTail{row, []any{&submitted}})
			if err == nil {
				after, afterID = submitted, it.ID
			}
			return it, err
		}, `SELECT `+queueItemColumns+`, v.submitted_at`+waitingItemFrom+`
			WHERE `+waitingWhere+` AND (v.submitted_at, v.claim_id) > (?, ?) ORDER BY v.submitted_at, v.claim_id LIMIT ?`, after, afterID, batch)
		if err != nil {
			return nil, err
		}
		claims := make([]*domain.Claim, len(page))
		for i, it := range page {
			claims[i] = it.Claim
		}
		workers, err := workersOf(ctx, tx, claims)
		if err != nil {
			return nil, err
		}
		for _, it := range page {
			if domain.Permissions(u, it.Claim, workers[it.ID]).Decide {
				out = append(out, it)
				if len(out) == limit {
					return out, nil
				}
			}
		}
		if len(page) < batch {
			return out, nil
		}
	}
}

// workersOf reads who worked on each of claims, by claim id.
func workersOf(ctx context.Context, tx *Tx, claims []*domain.Claim) (map[int64][]int64, error) {
	out := make(map[int64][]int64, len(claims))
	if len(claims) == 0 {
		return out, nil
	}
	ids := make([]any, len(claims))
	for i, c := range claims {
		ids[i] = c.ID
	}
	rows, err := tx.QueryContext(ctx, `SELECT claim_id, user_id FROM claim_workers WHERE claim_id IN (?`+strings.Repeat(`, ?`, len(ids)-1)+`)`, ids...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var claim, user int64
		if err := rows.Scan(&claim, &user); err != nil {
			return nil, err
		}
		out[claim] = append(out[claim], user)
	}
	return out, rows.Err()
}
