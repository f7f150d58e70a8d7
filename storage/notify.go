package storage

import (
	"context"
	"database/sql"
	"errors"
	"math"
	"strings"
	"sync"
	"time"

	"claimtrail/domain"
)

// SettingNotifyWebhookURL is the chat's incoming-webhook address, set by an
// admin; empty means notifications stay in the app.
const SettingNotifyWebhookURL = domain.SettingNotifyWebhookURL

// Notifications are made from the audit log by a background worker
// (NotifyFromAudit, NotifyOverdue): they are each person's own inbox, not a
// change to the newsroom's record, so they write no audit events, and
// neither do marking them read or a chat message's delivery attempts
// (WebhookTried). A person's choice of events (SetNotificationPrefs) and
// the admin's webhook address (SetSettings) are changes, one event each;
// see docs/architecture.md.

// NotificationPrefs returns which events reach the user.
func (db *DB) NotificationPrefs(ctx context.Context, userID int64) (map[domain.NotificationEvent]bool, error) {
	tx, err := db.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	return notificationPrefs(ctx, tx, userID)
}

func notificationPrefs(ctx context.Context, tx *Tx, userID int64) (map[domain.NotificationEvent]bool, error) {
	out := map[domain.NotificationEvent]bool{}
	for _, e := range domain.NotificationEvents {
		out[e] = true
	}
	rows, err := tx.QueryContext(ctx, `SELECT event, enabled FROM notification_prefs WHERE user_id = ?`, userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var e domain.NotificationEvent
		var on bool
		if err := rows.Scan(&e, &on); err != nil {
			return nil, err
		}
		out[e] = on
	}
	return out, rows.Err()
}

// SetNotificationPrefs records which events reach the user; events not
// named in on are turned off.
func (db *DB) SetNotificationPrefs(ctx context.Context, userID int64, on map[domain.NotificationEvent]bool) error {
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	before, err := notificationPrefs(ctx, tx, userID)
	if err != nil {
		return err
	}
	var role domain.Role
	if err := tx.QueryRowContext(ctx, `SELECT role FROM users WHERE id = ?`, userID).Scan(&role); err != nil {
		return err
	}
	ch := domain.ChangeNotificationPrefs(userID, role, before, on)
	if ch.Event.Action == "" {
		return nil // nothing changed, so nothing is written or recorded
	}
	for _, e := range domain.NotificationEvents {
		if _, err := tx.ExecContext(ctx, `INSERT INTO notification_prefs (user_id, event, enabled) VALUES (?, ?, ?)
			ON CONFLICT (user_id, event) DO UPDATE SET enabled = excluded.enabled`, userID, e, ch.Set[e]); err != nil {
			return err
		}
	}
	if err := tx.record(ctx, ch.Event); err != nil {
		return err
	}
	return tx.Commit()
}

// Notifications returns the user's latest notifications, newest first.
func (db *DB) Notifications(ctx context.Context, userID int64, limit int) ([]*domain.Notification, error) {
	tx, err := db.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	return queryAll(ctx, tx, func(row scanner) (*domain.Notification, error) {
		var n domain.Notification
		var created string
		var read sql.NullString
		var claimID sql.NullInt64
		if err := row.Scan(&n.ID, &n.UserID, &n.Event, &claimID, &n.Body, &created, &read); err != nil {
			return nil, err
		}
		n.ClaimID = claimID.Int64
		n.CreatedAt, n.ReadAt = parseTime(created), parseNullTime(read)
		return &n, nil
	}, `SELECT id, user_id, event, claim_id, body, created_at, read_at FROM notifications WHERE user_id = ? ORDER BY id DESC LIMIT ?`, userID, limit)
}

// UnreadNotifications counts the user's unread notifications.
// Every page's menu shows it, so it is kept while nothing in the database
// changes (generation.go).
func (db *DB) UnreadNotifications(ctx context.Context, userID int64) (int, error) {
	return cached(ctx, db, db.unread, userID, func() (int, error) {
		tx, err := db.beginRead(ctx)
		if err != nil {
			return 0, err
		}
		defer tx.Rollback()
		var n int
		err = tx.QueryRowContext(ctx, `SELECT count(*) FROM notifications WHERE user_id = ? AND read_at IS NULL`, userID).Scan(&n)
		return n, err
	}, func(n int) int { return n })
}

// MarkNotificationsRead marks every notification of the user read.
func (db *DB) MarkNotificationsRead(ctx context.Context, userID int64) error {
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `UPDATE notifications SET read_at = ? WHERE user_id = ? AND read_at IS NULL`, formatTime(tx.now), userID); err != nil {
		return err
	}
	return tx.Commit()
}

