package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"claimtrail/domain"
)

// The single writer, taken in turns. A change to one claim (take next, a
// verdict saved, submitted or approved, a comment) is small, and committing
// each on its own costs more than the change: SQLite writes every page the
// commit touched to the log, and successive changes touch the same pages
// (the queue's indexes, the audit log's end, the desk's counters). So while
// others are waiting for the writer, such changes share one transaction:
// each runs inside its own savepoint (all of it or none of it, exactly as
// before), and the transaction commits once nobody is waiting, or after
// maxBatchChanges changes or maxBatchAge. Nobody is answered before the
// commit that holds their change is on disk, so an acknowledged change
// survives a kill or a power cut as before; a change whose batch fails is
// answered with the error, never as saved.
//
// Under a steady stream of changes the writer is often free for a moment
// between one change and the next, and a transaction committed at once then
// holds a single change: its commit writes every page it touched, the
// hottest ones (the audit log's end, the desk's counters, the queue's ends)
// again for every change. So when the last commit was recent (someone else
// is at work) a change that finds nobody waiting lets its transaction linger
// for batchLinger before committing; a change arriving meanwhile joins it and
// commits both. A lone change on a quiet server commits at once.
const (
	maxBatchChanges = 32
	maxBatchAge     = 8 * time.Millisecond
	batchLinger     = time.Millisecond
)

// writer hands out turns on the single writer connection.
type writer struct {
	turn    chan struct{} // holding its one slot is holding the writer
	waiting atomic.Int64  // callers waiting for a turn (they will all get one)

	// maxAge is maxBatchAge; tests that hand a transaction on set it
	// longer, so that a slow machine does not commit before the hand-over.
	maxAge time.Duration

	// linger is batchLinger; 0 commits a change nobody waits behind at once.
	linger time.Duration
	// lingered, when set (tests), is called as a transaction starts to linger.
	lingered func()
	// commits counts the shared transactions committed (tests read it).
	commits int

	// Guarded by holding the turn.
	batch      *batch    // the shared transaction, open between turns, or nil
	lastCommit time.Time // when the last shared transaction committed
	fold       deskFold  // where the dashboard's pending counters are folded up to
}

// batch is a transaction shared by several changes, each in a savepoint.
type batch struct {
	tx        *sql.Tx
	started   time.Time
	changes   int  // changes released into it, waiting for its commit
	lingering bool // a commit is due after batchLinger

	done chan struct{} // closed once committed and synced, or failed
	err  error
}

func newWriter() *writer {
	return &writer{turn: make(chan struct{}, 1), maxAge: maxBatchAge, linger: batchLinger,
		fold: deskFold{rows: deskFoldRows, every: deskFoldEvery}}
}

// errBatchLost answers the changes of a shared transaction that SQLite
// rolled back as a whole (after a failed statement of another change, such
// as a full disk): none of them was saved.
var errBatchLost = errors.New("the shared write transaction was rolled back")

// acquire waits for the writer's turn. A caller that gives up still takes
// its turn in the background and ends it, so that a change left waiting in
// the shared transaction is always committed by somebody.
func (db *DB) acquire(ctx context.Context) error {
	unpin(ctx) // the reads after this change must see it
	w := db.writer
	w.waiting.Add(1)
	select {
	case w.turn <- struct{}{}:
		w.waiting.Add(-1)
		return nil
	case <-ctx.Done():
		go func() {
			w.turn <- struct{}{}
			w.waiting.Add(-1)
			db.endTurn()
		}()
		return ctx.Err()
	}
}

// endTurn commits the shared transaction unless someone waiting will add
// to it, then gives up the turn.
func (db *DB) endTurn() {
	w := db.writer
	if b := w.batch; b != nil {
		full := b.changes >= maxBatchChanges || time.Since(b.started) >= w.maxAge
		switch {
		case w.waiting.Load() > 0 && !full:
			// The next change continues the transaction.
		case !full && !b.lingering && b.changes > 0 && w.linger > 0 && time.Since(w.lastCommit) < 4*w.linger:
			b.lingering = true
			time.AfterFunc(w.linger, func() { db.commitLingering(b) })
			if w.lingered != nil {
				w.lingered()
			}
		default:
			db.commitBatch()
		}
	}
	<-w.turn
}

