package storage

import (
	"bytes"
	"cmp"
	"context"
	"database/sql"
	"errors"
	"math"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"time"
)

// A search ranks its first searchAllRerank candidates by each one's number
// of words and day. Read from the index kept for it (migration 261), that
// was a descent of a 30 MB index per candidate, 200 a search, mostly into
// pages the connection's cache did not hold: a third of a fresh search's
// CPU. searchRanks keeps every document's rank in memory instead (16 bytes a
// document, about 19 MB at a million claims), built once in the background
// and brought up to date from search_rank_log (migration 300), which
// triggers on search_docs fill whoever writes: before it ranks, a search
// reads the log's rows written since, so what it ranks by is what its own
// transaction would read. A document the memory does not know (added since
// it was built, or changed in a way it cannot follow) is read from
// search_docs as before, and so is everything while the memory is being
// built. Nothing here keeps a search's results: every search still finds
// its candidates and reads its rows afresh.

// searchRankEntry is a document's rank as the memory keeps it.
type searchRankEntry struct {
	doc   int64
	words uint32
	day   uint32 // index into searchRankTable.days
}

// searchRankTable is every document's rank at one position of the log.
type searchRankTable struct {
	entries []searchRankEntry // sorted by doc; never changed once built
	// first[i] is the first entry whose doc >> searchRankSpan is i or more,
	// so a look-up searches a few entries instead of them all.
	first []int32
	days  []string // the distinct days, by index

	mu      sync.RWMutex
	at      int64                      // the log's last row this table reflects
	changed map[int64]searchRankChange // documents changed since it was built, as of at
	dayOf   map[string]uint32          // days seen, for the changes
	recent  []searchRankLogRow         // the log's rows applied since the build, oldest first (bounded)
}

// searchRankChange is a changed document's rank, or unknown (read it from
// search_docs): a document deleted may come back unlisted.
type searchRankChange struct {
	known bool
	words uint32
	day   uint32
}

type searchRankLogRow struct{ seq, doc int64 }

const (
	searchRankSpan       = 7
	searchRankRecent     = 4096             // log rows remembered, for searches that began before the last ones
	searchRankCatchUp    = 4096             // log rows a search reads to catch up; more, and the table is rebuilt
	searchRankLogKeep    = 1 << 16          // rows indexSearchPending leaves in the log
	searchRankRebuildGap = 10 * time.Second // between failed builds
	searchRankChangedMax = 10000            // documents changed since the build, and a sixteenth of them all, before a new build
)

// searchRanks holds the current table and builds the next.
type searchRanks struct {
	mu       sync.Mutex
	table    *searchRankTable
	building bool
	warming  bool // the common words' blocks are being, or have been, kept
	failedAt time.Time
	ctx      context.Context
	stop     context.CancelFunc
	wg       sync.WaitGroup
}

func newSearchRanks() *searchRanks {
	ctx, stop := context.WithCancel(context.Background())
	return &searchRanks{ctx: ctx, stop: stop}
}

// PrepareSearch starts reading every search document's rank into memory in
// the background; until it is done, searches read ranks from the index.
// The first search starts it too: a server calls it at start so the first
// searches find it ready. It also keeps the most common words' blocks
// (search_kept_blocks.go), which searches would otherwise read one by one
// in their first minutes.
//
// Both run in one goroutine, the ranks first, each a slice at a time with a
// pause as long as the slice after it (paceBackground): the first requests
// after a start then find a core free at least half of the time instead of
// both taken by the two.
func (db *DB) PrepareSearch() {
	if db.ranks == nil {
		return
	}
	r := db.ranks
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.warming || r.ctx.Err() != nil {
		return
	}
	r.warming = true
	// Only what is kept is at stake: a search reads what is missing.
	warm := func() {
		_ = db.warmFreshLog(r.ctx)
		_ = db.warmKeptBlocks(r.ctx, searchWarmBlockBytes)
	}
	if r.table == nil && r.startBuildLocked(db, warm) {
		return
	}
	r.wg.Add(1)
	go func() {
		defer r.wg.Done()
		warm()
	}()
}

// paceBackground follows each slice of background work that began at
// start: it yields to whatever waits for a core, then pauses as long as the
// slice took (at most backgroundPauseMax), so that such work takes at most
// about half a core while requests come in. It reports whether ctx is done.
func paceBackground(ctx context.Context, start time.Time) bool {
	runtime.Gosched()
	pause := min(time.Since(start), backgroundPauseMax)
	if pause <= 0 {
		return ctx.Err() != nil
	}
	t := time.NewTimer(pause)
	defer t.Stop()
	select {
	case <-t.C:
		return false
	case <-ctx.Done():
		return true
	}
}

