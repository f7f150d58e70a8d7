package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"claimtrail/domain"
)

// The queue: accepted claims waiting for a reviewer, and the editors' tools
// for ordering and handing them out.

const queueItemColumns = claimColumns + `, a.title, a.outlet, coalesce(u.name, ''), c.queued_at, c.queue_key`

// CROSS JOIN keeps claims as the outer loop (SQLite never reorders it), so a
// filtered page still walks the queue index in order and stops at the limit
// rather than collecting every claim of an outlet and sorting them.
const queueItemFrom = ` FROM claims c CROSS JOIN articles a ON a.id = c.article_id LEFT JOIN users u ON u.id = c.assignee_id`

func scanQueueItem(row scanner) (*domain.QueueItem, error) {
	var it domain.QueueItem
	var c domain.Claim
	var figures, reasons, created, updated string
	var due, queued sql.NullString
	err := row.Scan(&c.ID, &c.ArticleID, &c.Sentence, &c.Start, &c.End, &c.Text, &c.Score, &c.CheckWorthy, &c.Type,
		&figures, &c.Claimant, &reasons, &c.Manual, &c.State, &c.Priority, &c.AssigneeID, &due,
		&c.DismissReason, &c.DismissCode, &c.Version, &created, &updated,
		&it.ArticleTitle, &it.Outlet, &it.AssigneeName, &queued, &it.Key)
	if err != nil {
		return nil, err
	}
	// Lists are read by the API too, so the claim comes out whole.
	if err := decodeClaimLists(&c, figures, reasons); err != nil {
		return nil, err
	}
	c.DueAt, c.CreatedAt, c.UpdatedAt = parseNullTime(due), parseTime(created), parseTime(updated)
	it.Claim, it.QueuedAt = &c, parseNullTime(queued)
	return &it, nil
}

func queryQueueItems(ctx context.Context, tx *Tx, q string, args ...any) ([]*domain.QueueItem, error) {
	return queryAll(ctx, tx, scanQueueItem, q, args...)
}

// ListQueue returns one page of claims in queue order (priority, score, age)
// and the cursor of the next page ("" on the last page). The order is one
// indexed key per state, so a deep page costs about the same as the first;
// several states are read one index range each and merged here.
func (db *DB) ListQueue(ctx context.Context, f domain.QueueFilter) ([]*domain.QueueItem, string, error) {
	if err := f.Check(); err != nil {
		return nil, "", err
	}
	var where []string
	var args []any
	if f.Type != "" {
		where, args = append(where, `c.type = ?`), append(args, f.Type)
	}
	if f.Unassigned {
		where = append(where, `c.assignee_id IS NULL`)
	} else if f.AssigneeID != 0 {
		where, args = append(where, `c.assignee_id = ?`), append(args, f.AssigneeID)
	}
	if f.Outlet != "" {
		where, args = append(where, `a.outlet = ?`), append(args, f.Outlet)
	}
	if !f.Since.IsZero() {
		where, args = append(where, `c.queued_at >= ?`), append(args, formatTime(f.Since))
	}
	if !f.Until.IsZero() {
		where, args = append(where, `c.queued_at < ?`), append(args, formatTime(f.Until))
	}
	if f.Cursor != "" {
		where, args = append(where, `c.queue_key > ?`), append(args, f.Cursor)
	}
	q := `SELECT ` + queueItemColumns + queueItemFrom + ` WHERE ` + strings.Join(append([]string{`c.state = ?`}, where...), ` AND `) +
		` ORDER BY c.queue_key LIMIT ?`

	page, err := cached(ctx, db, db.queuePages, queueKey(f), func() (queuePage, error) {
		items, next, err := db.listQueue(ctx, f, q, args)
		return queuePage{items, next}, err
	}, func(p queuePage) queuePage { return queuePage{copyQueueItems(p.items), p.next} })
	return page.items, page.next, err
}

// queuePage is one page of the queue as ListQueue keeps it.
type queuePage struct {
	items []*domain.QueueItem
	next  string
}

// queueKey names a checked filter: every field, in a fixed order.
func queueKey(f domain.QueueFilter) string {
	return fmt.Sprintf("%q|%q|%d|%t|%q|%d|%d|%q|%d", f.States, f.Type, f.AssigneeID, f.Unassigned, f.Outlet,
		f.Since.UnixMicro(), f.Until.UnixMicro(), f.Cursor, f.Limit)
}

