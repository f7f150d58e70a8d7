// Package storage keeps claimtrail's data in SQLite. It is the only package
// that speaks SQL. Every public method takes a context, runs in one
// transaction, and writes its audit event inside that same transaction.
package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"claimtrail/domain"
	"claimtrail/domain/match"
	"claimtrail/migrations"
)

// DB is a claimtrail database: one writer connection, so that writes queue in
// Go rather than fail with "database is locked", and a pool of readers that
// WAL lets run beside it.
type DB struct {
	Path  string
	write *sql.DB
	read  *sql.DB

	// Now returns the current time; tests replace it to fix timestamps.
	Now func() time.Time

	// auditKey, when set, keys the hash of every audit event from
	// auditFrom on (HMAC-SHA256); see SetAuditKey.
	auditKey  []byte
	auditFrom int64

	// twoFactorKey encrypts two-factor secrets and keys recovery-code
	// hashes; it comes from the key file (SetTwoFactorKey).
	twoFactorKey []byte

	scorer scorerCache // the claim scorer in use, decoded

	// Durability is when a change counts as saved; syncer shares one sync of
	// the log among the changes committed meanwhile (DurableFull only).
	Durability Durability
	syncer     *logSyncer

	// writeStmts and readStmts keep each pool's statements prepared.
	writeStmts, readStmts *stmtCache

	assignees assigneeCache // the queue filter's list of people

	// gen tells whether anything changed since a cached read (generation.go);
	// nil: nothing is cached.
	gen            *generation
	claimPages     *readCache[matchKey, claimPage]
	matchKept      *matchKept // the matcher's index entries read, while the index stands (match_kept.go)
	articleMatches *readCache[int64, map[int64]match.Found]
	sessions       *readCache[sessionKey, sessionRead]
	tokenOwners    *readCache[string, tokenOwner] // API tokens that work, by hash, with their owners
	unread         *readCache[int64, int]
	outletNames    *readCache[struct{}, []string]
	userNames      *readCache[struct{}, map[int64]string]
	ratings        *readCache[struct{}, []*domain.Rating]
	publishing     *readCache[struct{}, Publishing] // the publishing settings every public page reads
	queuePages     *readCache[string, queuePage]
	reviewPages    *readCache[reviewKey, reviewPage]
	waiting        *readCache[waitingKey, []*domain.QueueItem]
	// claimAppearances keeps each claim page's list of later appearances.
	claimAppearances *readCache[int64, []*domain.Appearance]
	// articles and articleClaims keep each article page's article and claims.
	articles      *readCache[int64, *domain.Article]
	articleClaims *readCache[int64, []*domain.Claim]
	// candidateAppearances keeps, per article, its candidates recorded as
	// appearances of earlier claims.
	candidateAppearances *readCache[int64, map[int64]*domain.Appearance]
	searches             *readCache[string, []match.Hit]
	ranks                *searchRanks // every search document's rank, in memory (search_ranks.go)
	keptBlocks           *keptBlocks  // words' blocks read by searches (search_kept_blocks.go)
	freshLog             *freshLog    // the search log's rows read (search_fresh.go)

	writer *writer // turns on the single writer, and the shared transaction
	// searchPace sizes the search indexer's transactions (search_indexer.go).
	searchPace *searchPace
	// foldPace sizes the search log's folds (search_fresh.go).
	foldPace  *searchPace
	readTurns chan struct{} // one per read connection; see beginRead
	// stream is a pool of its own for reads whose rows go straight to a
	// client as they are read (exports, the public feed), with one turn per
	// connection (streamTurns); see beginStream.
	stream      *sql.DB
	streamTurns chan struct{}
	ckpt        *checkpointer // copies the log into the database file in the background
	desks       deskCache     // dashboards read lately
	deskParts   deskParts     // the days and months they were summed from
	overdue     overduePlace  // how far NotifyOverdue has looked (notify.go)
	// notifyRead, when set (tests), is called once NotifyFromAudit has read
	// what to tell, before it waits for the writer.
	notifyRead func()
}

// createPrivate creates an empty file at path with mode 0600 unless a file
// is already there.
func createPrivate(path string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, os.ErrExist) {
		return nil
	} else if err != nil {
		return err
	}
	return f.Close()
}

