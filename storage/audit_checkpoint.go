package storage

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// A checkpoint records the head of the audit chain (the last event's id and
// hash) at one moment, signed with the audit key, in a file outside the
// database. The chain alone cannot show that its last events were deleted,
// or that the whole log was rewritten by someone holding the key; a copy of
// the checkpoints kept elsewhere can.

// Checkpoint is one signed line of a checkpoint file.
type Checkpoint struct {
	At   time.Time
	Seq  int64  // the last event's id (0: no events yet)
	Hash string // its hash
	Sig  string // HMAC-SHA256 of the above under the audit key
}

// errCheckpointsNeedKey means checkpoints cannot be made or checked
// without the audit key.
var errCheckpointsNeedKey = errors.New("audit checkpoints are signed with the audit key, and the key file was not found: keep it beside the database")

// AuditCheckpoint returns the signed head of the audit chain now.
func (db *DB) AuditCheckpoint(ctx context.Context) (Checkpoint, error) {
	if db.auditKey == nil {
		return Checkpoint{}, errCheckpointsNeedKey
	}
	tx, err := db.beginRead(ctx)
	if err != nil {
		return Checkpoint{}, err
	}
	defer tx.Rollback()
	cp := Checkpoint{At: tx.now, Hash: genesisHash}
	err = tx.QueryRowContext(ctx, `SELECT id, hash FROM audit_events ORDER BY id DESC LIMIT 1`).Scan(&cp.Seq, &cp.Hash)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return Checkpoint{}, err
	}
	cp.Sig = db.checkpointSig(cp)
	return cp, nil
}

func (db *DB) checkpointSig(cp Checkpoint) string {
	m := hmac.New(sha256.New, db.auditKey)
	fmt.Fprintf(m, "claimtrail audit checkpoint\n%s\n%d\n%s", formatTime(cp.At), cp.Seq, cp.Hash)
	return hex.EncodeToString(m.Sum(nil))
}

// Line is the checkpoint as one line of a checkpoint file.
func (cp Checkpoint) Line() string {
	return fmt.Sprintf("checkpoint %s %d %s %s", formatTime(cp.At), cp.Seq, cp.Hash, cp.Sig)
}

// ParseCheckpoint reads one line written by Line.
func ParseCheckpoint(line string) (Checkpoint, error) {
	f := strings.Fields(line)
	if len(f) != 5 || f[0] != "checkpoint" {
		return Checkpoint{}, errors.New("not a checkpoint line")
	}
	at, err := time.Parse(timeLayout, f[1])
	if err != nil {
		return Checkpoint{}, errors.New("the checkpoint's time cannot be read")
	}
	seq, err := strconv.ParseInt(f[2], 10, 64)
	if err != nil || seq < 0 {
		return Checkpoint{}, errors.New("the checkpoint's event number cannot be read")
	}
	return Checkpoint{At: at, Seq: seq, Hash: f[3], Sig: f[4]}, nil
}

// VerifyCheckpoints checks the audit log against checkpoints written
// earlier: each must be signed with this database's audit key, and the
// event it names must still be there with the same hash. A break is an
// *AuditBreak naming the first event that does not hold.
func (db *DB) VerifyCheckpoints(ctx context.Context, cps []Checkpoint) error {
	if db.auditKey == nil {
		return errCheckpointsNeedKey
	}
	tx, err := db.beginRead(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for i, cp := range cps {
		if !hmac.Equal([]byte(db.checkpointSig(cp)), []byte(cp.Sig)) {
			return &AuditBreak{EventID: cp.Seq, Verified: i, Reason: fmt.Sprintf(
				"cannot be checked: checkpoint %d is not signed with this database's audit key (it was edited, or comes from another database)", i+1)}
		}
		if cp.Seq == 0 {
			continue
		}
		var hash string
		err := tx.QueryRowContext(ctx, `SELECT hash FROM audit_events WHERE id = ?`, cp.Seq).Scan(&hash)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			return &AuditBreak{EventID: cp.Seq, Verified: i, Reason: fmt.Sprintf(
				"is missing: the checkpoint of %s UTC recorded it (events were deleted from the end of the log)", cp.At.UTC().Format("2006-01-02 15:04"))}
		case err != nil:
			return err
		case hash != cp.Hash:
			return &AuditBreak{EventID: cp.Seq, Verified: i, Reason: fmt.Sprintf(
				"differs from the checkpoint of %s UTC: the log was rewritten up to here", cp.At.UTC().Format("2006-01-02 15:04"))}
		}
	}
	return nil
}

// NextAuditID is the id the next audit event will get.
func (db *DB) NextAuditID(ctx context.Context) (int64, error) {
	tx, err := db.beginRead(ctx)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	var next int64
	err = tx.QueryRowContext(ctx, `SELECT coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'audit_events'), 0) + 1`).Scan(&next)
	return next, err
}

// auditKeyedSetting records in the database from which event on the audit
// log is keyed, so that opening a copy without its key file is refused
// rather than given new keys that cannot check the old events. The key file
// itself, not this setting, says which events are keyed.
const auditKeyedSetting = "audit_keyed_from"

// StartKeyedAudit records that audit events from from on are keyed (once).
func (db *DB) StartKeyedAudit(ctx context.Context, from int64) error {
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT (key) DO NOTHING`,
		auditKeyedSetting, strconv.FormatInt(from, 10), formatTime(tx.now))
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil
	}
	if err := tx.audit(ctx, "audit.keyed", "setting", 0, nil, map[string]int64{"keyed_from": from}); err != nil {
		return err
	}
	return tx.Commit()
}

// KeyedAuditFrom is the first keyed audit event recorded by
// StartKeyedAudit, or 0 when the log has no keyed events.
func (db *DB) KeyedAuditFrom(ctx context.Context) (int64, error) {
	v, err := db.Setting(ctx, auditKeyedSetting, "0")
	if err != nil {
		return 0, err
	}
	n, _ := strconv.ParseInt(v, 10, 64)
	return n, nil
}