// backgroundPauseMax bounds one pause of paced background work.
const backgroundPauseMax = 20 * time.Millisecond

// close stops a build under way and waits for it.
func (r *searchRanks) close() {
	r.stop()
	r.wg.Wait()
}

// current is the table to rank from, nil while there is none; without one,
// a build is started in the background.
func (r *searchRanks) current(db *DB) *searchRankTable {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.table == nil {
		r.startBuildLocked(db, nil)
	}
	return r.table
}

// rebuild asks for a new table (the log has run ahead of the current one).
func (r *searchRanks) rebuild(db *DB) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.startBuildLocked(db, nil)
}

// startBuildLocked starts a build in the background unless one is under
// way, and reports whether it did; then, when set, runs in the same
// goroutine after the build.
func (r *searchRanks) startBuildLocked(db *DB, then func()) bool {
	if r.building || time.Since(r.failedAt) < searchRankRebuildGap || r.ctx.Err() != nil {
		return false
	}
	r.building = true
	r.wg.Add(1)
	go func() {
		defer r.wg.Done()
		t, err := buildSearchRanks(r.ctx, db)
		r.mu.Lock()
		r.building = false
		if err != nil {
			r.failedAt = time.Now()
		} else {
			r.table = t
		}
		r.mu.Unlock()
		if then != nil {
			then()
		}
	}()
	return true
}

// buildSearchRanks reads every document's rank, and the log's last row, in
// one transaction.
func buildSearchRanks(ctx context.Context, db *DB) (*searchRankTable, error) {
	tx, err := db.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	t := &searchRankTable{changed: map[int64]searchRankChange{}, dayOf: map[string]uint32{}}
	if err := tx.QueryRowContext(ctx, searchRankLogLastSQL).Scan(&t.at); err != nil {
		return nil, err
	}
	if t.at == 0 {
		return nil, errors.New("search ranks: the log is empty")
	}
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM search_docs INDEXED BY search_docs_rank`).Scan(&n); err != nil {
		return nil, err
	}
	t.entries = make([]searchRankEntry, 0, n+n/64)
	var last int64
	if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(doc), -1) FROM search_docs INDEXED BY search_docs_rank`).Scan(&last); err != nil {
		return nil, err
	}
	// Thousands of ranks a row, as text: one row crossing from SQLite
	// cost more than reading it there, two thirds of the build.
	for from := int64(math.MinInt64); from <= last; {
		start := time.Now()
		to := max(from, -1) + searchRankChunk
		var count int
		var docs, words, days []byte
		if err := tx.QueryRowContext(ctx, `SELECT count(*), coalesce(group_concat(doc, ' '), ''), coalesce(group_concat(words, ' '), ''),
			coalesce(group_concat(day, char(10)), '') FROM search_docs INDEXED BY search_docs_rank WHERE doc >= ? AND doc < ?`, from, to).Scan(&count, &docs, &words, &days); err != nil {
			return nil, err
		}
		if err := t.addRanks(docs, words, days, count); err != nil {
			return nil, err
		}
		from = to
		if paceBackground(ctx, start) {
			return nil, ctx.Err()
		}
	}
	if len(t.entries) >= 1<<31 || len(t.entries) > 0 && t.entries[len(t.entries)-1].doc>>searchRankSpan >= 1<<27 {
		return nil, errors.New("search ranks: too many documents to keep")
	}
	spans := int64(1)
	if len(t.entries) > 0 {
		spans = t.entries[len(t.entries)-1].doc>>searchRankSpan + 2
	}
	t.first = make([]int32, spans)
	i := 0
	for s := range t.first {
		for i < len(t.entries) && t.entries[i].doc>>searchRankSpan < int64(s) {
			i++
		}
		t.first[s] = int32(i)
	}
	return t, nil
}

// searchRankChunk is how many document numbers' ranks the build reads in
// one row: about 1,000 documents at a million claims, a few milliseconds'
// work between two pauses (paceBackground).
const searchRankChunk = 1 << 13

