package storage

import (
	"cmp"
	"container/list"
	"context"
	"math"
	"slices"
	"sync"
	"time"

	"claimtrail/domain/match"
)

// A search never asked before still asks for words asked before: the words
// of a newsroom's searches repeat (a few hundred common words make most of
// them), and so do the blocks of theirs a search reads, the newest above
// all. Read from SQLite, a common word's block is a few pages, mostly not in
// the connection's own cache: a quarter of a fresh search's CPU went to
// them. keptBlocks keeps the blocks read, in this process, for every
// search to share.
//
// Each word's blocks are kept under the word's version (search_terms.version,
// migration 350), which every change to any of its blocks sets, in the same
// transaction, to a number never set before. A search reads its words'
// versions with their counts, in its own snapshot, and uses what is kept of
// a word only when it was kept under that very version: then it is what
// the snapshot holds, whatever was written since to other words, in this
// process or any other. A search whose snapshot shows a word at a newer
// version replaces what is kept of it; one at an older version neither uses
// nor adds. Inside a write transaction nothing kept is used (its own changes
// are not committed, and may never be).

// searchKeepBlockBytes bounds the bytes of the blocks kept; past it, the
// words used longest ago are let go.
const searchKeepBlockBytes = 64 << 20

// keptWordBlocks is what is kept of one word at one version: some of its
// blocks, by number, and which are known to be absent. It is never changed
// once kept (a search adding blocks keeps a new one), so searches read it
// without a lock.
type keptWordBlocks struct {
	version int64
	// lists holds the blocks read, by number; a nil list is a block known
	// to be absent (the word has no document in its range).
	lists map[int64][]byte
	// from: every block numbered from on is known (read in one walk down
	// from the newest); math.MaxInt64 when none is.
	from int64
	// newest are the numbers of the blocks held from from on, newest first.
	newest []int64
	bytes  int
}

// known reports whether block b's list is known, and the list (nil: the
// word has none there).
func (w *keptWordBlocks) known(b int64) ([]byte, bool) {
	if w == nil {
		return nil, false
	}
	if l, ok := w.lists[b]; ok {
		return l, true
	}
	return nil, b >= w.from
}

// with is w with more blocks known (lists, nil for absent), and from
// lowered to from when it is lower: a new value, w unchanged; lists may
// become part of it, so its caller no longer changes it.
func (w *keptWordBlocks) with(version int64, lists map[int64][]byte, from int64) *keptWordBlocks {
	out := &keptWordBlocks{version: version, from: math.MaxInt64}
	if w != nil && w.version == version {
		out.lists = make(map[int64][]byte, len(w.lists)+len(lists))
		for b, l := range w.lists {
			out.lists[b] = l
		}
		out.from = w.from
		for b, l := range lists {
			out.lists[b] = l
		}
	} else {
		out.lists = lists // a word read for the first time: its map as read
	}
	out.from = min(out.from, from)
	for b, l := range out.lists {
		out.bytes += len(l) + 48
		if b >= out.from && l != nil {
			out.newest = append(out.newest, b)
		}
	}
	slices.SortFunc(out.newest, func(a, b int64) int { return cmp.Compare(b, a) })
	return out
}

// keptBlocks keeps words' blocks within a bound on their bytes, the words
// used longest ago let go first.
type keptBlocks struct {
	mu       sync.Mutex
	max      int
	bytes    int
	words    map[string]*list.Element // of *keptWord
	order    *list.List               // used last at the front
	hits     int64                    // blocks found kept (for tests and benchmarks)
	misses   int64                    // blocks read from SQLite
	replaced int64                    // words kept again under a newer version
}

type keptWord struct {
	term   string
	blocks *keptWordBlocks
}

func newKeptBlocks(maxBytes int) *keptBlocks {
	return &keptBlocks{max: maxBytes, words: map[string]*list.Element{}, order: list.New()}
}

