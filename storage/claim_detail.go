package storage

import (
	"bytes"
	"context"
	"database/sql"
	"maps"
	"slices"
	"sync"
	"time"
	"unicode/utf8"

	"claimtrail/domain"
	"claimtrail/domain/match"
)

// contextChars is how much article text either side of the sentence the
// claim page shows.
const contextChars = 280

// ClaimWithVerdict reads a claim and its verdict (nil until the claim is
// first taken) from one snapshot: what a change through the API answers
// with. It is a few primary-key reads, where ClaimDetail also gathers the
// article, thread, history and similar claims for the claim page.
func (db *DB) ClaimWithVerdict(ctx context.Context, id int64) (*domain.Claim, *domain.Verdict, error) {
	tx, err := db.beginRead(ctx)
	if err != nil {
		return nil, nil, err
	}
	defer tx.Rollback()
	c, err := findClaimByID(ctx, tx, id)
	if err != nil {
		return nil, nil, err
	}
	v, err := findVerdict(ctx, tx, id)
	if domain.ErrorCode(err) == domain.ENOTFOUND {
		return c, nil, nil
	}
	return c, v, err
}

// ClaimDetail reads a claim with its article, verdict, sources, thread and
// history from one snapshot.
func (db *DB) ClaimDetail(ctx context.Context, id int64) (*domain.ClaimDetail, error) {
	d, _, err := db.ClaimDetailMatches(ctx, id, 0)
	return d, err
}

// ClaimDetailMatches is ClaimDetail with the claim's matches (ClaimMatches,
// up to limit) from the same snapshot. The claim page shows both, and both
// come from one run of the matcher: the similar claims are the best of its
// accepted claims.
//
// The page's read is kept while nothing in the database changes (see
// generation.go): the matcher is most of its work, and a claim's page is
// opened again and again while it is worked on. Each caller gets its own copy.
func (db *DB) ClaimDetailMatches(ctx context.Context, id int64, limit int) (*domain.ClaimDetail, []match.Found, error) {
	key := matchKey{claim: id, limit: max(limit, similarLimit)}
	p, err := cached(ctx, db, db.claimPages, key, func() (claimPage, error) {
		return db.readClaimPage(ctx, key)
	}, copyClaimPage)
	if err != nil {
		return nil, nil, err
	}
	return p.detail, p.found[:min(len(p.found), limit)], nil
}

// matchKey names a claim's page read with its matches, up to limit.
type matchKey struct {
	claim int64
	limit int
}

// claimPage is what ClaimDetailMatches keeps of one claim.
type claimPage struct {
	detail *domain.ClaimDetail
	found  []match.Found
}

func (db *DB) readClaimPage(ctx context.Context, key matchKey) (claimPage, error) {
	tx, err := db.beginRead(ctx)
	if err != nil {
		return claimPage{}, err
	}
	defer tx.Rollback()
	d, err := claimDetail(ctx, tx, key.claim)
	if err != nil {
		return claimPage{}, err
	}
	c := d.Claim
	found, err := matchText(ctx, tx, match.Analyse(c.Text, c.Claimant), claimDoc(c.ID), key.limit)
	if err != nil {
		return claimPage{}, err
	}
	d.Similar = similarOf(found)
	return claimPage{d, found}, nil
}

// copyClaimPage copies a kept claim page down to every list and record in
// it, so that no caller shares anything with another.
func copyClaimPage(p claimPage) claimPage {
	d := *p.detail
	claim := *d.Claim
	claim.Figures, claim.Reasons = slices.Clone(claim.Figures), slices.Clone(claim.Reasons)
	d.Claim = &claim
	if d.Verdict != nil {
		v := *d.Verdict
		v.Sources = slices.Clone(v.Sources)
		d.Verdict = &v
	}
	if d.Rating != nil {
		r := *d.Rating
		d.Rating = &r
	}
	if d.Assignee != nil {
		u := *d.Assignee
		d.Assignee = &u
	}
	d.Workers = slices.Clone(d.Workers)
	d.Comments = slices.Clone(d.Comments)
	if d.History != nil {
		d.History = make([]*domain.AuditEvent, len(p.detail.History))
		for i, e := range p.detail.History {
			c := *e
			c.Before, c.After = bytes.Clone(e.Before), bytes.Clone(e.After)
			d.History[i] = &c
		}
	}
	if d.Similar != nil {
		d.Similar = make([]*domain.SimilarClaim, len(p.detail.Similar))
		for i, s := range p.detail.Similar {
			c := *s
			d.Similar[i] = &c
		}
	}
	d.Names = maps.Clone(d.Names)
	return claimPage{detail: &d, found: slices.Clone(p.found)}
}

