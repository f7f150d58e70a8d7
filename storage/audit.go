package storage

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"strconv"
	"strings"

	"claimtrail/domain"
)

// genesisHash is the previous hash of the first event in the chain.
const genesisHash = "0000000000000000000000000000000000000000000000000000000000000000"

// record writes a change's one audit event inside tx.
func (tx *Tx) record(ctx context.Context, ev domain.Event) error {
	return tx.audit(ctx, ev.Action, ev.Entity, ev.EntityID, ev.Before, ev.After)
}

// audit records one change inside tx. before and after are marshalled to
// JSON; pass nil for "did not exist".
func (tx *Tx) audit(ctx context.Context, action, entity string, entityID int64, before, after any) error {
	ev := domain.AuditEvent{
		At:         tx.now,
		ActorID:    tx.actor.UserID,
		ActorLabel: tx.actor.Label,
		TokenName:  tx.actor.TokenName,
		Action:     action,
		Entity:     entity,
		EntityID:   entityID,
		RequestID:  tx.actor.RequestID,
		ClientAddr: tx.actor.ClientAddr,
	}
	if ev.ActorLabel == "" {
		ev.ActorLabel = "system"
	}
	var err error
	if ev.Before, err = marshalState(before); err != nil {
		return err
	}
	if ev.After, err = marshalState(after); err != nil {
		return err
	}
	// The chain's head and the next id in one statement: every change asks.
	// The id is part of the hashed content so that moving an event breaks the
	// chain; AUTOINCREMENT never reuses an id, so the next one is known.
	if err := tx.QueryRowContext(ctx, `SELECT coalesce((SELECT hash FROM audit_events ORDER BY id DESC LIMIT 1), ?),
		coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'audit_events'), 0) + 1`, genesisHash).Scan(&ev.PrevHash, &ev.ID); err != nil {
		return fmt.Errorf("read audit chain head: %w", err)
	}
	ev.Hash = tx.db.eventHash(&ev)
	_, err = tx.ExecContext(ctx, `INSERT INTO audit_events (id, at, actor_id, actor_label, token_name, action, entity, entity_id,
		before_json, after_json, request_id, client_addr, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		ev.ID, formatTime(ev.At), nullInt(ev.ActorID), ev.ActorLabel, ev.TokenName, ev.Action, ev.Entity, ev.EntityID,
		nullJSON(ev.Before), nullJSON(ev.After), ev.RequestID, ev.ClientAddr, ev.PrevHash, ev.Hash)
	if err != nil {
		return fmt.Errorf("write audit event: %w", err)
	}
	return nil
}

func marshalState(v any) (json.RawMessage, error) {
	if v == nil {
		return nil, nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("audit state: %w", err)
	}
	if string(b) == "null" {
		return nil, nil
	}
	return b, nil
}

func nullJSON(b json.RawMessage) any {
	if b == nil {
		return nil
	}
	return string(b)
}

// SetAuditKey keys the hash of every audit event from event id from on with
// HMAC-SHA256 under key, which is kept outside the database (package
// keyfile). Without the key, someone who can write the database file can
// still edit an event and recompute every hash after it; with it, they
// cannot. Events before from keep their plain SHA-256 hashes.
func (db *DB) SetAuditKey(key []byte, from int64) {
	db.auditKey, db.auditFrom = key, from
}

// errNoAuditKey means keyed events cannot be checked without the key file.
var errNoAuditKey = errors.New("the audit log's events are keyed, and the key file was not found: keep it beside the database")

// keyedFrom is the first event id whose hash is keyed (0: none).
func (db *DB) keyedFrom() int64 {
	if db.auditKey == nil {
		return 0
	}
	return db.auditFrom
}

// eventHash is the hash of one event: over the previous hash and every
// stored field, each length-prefixed so that no two different events encode
// the same; HMAC-SHA256 under the audit key from keyedFrom on, plain SHA-256
// before.
func (db *DB) eventHash(ev *domain.AuditEvent) string {
	if from := db.keyedFrom(); from > 0 && ev.ID >= from {
		return hashEvent(hmac.New(sha256.New, db.auditKey), ev)
	}
	return eventHash(ev)
}

// eventHash is the plain SHA-256 hash of an event, as written before the
// audit key (and by bulk loads of databases that have none yet).
func eventHash(ev *domain.AuditEvent) string { return hashEvent(sha256.New(), ev) }

func hashEvent(h hash.Hash, ev *domain.AuditEvent) string {
	for _, f := range []string{
		ev.PrevHash,
		strconv.FormatInt(ev.ID, 10),
		formatTime(ev.At),
		strconv.FormatInt(ev.ActorID, 10),
		ev.ActorLabel,
		ev.TokenName,
		ev.Action,
		ev.Entity,
		strconv.FormatInt(ev.EntityID, 10),
		string(ev.Before),
		string(ev.After),
		ev.RequestID,
		ev.ClientAddr,
	} {
		fmt.Fprintf(h, "%d:%s;", len(f), f)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// AuditBreak says where the audit chain stops holding.
type AuditBreak struct {
	EventID  int64
	Verified int
	Reason   string
}

func (b *AuditBreak) Error() string {
	return fmt.Sprintf("audit event %d: %s (%d events verified before it)", b.EventID, b.Reason, b.Verified)
}

// VerifyAudit walks the whole chain in id order and returns how many events
// hold. An edited, deleted or reordered event is reported as an *AuditBreak
// naming the first event that does not hold.
func (db *DB) VerifyAudit(ctx context.Context) (int, error) {
	tx, err := db.beginRead(ctx)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	rows, err := tx.QueryContext(ctx, `SELECT `+auditColumns+` FROM audit_events ORDER BY id`)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	// Without the key, keyed events cannot be checked at all.
	var keyedFrom int64
	if db.auditKey == nil {
		var v sql.NullString
		if err := tx.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = ?`, auditKeyedSetting).Scan(&v); err != nil && !errors.Is(err, sql.ErrNoRows) {
			return 0, err
		}
		keyedFrom, _ = strconv.ParseInt(v.String, 10, 64)
	}
	prev, wantID, n := genesisHash, int64(1), 0
	for rows.Next() {
		ev, err := scanAuditEvent(rows)
		if err != nil {
			return n, err
		}
		switch {
		case ev.ID != wantID:
			return n, &AuditBreak{EventID: wantID, Verified: n, Reason: fmt.Sprintf("is missing (the next event found is %d)", ev.ID)}
		case ev.PrevHash != prev:
			return n, &AuditBreak{EventID: ev.ID, Verified: n, Reason: "does not follow the event before it (an event was removed or reordered)"}
		case keyedFrom > 0 && ev.ID >= keyedFrom:
			return n, errNoAuditKey
		case db.eventHash(ev) != ev.Hash:
			return n, &AuditBreak{EventID: ev.ID, Verified: n, Reason: "has been altered since it was written"}
		}
		prev, wantID = ev.Hash, ev.ID+1
		n++
	}
	if err := rows.Err(); err != nil {
		return n, err
	}
	// Events deleted from the end leave no successor to notice; the
	// AUTOINCREMENT counter still remembers how many were written.
	var seq int64
	if err := tx.QueryRowContext(ctx, `SELECT coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'audit_events'), 0)`).Scan(&seq); err != nil {
		return n, err
	}
	if seq >= wantID {
		return n, &AuditBreak{EventID: wantID, Verified: n, Reason: fmt.Sprintf("is missing (events up to %d were written)", seq)}
	}
	return n, nil
}