// get is what is kept of term at version, nil when nothing is.
func (k *keptBlocks) get(term string, version int64) *keptWordBlocks {
	if k == nil {
		return nil
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	e, ok := k.words[term]
	if !ok {
		return nil
	}
	w := e.Value.(*keptWord)
	if w.blocks.version != version {
		return nil
	}
	k.order.MoveToFront(e)
	return w.blocks
}

// put keeps blocks of term read at version (lists by number, nil for a
// block known absent; from: every block from it on is among them or
// absent), with what is kept of it at the same version; a newer version
// replaces what is kept, an older one is not kept. lists may be kept as it
// is: its caller no longer changes it.
func (k *keptBlocks) put(term string, version int64, lists map[int64][]byte, from int64) {
	if k == nil || len(lists) == 0 && from == math.MaxInt64 {
		return
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	var was *keptWordBlocks
	e, ok := k.words[term]
	if ok {
		was = e.Value.(*keptWord).blocks
		if was.version > version {
			return // read in an older snapshot
		}
		if was.version < version {
			k.replaced++
		}
	}
	w := was.with(version, lists, from)
	if w.bytes+len(term)+64 > k.max {
		return
	}
	if ok {
		k.bytes -= was.bytes + len(term) + 64
		e.Value.(*keptWord).blocks = w
		k.order.MoveToFront(e)
	} else {
		k.words[term] = k.order.PushFront(&keptWord{term: term, blocks: w})
	}
	k.bytes += w.bytes + len(term) + 64
	k.trimLocked()
}

// trimLocked lets go of the words used longest ago until what is kept is
// within the bound (k's lock held).
func (k *keptBlocks) trimLocked() {
	for k.bytes > k.max && k.order.Len() > 0 {
		last := k.order.Back()
		old := last.Value.(*keptWord)
		k.order.Remove(last)
		delete(k.words, old.term)
		k.bytes -= old.blocks.bytes + len(old.term) + 64
	}
}

// advance brings what is kept of term at version was to version now, the
// blocks changed in between (by a fold, in one transaction) being lists
// (an empty list: the word has none there any more): what was kept, with
// those blocks as they are now, is the word at now. Kept at another
// version, older than now, the word is let go.
func (k *keptBlocks) advance(term string, was, now int64, lists map[int64][]byte) {
	if k == nil {
		return
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	e, ok := k.words[term]
	if !ok {
		return
	}
	old := e.Value.(*keptWord).blocks
	if old.version >= now {
		return
	}
	k.bytes -= old.bytes + len(term) + 64
	if old.version != was {
		k.order.Remove(e)
		delete(k.words, term)
		return
	}
	next := make(map[int64][]byte, len(old.lists)+len(lists))
	for b, l := range old.lists {
		next[b] = l
	}
	for b, l := range lists {
		if _, known := old.known(b); known {
			if len(l) == 0 {
				l = nil
			}
			next[b] = l
		}
	}
	w := (*keptWordBlocks)(nil).with(now, next, old.from)
	e.Value.(*keptWord).blocks = w
	k.bytes += w.bytes + len(term) + 64
	k.trimLocked()
}

// count adds to the tallies of blocks found kept and read.
func (k *keptBlocks) count(hits, misses int) {
	if k == nil || hits == 0 && misses == 0 {
		return
	}
	k.mu.Lock()
	k.hits += int64(hits)
	k.misses += int64(misses)
	k.mu.Unlock()
}

// keptBlocksFor is what a search in tx may use of the kept blocks: nil in a
// write transaction.
func (tx *Tx) keptBlocksFor() *keptBlocks {
	if tx.ctx != nil || tx.db == nil {
		return nil
	}
	return tx.db.keptBlocks
}

// nextSearchBlockVersion gives out the next version of words' blocks
// (migration 350): a number no other transaction is given, larger than every
// version set before.
func nextSearchBlockVersion(ctx context.Context, tx *Tx) (int64, error) {
	var n int64
	err := tx.QueryRowContext(ctx, `UPDATE search_block_clock SET n = n + 1 RETURNING n`).Scan(&n)
	return n, err
}

// searchBlockReads reads words' blocks for one search: what is kept under
// the version its snapshot shows (versions, read with the words' counts),
// the rest from tx, kept in turn.
type searchBlockReads struct {
	tx       *Tx
	kept     *keptBlocks // nil: nothing kept is used
	versions map[string]int64
	// counts are the terms' numbers of documents, searchAllTerm's the
	// archive's (nil: unknown), read with the versions, and what the log
	// changed added (freshView.adjust).
	counts map[string]int
	// fresh is the search log in the same snapshot (nil: none read): the
	// documents its events name are as it says, whatever the blocks say.
	fresh *freshView
}

// fewExpected reports whether fewer than enough of lead's candidates are
// expected to have every other term, were the terms independent: then
// every candidate is checked in the end, and may as well be at once.
func (r *searchBlockReads) fewExpected(lead string, others []string, candidates, enough int) bool {
	all := r.counts[searchAllTerm]
	if all <= 0 || candidates == 0 || match.IsFilterTerm(lead) {
		return false
	}
	expect := float64(candidates)
	for _, t := range others {
		expect *= float64(r.counts[t]) / float64(all)
	}
	return expect < float64(enough)
}

// newest is word's documents newest first, at most n: the candidates of a
// search that word leads.
func (r *searchBlockReads) newest(ctx context.Context, word string, n int) ([]int64, error) {
	f, err := r.fresh.word(word)
	if err != nil {
		return nil, err
	}
	docs, err := r.newestInBlocks(ctx, word, n, f)
	if err != nil || len(f.newest()) == 0 {
		return docs, err
	}
	// With the log's, newest first.
	out := make([]int64, 0, min(n, len(docs)+len(f.in)))
	i, j := 0, 0
	for len(out) < n && (i < len(docs) || j < len(f.in)) {
		if j == len(f.in) || i < len(docs) && docs[i] > f.in[j] {
			out = append(out, docs[i])
			i++
		} else {
			out = append(out, f.in[j])
			j++
		}
	}
	return out, nil
}

// newestInBlocks is newest as the blocks say it, less the documents the
// log decides for.
func (r *searchBlockReads) newestInBlocks(ctx context.Context, word string, n int, f *freshWord) ([]int64, error) {
	version := r.versions[word]
	w := r.kept.get(word, version)
	docs := make([]int64, 0, min(n, max(r.counts[word], 16)))
	take := func(block int64, list []byte) {
		for i := len(list) - 2; i >= 0 && len(docs) < n; i -= 2 {
			doc := block<<searchBlockShift | int64(list[i])<<8 | int64(list[i+1])
			if _, decided := f.decides(doc); !decided {
				docs = append(docs, doc)
			}
		}
	}
	below := int64(math.MaxInt64) // where the walk goes on in SQLite
	hits := 0
	if w != nil {
		for _, b := range w.newest {
			if len(docs) >= n {
				break
			}
			take(b, w.lists[b])
			hits++
		}
		below = w.from
	}
	if len(docs) >= n || below == math.MinInt64 {
		r.kept.count(hits, 0)
		return docs, nil
	}
	rows, err := r.tx.queryCached(ctx, `SELECT block, docs FROM search_blocks WHERE term = ? AND block < ? ORDER BY block DESC`, word, below)
	if err != nil {
		return nil, err
	}
	read := map[int64][]byte{}
	from := below
	for len(docs) < n {
		if !rows.Next() {
			from = math.MinInt64 // every block read: the word is known whole
			break
		}
		var block int64
		var list []byte
		if err := rows.Scan(&block, &list); err != nil {
			rows.Close()
			return nil, err
		}
		take(block, list)
		read[block] = list
		from = block
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	r.kept.count(hits, len(read))
	r.kept.put(word, version, read, from)
	return docs, nil
}

// have keeps the documents (newest first) that word has.
func (r *searchBlockReads) have(ctx context.Context, word string, docs []int64) ([]int64, error) {
	f, err := r.fresh.word(word)
	if err != nil {
		return nil, err
	}
	lists, err := r.blocksOf(ctx, word, docs)
	if err != nil {
		return nil, err
	}
	// docs are newest first: each block's are together, and each is
	// looked for below where the one before it was.
	kept := docs[:0]
	for i := 0; i < len(docs); {
		block := docs[i] >> searchBlockShift
		list := lists[block]
		hi := len(list) / 2
		for ; i < len(docs) && docs[i]>>searchBlockShift == block; i++ {
			if in, decided := f.decides(docs[i]); decided {
				if in {
					kept = append(kept, docs[i])
				}
				continue
			}
			at, ok := searchBlockFindBelow(list, hi, uint16(docs[i]&searchBlockMask))
			if ok {
				kept = append(kept, docs[i])
			}
			hi = at
		}
	}
	return kept, nil
}

// searchBlockFindBelow is searchBlockFind within the list's first hi
// numbers, looked for from hi down in growing steps: candidates come
// newest first, each mostly a few numbers below the one before it.
func searchBlockFindBelow(list []byte, hi int, low uint16) (int, bool) {
	at := func(i int) uint16 { return uint16(list[2*i])<<8 | uint16(list[2*i+1]) }
	end := hi
	lo, step := hi, 1
	for lo > 0 && at(lo-1) >= low {
		hi = lo - 1 // every number from hi on is at least low
		lo = max(0, lo-step)
		step *= 2
	}
	// Below lo every number is less than low: where low is, or would be,
	// is from lo to hi.
	i, _ := searchBlockFind(list[2*lo:2*hi], low)
	i += lo
	return i, i < end && at(i) == low
}

// blocksOf is word's lists of the blocks docs (newest first) are in, by
// number; a block the word has no document in has none.
func (r *searchBlockReads) blocksOf(ctx context.Context, word string, docs []int64) (map[int64][]byte, error) {
	version := r.versions[word]
	w := r.kept.get(word, version)
	lists := map[int64][]byte{}
	var missing []int64 // newest first
	hits := 0
	for _, d := range docs {
		b := d >> searchBlockShift
		if len(missing) > 0 && missing[len(missing)-1] == b {
			continue
		}
		if _, done := lists[b]; done {
			continue
		}
		if l, ok := w.known(b); ok {
			lists[b] = l
			hits++
			continue
		}
		missing = append(missing, b)
	}
	if len(missing) == 0 {
		r.kept.count(hits, 0)
		return lists, nil
	}
	read := make(map[int64][]byte, len(missing))
	q, args := `SELECT block, docs FROM search_blocks WHERE term = ? AND block IN (SELECT value FROM json_each(?))`, []any{word, searchDocList(missing)}
	hi, lo := missing[0], missing[len(missing)-1]
	if len(missing)*2 >= int(hi-lo+1) {
		// Most blocks of the span: one walk along them, which tells of
		// every block in it.
		q, args = `SELECT block, docs FROM search_blocks WHERE term = ? AND block BETWEEN ? AND ?`, []any{word, lo, hi}
		for b := lo; b <= hi; b++ {
			read[b] = nil
		}
	} else {
		for _, b := range missing {
			read[b] = nil
		}
	}
	rows, err := r.tx.queryCached(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var block int64
		var list []byte
		if err := rows.Scan(&block, &list); err != nil {
			return nil, err
		}
		read[block] = list
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, b := range missing {
		lists[b] = read[b]
	}
	r.kept.count(hits, len(missing))
	r.kept.put(word, version, read, math.MaxInt64)
	return lists, nil
}

// searchWarmBlockBytes is how much of what is kept a start fills with the
// words in the most documents: the words a newsroom's searches ask most,
// whose blocks are the largest. Searches never asked before read them whole
// (every block where a rarer word's candidates are), so without them the
// first minutes after a start cost a fifth more a search than later.
const searchWarmBlockBytes = searchKeepBlockBytes / 2

// warmKeptBlocks keeps the blocks of the words in the most documents, whole,
// within budget bytes: each word read in a read transaction of its own, under
// the version that snapshot shows, as a search would keep it. Words kept
// already (a search was faster) are left as they are.
func (db *DB) warmKeptBlocks(ctx context.Context, budget int) error {
	if db.keptBlocks == nil {
		return nil
	}
	type word struct {
		term string
		df   int
	}
	words, err := func() ([]word, error) {
		tx, err := db.beginRead(ctx)
		if err != nil {
			return nil, err
		}
		defer tx.Rollback()
		// Filters are postings, not blocks; a word's blocks take about two
		// bytes a document, and a few dozen a block besides.
		return queryAll(ctx, tx, func(r scanner) (word, error) {
			var w word
			return w, r.Scan(&w.term, &w.df)
		}, `SELECT term, df FROM search_terms WHERE df > 0 AND term NOT LIKE '~%' ORDER BY df DESC LIMIT 2000`)
	}()
	if err != nil {
		return err
	}
	n := 0
	for n < len(words) {
		if budget -= 2*words[n].df + 64*searchWarmBlocksGuess; budget < 0 {
			break
		}
		n++
	}
	// The least common first, so that the most common are the last the
	// bound would let go.
	for i := n - 1; i >= 0; i-- {
		start := time.Now()
		if err := db.warmKeptWord(ctx, words[i].term); err != nil {
			return err
		}
		if paceBackground(ctx, start) {
			return ctx.Err()
		}
	}
	return nil
}

// searchWarmBlocksGuess is the blocks a common word has, for the budget:
// one a range of document numbers, about 123 at a million claims.
const searchWarmBlocksGuess = 128

// warmKeptWord keeps all of term's blocks, read in one snapshot under the
// version it shows, unless they are kept already.
func (db *DB) warmKeptWord(ctx context.Context, term string) error {
	tx, err := db.beginRead(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	df, versions := map[string]int{}, map[string]int64{}
	if err := searchWeights(ctx, tx, []string{term}, df, versions); err != nil {
		return err
	}
	if df[term] == 0 {
		return nil
	}
	if w := db.keptBlocks.get(term, versions[term]); w != nil && w.from == math.MinInt64 {
		return nil
	}
	r := &searchBlockReads{tx: tx, kept: db.keptBlocks, versions: versions, counts: df}
	_, err = r.newest(ctx, term, math.MaxInt)
	return err
}
