package storage

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"claimtrail/domain/match"
)

// A change does not index the documents it changed: its triggers list them
// in search_pending (migration 165) and the change commits without them.
// The writer indexes what is listed in transactions of its own
// (IndexSearchPending, which the server runs every searchIndexEvery), many
// documents at a time, each transaction as many as fit in a short hold of
// the writer (searchPace): a document changed several times meanwhile is
// indexed once. Its words go to the search log, one row a document, and
// reach their blocks when the log is folded (search_fresh.go); its filters
// are written at once. What was listed survives a crash (it is in the database) and is indexed
// by the next pass. Moves between states rename the state filter inside the
// change itself (migration 210), so a search by state stays exact; words,
// ratings and the rest follow within the pass's delay.

// The indexer's transactions are sized by the time they hold the writer,
// not by a count of documents: every change arriving meanwhile waits for
// it, so a transaction of 32 documents, doubled at each turn while more were
// left (64, then 128: the pass after half a second of the desk at 500
// changes a second), held it for 15-45 ms every half second, and the
// changes queued behind those made the desk's slowest hundredth (paced at
// 500 changes/s at a million claims: p99 58 ms where the median was
// 3.5 ms). A transaction now takes as many documents as fit in
// searchIndexHold at the time the last ones took, the writer given back
// between transactions, so a pass is several short turns with changes in
// between.
const (
	// searchIndexHold is how long a transaction aims to hold the writer.
	// A transaction costs about 3 ms whatever its size (the shared words'
	// blocks, counts and versions, the commit) and 0.2 ms a document
	// (measured at the desk's 500 changes/s at a million claims): aiming
	// at 5 ms gave transactions of 8-10 documents, mostly that fixed
	// cost, the indexer fell behind and grew its turns to 256 documents
	// (30-80 ms) after all. At 10 ms about 35 documents share it.
	searchIndexHold = 10 * time.Millisecond
	// searchIndexBatchLeast and searchIndexBatchMost bound a transaction's
	// documents whatever the time they take.
	searchIndexBatchLeast = 16
	searchIndexBatchMost  = 256
	// searchIndexBehind: a pass still finding full transactions after this
	// long is behind (a saturated writer gives it a turn only after every
	// change waiting then): each of its turns then takes twice the last, up
	// to searchIndexBatchMost, so a saved verdict stays searchable within
	// about a second or two (4.7 and 7.1 s at 110 changes/s, with 32 a
	// transaction and no growing).
	searchIndexBehind = time.Second
	// searchIndexFirstDoc is the time a document is taken to cost before
	// any has been measured (0.35 ms on a loaded 2-core machine at a
	// million claims).
	searchIndexFirstDoc = 350 * time.Microsecond
)

// searchPace keeps how long the indexer's transactions held the writer per
// document, smoothed over the last few, and sizes the next from it.
type searchPace struct {
	mu     sync.Mutex
	perDoc time.Duration // the writer's hold per document, smoothed

	// hold, least, most and behind are searchIndexHold,
	// searchIndexBatchLeast, searchIndexBatchMost and searchIndexBehind;
	// tests set them (SetSearchIndexPaceForTest).
	hold        time.Duration
	least, most int
	behind      time.Duration
	turn        func(asked, taken int) // tests: told after each transaction
}

func newSearchPace() *searchPace {
	return &searchPace{perDoc: searchIndexFirstDoc, hold: searchIndexHold, least: searchIndexBatchLeast,
		most: searchIndexBatchMost, behind: searchIndexBehind}
}

// batch is how many documents the next transaction takes: as many as fit
// in the aimed hold (grow times that for a pass that is behind), within the
// bounds.
func (p *searchPace) batch(grow int) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	n := p.least
	if p.perDoc > 0 {
		n = max(n, int(p.hold/p.perDoc))
	}
	return min(n*grow, p.most)
}

// held records that a transaction of docs documents held the writer for d.
// The last transactions count most: the machine's load moves the time a
// document takes within seconds.
func (p *searchPace) held(d time.Duration, docs int) {
	if docs <= 0 {
		return
	}
	p.mu.Lock()
	p.perDoc = (3*p.perDoc + d/time.Duration(docs)) / 4
	p.mu.Unlock()
}

