package storage

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"claimtrail/domain/match"
)

// A document's words reach their blocks through a log (migration 740).
// Indexing a document appends one row to search_fresh: the words it gained
// and lost. A verdict in a newsroom's words has about a hundred words of its
// own, and each word's block is a row of its own among millions: written
// into the blocks at once, one verdict wrote a hundred scattered pages
// (1.4 MB of writes a desk change at a million claims, most of the server's
// time). A row of the log is one page at most, written where the last one
// was.
//
// A search reads the log over the blocks: a word's events in the log decide
// whether the documents they name have it, the blocks decide for the rest,
// and the word's count is its count in search_terms plus what the events
// added and took away. Each process keeps the log's rows it has read
// (freshLog), in the order they were written: a row is never changed once
// written, and its number is never given again, so a search reads only the
// rows written since the last, in its own snapshot, and uses what is kept
// up to the newest row that snapshot shows.
//
// Every so often the log is folded into the blocks (foldSearchTurn): the
// rows up to the newest when the fold begins, a range of words in each
// transaction, in word order, so that a block page is written once for
// every document of the fold that changed a word on it, instead of once for
// each. search_fresh_state says how far a fold is: the rows up to folded are
// in the blocks (and gone), and the words before upto are in the blocks up
// to folding. A word's events count from the row after its own base
// (freshView.base).

const (
	// searchFoldAt is how many events the log holds when a fold begins:
	// about 40 s of the desk at 500 changes a second in a newsroom's words
	// (a save of a verdict written afresh loses about 60 words and gains as
	// many). A fold rewrites most of the blocks' pages whatever its size,
	// and a common word's block once for all its events, so the more it
	// folds the less each event costs (at a million claims: 20 µs an event
	// folding 194,000, 5 µs folding 2.3 million); the bound is what the log
	// costs to keep (16 bytes an event, and the slices' slack, in each
	// process) and to read over the blocks.
	searchFoldAt = 1_000_000
	// searchFoldIdle: a log that has had no new row for this long is folded
	// whatever its size (a lunch hour, a night). Reading the log costs a
	// search little (at a million claims, with 760,000 events in it,
	// searches never asked before took 0.96 ms of CPU, against 1.14 with
	// none: the words' kept blocks stay valid), but a fold under way costs
	// searches a good deal (the same searches' slowest hundredth went from
	// 32-34 ms to 54-75 ms while a fold of those events ran), so a desk
	// that has only paused does not fold.
	searchFoldIdle = 10 * time.Minute
	// searchFoldPass bounds the time one pass of the indexer spends folding
	// (a pass every half second): the desk's changes wait for each of the
	// fold's transactions, and more of them in a row made its slowest
	// hundredth (paced at 500 changes/s for 120 s with a fold in it: p99
	// 49.0 and 55.4 ms at 150 ms a pass and 10 ms a transaction, 43.0 ms at
	// 100 ms and 5 ms). A fold slower than the log grows folds more at a
	// time, each event for less.
	searchFoldPass = 100 * time.Millisecond
	// searchFoldQuiet is searchFoldPass for a fold of a log under the
	// bound (begun because no row came for a while).
	searchFoldQuiet = 50 * time.Millisecond
)

// newFoldPace sizes a fold's transactions by events, as searchPace sizes
// the indexer's by documents: as many as fit in half the indexer's hold of
// the writer.
func newFoldPace() *searchPace {
	return &searchPace{perDoc: 5 * time.Microsecond, hold: searchIndexHold / 2, least: 250, most: 1 << 20, behind: time.Hour}
}

// freshEvent is one word's change in one document: the log's row, and
// the document's number times two, plus one when it gained the word (16
// bytes an event: the log is kept in every process).
type freshEvent struct{ seq, ref int64 }

func (e freshEvent) doc() int64 { return e.ref >> 1 }
func (e freshEvent) in() bool   { return e.ref&1 == 1 }

// freshLog is what a process has read of search_fresh: each word's events
// in the order the rows were written, every row from from (not included) to
// loaded.
type freshLog struct {
	mu       sync.Mutex
	from     int64
	loaded   int64
	words    map[string][]freshEvent
	events   int
	lastSeen time.Time // when loaded last grew, or was made (for the idle fold)
	// foldAt and foldIdle are searchFoldAt and searchFoldIdle; tests set
	// them (SetSearchFoldForTest).
	foldAt   int
	foldIdle time.Duration
	// worked keeps what word worked out for the newest snapshots' last
	// row (workedHi): every search in between asks of the same rows, and a
	// common word has tens of thousands of events. Up to searchFreshWorked
	// documents are kept.
	worked      map[freshWorkedKey]*freshWord
	workedHi    int64
	workedCount int
	// sorted is the words held, in order (nil: not worked out since they
	// last changed), for prefixes and folds.
	sorted []string
	// plan is the sorted words of the fold under way (the rows after from,
	// up to to), worked out once.
	plan struct {
		from, to int64
		words    []string
	}
}