// holdWriter runs f holding the writer's turn, the shared transaction
// committed first, so that nothing is committed while f runs (the
// checkpointer's last copy before the log starts again). It gives up,
// without running f, if stop closes while it waits.
func (db *DB) holdWriter(stop <-chan struct{}, f func()) bool {
	w := db.writer
	w.waiting.Add(1)
	select {
	case w.turn <- struct{}{}:
		w.waiting.Add(-1)
	case <-stop:
		// A change that saw this one waiting may have left the shared
		// transaction open for it: take the turn in the background and end
		// it, as a change that gives up does (acquire).
		go func() {
			w.turn <- struct{}{}
			w.waiting.Add(-1)
			db.endTurn()
		}()
		return false
	}
	if w.batch != nil {
		db.commitBatch()
	}
	f()
	<-w.turn
	return true
}

// commitLingering takes the turn to commit b. A change that joined b may
// have committed it meanwhile, and a later change may since have left a
// newer transaction open counting on this waiter to go on with it (endTurn
// saw it waiting): that one is committed too, unless another waiter is
// there to go on with it.
func (db *DB) commitLingering(b *batch) {
	w := db.writer
	w.waiting.Add(1)
	w.turn <- struct{}{}
	w.waiting.Add(-1)
	if w.batch != nil && (w.batch == b || w.waiting.Load() == 0) {
		db.commitBatch()
	}
	<-w.turn
}

// commitBatch commits the shared transaction (holding the turn) and
// answers its changes once the log is on disk, without holding the writer
// during the sync.
func (db *DB) commitBatch() {
	w := db.writer
	b := w.batch
	w.batch = nil
	db.foldDeskAtCommit(context.Background(), &Tx{Tx: b.tx, db: db, stmts: db.writeStmts, batch: b})
	err := b.tx.Commit()
	w.lastCommit = time.Now()
	w.commits++
	if err == nil {
		db.ckpt.committed()
	}
	if err == nil && db.syncer != nil {
		go func() {
			b.err = db.syncer.wait()
			close(b.done)
		}()
		return
	}
	b.err = err
	close(b.done)
}

// failBatch gives up a shared transaction that SQLite has already rolled
// back (holding the turn): every change in it is answered with the cause.
func (db *DB) failBatch(cause error) {
	w := db.writer
	b := w.batch
	w.batch = nil
	b.tx.Rollback()
	b.err = fmt.Errorf("%w: %w", errBatchLost, cause)
	close(b.done)
}

// beginShared starts a small change in the shared transaction (BEGIN
// IMMEDIATE when none is open), inside a savepoint of its own.
func (db *DB) beginShared(ctx context.Context) (*Tx, error) {
	if err := db.acquire(ctx); err != nil {
		return nil, fmt.Errorf("begin: %w", err)
	}
	w := db.writer
	if w.batch == nil {
		if db.writeStmts != nil {
			db.writeStmts.fill(ctx)
		}
		// The transaction outlives the request that opens it.
		tx, err := db.write.BeginTx(context.WithoutCancel(ctx), nil)
		if err != nil {
			<-w.turn
			return nil, fmt.Errorf("begin: %w", err)
		}
		w.batch = &batch{tx: tx, started: time.Now(), done: make(chan struct{})}
	}
	b := w.batch
	// A request that goes away mid-change must not interrupt a statement:
	// SQLite would roll back the whole shared transaction.
	if _, err := b.tx.ExecContext(context.WithoutCancel(ctx), `SAVEPOINT change`); err != nil {
		db.failBatch(err)
		<-w.turn
		return nil, fmt.Errorf("begin: %w", err)
	}
	return &Tx{Tx: b.tx, db: db, now: db.Now().UTC().Truncate(time.Microsecond), actor: domain.ActorFrom(ctx), ctx: ctx,
		stmts: db.writeStmts, batch: b, holdsTurn: true}, nil
}

// releaseShared ends a change in the shared transaction: kept (RELEASE) or
// undone (ROLLBACK TO), then the turn passes on. A kept change is answered
// once the transaction holding it commits.
func (tx *Tx) releaseShared(keep bool) error {
	db, b := tx.db, tx.batch
	tx.holdsTurn = false
	ctx := context.WithoutCancel(tx.ctx)
	var err error
	if keep {
		if _, err = b.tx.ExecContext(ctx, `RELEASE change`); err == nil {
			b.changes++
		}
	}
	if !keep || err != nil {
		if _, rerr := b.tx.ExecContext(ctx, `ROLLBACK TO change`); rerr != nil {
			// SQLite rolled the whole transaction back: nobody's change in
			// it was saved.
			db.failBatch(errors.Join(err, rerr))
		} else if _, rerr := b.tx.ExecContext(ctx, `RELEASE change`); rerr != nil {
			db.failBatch(rerr)
		}
	}
	db.endTurn()
	if err != nil || !keep {
		return err
	}
	<-b.done
	return b.err
}