// writerCacheKB is the single writer connection's page cache, at least.
const writerCacheKB = 64000

// Options are the database settings a deployment chooses.
type Options struct {
	Durability Durability // "" is DurableFull
	// CacheMB is each connection's page cache (0: 20 MB). Seeding gives its
	// rebuilds of the dashboard counters and the matcher index a large one.
	CacheMB int
}

// Open opens (creating if needed) the database at path with the default
// settings and applies any migrations it lacks.
func Open(ctx context.Context, path string) (*DB, error) {
	return OpenWith(ctx, path, Options{})
}

// OpenWith is Open with settings.
func OpenWith(ctx context.Context, path string, o Options) (*DB, error) {
	if path == "" {
		return nil, errors.New("storage: no database path")
	}
	durability, err := ParseDurability(string(o.Durability))
	if err != nil {
		return nil, err
	}
	cacheKB := 20000
	if o.CacheMB > 0 {
		cacheKB = o.CacheMB * 1000
	}
	pragmas := connPragmas(durability, cacheKB)
	// The writer leaves checkpoints to the background (checkpoint.go), and
	// keeps more pages than a reader: every change reads the queue's and the
	// audit log's pages, the search index's, and the claim's own, all inside
	// the single writer's turn, where each page read from the file is a
	// system call everyone waits for.
	writeDSN := "file:" + path + "?" + pragmas.Encode() + "&_pragma=wal_autocheckpoint(" + strconv.Itoa(writerCheckpointPages) + ")" +
		"&_pragma=cache_size(-" + strconv.Itoa(max(cacheKB, writerCacheKB)) + ")&_txlock=immediate"
	readDSN := "file:" + path + "?" + pragmas.Encode()

	syncWithFdatasync()
	// A new database is created readable by its owner only: it holds
	// personal data and password hashes. SQLite gives its -wal and -shm
	// files the same mode.
	if err := createPrivate(path); err != nil {
		return nil, fmt.Errorf("create database: %w", err)
	}
	db := &DB{Path: path, Now: time.Now, Durability: durability, writer: newWriter(), searchPace: newSearchPace(),
		foldPace: newFoldPace(), freshLog: newFreshLog()}
	if durability == DurableFull {
		db.syncer = newLogSyncer(path)
	}
	if db.write, err = sql.Open("sqlite", writeDSN); err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	db.write.SetMaxOpenConns(1)
	db.write.SetConnMaxIdleTime(0)
	if db.read, err = sql.Open("sqlite", readDSN); err != nil {
		db.write.Close()
		return nil, fmt.Errorf("open database: %w", err)
	}
	n := max(4, runtime.NumCPU()*2)
	db.read.SetMaxOpenConns(n)
	db.read.SetMaxIdleConns(n)
	db.readTurns = make(chan struct{}, n)
	streamDSN := "file:" + path + "?" + connPragmas(durability, streamCacheKB).Encode()
	if db.stream, err = sql.Open("sqlite", streamDSN); err != nil {
		db.write.Close()
		db.read.Close()
		return nil, fmt.Errorf("open database: %w", err)
	}
	db.stream.SetMaxOpenConns(streamConns)
	db.stream.SetMaxIdleConns(streamConns)
	db.stream.SetConnMaxIdleTime(time.Minute)
	db.streamTurns = make(chan struct{}, streamConns)

	if err := db.migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	// Made after the migrations, so no statement outlives a schema change
	// made here (SQLite would re-prepare it anyway).
	db.writeStmts = newStmtCache(db.write, 0)
	db.readStmts = newStmtCache(db.read, 50*time.Millisecond)
	if db.gen, err = newGeneration(ctx, readDSN); err != nil {
		db.Close()
		return nil, fmt.Errorf("open database: %w", err)
	}
	if db.ckpt, err = newCheckpointer(path, readDSN, db.holdWriter, db.syncer); err != nil {
		db.Close()
		return nil, fmt.Errorf("open database: %w", err)
	}
	if db.syncer != nil {
		db.syncer.mu.Lock()
		db.syncer.kickCheckpoint = db.ckpt.committed
		db.syncer.mu.Unlock()
	}
	db.claimPages = newReadCache[matchKey, claimPage](1024)
	db.articleMatches = newReadCache[int64, map[int64]match.Found](1024)
	db.sessions = newReadCache[sessionKey, sessionRead](4096)
	db.tokenOwners = newReadCache[string, tokenOwner](4096)
	db.unread = newReadCache[int64, int](4096)
	db.outletNames = newReadCache[struct{}, []string](1)
	db.userNames = newReadCache[struct{}, map[int64]string](1)
	db.ratings = newReadCache[struct{}, []*domain.Rating](1)
	db.publishing = newReadCache[struct{}, Publishing](1)
	db.queuePages = newReadCache[string, queuePage](1024)
	db.reviewPages = newReadCache[reviewKey, reviewPage](1024)
	db.waiting = newReadCache[waitingKey, []*domain.QueueItem](1024)
	db.claimAppearances = newReadCache[int64, []*domain.Appearance](1024)
	db.articles = newReadCache[int64, *domain.Article](1024)
	db.articleClaims = newReadCache[int64, []*domain.Claim](1024)
	db.candidateAppearances = newReadCache[int64, map[int64]*domain.Appearance](1024)
	db.searches = newSearchResults(searchKeepBytes)
	db.ranks = newSearchRanks()
	db.keptBlocks = newKeptBlocks(searchKeepBlockBytes)
	db.matchKept = newMatchKept()
	return db, nil
}