// NotifyFromAudit turns up to limit audit events recorded since its last
// run into notifications for the people they concern (and chat messages
// when a webhook is set), and moves its place on. It returns how many events
// it read.
//
// Everything it needs to know (the events, each claim's text and assignee,
// who may approve it, each person's choices) is read on a snapshot, without
// the writer: read inside the write, it held every change waiting behind
// it for as long as a batch took (15–40 ms for 500 events under the desk's
// load, every few seconds), and so made the slowest answers of changes
// paced at a steady rate. Only the notifications themselves and the new
// place are written, in the shared write transaction; if the place moved
// meanwhile (another notifier ran), nothing is written and nothing is told
// twice.
func (db *DB) NotifyFromAudit(ctx context.Context, limit int) (int, error) {
	rtx, err := db.beginRead(ctx)
	if err != nil {
		return 0, err
	}
	n, from, last, read, err := notificationsFromAudit(ctx, rtx, limit)
	rtx.Rollback()
	if err != nil || read == 0 {
		return 0, err
	}
	if db.notifyRead != nil {
		db.notifyRead()
	}
	tx, err := db.beginShared(ctx)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, `UPDATE notifier_state SET last_audit_id = ? WHERE id = 1 AND last_audit_id = ?`, last, from)
	if err != nil {
		return 0, err
	}
	if moved, err := res.RowsAffected(); err != nil {
		return 0, err
	} else if moved != 1 {
		return 0, nil // another notifier told them meanwhile
	}
	if err := n.write(ctx, tx); err != nil {
		return 0, err
	}
	return read, tx.Commit()
}

// notificationsFromAudit reads, on the snapshot rtx, up to limit audit
// events after the notifier's place and makes their notifications (not yet
// written). from is the place it started at, last the place after them.
func notificationsFromAudit(ctx context.Context, rtx *Tx, limit int) (n *notifier, from, last int64, read int, err error) {
	if err := rtx.QueryRowContext(ctx, `SELECT last_audit_id FROM notifier_state WHERE id = 1`).Scan(&from); err != nil {
		return nil, 0, 0, 0, err
	}
	type event struct {
		id, actorID, claimID, userID int64
		action                       string
	}
	events, err := queryAll(ctx, rtx, func(row scanner) (event, error) {
		var e event
		err := row.Scan(&e.id, &e.actorID, &e.action, &e.claimID, &e.userID)
		return e, err
	}, `SELECT id, coalesce(actor_id, 0), action, CASE WHEN entity = 'claim' THEN entity_id ELSE 0 END,
		CASE WHEN entity = 'user' THEN entity_id ELSE 0 END
		FROM audit_events WHERE id > ? ORDER BY id LIMIT ?`, from, limit)
	if err != nil {
		return nil, 0, 0, 0, err
	}
	n = newNotifier(rtx)
	last = from
	for _, e := range events {
		last = e.id
		kind, ok := domain.NotificationEventOf(e.action)
		if ok && kind == domain.NotifyByline && e.userID != 0 && e.userID != e.actorID {
			// The byline asked for is in the event itself: the owner may
			// have asked for another since.
			var byline, editor string
			if err := rtx.QueryRowContext(ctx, `SELECT coalesce(json_extract(a.after_json, '$.public_name'), json_extract(a.before_json, '$.public_name_requested'), ''),
				coalesce((SELECT name FROM users WHERE id = ?), 'An editor') FROM audit_events a WHERE a.id = ?`, e.actorID, e.id).Scan(&byline, &editor); err != nil {
				return nil, 0, 0, 0, err
			}
			body := domain.BylineNotificationBody(e.action == "user.public_name_approved", byline, editor)
			if err := n.notify(ctx, e.userID, kind, 0, body); err != nil {
				return nil, 0, 0, 0, err
			}
			continue
		}
		handed := domain.HandsClaimOver(e.action)
		if !ok && !handed || e.claimID == 0 {
			continue
		}
		var text, actor string
		var c domain.Claim
		var assignee sql.NullInt64
		var due sql.NullString
		var told bool
		err := rtx.QueryRowContext(ctx, `SELECT c.text, c.assignee_id, c.state, c.due_at, coalesce((SELECT name FROM users WHERE id = ?), 'Someone'),
			EXISTS (SELECT 1 FROM notifications n WHERE n.event = 'overdue' AND n.user_id = c.assignee_id AND n.claim_id = c.id)
			FROM claims c WHERE c.id = ?`, e.actorID, e.claimID).Scan(&text, &assignee, &c.State, &due, &actor, &told)
		if errors.Is(err, sql.ErrNoRows) {
			continue
		} else if err != nil {
			return nil, 0, 0, 0, err
		}
		c.DueAt = parseNullTime(due)
		// A claim handed to someone when already past its due date is told
		// about here: the look by due date (NotifyOverdue) passed it by.
		if handed && assignee.Valid && !told && c.Overdue(rtx.now) {
			if err := n.notify(ctx, assignee.Int64, domain.NotifyOverdue, e.claimID, domain.NotificationBody(domain.NotifyOverdue, e.claimID, text, "")); err != nil {
				return nil, 0, 0, 0, err
			}
		}
		if !ok {
			continue
		}
		var to []int64
		switch kind {
		case domain.NotifyReturned, domain.NotifyAssigned:
			if assignee.Valid && assignee.Int64 != e.actorID {
				to = []int64{assignee.Int64}
			}
		case domain.NotifyWaiting:
			// Whoever the event reaches (domain.NotificationEvent.Reaches),
			// but not its workers (four eyes).
			roles := rolesReached(domain.NotifyWaiting)
			args := append(roles, e.actorID, e.claimID)
			to, err = queryAll(ctx, rtx, scanValue[int64], `SELECT id FROM users WHERE active = 1 AND role IN (`+placeholders(len(roles))+`) AND id != ?
				AND id NOT IN (SELECT user_id FROM claim_workers WHERE claim_id = ?) ORDER BY id`, args...)
			if err != nil {
				return nil, 0, 0, 0, err
			}
		}
		body := domain.NotificationBody(kind, e.claimID, text, actor)
		for _, uid := range to {
			if err := n.notify(ctx, uid, kind, e.claimID, body); err != nil {
				return nil, 0, 0, 0, err
			}
		}
	}
	return n, from, last, len(events), nil
}