// addRanks adds the ranks of one chunk, in the order of doc, count of
// them, after those already added: their numbers and words each apart by a
// space, their days by a line break.
func (t *searchRankTable) addRanks(docs, words, days []byte, count int) error {
	// Each list holds count items; the last has no separator after it.
	type list struct {
		rest []byte
		done bool
	}
	next := func(l *list, sep byte) ([]byte, bool) {
		if l.done {
			return nil, false
		}
		item := l.rest
		if i := bytes.IndexByte(item, sep); i >= 0 {
			item, l.rest = item[:i], item[i+1:]
		} else {
			l.done = true
		}
		return item, true
	}
	docList, wordList, dayList := &list{rest: docs}, &list{rest: words}, &list{rest: days}
	for range count {
		docText, ok1 := next(docList, ' ')
		wordsText, ok2 := next(wordList, ' ')
		day, ok3 := next(dayList, '\n')
		doc, err1 := strconv.ParseInt(string(docText), 10, 64)
		n, err2 := strconv.ParseInt(string(wordsText), 10, 64)
		if !ok1 || !ok2 || !ok3 || err1 != nil || err2 != nil {
			return errors.New("search ranks: a rank that cannot be read")
		}
		if n < 0 || n > 1<<31 {
			return errors.New("search ranks: a document's count of words is out of range")
		}
		if k := len(t.entries); k > 0 && t.entries[k-1].doc >= doc {
			return errors.New("search ranks: documents out of order")
		}
		d, ok := t.dayOf[string(day)]
		if !ok {
			d = uint32(len(t.days))
			t.days = append(t.days, string(day))
			t.dayOf[string(day)] = d
		}
		t.entries = append(t.entries, searchRankEntry{doc: doc, words: uint32(n), day: d})
	}
	if count > 0 && !(docList.done && wordList.done && dayList.done) {
		// A day with a line break in it: never written, but not trusted.
		return errors.New("search ranks: a chunk's ranks do not add up")
	}
	return nil
}

// find is the entry of doc, if the table has one.
func (t *searchRankTable) find(doc int64) (searchRankEntry, bool) {
	s := doc >> searchRankSpan
	if doc < 0 || s+1 >= int64(len(t.first)) {
		return searchRankEntry{}, false
	}
	in := t.entries[t.first[s]:t.first[s+1]]
	i, ok := slices.BinarySearchFunc(in, doc, func(e searchRankEntry, d int64) int { return cmp.Compare(e.doc, d) })
	if !ok {
		return searchRankEntry{}, false
	}
	return in[i], true
}

// searchRank is what a candidate is ranked by.
type searchRank struct {
	doc   int64
	words int
	day   string
}

// searchRanksOf reads the ranks of docs (sorted newest first) as tx sees
// them, of those within [from, to] when given (days compared as text, as
// SQL compares them), newest first: from the memory where it knows them,
// the rest from search_docs. ok is false when the memory cannot answer for
// this transaction at all (none built yet, or it has fallen behind); the
// caller then reads them all from search_docs.
func (db *DB) searchRanksOf(ctx context.Context, tx *Tx, docs []int64, from, to string) (out []searchRank, ok bool, err error) {
	if db.ranks == nil {
		return nil, false, nil
	}
	t := db.ranks.current(db)
	if t == nil {
		return nil, false, nil
	}
	var y int64 // the log's last row as this transaction sees it
	if err := tx.QueryRowContext(ctx, searchRankLogLastSQL).Scan(&y); err != nil {
		return nil, false, err
	}
	t.mu.RLock()
	at := t.at
	t.mu.RUnlock()
	var log []searchRankLogRow
	if y > at {
		if y-at > searchRankCatchUp {
			db.ranks.rebuild(db)
			return nil, false, nil
		}
		if log, err = readSearchRankLog(ctx, tx, at, y); err != nil {
			return nil, false, err
		}
		if log == nil {
			// Cut from the log before this table read it.
			db.ranks.rebuild(db)
			return nil, false, nil
		}
		if err := t.catchUp(ctx, tx, at, y, log); err != nil {
			return nil, false, err
		}
		t.mu.RLock()
		changed := len(t.changed)
		t.mu.RUnlock()
		if changed > searchRankChangedMax+len(t.entries)/16 {
			// Many documents changed since the build: a new one reads
			// them all in one walk.
			db.ranks.rebuild(db)
		}
	}

	var ask []int64
	out = make([]searchRank, 0, len(docs))
	// Held until every look-up is done, so the table moves on meanwhile
	// only for later searches.
	t.mu.RLock()
	// Documents whose rank this transaction must read itself: those the
	// table holds as changed after this transaction's last log row, or
	// changed before it but after the table's.
	var own map[int64]bool
	switch now := t.at; {
	case now > y:
		if len(t.recent) == 0 || t.recent[0].seq > y+1 {
			t.mu.RUnlock()
			return nil, false, nil // no longer remembers which
		}
		own = map[int64]bool{}
		for _, r := range t.recent {
			if r.seq > y {
				own[r.doc] = true
			}
		}
	case now < y:
		// Another search moved the table, but not as far as this one.
		own = map[int64]bool{}
		for _, l := range log {
			if l.seq > now {
				own[l.doc] = true
			}
		}
	}
	for _, d := range docs {
		if own[d] {
			ask = append(ask, d)
			continue
		}
		var words, day uint32
		if c, ok := t.changed[d]; ok {
			if !c.known {
				ask = append(ask, d)
				continue
			}
			words, day = c.words, c.day
		} else if e, ok := t.find(d); ok {
			words, day = e.words, e.day
		} else {
			ask = append(ask, d)
			continue
		}
		dayText := t.days[day]
		if from != "" && dayText < from || to != "" && dayText > to {
			continue
		}
		out = append(out, searchRank{doc: d, words: int(words), day: dayText})
	}
	t.mu.RUnlock()
	if len(ask) > 0 {
		more, err := searchRanksFromIndex(ctx, tx, ask, from, to)
		if err != nil {
			return nil, false, err
		}
		out = append(out, more...)
		slices.SortFunc(out, func(a, b searchRank) int { return cmp.Compare(b.doc, a.doc) })
	}
	return out, true, nil
}