const auditColumns = `id, at, coalesce(actor_id, 0), actor_label, token_name, action, entity, entity_id,
	before_json, after_json, request_id, client_addr, prev_hash, hash`

func scanAuditEvent(rows scanner) (*domain.AuditEvent, error) {
	var ev domain.AuditEvent
	var at string
	var before, after sql.NullString
	if err := rows.Scan(&ev.ID, &at, &ev.ActorID, &ev.ActorLabel, &ev.TokenName, &ev.Action, &ev.Entity, &ev.EntityID,
		&before, &after, &ev.RequestID, &ev.ClientAddr, &ev.PrevHash, &ev.Hash); err != nil {
		return nil, err
	}
	ev.At = parseTime(at)
	if before.Valid {
		ev.Before = json.RawMessage(before.String)
	}
	if after.Valid {
		ev.After = json.RawMessage(after.String)
	}
	return &ev, nil
}

// ListAuditEvents returns events matching f, newest first.
func (db *DB) ListAuditEvents(ctx context.Context, f domain.AuditFilter) ([]*domain.AuditEvent, error) {
	var where []string
	var args []any
	if f.Actor != "" {
		// Any part of the label (an email, "system", "cli"), or of the
		// acting person's name or email.
		like := likeContains(f.Actor)
		where = append(where, `(actor_label LIKE ? ESCAPE '\' OR actor_id IN (SELECT id FROM users WHERE name LIKE ? ESCAPE '\' OR email LIKE ? ESCAPE '\'))`)
		args = append(args, like, like, like)
	}
	if f.Action != "" {
		// Any part of the action: "export", "claim." or "claim.approved".
		where, args = append(where, `action LIKE ? ESCAPE '\'`), append(args, likeContains(f.Action))
	}
	if f.Entity != "" {
		where, args = append(where, `entity = ?`), append(args, f.Entity)
	}
	if f.EntityID != 0 {
		where, args = append(where, `entity_id = ?`), append(args, f.EntityID)
	}
	if !f.Since.IsZero() {
		where, args = append(where, `at >= ?`), append(args, formatTime(f.Since))
	}
	if !f.Until.IsZero() {
		where, args = append(where, `at < ?`), append(args, formatTime(f.Until))
	}
	if f.BeforeID > 0 {
		where, args = append(where, `id < ?`), append(args, f.BeforeID)
	}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 50
	}
	q := `SELECT ` + auditColumns + ` FROM audit_events`
	if len(where) > 0 {
		q += ` WHERE ` + strings.Join(where, ` AND `)
	}
	q += ` ORDER BY id DESC LIMIT ?`
	args = append(args, f.Limit)

	tx, err := db.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	return queryAuditEvents(ctx, tx, q, args...)
}

// EntityHistory returns every event about one entity, oldest first.
func (db *DB) EntityHistory(ctx context.Context, entity string, id int64) ([]*domain.AuditEvent, error) {
	tx, err := db.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	return queryAuditEvents(ctx, tx, `SELECT `+auditColumns+` FROM audit_events WHERE entity = ? AND entity_id = ? ORDER BY id`, entity, id)
}

func queryAuditEvents(ctx context.Context, tx *Tx, q string, args ...any) ([]*domain.AuditEvent, error) {
	return queryAll(ctx, tx, scanAuditEvent, q, args...)
}

// likeContains is a LIKE pattern matching s anywhere, wildcards escaped.
func likeContains(s string) string { return "%" + likePrefix(s) }

func likePrefix(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return r.Replace(s) + "%"
}