// Close closes every connection.
func (db *DB) Close() error {
	if db.ranks != nil {
		db.ranks.close()
	}
	ckptErr := db.ckpt.close()
	for _, c := range []*stmtCache{db.writeStmts, db.readStmts} {
		if c != nil {
			c.close()
		}
	}
	err := errors.Join(ckptErr, db.read.Close(), db.stream.Close(), db.write.Close())
	if db.gen != nil {
		err = errors.Join(err, db.gen.close())
	}
	if db.syncer != nil {
		err = errors.Join(err, db.syncer.close())
	}
	return err
}

// migrate applies, in order, each embedded migration not yet recorded in
// schema_migrations, each in its own transaction.
func (db *DB) migrate(ctx context.Context) error {
	if _, err := db.write.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL) STRICT`); err != nil {
		return fmt.Errorf("create schema_migrations: %w", err)
	}
	names, err := fs.Glob(migrations.FS, "*.sql")
	if err != nil {
		return err
	}
	sort.Strings(names)
	for _, name := range names {
		version, err := strconv.Atoi(strings.SplitN(name, "_", 2)[0])
		if err != nil {
			return fmt.Errorf("migration %s: name must start with a number", name)
		}
		if err := db.applyMigration(ctx, version, name); err != nil {
			return err
		}
	}
	return nil
}

func (db *DB) applyMigration(ctx context.Context, version int, name string) error {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var done int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations WHERE version = ?`, version).Scan(&done); err != nil {
		return err
	}
	if done > 0 {
		return nil
	}
	body, err := fs.ReadFile(migrations.FS, name)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, string(body)); err != nil {
		return fmt.Errorf("migration %s: %w", name, err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`,
		version, name, formatTime(db.Now())); err != nil {
		return err
	}
	return tx.Commit()
}

// Tx is a transaction that knows when it started and who is acting, so that
// every row and audit event it writes carries the same time and actor.
type Tx struct {
	*sql.Tx
	db    *DB
	now   time.Time
	actor domain.Actor
	// ctx is the write transaction's context, for the work done at commit;
	// nil for a read transaction.
	ctx context.Context
	// stmts are the pool's prepared statements (nil: none).
	stmts *stmtCache
	// usersChanged: this transaction wrote to users (see Commit).
	usersChanged bool
	// batch is the shared transaction this change runs in (nil: a
	// transaction of its own); holdsTurn: the writer is still this
	// transaction's.
	batch     *batch
	holdsTurn bool
	// turnEnded is when a transaction of its own gave the writer back at
	// its commit (before waiting for the log's sync).
	turnEnded time.Time
	// readTurn: this read transaction holds one of the read turns;
	// streamTurn: one of the stream turns.
	readTurn, streamTurn bool
}

// Commit brings the matcher's index in step with what this transaction
// changed, then commits, so it never lags. The search's index follows in
// the writer's own transactions (search_indexer.go). A change in the shared
// transaction returns once that transaction commits.
func (tx *Tx) Commit() error {
	if tx.ctx != nil {
		if err := indexPending(tx.ctx, tx); err != nil {
			return fmt.Errorf("index claims: %w", err)
		}
	}
	if tx.batch != nil {
		if !tx.holdsTurn {
			return sql.ErrTxDone
		}
		if err := tx.releaseShared(true); err != nil {
			return err
		}
		if tx.usersChanged {
			tx.db.assignees.changed()
		}
		return nil
	}
	if tx.holdsTurn && tx.ctx != nil {
		// As in the shared transaction's commit (commitBatch).
		tx.db.foldDeskAtCommit(context.WithoutCancel(tx.ctx), tx)
	}
	err := tx.Tx.Commit()
	if tx.holdsTurn {
		tx.holdsTurn = false
		tx.turnEnded = time.Now()
		<-tx.db.writer.turn
	}
	tx.endReadTurn()
	if err != nil {
		return err
	}
	if tx.ctx != nil {
		tx.db.ckpt.committed()
	}
	if tx.usersChanged {
		tx.db.assignees.changed()
	}
	if tx.ctx != nil && tx.db.syncer != nil {
		// Committed; not acknowledged until the log is on disk.
		return tx.db.syncer.wait()
	}
	return nil
}

// Rollback undoes the transaction unless it was committed; in the shared
// transaction it undoes this change alone.
func (tx *Tx) Rollback() error {
	if tx.batch != nil {
		if !tx.holdsTurn {
			return sql.ErrTxDone
		}
		return tx.releaseShared(false)
	}
	err := tx.Tx.Rollback()
	if tx.holdsTurn {
		tx.holdsTurn = false
		<-tx.db.writer.turn
	}
	tx.endReadTurn()
	return err
}

// endReadTurn hands the read turn (or stream turn) this transaction held
// to the next reader.
func (tx *Tx) endReadTurn() {
	if tx.readTurn {
		tx.readTurn = false
		<-tx.db.readTurns
	}
	if tx.streamTurn {
		tx.streamTurn = false
		<-tx.db.streamTurns
	}
}

// begin starts a write transaction of its own (BEGIN IMMEDIATE on the
// single writer), after committing the shared one if it is open. Changes
// that may run long (bulk changes, imports, reindexing) use it, so they
// never hold up others' acknowledgements.
func (db *DB) begin(ctx context.Context) (*Tx, error) {
	if err := db.acquire(ctx); err != nil {
		return nil, fmt.Errorf("begin: %w", err)
	}
	if db.writer.batch != nil {
		db.commitBatch()
	}
	if db.writeStmts != nil {
		db.writeStmts.fill(ctx)
	}
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		<-db.writer.turn
		return nil, fmt.Errorf("begin: %w", err)
	}
	return &Tx{Tx: tx, db: db, now: db.Now().UTC().Truncate(time.Microsecond), actor: domain.ActorFrom(ctx), ctx: ctx, stmts: db.writeStmts, holdsTurn: true}, nil
}

// beginRead starts a read-only transaction on the reader pool: a consistent
// snapshot that never waits for the writer.
func (db *DB) beginRead(ctx context.Context) (*Tx, error) {
	// Readers take turns in the order they came, one turn per connection:
	// database/sql hands a freed connection to a waiter at random, so under
	// load a few pages waited many turns while most waited none.
	select {
	case db.readTurns <- struct{}{}:
	case <-ctx.Done():
		return nil, fmt.Errorf("begin read: %w", ctx.Err())
	}
	if db.readStmts != nil {
		db.readStmts.fill(ctx)
	}
	tx, err := db.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		<-db.readTurns
		return nil, fmt.Errorf("begin read: %w", err)
	}
	return &Tx{Tx: tx, db: db, now: db.Now().UTC().Truncate(time.Microsecond), actor: domain.ActorFrom(ctx), stmts: db.readStmts, readTurn: true}, nil
}

// streamConns is how many reads may stream rows to clients at once. A
// stream lasts as long as its client takes to read it, and a client that
// stops reading holds its snapshot until its write deadline, so streams
// have connections of their own: however many exports or feed readers
// stall, the pages' read turns (beginRead) stay free.
const streamConns = 2

// streamCacheKB is a stream connection's page cache: small, since a stream
// reads each page once.
const streamCacheKB = 2000

// connPragmas are every connection's settings, with a page cache of
// cacheKB.
func connPragmas(d Durability, cacheKB int) url.Values {
	pragmas := url.Values{}
	for _, p := range []string{"foreign_keys(1)", "journal_mode(WAL)", "synchronous(" + d.synchronous() + ")", "busy_timeout(10000)", "cache_size(-" + strconv.Itoa(cacheKB) + ")", "temp_store(MEMORY)"} {
		pragmas.Add("_pragma", p)
	}
	return pragmas
}

// beginStream starts a read-only transaction for a read whose rows go to a
// client as they are read, on the stream pool: streams wait for each other
// (in the order they came) and never for, nor hold up, the pages' reads.
func (db *DB) beginStream(ctx context.Context) (*Tx, error) {
	select {
	case db.streamTurns <- struct{}{}:
	case <-ctx.Done():
		return nil, fmt.Errorf("begin stream: %w", ctx.Err())
	}
	tx, err := db.stream.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		<-db.streamTurns
		return nil, fmt.Errorf("begin stream: %w", err)
	}
	return &Tx{Tx: tx, db: db, now: db.Now().UTC().Truncate(time.Microsecond), actor: domain.ActorFrom(ctx), streamTurn: true}, nil
}

// Backup writes a consistent copy of the database to path while the
// database stays in use (VACUUM INTO reads one snapshot). The copy holds
// personal data, so it is created readable by its owner only; path must not
// exist yet.
func (db *DB) Backup(ctx context.Context, path string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("backup to %s: %w", path, err)
	}
	f.Close()
	// VACUUM INTO writes into an empty file and keeps its mode.
	// A stream's connection: a backup of a large database reads for
	// minutes, and the pages' read connections stay free meanwhile.
	// (VACUUM runs outside any transaction.)
	select {
	case db.streamTurns <- struct{}{}:
	case <-ctx.Done():
		os.Remove(path)
		return fmt.Errorf("backup to %s: %w", path, ctx.Err())
	}
	_, err = db.stream.ExecContext(ctx, `VACUUM INTO ?`, path)
	<-db.streamTurns
	if err != nil {
		os.Remove(path)
		return fmt.Errorf("backup to %s: %w", path, err)
	}
	return nil
}

// timeLayout is fixed-width so that stored times sort as text.
const timeLayout = "2006-01-02T15:04:05.000000Z"

func formatTime(t time.Time) string { return t.UTC().Format(timeLayout) }

// nullTime stores the zero time as NULL.
func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return formatTime(t)
}

func parseTime(s string) time.Time {
	t, err := time.Parse(timeLayout, s)
	if err != nil {
		t, _ = time.Parse(time.RFC3339Nano, s)
	}
	return t
}

func parseNullTime(s sql.NullString) time.Time {
	if !s.Valid {
		return time.Time{}
	}
	return parseTime(s.String)
}

func nullInt(v int64) any {
	if v == 0 {
		return nil
	}
	return v
}

// mapError turns SQLite constraint failures into domain errors by their
// extended result code, never by message text. msg, when given, is the
// user-facing message for a constraint failure.
func mapError(err error, msg string) error {
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return err
	}
	if msg == "" {
		msg = "That change clashes with the data already saved. Reload the page and try again."
	}
	switch se.Code() {
	case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY,
		sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY, sqlite3.SQLITE_CONSTRAINT_TRIGGER:
		return &domain.Error{Code: domain.ECONFLICT, Message: msg}
	case sqlite3.SQLITE_CONSTRAINT_CHECK, sqlite3.SQLITE_CONSTRAINT_NOTNULL:
		return &domain.Error{Code: domain.EINVALID, Message: msg}
	}
	return err
}
