package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"claimtrail/domain"
	"claimtrail/domain/triage"
)

// Articles and the triage of their candidate claims: adding an article with
// the extractor's candidates in one transaction, recognising duplicates,
// and accepting, dismissing or adding claims by hand.

// DuplicateArticleError says the article being added is already stored, and
// which one it is, so that the user can be taken there. It unwraps to an
// ECONFLICT *domain.Error, so domain.ErrorCode reports a conflict.
type DuplicateArticleError struct {
	ID      int64 // the article already stored
	SameURL bool  // matched by address rather than by text
}

func (e *DuplicateArticleError) Error() string {
	return fmt.Sprintf("duplicate of article %d", e.ID)
}

func (e *DuplicateArticleError) Unwrap() error {
	return domain.Errorf(domain.ECONFLICT, "This article is already in claimtrail.")
}

// ExistingClaimError is returned when a passage added by hand is already a
// claim of the article.
type ExistingClaimError struct {
	ID int64
}

func (e *ExistingClaimError) Error() string {
	return fmt.Sprintf("passage is already claim %d", e.ID)
}

func (e *ExistingClaimError) Unwrap() error {
	return domain.Errorf(domain.ECONFLICT, "That passage is already claim %d of this article.", e.ID)
}

// articleState is what the audit log records of an article: its metadata,
// never the body (the fingerprint identifies it).
type articleState struct {
	Title       string `json:"title"`
	Outlet      string `json:"outlet"`
	Author      string `json:"author"`
	URL         string `json:"url"`
	PublishedAt string `json:"published_at,omitempty"`
	Origin      string `json:"origin,omitempty"`
	Fingerprint string `json:"fingerprint,omitempty"`
	Candidates  *int   `json:"candidates,omitempty"`
}

func stateOfArticle(a *domain.Article) articleState {
	s := articleState{Title: a.Title, Outlet: a.Outlet, Author: a.Author, URL: a.URL}
	if !a.PublishedAt.IsZero() {
		s.PublishedAt = a.PublishedAt.UTC().Format("2006-01-02")
	}
	return s
}

// newClaimState is what the audit log records when a claim is created: where
// it came from and what the extractor made of it.
type newClaimState struct {
	ArticleID   int64             `json:"article_id"`
	Start       int               `json:"start"`
	End         int               `json:"end"`
	Text        string            `json:"text"`
	Score       float64           `json:"score"`
	CheckWorthy bool              `json:"checkworthy"`
	Type        domain.ClaimType  `json:"type"`
	Manual      bool              `json:"manual,omitempty"`
	State       domain.ClaimState `json:"state"`
	Version     int64             `json:"version"`
}

const articleColumns = `a.id, a.title, a.outlet, a.author, a.url, coalesce(a.url_key, ''), a.published_at, a.fingerprint,
	a.origin, coalesce(a.added_by, 0), coalesce(u.name, ''), a.created_at, a.updated_at, coalesce(a.scorer_version, 0)`

func scanArticle(row scanner, extra ...any) (*domain.Article, error) {
	var a domain.Article
	var published sql.NullString
	var created, updated string
	dest := append([]any{&a.ID, &a.Title, &a.Outlet, &a.Author, &a.URL, &a.URLKey, &published, &a.Fingerprint,
		&a.Origin, &a.AddedBy, &a.AddedByName, &created, &updated, &a.ScorerVersion}, extra...)
	if err := row.Scan(dest...); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, domain.Errorf(domain.ENOTFOUND, "There is no such article.")
		}
		return nil, err
	}
	a.PublishedAt, a.CreatedAt, a.UpdatedAt = parseNullTime(published), parseTime(created), parseTime(updated)
	return &a, nil
}

// findArticleByID reads one article, body included, inside tx.
func findArticleByID(ctx context.Context, tx *Tx, id int64) (*domain.Article, error) {
	var body string
	a, err := scanArticle(tx.QueryRowContext(ctx, `SELECT `+articleColumns+`, a.body FROM articles a
		LEFT JOIN users u ON u.id = a.added_by WHERE a.id = ?`, id), &body)
	if err != nil {
		return nil, err
	}
	a.Body = body
	return a, nil
}