// rolesReached lists, as query arguments, the roles whose people can
// receive e: the domain's rule, not a copy of it in SQL.
func rolesReached(e domain.NotificationEvent) []any {
	var out []any
	for _, r := range domain.Roles {
		if e.Reaches(r) {
			out = append(out, string(r))
		}
	}
	return out
}

// overdueBatch is how many claims one look at due dates reads at a time.
const overdueBatch = 500

// overduePlace is how far the notifier has looked through the claims' due
// dates: every open claim due up to (due, id), in that order, was looked at.
type overduePlace struct {
	mu      sync.Mutex
	known   bool   // read from notifier_state (or moved on since)
	due     string // "": never looked
	id      int64
	unsaved int // claims looked at since the place was last written
	looked  int // claims looked at in all (tests)
}

// NotifyOverdue tells each assignee, once, about their claims that are
// overdue at now (domain.Claim.OverdueFrom). It reads only the claims that
// came due since its last look, from its place in the due dates (kept in
// notifier_state, so a restart goes on from there): the claims already
// overdue and told (tens of thousands in a large newsroom) are not read
// again every minute. A claim handed to someone when already overdue has
// its notice from the notifier's pass over the audit log
// (notificationsFromAudit), which sees every such change. The claims are
// read on a snapshot, so the writer is not held while they are, nor taken
// in a minute with nothing to tell; each is checked again inside the write.
func (db *DB) NotifyOverdue(ctx context.Context, now time.Time) (int, error) {
	p := &db.overdue
	p.mu.Lock()
	defer p.mu.Unlock()
	told := 0
	for {
		n, more, err := db.notifyOverdueBatch(ctx, now, p)
		told += n
		if err != nil || !more {
			return told, err
		}
	}
}