// claimDetail reads everything of ClaimDetail but the similar claims.
func claimDetail(ctx context.Context, tx *Tx, id int64) (*domain.ClaimDetail, error) {
	d := &domain.ClaimDetail{}
	var err error
	if d.Claim, err = findClaimByID(ctx, tx, id); err != nil {
		return nil, err
	}
	c := d.Claim
	var body string
	var url sql.NullString
	var published sql.NullString
	if err := tx.QueryRowContext(ctx, `SELECT id, title, outlet, author, url, published_at, body FROM articles WHERE id = ?`, c.ArticleID).
		Scan(&d.Article.ID, &d.Article.Title, &d.Article.Outlet, &d.Article.Author, &url, &published, &body); err != nil {
		return nil, err
	}
	d.Article.URL, d.Article.PublishedAt = url.String, parseNullTime(published)
	d.Article.Before, d.Article.After = around(body, c.Start, c.End)

	if v, err := findVerdict(ctx, tx, id); err == nil {
		d.Verdict = v
		if v.RatingID != 0 {
			if d.Rating, err = findRating(ctx, tx, v.RatingID); err != nil {
				return nil, err
			}
		}
	} else if domain.ErrorCode(err) != domain.ENOTFOUND {
		return nil, err
	}
	if c.AssigneeID != 0 {
		if d.Assignee, err = findUserByID(ctx, tx, c.AssigneeID); err != nil {
			return nil, err
		}
	}
	if d.Workers, err = claimWorkers(ctx, tx, id); err != nil {
		return nil, err
	}
	if d.Comments, err = claimComments(ctx, tx, id); err != nil {
		return nil, err
	}
	if d.History, err = queryAuditEvents(ctx, tx, `SELECT `+auditColumns+` FROM audit_events WHERE entity = 'claim' AND entity_id = ? ORDER BY id`, id); err != nil {
		return nil, err
	}
	names, err := cached(ctx, tx.db, tx.db.userNames, struct{}{}, func() (map[int64]string, error) {
		return userNames(ctx, tx)
	}, func(m map[int64]string) map[int64]string { return m })
	if err != nil {
		return nil, err
	}
	// The kept map is shared: each page gets its own copy.
	d.Names = maps.Clone(names)
	return d, nil
}

// userNames maps every account to its name, for a claim page's history
// and verdict. Every claim page shows them, so they are kept while nothing
// in the database changes (generation.go).
func userNames(ctx context.Context, tx *Tx) (map[int64]string, error) {
	names := map[int64]string{}
	rows, err := tx.queryCached(ctx, `SELECT id, name FROM users`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var uid int64
		var name string
		if err := rows.Scan(&uid, &name); err != nil {
			return nil, err
		}
		names[uid] = name
	}
	return names, rows.Err()
}

// around returns up to contextChars of text before start and after end,
// cut at rune boundaries; offsets outside the text give empty context.
func around(body string, start, end int) (string, string) {
	if start < 0 || end > len(body) || start > end {
		return "", ""
	}
	from := max(0, start-contextChars)
	for from > 0 && !utf8.RuneStart(body[from]) {
		from--
	}
	to := min(len(body), end+contextChars)
	for to < len(body) && !utf8.RuneStart(body[to]) {
		to++
	}
	return body[from:start], body[end:to]
}

// Assignees lists the active people claims can be given to. Every queue
// page shows this list, so it is kept for a few seconds and dropped as soon
// as a change to any account commits here; a change made by another process
// (the command line) shows within assigneesTTL.
func (db *DB) Assignees(ctx context.Context) ([]*domain.User, error) {
	if users := db.assignees.get(db.Now()); users != nil {
		return users, nil
	}
	gen := db.assignees.generation()
	users, err := db.ListUsers(ctx)
	if err != nil {
		return nil, err
	}
	out := users[:0]
	for _, u := range users {
		if domain.CanBeAssigned(u) == nil {
			out = append(out, u)
		}
	}
	db.assignees.put(gen, db.Now(), out)
	return copyUsers(out), nil
}

const assigneesTTL = 5 * time.Second

// assigneeCache is the last assignee list read and when.
type assigneeCache struct {
	mu    sync.Mutex
	gen   uint64 // bumped by every committed change to users
	users []*domain.User
	at    time.Time
}

func (c *assigneeCache) generation() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.gen
}

// get returns a copy of the list if it is fresh, nil otherwise.
func (c *assigneeCache) get(now time.Time) []*domain.User {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.users == nil || now.Sub(c.at) > assigneesTTL || now.Before(c.at) {
		return nil
	}
	return copyUsers(c.users)
}

// put keeps users read at generation gen, unless users changed meanwhile.
func (c *assigneeCache) put(gen uint64, now time.Time, users []*domain.User) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen == c.gen {
		c.users, c.at = copyUsers(users), now
	}
}

// changed drops the list: an account changed.
func (c *assigneeCache) changed() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	c.users = nil
}

// copyUsers copies the list and each user, so no caller shares one.
func copyUsers(users []*domain.User) []*domain.User {
	out := make([]*domain.User, len(users))
	for i, u := range users {
		v := *u
		out[i] = &v
	}
	return out
}