// IndexSearchPending indexes every document changes have listed in
// search_pending, in transactions that each hold the writer about
// searchIndexHold, the writer given back between them; once the pass has
// run for searchIndexBehind, each transaction takes twice the last's share
// (up to searchIndexBatchMost documents). It stops once a transaction finds
// fewer than it asked for. Indexing changes no newsroom data, so it writes
// no audit event.
func (db *DB) IndexSearchPending(ctx context.Context) error {
	p := db.searchPace
	p.mu.Lock()
	behind, turn := p.behind, p.turn
	p.mu.Unlock()
	began, grow := time.Now(), 1
	for {
		if time.Since(began) >= behind {
			grow = min(2*grow, searchIndexBatchMost)
		}
		n := p.batch(grow)
		taken, _, held, err := db.indexSearchList(ctx, searchPendingList, n)
		p.held(held, taken)
		if turn != nil {
			turn(n, taken)
		}
		if err != nil {
			return err
		}
		if taken < n {
			// What the log holds goes on into the blocks, a little each
			// pass (search_fresh.go).
			return db.foldSearch(ctx)
		}
	}
}

// searchList is a list of documents waiting to be indexed: the statement
// giving its next n, the one taking them off given the last of them, and,
// when the caller wants it, the one saying whether any are left.
type searchList struct{ next, taken, left string }

var (
	searchPendingList = searchList{next: `SELECT doc FROM search_pending ORDER BY doc LIMIT ?`,
		taken: `DELETE FROM search_pending WHERE doc <= ?`}
	// The backlog is indexed newest first: recent documents are searched most.
	searchBacklogList = searchList{next: `SELECT doc FROM search_backlog ORDER BY doc DESC LIMIT ?`,
		taken: `DELETE FROM search_backlog WHERE doc >= ?`,
		left:  `SELECT count(*) FROM (SELECT 1 FROM search_backlog LIMIT 1)`}
)

// indexSearchList indexes up to n documents of list l in one transaction
// and takes them off it; it says how many it took, when l asks whether any
// are left, and how long it held the writer (its wait for the log's sync
// after the commit left out).
func (db *DB) indexSearchList(ctx context.Context, l searchList, n int) (taken, left int, held time.Duration, err error) {
	tx, err := db.begin(ctx)
	if err != nil {
		return 0, 0, 0, err
	}
	defer tx.Rollback()
	start := time.Now()
	docs, err := queryAll(ctx, tx, scanInt64, l.next, n)
	if err != nil || len(docs) == 0 {
		return 0, 0, 0, err
	}
	if err := indexSearchDocs(ctx, tx, docs); err != nil {
		return 0, 0, 0, fmt.Errorf("search index: %w", err)
	}
	if _, err = tx.ExecContext(ctx, l.taken, docs[len(docs)-1]); err != nil {
		return 0, 0, 0, err
	}
	if err := trimSearchRankLog(ctx, tx); err != nil {
		return 0, 0, 0, err
	}
	if l.left != "" {
		if err := tx.QueryRowContext(ctx, l.left).Scan(&left); err != nil {
			return 0, 0, 0, err
		}
	}
	err = tx.Commit()
	if !tx.turnEnded.IsZero() {
		held = tx.turnEnded.Sub(start)
	}
	return len(docs), left, held, err
}

// trimSearchRankLog leaves the newest rows of the log of changed ranks
// (migration 300, search_ranks.go), after an indexing.
// Its numbers follow each other without gaps, so what is over the bound
// is counted from the first and the last, and cut a row at a time from the
// first (searchRankLogDeleteSQL says why).
func trimSearchRankLog(ctx context.Context, tx *Tx) error {
	var first, last int64
	if err := tx.QueryRowContext(ctx, searchRankLogFirstSQL).Scan(&first); err != nil {
		return err
	}
	if err := tx.QueryRowContext(ctx, searchRankLogLastSQL).Scan(&last); err != nil {
		return err
	}
	for seq := first; seq <= last-searchRankLogKeep; seq++ {
		if _, err := tx.ExecContext(ctx, searchRankLogDeleteSQL, seq); err != nil {
			return err
		}
	}
	return nil
}

// searchBlockKey is one word's block.
type searchBlockKey struct {
	term  string
	block int64
}