func (db *DB) listQueue(ctx context.Context, f domain.QueueFilter, q string, args []any) ([]*domain.QueueItem, string, error) {
	tx, err := db.beginRead(ctx)
	if err != nil {
		return nil, "", err
	}
	defer tx.Rollback()
	var items []*domain.QueueItem
	for _, s := range f.States {
		page, err := queryQueueItems(ctx, tx, q, append(append([]any{s}, args...), f.Limit+1)...)
		if err != nil {
			return nil, "", err
		}
		items = append(items, page...)
	}
	if len(f.States) > 1 {
		slices.SortFunc(items, func(a, b *domain.QueueItem) int { return strings.Compare(a.Key, b.Key) })
	}
	next := ""
	if len(items) > f.Limit {
		items = items[:f.Limit]
		next = items[len(items)-1].Key
	}
	return items, next, nil
}

// copyQueueItems copies items down to each claim's lists, so that callers
// of a kept page never share anything.
func copyQueueItems(items []*domain.QueueItem) []*domain.QueueItem {
	if items == nil {
		return nil
	}
	out := make([]*domain.QueueItem, len(items))
	for i, it := range items {
		out[i] = copyQueueItem(it)
	}
	return out
}

func copyQueueItem(it *domain.QueueItem) *domain.QueueItem {
	c := *it
	if it.Claim != nil {
		claim := *it.Claim
		claim.Figures, claim.Reasons = slices.Clone(claim.Figures), slices.Clone(claim.Reasons)
		c.Claim = &claim
	}
	return &c
}

// Outlets lists the outlets of articles with claims, for the queue filter.
// Every queue page shows them, so they are kept while nothing in the
// database changes (generation.go).
func (db *DB) Outlets(ctx context.Context) ([]string, error) {
	return cached(ctx, db, db.outletNames, struct{}{}, func() ([]string, error) {
		tx, err := db.beginRead(ctx)
		if err != nil {
			return nil, err
		}
		defer tx.Rollback()
		return listOutlets(ctx, tx)
	}, slices.Clone[[]string])
}

// listOutlets lists the outlets articles came from, by name, ignoring case.
// SQLite reads DISTINCT values off the outlet index, skipping ahead past
// repeats; at a million claims this was twice as fast as a hand-written skip
// scan (BenchmarkOutlets), so it stays.
func listOutlets(ctx context.Context, tx *Tx) ([]string, error) {
	return queryAll(ctx, tx, scanValue[string], `SELECT DISTINCT outlet FROM articles WHERE outlet <> '' ORDER BY outlet COLLATE NOCASE, outlet LIMIT 500`)
}

// actingUser loads the user behind the context's actor inside tx, so that
// permission decisions see their current role and whether they are active.
func actingUser(ctx context.Context, tx *Tx) (*domain.User, error) {
	if tx.actor.UserID == 0 {
		return nil, domain.Errorf(domain.EUNAUTHORIZED, "Please sign in to continue.")
	}
	u, err := findUserByID(ctx, tx, tx.actor.UserID)
	if domain.ErrorCode(err) == domain.ENOTFOUND || (err == nil && !u.Active) {
		return nil, domain.Errorf(domain.EUNAUTHORIZED, "Your account is not active. Please sign in again.")
	}
	return u, err
}

// beginAs starts a transaction with begin (db.begin or db.beginRead) and
// loads the acting user in it, refusing anyone signed out or deactivated.
func beginAs(ctx context.Context, begin func(context.Context) (*Tx, error)) (*Tx, *domain.User, error) {
	tx, err := begin(ctx)
	if err != nil {
		return nil, nil, err
	}
	u, err := actingUser(ctx, tx)
	if err != nil {
		tx.Rollback()
		return nil, nil, err
	}
	return tx, u, nil
}