// notifyOverdueBatch looks at up to overdueBatch claims past the place p
// and tells those overdue; more: there may be others. p.mu is held.
func (db *DB) notifyOverdueBatch(ctx context.Context, now time.Time, p *overduePlace) (told int, more bool, err error) {
	rtx, err := db.beginRead(ctx)
	if err != nil {
		return 0, false, err
	}
	if !p.known {
		var due sql.NullString
		if err := rtx.QueryRowContext(ctx, `SELECT overdue_due, overdue_id FROM notifier_state WHERE id = 1`).Scan(&due, &p.id); err != nil {
			rtx.Rollback()
			return 0, false, err
		}
		p.due, p.known = due.String, true
	}
	type due struct {
		claimID, assignee int64
		text              string
	}
	var claims []due
	by := formatTime(domain.OverdueDueBy(now))
	rows, err := rtx.QueryContext(ctx, `SELECT c.id, c.due_at, coalesce(c.assignee_id, 0),
		CASE WHEN c.assignee_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM notifications n WHERE n.event = 'overdue' AND n.user_id = c.assignee_id AND n.claim_id = c.id) THEN c.text END
		FROM claims c INDEXED BY claims_open_due -- in due order from the place, whatever the statistics say
		WHERE c.state IN ('queued', 'in_review', 'submitted') AND c.due_at IS NOT NULL AND c.due_at <= ?
		AND c.due_at >= ? AND (c.due_at > ? OR c.id > ?)
		ORDER BY c.due_at, c.id LIMIT ?`, by, p.due, p.due, p.id, overdueBatch)
	if err != nil {
		rtx.Rollback()
		return 0, false, err
	}
	placeDue, placeID, read := p.due, p.id, 0
	for rows.Next() {
		var d due
		var text sql.NullString
		if err := rows.Scan(&d.claimID, &placeDue, &d.assignee, &text); err != nil {
			rows.Close()
			rtx.Rollback()
			return 0, false, err
		}
		placeID = d.claimID
		read++
		if text.Valid {
			d.text = text.String
			claims = append(claims, d)
		}
	}
	rows.Close()
	err = rows.Err()
	rtx.Rollback()
	if err != nil {
		return 0, false, err
	}
	more = read == overdueBatch
	if !more {
		// Every claim due by now was looked at; one coming due later is
		// after by.
		placeDue, placeID = max(placeDue, by), math.MaxInt64
	}
	p.unsaved += read
	p.looked += read
	if len(claims) == 0 && p.unsaved < overdueBatch {
		// Nothing to tell: the place moves on in memory only, so a quiet
		// minute writes nothing (a write starts every kept read afresh); a
		// restart looks again at the few claims since the place written.
		p.due, p.id = placeDue, placeID
		return 0, more, nil
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return 0, false, err
	}
	defer tx.Rollback()
	n := newNotifier(tx)
	for _, d := range claims {
		var still bool
		if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM claims c
			WHERE c.id = ? AND c.assignee_id = ? AND c.due_at IS NOT NULL AND c.due_at <= ? AND c.state IN ('queued', 'in_review', 'submitted')
			AND NOT EXISTS (SELECT 1 FROM notifications n WHERE n.event = 'overdue' AND n.user_id = c.assignee_id AND n.claim_id = c.id))`,
			d.claimID, d.assignee, by).Scan(&still); err != nil {
			return 0, false, err
		}
		if !still {
			continue // taken back, done or told since the snapshot
		}
		if err := n.notify(ctx, d.assignee, domain.NotifyOverdue, d.claimID, domain.NotificationBody(domain.NotifyOverdue, d.claimID, d.text, "")); err != nil {
			return 0, false, err
		}
		told++
	}
	if err := n.write(ctx, tx); err != nil {
		return 0, false, err
	}
	// The place only moves forward, whoever wrote it last.
	if _, err := tx.ExecContext(ctx, `UPDATE notifier_state SET overdue_due = ?, overdue_id = ?
		WHERE id = 1 AND (overdue_due IS NULL OR overdue_due < ? OR overdue_due = ? AND overdue_id < ?)`,
		placeDue, placeID, placeDue, placeDue, placeID); err != nil {
		return 0, false, err
	}
	if err := tx.Commit(); err != nil {
		return 0, false, err
	}
	p.due, p.id, p.unsaved = placeDue, placeID, 0
	return told, more, nil
}

// notifier makes notifications, reading each person's choices and the
// webhook's address once for all the events it goes through (a submit
// notifies every editor, each of whom would otherwise be looked up again
// for every claim). It reads through tx and keeps what it made until write.
type notifier struct {
	tx     *Tx
	people map[int64]*recipient
	hook   *string
	notes  []note
}

type recipient struct {
	active bool
	name   string
	prefs  map[domain.NotificationEvent]bool
}

// note is a notification made, not yet written.
type note struct {
	userID  int64
	kind    domain.NotificationEvent
	claimID int64
	body    string
	chat    string // its chat message; "" when no webhook is set
}

func newNotifier(tx *Tx) *notifier { return &notifier{tx: tx, people: map[int64]*recipient{}} }

// notify makes one notification if the person wants that event, and its
// chat message when a webhook is set.
func (n *notifier) notify(ctx context.Context, userID int64, kind domain.NotificationEvent, claimID int64, body string) error {
	tx := n.tx
	p := n.people[userID]
	if p == nil {
		prefs, err := notificationPrefs(ctx, tx, userID)
		if err != nil {
			return err
		}
		p = &recipient{prefs: prefs}
		if err := tx.QueryRowContext(ctx, `SELECT active, name FROM users WHERE id = ?`, userID).Scan(&p.active, &p.name); err != nil {
			return err
		}
		n.people[userID] = p
	}
	if !p.active || !p.prefs[kind] {
		return nil
	}
	if n.hook == nil {
		var hook string
		if err := tx.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = ?`, SettingNotifyWebhookURL).Scan(&hook); err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		hook = strings.TrimSpace(hook)
		n.hook = &hook
	}
	nt := note{userID: userID, kind: kind, claimID: claimID, body: body}
	if *n.hook != "" {
		nt.chat = "For " + p.name + ": " + body
	}
	n.notes = append(n.notes, nt)
	return nil
}