// searchEdits gathers what indexing several documents changes, so that
// what they share (a word's block, a term's count) is written once.
type searchEdits struct {
	blocks map[searchBlockKey]map[uint16]bool // a word's block: each document's low bits, in (true) or out
	counts map[string]int                     // a term's change of its number of documents
	words  map[string]bool                    // words whose blocks changed: they get a new version
	// fresh are the words each document gained and lost, for the search
	// log (search_fresh.go).
	fresh map[int64]*freshRow
	// written are the blocks' lists written (nil: the block emptied), and
	// version the words' new version: a fold brings what the process
	// keeps of the words up to them.
	written map[searchBlockKey][]byte
	version int64
	// postings of filters taken out, by document, and put in ([term, doc]
	// each).
	gone    map[int64][]string
	added   []any
	rows    [][]any // search_docs rows written, in searchDocColumns' order
	dropped []int64 // documents no longer searchable
}

func newSearchEdits() *searchEdits {
	return &searchEdits{blocks: map[searchBlockKey]map[uint16]bool{}, counts: map[string]int{}, words: map[string]bool{},
		gone: map[int64][]string{}, fresh: map[int64]*freshRow{}}
}

// freshRow is a document's row of the search log: the words it gained and
// lost.
type freshRow struct{ gained, lost []string }

// indexSearchDocs brings the documents' entries in step in tx: only the
// postings that differ are written, text that has not changed is not
// analysed again, and what the documents share is written once.
func indexSearchDocs(ctx context.Context, tx *Tx, docs []int64) error {
	entries, err := loadSearchEntries(ctx, tx, docs)
	if err != nil {
		return err
	}
	indexed, err := loadSearchRows(ctx, tx, docs)
	if err != nil {
		return err
	}
	ed := newSearchEdits()
	for _, doc := range docs {
		ed.add(doc, entries[doc], indexed[doc])
	}
	return ed.write(ctx, tx)
}