func newFreshLog() *freshLog {
	// A start is not an idle moment: a server restarted under load folds
	// what it finds in the log once the log is past the bound, or quiet.
	return &freshLog{words: map[string][]freshEvent{}, foldAt: searchFoldAt, foldIdle: searchFoldIdle, lastSeen: time.Now()}
}

// cover makes l hold every row from folded (not included) to hi, reading
// from tx what it lacks, and reports false when it cannot: it has already
// let go of rows the snapshot still has (a fold ended since). Rows up to a
// folded greater than l's are let go.
func (l *freshLog) cover(ctx context.Context, tx *Tx, folded, hi int64) (bool, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if folded < l.from {
		return false, nil
	}
	if l.loaded < folded {
		// Behind the last fold: what is held is all folded.
		l.words, l.events, l.from, l.loaded, l.worked, l.sorted = map[string][]freshEvent{}, 0, folded, folded, nil, nil
	} else if folded > l.from {
		l.letGo(folded)
	}
	if l.loaded >= hi {
		return true, nil
	}
	if err := l.read(ctx, tx, l.loaded, hi); err != nil {
		return false, err
	}
	l.loaded = hi
	l.sorted = nil
	l.lastSeen = time.Now()
	return true, nil
}

// coverOrOwn is l holding every row from folded (not included) to hi, as
// tx shows them, or, when l has let go of some of them (a fold ended after
// tx's snapshot began, or another process folded), a log of tx's own that
// holds them.
func (l *freshLog) coverOrOwn(ctx context.Context, tx *Tx, folded, hi int64) (*freshLog, error) {
	ok, err := l.cover(ctx, tx, folded, hi)
	if err == nil && !ok {
		l = newFreshLog()
		_, err = l.cover(ctx, tx, folded, hi)
	}
	if err != nil {
		return nil, fmt.Errorf("search log: %w", err)
	}
	return l, nil
}

// count is how many events l holds.
func (l *freshLog) count() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.events
}

// read adds the log's rows after from, up to to, as tx shows them.
func (l *freshLog) read(ctx context.Context, tx *Tx, from, to int64) error {
	rows, err := tx.queryCached(ctx, `SELECT seq, doc, gained, lost FROM search_fresh WHERE seq > ? AND seq <= ? ORDER BY seq`, from, to)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var seq, doc int64
		var gained, lost string
		if err := rows.Scan(&seq, &doc, &gained, &lost); err != nil {
			return err
		}
		for _, part := range [2]struct {
			words string
			in    bool
		}{{gained, true}, {lost, false}} {
			if part.words == "" {
				continue
			}
			for _, w := range strings.Split(part.words, "\n") {
				ref := doc << 1
				if part.in {
					ref |= 1
				}
				l.words[w] = append(l.words[w], freshEvent{seq: seq, ref: ref})
				l.events++
			}
		}
	}
	return rows.Err()
}

// letGo lets go of the events up to folded.
func (l *freshLog) letGo(folded int64) {
	for w, evs := range l.words {
		i, _ := slices.BinarySearchFunc(evs, folded+1, func(e freshEvent, seq int64) int { return int(min(max(e.seq-seq, -1), 1)) })
		if i == len(evs) {
			delete(l.words, w)
		} else if i > 0 {
			l.words[w] = slices.Clone(evs[i:])
		}
		l.events -= i
	}
	l.from = folded
	l.worked, l.sorted = nil, nil
}

// searchFreshWorked bounds the documents of the words kept worked out.
const searchFreshWorked = 1 << 20

type freshWorkedKey struct {
	word string
	base int64
}