// ensureVerdict makes the claim's draft verdict if it has none yet, and
// reports whether it did.
func ensureVerdict(ctx context.Context, tx *Tx, claimID int64) (bool, error) {
	res, err := tx.ExecContext(ctx, `INSERT INTO verdicts (claim_id, created_at, updated_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`,
		claimID, formatTime(tx.now), formatTime(tx.now))
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// newDraft is the verdict ensureVerdict makes, as findVerdict would read it.
func newDraft(tx *Tx, claimID int64) *domain.Verdict {
	return &domain.Verdict{ClaimID: claimID, Version: 1, UpdatedAt: parseTime(formatTime(tx.now))}
}

// TakeNext gives the caller the top unassigned queued claim. Write
// transactions run one at a time on the single writer, and the claim's
// version is checked on update, so two reviewers never get the same claim.
func (db *DB) TakeNext(ctx context.Context) (*domain.Claim, error) {
	tx, u, err := beginAs(ctx, db.beginShared)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	if !domain.CanReview(u) { // before looking, so the refusal does not depend on the queue
		_, err := domain.Take(u, &domain.Claim{}, tx.now)
		return nil, err
	}
	c, err := scanClaim(tx.QueryRowContext(ctx, `SELECT `+claimColumns+` FROM claims c
		WHERE c.state = 'queued' AND c.assignee_id IS NULL ORDER BY c.queue_key LIMIT 1`))
	if domain.ErrorCode(err) == domain.ENOTFOUND {
		return nil, domain.ErrQueueEmpty
	} else if err != nil {
		return nil, err
	}
	ch, err := domain.Take(u, c, tx.now)
	if err != nil {
		return nil, err
	}
	draftMade, err := saveChange(ctx, tx, c, ch)
	if err != nil {
		return nil, err
	}
	if wantsChanged(ctx) {
		// A claim's first take made its draft: nothing to read back.
		v := newDraft(tx, c.ID)
		if !draftMade {
			if v, err = findVerdict(ctx, tx, c.ID); err != nil {
				return nil, err
			}
		}
		if err := noteChanged(ctx, tx, c, v, nil); err != nil {
			return nil, err
		}
	}
	return c, tx.Commit()
}

// editorClaim loads a claim for an editor's change, refusing anyone else.
func editorClaim(ctx context.Context, tx *Tx, id int64) (*domain.User, *domain.Claim, error) {
	u, err := actingUser(ctx, tx)
	if err != nil {
		return nil, nil, err
	}
	if !domain.CanAssign(u) {
		return nil, nil, domain.Errorf(domain.EFORBIDDEN, "Only editors can assign claims and set their priority or due date.")
	}
	c, err := findClaimByID(ctx, tx, id)
	return u, c, err
}

// AssignClaim gives a claim to a reviewer: a queued claim goes into review
// ("claim.assigned"); a claim already in review changes hands
// ("claim.reassigned"). Editors only. seen is the claim version the editor
// was looking at (0: unchecked). It returns the person now holding the claim.
func (db *DB) AssignClaim(ctx context.Context, claimID, assigneeID, seen int64) (*domain.User, error) {
	tx, err := db.beginShared(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	assignee, err := db.assign(ctx, tx, claimID, assigneeID, seen)
	if err != nil {
		return nil, err
	}
	return assignee, tx.Commit()
}

func (db *DB) assign(ctx context.Context, tx *Tx, claimID, assigneeID, seen int64) (*domain.User, error) {
	u, c, err := editorClaim(ctx, tx, claimID)
	if err != nil {
		return nil, err
	}
	if err := checkSeen(c, seen); err != nil {
		return nil, err
	}
	if err := domain.CanAssignClaim(u, c); err != nil {
		return nil, err
	}
	assignee, err := findUserByID(ctx, tx, assigneeID)
	if domain.ErrorCode(err) == domain.ENOTFOUND {
		return nil, domain.FieldError("assignee", "Choose someone from the list.")
	} else if err != nil {
		return nil, err
	}
	ch, err := domain.Assign(u, c, assignee, tx.now)
	if err != nil {
		return nil, err
	}
	return assignee, applyChange(ctx, tx, c, ch)
}

// ClaimRef names a claim in a bulk change with the version the editor was
// looking at when they ticked it (0: unchecked).
type ClaimRef struct {
	ID   int64
	Seen int64
}

// Refs names claims without versions, for callers that do not check them.
func Refs(ids ...int64) []ClaimRef {
	refs := make([]ClaimRef, len(ids))
	for i, id := range ids {
		refs[i] = ClaimRef{ID: id}
	}
	return refs
}

// maxBulkClaims bounds one bulk change, which runs as one transaction.
const maxBulkClaims = 1000

var errTooManyClaims = domain.FieldError("ids", "Choose at most 1000 claims at a time.")

// bulkRefs checks a bulk change's claims: at least one, at most
// maxBulkClaims, each once (the first mention counts).
func bulkRefs(refs []ClaimRef) ([]ClaimRef, error) {
	if len(refs) == 0 {
		return nil, domain.FieldError("ids", "Tick at least one claim.")
	}
	seen := make(map[int64]bool, len(refs))
	out := refs[:0:0]
	for _, r := range refs {
		if !seen[r.ID] {
			seen[r.ID] = true
			out = append(out, r)
		}
	}
	if len(out) > maxBulkClaims {
		return nil, errTooManyClaims
	}
	return out, nil
}

// bulkError rewords a stale-version refusal for a list of claims: it names
// the claim, and says that nothing changed because the transaction rolls back.
func bulkError(id int64, err error) error {
	switch {
	case errors.Is(err, errStaleClaim):
		return domain.Errorf(domain.ECONFLICT, "Claim %d changed after you loaded this page, so nothing was updated. The list now shows the latest; tick the claims again.", id)
	case domain.ErrorCode(err) == domain.ENOTFOUND:
		return domain.Errorf(domain.ENOTFOUND, "There is no claim %d, so nothing was updated. Reload the page and tick the claims again.", id)
	}
	return err
}

// BulkAssign assigns several claims to one reviewer in one transaction, each
// change its own audit event. If any claim cannot be assigned, or changed
// since the editor saw it, none is.
// It returns how many claims it assigned.
func (db *DB) BulkAssign(ctx context.Context, refs []ClaimRef, assigneeID int64) (int, error) {
	refs, err := bulkRefs(refs)
	if err != nil {
		return 0, err
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	for _, ref := range refs {
		if _, err := db.assign(ctx, tx, ref.ID, assigneeID, ref.Seen); err != nil {
			return 0, bulkError(ref.ID, err)
		}
	}
	return len(refs), tx.Commit()
}

// SetClaimPriority sets the priority of one or more claims, each change its
// own "claim.prioritised" audit event. Claims already at that priority are
// left alone. Editors only. If any claim changed since the editor saw it,
// none is changed.
// It returns how many claims it changed.
func (db *DB) SetClaimPriority(ctx context.Context, refs []ClaimRef, p domain.Priority) (int, error) {
	refs, err := bulkRefs(refs)
	if err != nil {
		return 0, err
	}
	return db.prioritise(ctx, refs, p, true)
}

// PrioritiseClaim sets one claim's priority from its page; seen is the claim
// version the editor was looking at.
func (db *DB) PrioritiseClaim(ctx context.Context, claimID int64, p domain.Priority, seen int64) error {
	_, err := db.prioritise(ctx, []ClaimRef{{ID: claimID, Seen: seen}}, p, false)
	return err
}

func (db *DB) prioritise(ctx context.Context, refs []ClaimRef, p domain.Priority, bulk bool) (int, error) {
	if !p.Valid() {
		return 0, domain.FieldError("priority", "Choose a priority: urgent, high, normal or low.")
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	refused := func(id int64, err error) error {
		if bulk {
			return bulkError(id, err)
		}
		return err
	}
	changed := 0
	for _, ref := range refs {
		u, c, err := editorClaim(ctx, tx, ref.ID)
		if err != nil {
			return 0, refused(ref.ID, err)
		}
		if err := checkSeen(c, ref.Seen); err != nil {
			return 0, refused(ref.ID, err)
		}
		ch, err := domain.Prioritise(u, c, p, tx.now)
		if err != nil {
			return 0, err
		}
		if ch.Unchanged() {
			continue
		}
		if err := applyChange(ctx, tx, c, ch); err != nil {
			return 0, err
		}
		changed++
	}
	return changed, tx.Commit()
}

// SetClaimDue sets or (with the zero time) clears a claim's due date.
func (db *DB) SetClaimDue(ctx context.Context, claimID int64, due time.Time, seen int64) (*domain.Claim, error) {
	tx, err := db.beginShared(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	u, c, err := editorClaim(ctx, tx, claimID)
	if err != nil {
		return nil, err
	}
	if err := checkSeen(c, seen); err != nil {
		return nil, err
	}
	ch, err := domain.SetDue(u, c, due, tx.now)
	if err != nil {
		return nil, err
	}
	if err := applyChange(ctx, tx, c, ch); err != nil {
		return nil, err
	}
	return c, tx.Commit()
}

// ReleaseClaim puts a claim in review back in the queue, unassigned, with an
// optional comment saying why. Its draft verdict stays.
func (db *DB) ReleaseClaim(ctx context.Context, claimID int64, comment string) (*domain.Claim, error) {
	tx, u, err := beginAs(ctx, db.beginShared)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	c, err := findClaimByID(ctx, tx, claimID)
	if err != nil {
		return nil, err
	}
	ch, err := domain.Release(u, c, comment, tx.now)
	if err != nil {
		return nil, err
	}
	if err := applyChange(ctx, tx, c, ch); err != nil {
		return nil, err
	}
	return c, tx.Commit()
}

// lastDecision describes the latest approval or return of a claim, for
// telling an editor who got there first.
func lastDecision(ctx context.Context, tx *Tx, claimID int64) string {
	var action, at string
	var name sql.NullString
	err := tx.QueryRowContext(ctx, `SELECT e.action, e.at, u.name FROM audit_events e LEFT JOIN users u ON u.id = e.actor_id
		WHERE e.entity = 'claim' AND e.entity_id = ? AND e.action IN ('claim.approved', 'claim.returned', 'claim.reopened', 'claim.submitted')
		ORDER BY e.id DESC LIMIT 1`, claimID).Scan(&action, &at, &name)
	if err != nil { // no decision yet, or none readable: say nothing
		return ""
	}
	who := "Someone"
	if name.Valid {
		who = name.String
	}
	return fmt.Sprintf("%s %s this claim at %s UTC.", who, strings.TrimPrefix(action, "claim."), parseTime(at).Format("15:04"))
}