// loadSearchEntries reads the documents as they are now, a statement per
// kind: a document missing from the answer is not searchable.
func loadSearchEntries(ctx context.Context, tx *Tx, docs []int64) (map[int64]*searchEntry, error) {
	out := make(map[int64]*searchEntry, len(docs))
	for _, k := range searchSources {
		var ids []int64
		for _, doc := range docs {
			if doc%8 == k.code {
				ids = append(ids, doc/8)
			}
		}
		if len(ids) == 0 {
			continue
		}
		list, _ := json.Marshal(ids)
		rows, err := tx.queryCached(ctx, k.sel+` WHERE `+k.idColumn+` IN (SELECT value FROM json_each(?))`, string(list))
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			id, e, err := k.scan(rows)
			if err != nil {
				rows.Close()
				return nil, err
			}
			if e != nil {
				out[id*8+k.code] = e
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// searchIndexed is a document's row of search_docs as indexed.
type searchIndexed struct {
	terms, digest string
	words         int
	row           searchRow
}

// loadSearchRows reads the documents' rows of search_docs in one statement.
func loadSearchRows(ctx context.Context, tx *Tx, docs []int64) (map[int64]*searchIndexed, error) {
	list, _ := json.Marshal(docs)
	rows, err := tx.queryCached(ctx, `SELECT doc, terms, analysed, words, claim_id, article_id, text, context, state, rating, url, day
		FROM search_docs WHERE doc IN (SELECT value FROM json_each(?))`, string(list))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := make(map[int64]*searchIndexed, len(docs))
	for rows.Next() {
		var doc int64
		var x searchIndexed
		w := &x.row
		if err := rows.Scan(&doc, &x.terms, &x.digest, &x.words, &w.claimID, &w.articleID, &w.text, &w.context, &w.state, &w.rating,
			&w.url, &w.day); err != nil {
			return nil, err
		}
		out[doc] = &x
	}
	return out, rows.Err()
}

// add works out what indexing doc changes: e is the document now (nil:
// not searchable), indexed its row in search_docs (nil: none).
func (ed *searchEdits) add(doc int64, e *searchEntry, indexed *searchIndexed) {
	had := indexed != nil
	var oldTerms, oldDigest string
	var words int
	var was searchRow
	if had {
		oldTerms, oldDigest, words, was = indexed.terms, indexed.digest, indexed.words, indexed.row
	}
	var old []string
	if had && oldTerms != "" {
		old = strings.Split(oldTerms, "\n")
	}
	var now []string
	var digest string
	if e != nil {
		digest = e.digest()
		var wordTerms []string
		if had && digest == oldDigest {
			for _, t := range old {
				if !match.IsFilterTerm(t) {
					wordTerms = append(wordTerms, t)
				}
			}
		} else {
			wordTerms = e.wordTerms()
		}
		words = len(wordTerms)
		now = append(wordTerms, e.filterTerms()...)
		slices.Sort(now)
		now = slices.Compact(now)
	}
	joined := strings.Join(now, "\n")
	if had && e != nil && digest == oldDigest && joined == oldTerms && was == e.row() {
		return // as indexed: nothing to write
	}
	for _, t := range old {
		if _, ok := slices.BinarySearch(now, t); !ok {
			ed.term(doc, t, false)
		}
	}
	for _, t := range now {
		if _, ok := slices.BinarySearch(old, t); !ok {
			ed.term(doc, t, true)
		}
	}
	switch {
	case e != nil:
		ed.rows = append(ed.rows, []any{doc, e.claimID, e.articleID, storedText(e), e.context, e.state, e.rating, e.url, e.day,
			words, digest, joined})
	case had:
		ed.dropped = append(ed.dropped, doc)
	}
}

// term notes that doc gained (in) or lost a term: a word in the search
// log (search_fresh.go), a filter as a posting, its count with it.
func (ed *searchEdits) term(doc int64, t string, in bool) {
	if !match.IsFilterTerm(t) {
		r := ed.fresh[doc]
		if r == nil {
			r = &freshRow{}
			ed.fresh[doc] = r
		}
		if in {
			r.gained = append(r.gained, t)
		} else {
			r.lost = append(r.lost, t)
		}
		return
	}
	if in {
		ed.counts[t]++
		ed.added = append(ed.added, []any{t, doc})
	} else {
		ed.counts[t]--
		ed.gone[doc] = append(ed.gone[doc], t)
	}
}

// write writes what add gathered, in a fixed number of statements
// whatever the number of documents, but one for each document's row.
func (ed *searchEdits) write(ctx context.Context, tx *Tx) error {
	if err := ed.writeBlocks(ctx, tx); err != nil {
		return err
	}
	// Every word whose blocks changed gets a version never given before
	// (migration 350): what a server keeps of its blocks
	// (search_kept_blocks.go) is then no longer used. Filters keep theirs.
	var version int64
	if len(ed.words) > 0 {
		var err error
		if version, err = nextSearchBlockVersion(ctx, tx); err != nil {
			return err
		}
		ed.version = version
	}
	if len(ed.counts) > 0 {
		list := make([]any, 0, len(ed.counts))
		for t, n := range ed.counts {
			if n != 0 || ed.words[t] {
				list = append(list, []any{t, n, ed.words[t]})
			}
		}
		if len(list) > 0 {
			js, _ := json.Marshal(list)
			if _, err := tx.ExecContext(ctx, `INSERT INTO search_terms (term, df, version)
				SELECT value ->> 0, value ->> 1, CASE WHEN value ->> 2 THEN ? ELSE 0 END FROM json_each(?) WHERE true
				ON CONFLICT (term) DO UPDATE SET df = df + excluded.df, version = max(version, excluded.version)`, version, string(js)); err != nil {
				return err
			}
		}
	}
	// A document at a time: with (term, doc) pairs in one list, SQLite
	// looks up the term alone and reads all of its postings (~all's are
	// every document).
	for doc, terms := range ed.gone {
		js, _ := json.Marshal(terms)
		if _, err := tx.ExecContext(ctx, `DELETE FROM search_postings WHERE term IN (SELECT value FROM json_each(?)) AND doc = ?`,
			string(js), doc); err != nil {
			return err
		}
	}
	if len(ed.added) > 0 {
		js, _ := json.Marshal(ed.added)
		if _, err := tx.ExecContext(ctx, `INSERT INTO search_postings (term, doc) SELECT value ->> 0, value ->> 1 FROM json_each(?)`,
			string(js)); err != nil {
			return err
		}
	}
	for _, doc := range ed.dropped {
		if _, err := tx.ExecContext(ctx, `DELETE FROM search_docs WHERE doc = ?`, doc); err != nil {
			return err
		}
	}
	if len(ed.fresh) > 0 {
		// In the order of the documents: the log's numbers follow it.
		docs := make([]int64, 0, len(ed.fresh))
		for doc := range ed.fresh {
			docs = append(docs, doc)
		}
		slices.Sort(docs)
		list := make([]any, len(docs))
		for i, doc := range docs {
			list[i] = []any{doc, strings.Join(ed.fresh[doc].gained, "\n"), strings.Join(ed.fresh[doc].lost, "\n")}
		}
		js, _ := json.Marshal(list)
		if _, err := tx.ExecContext(ctx, `INSERT INTO search_fresh (doc, gained, lost)
			SELECT value ->> 0, value ->> 1, value ->> 2 FROM json_each(?) ORDER BY key`, string(js)); err != nil {
			return err
		}
	}
	for _, row := range ed.rows {
		if _, err := tx.ExecContext(ctx, `INSERT INTO search_docs (`+searchDocColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (doc) DO UPDATE SET claim_id = excluded.claim_id, article_id = excluded.article_id, text = excluded.text,
			context = excluded.context, state = excluded.state, rating = excluded.rating, url = excluded.url, day = excluded.day,
			words = excluded.words, analysed = excluded.analysed, terms = excluded.terms`, row...); err != nil {
			return err
		}
	}
	return nil
}

// writeBlocks reads every word's block the documents touch in one
// statement, changes them in Go, and writes them back in two: each block
// once, however many of the documents are in it.
func (ed *searchEdits) writeBlocks(ctx context.Context, tx *Tx) error {
	if len(ed.blocks) == 0 {
		return nil
	}
	keys := make([]searchBlockKey, 0, len(ed.blocks))
	for k := range ed.blocks {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b searchBlockKey) int {
		if c := strings.Compare(a.term, b.term); c != 0 {
			return c
		}
		return int(a.block - b.block)
	})
	ask := make([]any, len(keys))
	for i, k := range keys {
		ask[i] = []any{k.term, k.block}
	}
	js, _ := json.Marshal(ask)
	lists := make(map[searchBlockKey][]byte, len(keys))
	// The asked keys lead (CROSS JOIN), each found by the primary key.
	rows, err := tx.queryCached(ctx, `SELECT b.term, b.block, b.docs FROM json_each(?) j CROSS JOIN search_blocks b
		ON b.term = j.value ->> 0 AND b.block = j.value ->> 1`, string(js))
	if err != nil {
		return err
	}
	for rows.Next() {
		var k searchBlockKey
		var b []byte
		if err := rows.Scan(&k.term, &k.block, &b); err != nil {
			rows.Close()
			return err
		}
		lists[k] = b
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	put := []byte{'['}
	emptied := map[int64][]string{} // by block, as gone postings are by document
	for _, k := range keys {
		list, changed := lists[k], false
		lows := make([]uint16, 0, len(ed.blocks[k]))
		for low := range ed.blocks[k] {
			lows = append(lows, low)
		}
		slices.Sort(lows)
		for _, low := range lows {
			var c bool
			if list, c = searchBlockWith(list, low, ed.blocks[k][low]); c {
				changed = true
			}
		}
		if !changed {
			continue
		}
		if ed.written != nil {
			ed.written[k] = list
		}
		if len(list) == 0 {
			emptied[k.block] = append(emptied[k.block], k.term)
			continue
		}
		if len(put) > 1 {
			put = append(put, ',')
		}
		name, _ := json.Marshal(k.term)
		put = append(append(append(put, '['), name...), ',')
		put = strconv.AppendInt(put, k.block, 10)
		put = append(put, ',', '"')
		put = hex.AppendEncode(put, list)
		put = append(put, '"', ']')
	}
	put = append(put, ']')
	if len(put) > 2 {
		if _, err := tx.ExecContext(ctx, `INSERT INTO search_blocks (term, block, docs)
			SELECT value ->> 0, value ->> 1, unhex(value ->> 2) FROM json_each(?) WHERE true
			ON CONFLICT (term, block) DO UPDATE SET docs = excluded.docs`, string(put)); err != nil {
			return err
		}
	}
	for block, terms := range emptied {
		js, _ := json.Marshal(terms)
		if _, err := tx.ExecContext(ctx, `DELETE FROM search_blocks WHERE block = ? AND term IN (SELECT value FROM json_each(?))`,
			block, string(js)); err != nil {
			return err
		}
	}
	return nil
}