// wordKept is word, kept for the searches of the same snapshot's rows. It
// takes l's lock itself, and works a word out without it: a common word's
// events take a while, and every search waits for the lock. What it gives
// is never changed.
func (l *freshLog) wordKept(w string, base, hi int64) *freshWord {
	k := freshWorkedKey{w, base}
	l.mu.Lock()
	if hi != l.workedHi || l.worked == nil {
		l.worked, l.workedHi, l.workedCount = map[freshWorkedKey]*freshWord{}, hi, 0
	}
	if f, ok := l.worked[k]; ok {
		l.mu.Unlock()
		return f
	}
	// The events as they are now: reading and letting go put new
	// elements past this slice's end, or into new slices, never into it.
	evs := l.words[w]
	l.mu.Unlock()
	f := freshWorkOut(evs, base, hi)
	n := 1
	if f != nil {
		n += len(f.decided)
	}
	l.mu.Lock()
	if l.workedHi == hi && l.worked != nil {
		if l.workedCount+n > searchFreshWorked {
			l.worked, l.workedCount = map[freshWorkedKey]*freshWord{}, 0
		}
		l.worked[k] = f
		l.workedCount += n
	}
	l.mu.Unlock()
	return f
}

// word is what the events of w after base, up to hi, say (l's lock held).
func (l *freshLog) word(w string, base, hi int64) *freshWord {
	return freshWorkOut(l.words[w], base, hi)
}

// freshWorkOut is what a word's events (in the log's order) after base, up
// to hi, say.
func freshWorkOut(evs []freshEvent, base, hi int64) *freshWord {
	if len(evs) == 0 || evs[len(evs)-1].seq <= base || evs[0].seq > hi {
		return nil
	}
	out := &freshWord{decided: map[int64]bool{}}
	for _, e := range evs {
		if e.seq <= base {
			continue
		}
		if e.seq > hi {
			break
		}
		out.decided[e.doc()] = e.in()
		if e.in() {
			out.delta++
		} else {
			out.delta--
		}
	}
	for doc, in := range out.decided {
		if in {
			out.in = append(out.in, doc)
		}
	}
	slices.SortFunc(out.in, func(a, b int64) int { return int(min(max(b-a, -1), 1)) })
	return out
}

// freshWord is what the log says of one word in one snapshot: the
// documents whose having it the log decides (and whether they have it),
// those that have it newest first, and the change of its count.
type freshWord struct {
	decided map[int64]bool
	in      []int64
	delta   int
}

// newest is the documents that have the word by the log, newest first.
func (f *freshWord) newest() []int64 {
	if f == nil {
		return nil
	}
	return f.in
}

// decides reports whether the log decides whether doc has the word, and
// whether it has.
func (f *freshWord) decides(doc int64) (in, ok bool) {
	if f == nil {
		return false, false
	}
	in, ok = f.decided[doc]
	return in, ok
}

// freshView is the log as one read transaction shows it.
type freshView struct {
	ctx             context.Context
	tx              *Tx
	folded, folding int64
	upto            string
	hi              int64     // the newest row
	log             *freshLog // the process's, or the view's own once that one cannot serve it
	words           map[string]*freshWord
}

// searchFreshStateSQL reads how far the log is folded, and its newest row.
const searchFreshStateSQL = `SELECT folded, folding, upto, coalesce((SELECT max(seq) FROM search_fresh), 0) FROM search_fresh_state`

// freshView reads how far the log is in tx's snapshot.
func (db *DB) freshView(ctx context.Context, tx *Tx) (*freshView, error) {
	v := &freshView{ctx: ctx, tx: tx, log: db.freshLog, words: map[string]*freshWord{}}
	if err := tx.QueryRowContext(ctx, searchFreshStateSQL).Scan(&v.folded, &v.folding, &v.upto, &v.hi); err != nil {
		return nil, err
	}
	if v.log == nil {
		v.log = newFreshLog()
	} else if v.hi <= v.folded {
		// Nothing to read, but what a fold put in the blocks is let go of.
		v.log.mu.Lock()
		if v.folded > v.log.from && v.log.loaded >= v.folded {
			v.log.letGo(v.folded)
		}
		v.log.mu.Unlock()
	}
	return v, nil
}

// base is the last row whose events for word are in the blocks.
func (v *freshView) base(word string) int64 {
	if v.folding > v.folded && word < v.upto {
		return v.folding
	}
	return v.folded
}

// load makes the view's log hold every row of the snapshot.
func (v *freshView) load() error {
	l, err := v.log.coverOrOwn(v.ctx, v.tx, v.folded, v.hi)
	if err == nil {
		v.log = l
	}
	return err
}

