package storage

import (
	"context"
	"database/sql"
	"strings"
	"sync"
	"time"
)

// stmtCache keeps the statements a pool runs prepared, so that a statement
// is compiled once per connection rather than on every call. database/sql
// prepares a *sql.Stmt on each connection the first time a transaction uses
// it there (Tx.StmtContext) and reuses it after.
//
// A statement can only be made on the pool while no transaction of the
// caller holds a connection (the writer has one), so a statement seen for
// the first time inside a transaction runs unprepared and is only noted;
// the next transaction prepares the noted ones before it begins.
type stmtCache struct {
	pool *sql.DB
	wait time.Duration // how long begin may wait for a connection to prepare on

	mu      sync.Mutex
	stmts   map[string]*sql.Stmt
	seen    map[string]bool // run once unprepared
	pending map[string]struct{}
	off     bool
}

// maxCachedStmts bounds the cache: statements built with a varying number
// of placeholders are not worth keeping once the common ones are in.
const maxCachedStmts = 400

func newStmtCache(pool *sql.DB, wait time.Duration) *stmtCache {
	return &stmtCache{pool: pool, wait: wait, stmts: map[string]*sql.Stmt{}, seen: map[string]bool{}, pending: map[string]struct{}{}}
}

// get returns the prepared statement for q, or nil after noting q (on its
// second run) for the next fill.
func (c *stmtCache) get(q string) *sql.Stmt {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.off {
		return nil
	}
	if s := c.stmts[q]; s != nil {
		return s
	}
	if len(c.stmts)+len(c.pending) >= maxCachedStmts || strings.Contains(q, ";") {
		return nil
	}
	// Kept from its second run on: a statement built for one call only
	// (a list of ids of one length) would cost a second compile for nothing.
	if !c.seen[q] {
		if len(c.seen) >= 4*maxCachedStmts {
			clear(c.seen)
		}
		c.seen[q] = true
		return nil
	}
	delete(c.seen, q)
	c.pending[q] = struct{}{}
	return nil
}

// fill prepares the statements noted since the last fill. It runs before a
// transaction begins; a statement that fails to prepare in time is dropped
// and runs unprepared.
func (c *stmtCache) fill(ctx context.Context) {
	c.mu.Lock()
	if len(c.pending) == 0 || c.off {
		c.mu.Unlock()
		return
	}
	qs := make([]string, 0, len(c.pending))
	for q := range c.pending {
		qs = append(qs, q)
	}
	clear(c.pending)
	c.mu.Unlock()
	if c.wait > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, c.wait)
		defer cancel()
	}
	for _, q := range qs {
		s, err := c.pool.PrepareContext(ctx, q)
		if err != nil {
			continue
		}
		c.mu.Lock()
		if c.stmts[q] == nil && !c.off {
			c.stmts[q] = s
			s = nil
		}
		c.mu.Unlock()
		if s != nil {
			s.Close()
		}
	}
}

// setEnabled turns the cache on or off (off closes every statement); the
// benchmarks compare the two.
func (c *stmtCache) setEnabled(on bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.off = !on
	if !on {
		for q, s := range c.stmts {
			s.Close()
			delete(c.stmts, q)
		}
		clear(c.pending)
		clear(c.seen)
	}
}

func (c *stmtCache) close() { c.setEnabled(false) }

// stmtContext is the context a statement runs under: in the shared
// transaction a request that goes away must not interrupt a statement,
// since SQLite would then roll back every change in the transaction.
func (tx *Tx) stmtContext(ctx context.Context) context.Context {
	if tx.batch != nil {
		return context.WithoutCancel(ctx)
	}
	return ctx
}

// stmt returns q prepared on tx's connection, or nil to run it unprepared.
func (tx *Tx) stmt(ctx context.Context, q string) *sql.Stmt {
	if tx.stmts == nil {
		return nil
	}
	if s := tx.stmts.get(q); s != nil {
		return tx.Tx.StmtContext(ctx, s)
	}
	return nil
}

// ExecContext runs q in the transaction, prepared once per connection.
func (tx *Tx) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	if writesUsers(q) {
		tx.usersChanged = true
	}
	ctx = tx.stmtContext(ctx)
	if s := tx.stmt(ctx, q); s != nil {
		return s.ExecContext(ctx, args...)
	}
	return tx.Tx.ExecContext(ctx, q, args...)
}

// QueryRowContext runs q in the transaction, prepared once per connection.
func (tx *Tx) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	ctx = tx.stmtContext(ctx)
	if s := tx.stmt(ctx, q); s != nil {
		return s.QueryRowContext(ctx, args...)
	}
	return tx.Tx.QueryRowContext(ctx, q, args...)
}

// queryCached runs q in the transaction, prepared once per connection. The
// caller closes the rows before running q again in the same transaction
// (queryAll does).
func (tx *Tx) queryCached(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	ctx = tx.stmtContext(ctx)
	if s := tx.stmt(ctx, q); s != nil {
		return s.QueryContext(ctx, args...)
	}
	return tx.Tx.QueryContext(ctx, q, args...)
}

// QueryContext runs q in the transaction, unprepared.
func (tx *Tx) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return tx.Tx.QueryContext(tx.stmtContext(ctx), q, args...)
}

// writesUsers reports whether q changes the users table.
func writesUsers(q string) bool {
	q = strings.ToUpper(q)
	return strings.Contains(q, "UPDATE USERS") || strings.Contains(q, "INTO USERS") || strings.Contains(q, "FROM USERS") && strings.Contains(q, "DELETE")
}