// write adds the notifications made so far, and their chat messages, in
// the write transaction tx.
func (n *notifier) write(ctx context.Context, tx *Tx) error {
	for _, nt := range n.notes {
		res, err := tx.ExecContext(ctx, `INSERT INTO notifications (user_id, event, claim_id, body, created_at) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT DO NOTHING`, nt.userID, nt.kind, sql.NullInt64{Int64: nt.claimID, Valid: nt.claimID != 0}, nt.body, formatTime(tx.now))
		if err != nil {
			return err
		}
		// An overdue notice is written once: one already there (told by
		// the look by due date and the audit log's pass alike) sends no
		// second chat message.
		if added, err := res.RowsAffected(); err != nil {
			return err
		} else if nt.chat == "" || added == 0 {
			continue
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO webhook_outbox (text, next_at) VALUES (?, ?)`, nt.chat, formatTime(tx.now)); err != nil {
			return err
		}
	}
	n.notes = nil
	return nil
}

// WebhookMessage is one chat message waiting to be delivered.
type WebhookMessage struct {
	ID       int64
	Text     string
	Attempts int
}

// DueWebhookMessages returns up to limit messages due for a delivery
// attempt at now, with the webhook's address ("" when none is set).
func (db *DB) DueWebhookMessages(ctx context.Context, now time.Time, limit int) ([]WebhookMessage, string, error) {
	tx, err := db.beginRead(ctx)
	if err != nil {
		return nil, "", err
	}
	defer tx.Rollback()
	hook, _, err := db.readSetting(ctx, tx, SettingNotifyWebhookURL)
	if err != nil {
		return nil, "", err
	}
	msgs, err := queryAll(ctx, tx, func(row scanner) (WebhookMessage, error) {
		var m WebhookMessage
		err := row.Scan(&m.ID, &m.Text, &m.Attempts)
		return m, err
	}, `SELECT id, text, attempts FROM webhook_outbox WHERE delivered_at IS NULL AND gave_up_at IS NULL AND next_at <= ? ORDER BY id LIMIT ?`,
		formatTime(now), limit)
	return msgs, strings.TrimSpace(hook), err
}

// WebhookAttempts is how many times a message is tried before it is given up.
const WebhookAttempts = 5

// WebhookTried records a delivery attempt: delivered when failure is "",
// otherwise tried again after a growing wait, and given up after
// WebhookAttempts tries.
func (db *DB) WebhookTried(ctx context.Context, id int64, failure string, now time.Time) error {
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var attempts int
	if err := tx.QueryRowContext(ctx, `SELECT attempts FROM webhook_outbox WHERE id = ?`, id).Scan(&attempts); err != nil {
		return err
	}
	attempts++
	switch {
	case failure == "":
		_, err = tx.ExecContext(ctx, `UPDATE webhook_outbox SET attempts = ?, delivered_at = ?, last_error = '' WHERE id = ?`, attempts, formatTime(now), id)
	case attempts >= WebhookAttempts:
		_, err = tx.ExecContext(ctx, `UPDATE webhook_outbox SET attempts = ?, gave_up_at = ?, last_error = ? WHERE id = ?`, attempts, formatTime(now), failure, id)
	default:
		wait := time.Duration(attempts*attempts) * 5 * time.Second
		_, err = tx.ExecContext(ctx, `UPDATE webhook_outbox SET attempts = ?, next_at = ?, last_error = ? WHERE id = ?`, attempts, formatTime(now.Add(wait)), failure, id)
	}
	if err != nil {
		return err
	}
	return tx.Commit()
}