// word is what the log says of word in this snapshot (nil: nothing).
func (v *freshView) word(word string) (*freshWord, error) {
	if v == nil || v.hi <= v.folded || match.IsFilterTerm(word) {
		return nil, nil
	}
	if f, ok := v.words[word]; ok {
		return f, nil
	}
	if err := v.load(); err != nil {
		return nil, err
	}
	f := v.log.wordKept(word, v.base(word), v.hi)
	v.words[word] = f
	return f, nil
}

// adjust adds to the words' counts in df what the log changed.
func (v *freshView) adjust(df map[string]int, terms []string) error {
	for _, t := range terms {
		f, err := v.word(t)
		if err != nil {
			return err
		}
		if f != nil {
			df[t] += f.delta
		}
	}
	return nil
}

// withPrefix is the words starting with p that the log's events in this
// snapshot name.
func (v *freshView) withPrefix(p string) ([]string, error) {
	if v == nil || v.hi <= v.folded {
		return nil, nil
	}
	if err := v.load(); err != nil {
		return nil, err
	}
	v.log.mu.Lock()
	defer v.log.mu.Unlock()
	words := v.log.sortedLocked()
	i, _ := slices.BinarySearch(words, p)
	j := i
	for j < len(words) && strings.HasPrefix(words[j], p) {
		j++
	}
	return slices.Clone(words[i:j]), nil
}

// sortedLocked is the words l holds, in order (l's lock held); its caller
// does not change it.
func (l *freshLog) sortedLocked() []string {
	if l.sorted == nil {
		l.sorted = make([]string, 0, len(l.words))
		for w := range l.words {
			l.sorted = append(l.sorted, w)
		}
		slices.Sort(l.sorted)
	}
	return l.sorted
}

// warmFreshLog reads the search log into the process, so that the first
// search after a start does not (a log near its bound is 17,000 rows).
func (db *DB) warmFreshLog(ctx context.Context) error {
	_, _, err := db.readFreshLog(ctx)
	return err
}

// readFreshLog reads what the process lacks of the search log, as a read
// transaction shows it, and says whether a fold is under way and how many
// events the log holds.
func (db *DB) readFreshLog(ctx context.Context) (folding bool, events int, err error) {
	tx, err := db.beginRead(ctx)
	if err != nil {
		return false, 0, err
	}
	defer tx.Rollback()
	v, err := db.freshView(ctx, tx)
	if err != nil {
		return false, 0, err
	}
	if v.hi > v.folded {
		if err := v.load(); err != nil {
			return false, 0, err
		}
		events = v.log.count()
	}
	return v.folding > v.folded, events, nil
}

// FoldSearch folds the whole search log into the words' blocks, in
// transactions of about n events each (n <= 0: the fold's own pace). The
// server folds by itself (IndexSearchPending); this is for maintenance and
// tests.
func (db *DB) FoldSearch(ctx context.Context, n int) error {
	always := func(int) bool { return true }
	for {
		size := n
		if size <= 0 {
			size = db.foldPace.batch(1)
		}
		under, took, held, err := db.foldSearchTurn(ctx, always, size)
		db.foldPace.held(held, took)
		if err != nil || !under && took == 0 {
			return err
		}
	}
}

// foldSearch goes on with a fold under way, or begins one when the log
// holds searchFoldAt events or has had no new row for searchFoldIdle: for
// at most searchFoldPass while the log is past the bound, else (a quiet
// desk's fold, which can wait) searchFoldQuiet, so that the readers of a
// busy morning share the machine with less of it.
func (db *DB) foldSearch(ctx context.Context) error {
	if db.freshLog == nil {
		return nil
	}
	l := db.freshLog
	start := func(events int) bool {
		l.mu.Lock()
		defer l.mu.Unlock()
		return events >= l.foldAt || events > 0 && time.Since(l.lastSeen) >= l.foldIdle
	}
	// A look in a read transaction first: most passes have nothing to
	// fold, and need not take the writer's turn to see it.
	due, events, err := db.foldDue(ctx, start)
	if err != nil || !due {
		return err
	}
	l.mu.Lock()
	pass := searchFoldQuiet
	if events >= l.foldAt {
		pass = searchFoldPass
	}
	l.mu.Unlock()
	for began := time.Now(); time.Since(began) < pass; {
		under, took, held, err := db.foldSearchTurn(ctx, start, db.foldPace.batch(1))
		db.foldPace.held(held, took)
		if err != nil || !under {
			return err
		}
	}
	return nil
}