// findDuplicate returns the stored article with the same URL key or
// fingerprint, other than except, or nil.
func findDuplicate(ctx context.Context, tx *Tx, urlKey, fingerprint string, except int64) (*DuplicateArticleError, error) {
	var id int64
	if urlKey != "" {
		err := tx.QueryRowContext(ctx, `SELECT id FROM articles WHERE url_key = ? AND id <> ?`, urlKey, except).Scan(&id)
		if err == nil {
			return &DuplicateArticleError{ID: id, SameURL: true}, nil
		} else if !errors.Is(err, sql.ErrNoRows) {
			return nil, err
		}
	}
	if fingerprint != "" {
		err := tx.QueryRowContext(ctx, `SELECT id FROM articles WHERE fingerprint = ? AND id <> ?`, fingerprint, except).Scan(&id)
		if err == nil {
			return &DuplicateArticleError{ID: id}, nil
		} else if !errors.Is(err, sql.ErrNoRows) {
			return nil, err
		}
	}
	return nil, nil
}

// CreateArticle stores an article with its candidate claims in one
// transaction and sets their IDs. a.URLKey and a.Fingerprint must already be
// computed by the caller. An article already stored with the same URL key or
// fingerprint is refused with a *DuplicateArticleError naming it. It records
// "article.created" and one "claim.created" per candidate, so every claim's
// history starts with its own event.
func (db *DB) CreateArticle(ctx context.Context, a *domain.Article, candidates []*domain.Claim) error {
	if err := a.Check(); err != nil {
		return err
	}
	if a.Fingerprint == "" {
		return errors.New("create article: no fingerprint")
	}
	for _, c := range candidates {
		if c.Start < 0 || c.End > len(a.Body) || c.Start > c.End || a.Body[c.Start:c.End] != c.Sentence {
			return fmt.Errorf("create article: candidate at %d:%d does not match the text", c.Start, c.End)
		}
	}
	// Matched before the write begins, so the writer is not held for it.
	found, err := db.matchNewCandidates(ctx, candidates)
	if err != nil {
		return err
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	// The single writer serialises this check with the insert below; the
	// unique indexes are the backstop.
	if dup, err := findDuplicate(ctx, tx, a.URLKey, a.Fingerprint, 0); err != nil {
		return err
	} else if dup != nil {
		return dup
	}
	a.AddedBy = tx.actor.UserID
	a.CreatedAt, a.UpdatedAt = tx.now, tx.now
	res, err := tx.ExecContext(ctx, `INSERT INTO articles (title, outlet, author, url, url_key, published_at, body, fingerprint,
		origin, added_by, created_at, updated_at, scorer_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		a.Title, a.Outlet, a.Author, a.URL, nullString(a.URLKey), nullTime(a.PublishedAt), a.Body, a.Fingerprint,
		a.Origin, nullInt(a.AddedBy), formatTime(tx.now), formatTime(tx.now), nullInt(a.ScorerVersion))
	if err != nil {
		return mapError(err, "This article is already in claimtrail.")
	}
	a.ID, _ = res.LastInsertId()
	after := stateOfArticle(a)
	after.Origin, after.Fingerprint = a.Origin, a.Fingerprint
	n := len(candidates)
	after.Candidates = &n
	if err := tx.audit(ctx, "article.created", "article", a.ID, nil, after); err != nil {
		return err
	}
	for _, c := range candidates {
		c.ArticleID = a.ID
		if err := insertClaim(ctx, tx, c); err != nil {
			return err
		}
	}
	if err := keepCandidateMatches(ctx, tx, a, candidates, found); err != nil {
		return err
	}
	return tx.Commit()
}

// insertClaim adds a new candidate claim and records "claim.created".
func insertClaim(ctx context.Context, tx *Tx, c *domain.Claim) error {
	figures, err := json.Marshal(orEmpty(c.Figures))
	if err != nil {
		return err
	}
	reasons, err := json.Marshal(orEmpty(c.Reasons))
	if err != nil {
		return err
	}
	if !c.Type.Valid() {
		c.Type = domain.TypeOther
	}
	if !c.Priority.Valid() {
		c.Priority = domain.PriorityNormal
	}
	c.State, c.Version, c.CreatedAt, c.UpdatedAt = domain.StateCandidate, 1, tx.now, tx.now
	res, err := tx.ExecContext(ctx, `INSERT INTO claims (article_id, sentence, start_offset, end_offset, text, score, checkworthy,
		type, figures, claimant, reasons, manual, state, priority, version, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'candidate', ?, 1, ?, ?)`,
		c.ArticleID, c.Sentence, c.Start, c.End, c.Text, c.Score, c.CheckWorthy, c.Type, string(figures), c.Claimant,
		string(reasons), c.Manual, c.Priority, formatTime(tx.now), formatTime(tx.now))
	if err != nil {
		return mapError(err, "")
	}
	c.ID, _ = res.LastInsertId()
	return tx.audit(ctx, "claim.created", "claim", c.ID, nil, newClaimState{
		ArticleID: c.ArticleID, Start: c.Start, End: c.End, Text: c.Text, Score: c.Score, CheckWorthy: c.CheckWorthy,
		Type: c.Type, Manual: c.Manual, State: c.State, Version: c.Version,
	})
}

func orEmpty[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// ArticleByID returns one article with its body.
//
// An article is kept while nothing changes (generation.go), as its page's
// matches are; each caller gets its own copy.
func (db *DB) ArticleByID(ctx context.Context, id int64) (*domain.Article, error) {
	return cached(ctx, db, db.articles, id, func() (*domain.Article, error) {
		tx, err := db.beginRead(ctx)
		if err != nil {
			return nil, err
		}
		defer tx.Rollback()
		return findArticleByID(ctx, tx, id)
	}, func(a *domain.Article) *domain.Article { c := *a; return &c })
}

// ArticleIDByURLKey returns the article stored under a normalised URL, so
// that a web address already added need not be fetched again; 0 when none.
func (db *DB) ArticleIDByURLKey(ctx context.Context, urlKey string) (int64, error) {
	tx, err := db.beginRead(ctx)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	var id int64
	err = tx.QueryRowContext(ctx, `SELECT id FROM articles WHERE url_key = ?`, urlKey).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return id, err
}

// ArticleFilter selects articles for the list, newest first. Before is a
// keyset cursor: articles added strictly before (BeforeCreated, BeforeID).
type ArticleFilter struct {
	Outlet        string // exact outlet
	AddedBy       int64  // who added them
	Query         string // words in the headline
	BeforeCreated time.Time
	BeforeID      int64
	Limit         int // default 50, at most 200
}

// ListArticles returns one page of articles (without bodies) with counts of
// their claims, newest first, keyset-paginated by (created_at, id).
func (db *DB) ListArticles(ctx context.Context, f ArticleFilter) ([]*domain.ArticleSummary, error) {
	var where []string
	var args []any
	if f.Outlet != "" {
		where, args = append(where, `a.outlet = ?`), append(args, f.Outlet)
	}
	if f.AddedBy != 0 {
		where, args = append(where, `a.added_by = ?`), append(args, f.AddedBy)
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		where, args = append(where, `a.title LIKE ? ESCAPE '\'`), append(args, "%"+strings.TrimSuffix(likePrefix(q), "%")+"%")
	}
	if !f.BeforeCreated.IsZero() {
		where, args = append(where, `(a.created_at, a.id) < (?, ?)`), append(args, formatTime(f.BeforeCreated), f.BeforeID)
	}
	if f.Limit <= 0 || f.Limit > 200 {
		f.Limit = 50
	}
	page := `SELECT a.id, a.title, a.outlet, a.author, a.url, a.url_key, a.published_at, a.fingerprint, a.origin,
		a.added_by, a.created_at, a.updated_at, a.scorer_version FROM articles a`
	if len(where) > 0 {
		page += ` WHERE ` + strings.Join(where, ` AND `)
	}
	page += ` ORDER BY a.created_at DESC, a.id DESC LIMIT ?`
	args = append(args, f.Limit)
	// Counting claims only for the page keeps the cost independent of how
	// many articles there are.
	q := `WITH a AS (` + page + `)
		SELECT ` + articleColumns + `,
			coalesce(sum(c.state = 'candidate'), 0),
			coalesce(sum(c.state = 'candidate' AND c.checkworthy), 0),
			coalesce(sum(c.state NOT IN ('candidate', 'dismissed')), 0),
			coalesce(sum(c.state = 'dismissed'), 0)
		FROM a LEFT JOIN users u ON u.id = a.added_by LEFT JOIN claims c ON c.article_id = a.id
		GROUP BY a.id ORDER BY a.created_at DESC, a.id DESC`

	tx, err := db.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	return queryAll(ctx, tx, func(row scanner) (*domain.ArticleSummary, error) {
		var s domain.ArticleSummary
		var err error
		s.Article, err = scanArticle(row, &s.Candidates, &s.CheckWorthy, &s.Accepted, &s.Dismissed)
		return &s, err
	}, q, args...)
}

// UpdateArticle changes an article's metadata (title, outlet, author, URL and
// publication date) and records "article.updated" with before and after.
// a.URLKey must match a.URL; another article with that URL is a
// *DuplicateArticleError. a.UpdatedAt, when set, is when the details were
// last changed as the person's page showed them: a change made since is
// refused (domain.CheckArticleSeen).
func (db *DB) UpdateArticle(ctx context.Context, a *domain.Article) (*domain.Article, error) {
	tx, err := db.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	cur, err := findArticleByID(ctx, tx, a.ID)
	if err != nil {
		return nil, err
	}
	var by *domain.User
	if tx.actor.UserID != 0 {
		if by, err = actingUser(ctx, tx); err != nil {
			return nil, err
		}
	}
	var published bool
	if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM claims WHERE article_id = ? AND state = 'approved')
		OR EXISTS (SELECT 1 FROM claim_appearances WHERE article_id = ? AND applied_at IS NOT NULL AND removed_at IS NULL)`, a.ID, a.ID).Scan(&published); err != nil {
		return nil, err
	}
	if err := domain.CanEditArticleDetails(by, published); err != nil {
		return nil, err
	}
	if err := domain.CheckArticleSeen(cur, a.UpdatedAt); err != nil {
		return nil, err
	}
	next := *cur
	next.Title, next.Outlet, next.Author, next.URL, next.URLKey, next.PublishedAt = a.Title, a.Outlet, a.Author, a.URL, a.URLKey, a.PublishedAt
	if err := next.Check(); err != nil {
		return nil, err
	}
	before, after := stateOfArticle(cur), stateOfArticle(&next)
	if before == after {
		return cur, nil
	}
	if dup, err := findDuplicate(ctx, tx, next.URLKey, "", next.ID); err != nil {
		return nil, err
	} else if dup != nil {
		return nil, dup
	}
	next.UpdatedAt = tx.now
	if _, err := tx.ExecContext(ctx, `UPDATE articles SET title = ?, outlet = ?, author = ?, url = ?, url_key = ?,
		published_at = ?, updated_at = ? WHERE id = ?`, next.Title, next.Outlet, next.Author, next.URL,
		nullString(next.URLKey), nullTime(next.PublishedAt), formatTime(tx.now), next.ID); err != nil {
		return nil, mapError(err, "Another article already has that web address.")
	}
	if err := tx.audit(ctx, "article.updated", "article", next.ID, before, after); err != nil {
		return nil, err
	}
	return &next, tx.Commit()
}

// ArticleClaims returns every claim of an article in document order.
//
// They are kept while nothing changes (generation.go); each caller gets its
// own copy.
func (db *DB) ArticleClaims(ctx context.Context, articleID int64) ([]*domain.Claim, error) {
	return cached(ctx, db, db.articleClaims, articleID, func() ([]*domain.Claim, error) {
		tx, err := db.beginRead(ctx)
		if err != nil {
			return nil, err
		}
		defer tx.Rollback()
		return queryAll(ctx, tx, scanClaim, `SELECT `+claimColumns+` FROM claims c WHERE c.article_id = ?
		ORDER BY c.start_offset, c.id`, articleID)
	}, copyClaims)
}

// copyClaims copies claims down to their lists, for one caller.
func copyClaims(list []*domain.Claim) []*domain.Claim {
	if list == nil {
		return nil
	}
	out := make([]*domain.Claim, len(list))
	for i, c := range list {
		claim := *c
		claim.Figures, claim.Reasons = slices.Clone(c.Figures), slices.Clone(c.Reasons)
		out[i] = &claim
	}
	return out
}

// Limits on what reviewers type while triaging.
const maxQuote = 5000

// AcceptClaim moves a candidate into the queue, recording "claim.accepted".
// reworded, when not empty, becomes the claim's stand-alone wording; the
// original sentence and its offsets are kept. expectVersion, when not zero,
// refuses the change if someone else changed the claim since it was shown.
func (db *DB) AcceptClaim(ctx context.Context, claimID int64, reworded string, expectVersion int64) (*domain.Claim, error) {
	if _, err := domain.CheckRewording(reworded); err != nil {
		return nil, err
	}
	return db.triageClaim(ctx, claimID, func(tx *Tx, c *domain.Claim) error {
		return acceptClaim(ctx, tx, c, reworded, expectVersion)
	})
}

// triageClaim loads a claim, decides on it with decide and commits, in one
// write transaction.
func (db *DB) triageClaim(ctx context.Context, claimID int64, decide func(*Tx, *domain.Claim) error) (*domain.Claim, error) {
	tx, err := db.beginShared(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	c, err := findClaimByID(ctx, tx, claimID)
	if err != nil {
		return nil, err
	}
	if err := decide(tx, c); err != nil {
		return nil, err
	}
	return c, tx.Commit()
}

func acceptClaim(ctx context.Context, tx *Tx, c *domain.Claim, reworded string, expectVersion int64) error {
	ch, err := domain.Accept(c, reworded, tx.now)
	if err != nil {
		return err
	}
	if err := checkSeen(c, expectVersion); err != nil {
		return err
	}
	return applyChange(ctx, tx, c, ch)
}

// DismissClaim triages a candidate out with a checked reason and note
// (domain.NewDismissal), recording "claim.dismissed".
func (db *DB) DismissClaim(ctx context.Context, claimID int64, d domain.Dismissal) (*domain.Claim, error) {
	return db.triageClaim(ctx, claimID, func(tx *Tx, c *domain.Claim) error {
		return dismissClaim(ctx, tx, c, d)
	})
}

func dismissClaim(ctx context.Context, tx *Tx, c *domain.Claim, d domain.Dismissal) error {
	ch, err := domain.Dismiss(c, d, tx.now)
	if err != nil {
		return err
	}
	return applyChange(ctx, tx, c, ch)
}

// AddManualClaim adds a claim the extractor missed as a candidate, recording
// "claim.created". With end > start, body[start:end] is the passage (the
// offsets must fall inside the body on character boundaries) and text, if
// given, its wording. Otherwise text is a quote to find in the body, white
// space ignored, as a reviewer's selection or paste gives it.
func (db *DB) AddManualClaim(ctx context.Context, articleID int64, text string, start, end int) (*domain.Claim, error) {
	text = strings.Join(strings.Fields(text), " ")
	if utf8.RuneCountInString(text) > maxQuote {
		return nil, domain.FieldError("quote", "Select a shorter passage: at most 5000 characters.")
	}
	if end <= start && text == "" {
		return nil, domain.FieldError("quote", "Select the claim in the article text, or paste it here.")
	}
	// Scored like the article's own candidates: by the newsroom's scorer in use.
	_, scorer, err := db.CurrentScorer(ctx)
	if err != nil {
		return nil, err
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	a, err := findArticleByID(ctx, tx, articleID)
	if err != nil {
		return nil, err
	}
	if end > start {
		if start < 0 || end > len(a.Body) || !utf8.RuneStart(a.Body[start]) || (end < len(a.Body) && !utf8.RuneStart(a.Body[end])) {
			return nil, domain.FieldError("quote", "That selection is not inside the article text. Select the passage again.")
		}
	} else if start, end = locateQuote(a.Body, text); start < 0 {
		return nil, domain.FieldError("quote", "We could not find that passage in the article. Select it in the text, or paste it exactly as it appears.")
	}
	if strings.TrimSpace(a.Body[start:end]) == "" {
		return nil, domain.FieldError("quote", "Select some words of the article, not just space.")
	}
	if singleWord(a.Body[start:end]) {
		return nil, domain.FieldError("quote", "Select the whole claim: a single word is not one.")
	}
	// A second click, or a passage already found, is the claim already there,
	// even if this selection left out its full stop or took a space more.
	type span struct {
		id         int64
		start, end int
	}
	overlapping, err := queryAll(ctx, tx, func(row scanner) (span, error) {
		var sp span
		return sp, row.Scan(&sp.id, &sp.start, &sp.end)
	}, `SELECT id, start_offset, end_offset FROM claims WHERE article_id = ? AND start_offset < ? AND end_offset > ? ORDER BY id`, a.ID, end, start)
	if err != nil {
		return nil, err
	}
	bare := func(s string) string {
		return strings.TrimFunc(s, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsPunct(r) })
	}
	for _, sp := range overlapping {
		if sp.end <= len(a.Body) && bare(a.Body[sp.start:sp.end]) == bare(a.Body[start:end]) {
			return nil, &ExistingClaimError{ID: sp.id}
		}
	}
	c := triage.ManualWith(scorer, a.Body, start, end, text)
	c.ArticleID = a.ID
	if err := insertClaim(ctx, tx, c); err != nil {
		return nil, err
	}
	return c, tx.Commit()
}

// locateQuote finds quote in body treating every run of white space as one
// space (a browser selection flattens line breaks), and returns its byte
// offsets in body, or -1, -1.
func locateQuote(body, quote string) (int, int) {
	if quote == "" {
		return -1, -1
	}
	if i := strings.Index(body, quote); i >= 0 {
		return i, i + len(quote)
	}
	flat := make([]byte, 0, len(body))
	at := make([]int, 0, len(body)) // at[i] is the body offset of flat[i]
	space := false
	for i := 0; i < len(body); i++ {
		b := body[i]
		if b == ' ' || b == '\n' || b == '\t' || b == '\r' {
			if !space {
				flat, at = append(flat, ' '), append(at, i)
			}
			space = true
			continue
		}
		space = false
		flat, at = append(flat, b), append(at, i)
	}
	i := strings.Index(string(flat), quote)
	if i < 0 {
		return -1, -1
	}
	return at[i], at[i+len(quote)-1] + 1
}

// BulkResult reports a bulk triage: the claims changed and those that could
// not be, each with its reason.
type BulkResult struct {
	Changed []*domain.Claim
	Failed  []BulkFailure
}

// BulkFailure is one claim a bulk action left alone, and why (a domain error).
type BulkFailure struct {
	ClaimID int64
	Err     error
}

// AcceptClaims accepts several candidates of one article into the queue in
// one transaction, one "claim.accepted" event each. Claims that cannot be
// accepted (not in this article, already triaged) are reported in Failed and
// do not stop the others.
func (db *DB) AcceptClaims(ctx context.Context, articleID int64, ids []int64) (*BulkResult, error) {
	return db.bulkTriage(ctx, articleID, ids, func(ctx context.Context, tx *Tx, c *domain.Claim) error {
		return acceptClaim(ctx, tx, c, "", 0)
	})
}

// DismissClaims dismisses several candidates of one article with one reason,
// in one transaction, one "claim.dismissed" event each; failures as for
// AcceptClaims.
func (db *DB) DismissClaims(ctx context.Context, articleID int64, ids []int64, d domain.Dismissal) (*BulkResult, error) {
	if d.Reason.Label() == "" {
		return nil, domain.FieldError("reason_code", "Choose why these claims are being dismissed.")
	}
	return db.bulkTriage(ctx, articleID, ids, func(ctx context.Context, tx *Tx, c *domain.Claim) error {
		return dismissClaim(ctx, tx, c, d)
	})
}

func (db *DB) bulkTriage(ctx context.Context, articleID int64, ids []int64, act func(context.Context, *Tx, *domain.Claim) error) (*BulkResult, error) {
	ids = slices.Compact(slices.Sorted(slices.Values(ids)))
	if len(ids) == 0 {
		return nil, domain.FieldError("ids", "Tick at least one claim first.")
	}
	if len(ids) > maxBulkClaims {
		return nil, errTooManyClaims
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	res := &BulkResult{}
	for _, id := range ids {
		c, err := findClaimByID(ctx, tx, id)
		if err == nil && c.ArticleID != articleID {
			err = domain.Errorf(domain.ENOTFOUND, "There is no such claim in this article.")
		}
		if err == nil {
			err = act(ctx, tx, c)
		}
		switch domain.ErrorCode(err) {
		case "":
			res.Changed = append(res.Changed, c)
		case domain.EINTERNAL:
			return nil, err
		default:
			// Refused before anything was written for this claim.
			res.Failed = append(res.Failed, BulkFailure{ClaimID: id, Err: err})
		}
	}
	return res, tx.Commit()
}

// singleWord reports a passage of one word. Scripts written without spaces
// (Chinese, Japanese, Thai and the like) put a whole sentence in one run of
// letters, so there a run of five or more of their characters is not one word.
func singleWord(passage string) bool {
	if len(strings.Fields(passage)) > 1 {
		return false
	}
	unspaced := 0
	for _, r := range passage {
		if unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Thai, unicode.Lao, unicode.Khmer, unicode.Myanmar, unicode.Tibetan) {
			unspaced++
		}
	}
	return unspaced < 5
}