// catchUp applies the log's rows (at, y] (log), reading the changed
// documents' ranks in tx, which sees the log up to y; unless another search
// moved the table meanwhile.
func (t *searchRankTable) catchUp(ctx context.Context, tx *Tx, at, y int64, log []searchRankLogRow) error {
	docs := make([]int64, 0, len(log))
	for _, l := range log {
		if l.doc >= 0 {
			docs = append(docs, l.doc)
		}
	}
	slices.Sort(docs)
	docs = slices.Compact(docs)
	now := map[int64]searchRank{}
	if len(docs) > 0 {
		ranks, err := searchRanksFromIndex(ctx, tx, docs, "", "")
		if err != nil {
			return err
		}
		for _, r := range ranks {
			now[r.doc] = r
		}
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.at != at {
		return nil
	}
	for _, d := range docs {
		r, ok := now[d]
		if !ok || r.words < 0 || r.words > 1<<31 {
			t.changed[d] = searchRankChange{} // gone: may come back unlisted
			continue
		}
		day, seen := t.dayOf[r.day]
		if !seen {
			day = uint32(len(t.days))
			t.days = append(t.days, r.day)
			t.dayOf[r.day] = day
		}
		t.changed[d] = searchRankChange{known: true, words: uint32(r.words), day: day}
	}
	t.recent = append(t.recent, log...)
	if over := len(t.recent) - searchRankRecent; over > 0 {
		t.recent = slices.Delete(t.recent, 0, over)
	}
	t.at = y
	return nil
}

// searchRanksFromIndex reads documents' ranks from the index kept for them
// (migration 261), within [from, to] when given, newest first.
func searchRanksFromIndex(ctx context.Context, tx *Tx, docs []int64, from, to string) ([]searchRank, error) {
	var where string
	args := []any{searchDocList(docs)}
	if from != "" {
		where += ` AND day >= ?`
		args = append(args, from)
	}
	if to != "" {
		where += ` AND day <= ?`
		args = append(args, to)
	}
	out, err := queryAll(ctx, tx, func(r scanner) (searchRank, error) {
		var c searchRank
		return c, r.Scan(&c.doc, &c.words, &c.day)
	}, `SELECT doc, words, day FROM search_docs INDEXED BY search_docs_rank WHERE doc IN (SELECT value FROM json_each(?))`+where, args...)
	slices.SortFunc(out, func(a, b searchRank) int { return cmp.Compare(b.doc, a.doc) })
	return out, err
}

// The log's statements name one row by its number, which SQLite finds
// through the table's key whatever its statistics say: statistics taken
// while the log was nearly empty (ANALYZE on a new database) made it scan
// the whole log for a range of numbers, in every commit and every search
// catching up.
const (
	searchRankLogRowSQL    = `SELECT doc FROM search_rank_log WHERE seq = ?`
	searchRankLogDeleteSQL = `DELETE FROM search_rank_log WHERE seq = ?`
	searchRankLogFirstSQL  = `SELECT coalesce(min(seq), 0) FROM search_rank_log`
	searchRankLogLastSQL   = `SELECT coalesce(max(seq), 0) FROM search_rank_log`
)

// readSearchRankLog reads the log's rows after at up to y, in order; nil
// when one of them has been cut from the log already.
func readSearchRankLog(ctx context.Context, tx *Tx, at, y int64) ([]searchRankLogRow, error) {
	log := make([]searchRankLogRow, 0, y-at)
	for seq := at + 1; seq <= y; seq++ {
		l := searchRankLogRow{seq: seq}
		err := tx.QueryRowContext(ctx, searchRankLogRowSQL, seq).Scan(&l.doc)
		if errors.Is(err, sql.ErrNoRows) {
			return nil, nil
		} else if err != nil {
			return nil, err
		}
		log = append(log, l)
	}
	return log, nil
}