// foldDue reports whether a fold is under way, or start says one should
// begin given the events the log holds, as a read transaction shows it,
// and the events the log holds.
func (db *DB) foldDue(ctx context.Context, start func(events int) bool) (due bool, events int, err error) {
	folding, events, err := db.readFreshLog(ctx)
	if err != nil {
		return false, 0, err
	}
	return folding || events > 0 && start(events), events, nil
}

// foldSearchTurn folds the next range of words, about n events, in one
// transaction: a fold under way goes on; otherwise one begins, up to the
// newest row, when start says so given the events the log holds. It reports
// whether a fold is still under way after it, the events folded and how
// long it held the writer.
func (db *DB) foldSearchTurn(ctx context.Context, start func(events int) bool, n int) (under bool, took int, held time.Duration, err error) {
	tx, err := db.begin(ctx)
	if err != nil {
		return false, 0, 0, err
	}
	defer tx.Rollback()
	began := time.Now()
	var folded, folding, hi int64
	var upto string
	if err := tx.QueryRowContext(ctx, searchFreshStateSQL).Scan(&folded, &folding, &upto, &hi); err != nil {
		return false, 0, 0, err
	}
	l := db.freshLog
	if l == nil {
		l = newFreshLog()
	}
	// The writer's snapshot: every row in it is committed (db.begin's
	// transaction is its own), so what is read may be kept for searches.
	if l, err = l.coverOrOwn(ctx, tx, folded, hi); err != nil {
		return false, 0, 0, err
	}
	if folding == folded {
		if hi <= folded || !start(l.count()) {
			return false, 0, 0, nil
		}
		folding, upto = hi, ""
	}
	words := l.foldPlan(folded, folding)
	i, _ := slices.BinarySearch(words, upto)
	ed := newSearchEdits()
	j := i
	l.mu.Lock()
	for ; j < len(words) && (j == i || took < n); j++ {
		f := l.word(words[j], folded, folding)
		if f == nil {
			continue
		}
		for doc, in := range f.decided {
			block, low := searchBlockOf(doc)
			k := searchBlockKey{words[j], block}
			if ed.blocks[k] == nil {
				ed.blocks[k] = map[uint16]bool{}
			}
			ed.blocks[k][low] = in
			took++
		}
		ed.counts[words[j]] += f.delta
		ed.words[words[j]] = true
	}
	l.mu.Unlock()
	// The words' versions before the fold, for what the process keeps of
	// their blocks (search_kept_blocks.go).
	was := map[string]int64{}
	if err := searchWeights(ctx, tx, words[i:j], map[string]int{}, was); err != nil {
		return false, 0, 0, err
	}
	ed.written = map[searchBlockKey][]byte{}
	if err := ed.write(ctx, tx); err != nil {
		return false, 0, 0, fmt.Errorf("search fold: %w", err)
	}
	done := j >= len(words)
	if done {
		if _, err := tx.ExecContext(ctx, `DELETE FROM search_fresh WHERE seq <= ?`, folding); err != nil {
			return false, 0, 0, err
		}
		folded, upto = folding, ""
	} else {
		upto = words[j]
	}
	if _, err := tx.ExecContext(ctx, `UPDATE search_fresh_state SET folded = ?, folding = ?, upto = ?`, folded, folding, upto); err != nil {
		return false, 0, 0, err
	}
	if err := tx.Commit(); err != nil {
		return false, 0, 0, err
	}
	if !tx.turnEnded.IsZero() {
		held = tx.turnEnded.Sub(began)
	}
	// What searches keep of the words folded goes on at their new version,
	// instead of being read again by the next searches.
	if ed.version != 0 {
		changed := map[string]map[int64][]byte{}
		for key, list := range ed.written {
			if changed[key.term] == nil {
				changed[key.term] = map[int64][]byte{}
			}
			changed[key.term][key.block] = list
		}
		for w := range ed.words {
			db.keptBlocks.advance(w, was[w], ed.version, changed[w])
		}
	}
	return !done, took, held, nil
}

// foldPlan is the words the log's rows after from, up to to, name, in
// order: worked out once a fold.
func (l *freshLog) foldPlan(from, to int64) []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.plan.from == from && l.plan.to == to && l.plan.words != nil {
		return l.plan.words
	}
	words := []string{}
	for _, w := range l.sortedLocked() {
		if evs := l.words[w]; len(evs) > 0 && evs[0].seq <= to && evs[len(evs)-1].seq > from {
			words = append(words, w)
		}
	}
	l.plan.from, l.plan.to, l.plan.words = from, to, words
	return words
}
