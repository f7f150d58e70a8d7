package storage

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
	"time"

	"claimtrail/domain"
	"claimtrail/domain/match"
)

// The matcher's index (migration 100) finds candidates from the query's
// rarest terms, each read from at most maxPostings documents, and reranks
// them in Go with domain/match. Common words never reach the database, so a
// match costs the same at a million claims as at a thousand.
const (
	maxPostings   = 300 // a short list of documents, read to find related ones
	maxCandidates = 30  // documents reranked per query at most
)

// docData is what match_docs keeps of a document.
type docData struct {
	Text     match.Text  `json:"t"`
	Headline *match.Text `json:"h,omitempty"` // an imported check's headline
	// DF and N are each term's document count (in the order of terms()) and
	// the number of documents when it was indexed. Reranking weighs the
	// terms the query lacks from them, scaled to today's size, instead of
	// looking up thousands of terms per match.
	DF []int `json:"w,omitempty"`
	N  int   `json:"n,omitempty"`
}

// claimDoc and importedDoc turn an id into its document number.
func claimDoc(id int64) int64    { return id }
func importedDoc(id int64) int64 { return -id }

// indexPending indexes the claims whose state, wording or claimant changed in
// this transaction (the triggers of migration 100 list them), so the index
// is always in step with the claims it describes.
func indexPending(ctx context.Context, tx *Tx) error {
	ids, err := queryAll(ctx, tx, scanInt64, `SELECT claim_id FROM match_pending ORDER BY claim_id LIMIT ?`, maxPendingPerCommit)
	if err != nil || len(ids) == 0 {
		return err
	}
	for _, id := range ids {
		if err := indexClaim(ctx, tx, id); err != nil {
			return err
		}
	}
	_, err = tx.ExecContext(ctx, `DELETE FROM match_pending WHERE claim_id <= ?`, ids[len(ids)-1])
	return err
}

// maxPendingPerCommit bounds the indexing one commit does. The newsroom's own
// changes touch a few claims at a time; only a bulk load written around
// storage leaves more, and that is caught up a slice per commit or at once
// by claimtrail reindex.
const maxPendingPerCommit = 2000

// indexClaim puts an accepted claim in the index, or takes out one that is
// no longer accepted or no longer exists.
func indexClaim(ctx context.Context, tx *Tx, id int64) error {
	var text, claimant, state string
	err := tx.QueryRowContext(ctx, `SELECT text, claimant, state FROM claims WHERE id = ?`, id).Scan(&text, &claimant, &state)
	if err != nil && err != sql.ErrNoRows {
		return err
	}
	if err == sql.ErrNoRows || !slices.Contains(searchedStates, domain.ClaimState(state)) {
		return removeDoc(ctx, tx, claimDoc(id))
	}
	return putDoc(ctx, tx, claimDoc(id), docData{Text: match.Analyse(text, claimant)})
}

// indexImported puts an imported check in the index.
func indexImported(ctx context.Context, tx *Tx, id int64, claim, headline, claimant string) error {
	return putDoc(ctx, tx, importedDoc(id), importedDocData(claim, headline, claimant))
}

func importedDocData(claim, headline, claimant string) docData {
	d := docData{Text: match.Analyse(claim, claimant)}
	if headline != "" {
		h := match.Analyse(headline, claimant)
		d.Headline = &h
	}
	return d
}

// docTerms are every term a document is found by.
func (d docData) terms() []string {
	if d.Headline == nil {
		return d.Text.Terms
	}
	t := slices.Concat(d.Text.Terms, d.Headline.Terms)
	slices.Sort(t)
	return slices.Compact(t)
}

func putDoc(ctx context.Context, tx *Tx, doc int64, d docData) error {
	if err := removeDoc(ctx, tx, doc); err != nil {
		return err
	}
	terms := d.terms()
	d.DF = make([]int, len(terms))
	for i, t := range terms {
		if _, err := tx.ExecContext(ctx, `INSERT INTO match_postings (term, doc) VALUES (?, ?)`, t, doc); err != nil {
			return err
		}
		if err := headAdded(ctx, tx, t, doc); err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO match_terms (term, df) VALUES (?, 1)
			ON CONFLICT (term) DO UPDATE SET df = df + 1 RETURNING df`, t).Scan(&d.DF[i]); err != nil {
			return err
		}
	}
	if err := tx.QueryRowContext(ctx, `UPDATE match_stats SET docs = docs + 1, version = version + 1 WHERE id = 1 RETURNING docs`).Scan(&d.N); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO match_docs (doc, data) VALUES (?, ?)`, doc, d.encode())
	return err
}

func removeDoc(ctx context.Context, tx *Tx, doc int64) error {
	var data string
	err := tx.QueryRowContext(ctx, `SELECT data FROM match_docs WHERE doc = ?`, doc).Scan(&data)
	if err == sql.ErrNoRows {
		return nil
	}
	if err != nil {
		return err
	}
	d, err := decodeDoc(data)
	if err != nil {
		return fmt.Errorf("match index entry %d: %w", doc, err)
	}
	for _, t := range d.terms() {
		if _, err := tx.ExecContext(ctx, `UPDATE match_terms SET df = df - 1 WHERE term = ?`, t); err != nil {
			return err
		}
	}
	for _, t := range d.terms() {
		if _, err := tx.ExecContext(ctx, `DELETE FROM match_postings WHERE term = ? AND doc = ?`, t, doc); err != nil {
			return err
		}
		if err := headRemoved(ctx, tx, t, doc); err != nil {
			return err
		}
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM match_docs WHERE doc = ?`, doc); err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `UPDATE match_stats SET docs = docs - 1, version = version + 1 WHERE id = 1`)
	return err
}

// Match finds the accepted claims and imported checks that state the same
// claim as text, or a related one, best first.
func (db *DB) Match(ctx context.Context, text string, limit int) ([]match.Found, error) {
	tx, err := db.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	return matchText(ctx, tx, match.Analyse(text, ""), 0, limit)
}

// weights looks up how many documents use each term not yet in df, in one
// statement per few hundred terms (the list travels as one JSON parameter,
// so the statement's text never changes and stays prepared).
func weights(ctx context.Context, tx *Tx, terms []string, df map[string]int) error {
	var todo []string
	for _, t := range terms {
		if _, ok := df[t]; !ok {
			todo = append(todo, t)
			df[t] = 0
		}
	}
	for len(todo) > 0 {
		chunk := todo[:min(len(todo), 2000)]
		todo = todo[len(chunk):]
		rows, err := tx.queryCached(ctx, `SELECT term, df FROM match_terms WHERE term IN (SELECT value FROM json_each(?))`, jsonList(chunk))
		if err != nil {
			return err
		}
		for rows.Next() {
			var t string
			var n int
			if err := rows.Scan(&t, &n); err != nil {
				rows.Close()
				return err
			}
			df[t] = n
		}
		if err := rows.Close(); err != nil {
			return err
		}
	}
	return nil
}

// jsonList writes a list of strings or numbers as a JSON array, the one
// parameter of a statement that takes a list.
func jsonList[T string | int64](list []T) string {
	b, _ := json.Marshal(list)
	return string(b)
}

// The bounds that keep a match's work the same at any size of archive.
const (
	// maxSeedTerms is the most terms of one query whose postings are read.
	maxSeedTerms = 12
	// wholeList is the longest list of documents read for one term; a
	// longer one is read as its newest wholeList.
	wholeList = 300
	// maxCoverPostings is the most postings read for one query to cover
	// its same-tier matches.
	maxCoverPostings = 1800
	// maxSeedPostings is the most postings read for one query once its
	// same-tier matches are covered.
	maxSeedPostings = 3000
	// rerankBatch is how many candidates of each query are compared in one
	// round; rounds go on until no unread candidate could still rank.
	rerankBatch = 15
)

// matchQuery is one text to match: its analysis, a document to leave out
// (the claim itself; 0 for none) and how many matches to return.
type matchQuery struct {
	text    match.Text
	exclude int64
	limit   int
	rerank  int // the most candidates compared; 0 is maxCandidates
}

// queryPlan is how one query finds its candidates.
type queryPlan struct {
	matchQuery
	weight  func(string) float64 // a query term's rarity today
	idf     map[string]float64   // the same, worked out once for each term of the query
	qw      []float64            // the same, in the order of the query's terms
	buf     []float64            // room for a compared document's weights
	total   float64              // the query's weight, as Compare counts it
	seeds   []string             // the rarest terms, whose postings are read
	unread  float64              // the weight of the query's other terms found in any document
	cands   []candidate          // documents found by the seeds, most seed weight first
	next    int                  // the next candidate to compare
	results []match.Found
	done    bool
}

type candidate struct {
	doc  int64
	seed float64 // the weight of the seed terms it shares with the query
}

// bound is the highest score a candidate with seed weight w could reach:
// at best it also has every unread term, and the score, shared weight over
// the geometric mean of both texts' weights, is at most the square root of
// the shared share of the query's weight (a document weighs at least what
// it shares); the claimant may add ClaimantWeight.
func (p *queryPlan) bound(w float64) float64 {
	if p.total <= 0 {
		return 0
	}
	b := math.Sqrt(min(1, (w+p.unread)/p.total))
	if p.text.Claimant != "" {
		b += match.ClaimantWeight
	}
	return b
}

// floor is the score a candidate must be able to reach to change the
// result: related at least, and no worse than the limit-th found so far.
func (p *queryPlan) floor() float64 {
	f := match.RelatedThreshold
	if len(p.results) >= p.limit {
		scores := make([]float64, len(p.results))
		for i, r := range p.results {
			scores[i] = r.Score
		}
		slices.Sort(scores)
		f = max(f, scores[len(scores)-p.limit])
	}
	return f
}

// plan chooses the query's seed terms, rarest first. It reads terms until
// those left could not together lift a document to the same tier, so that
// no same-tier document is missed, within maxCoverPostings; then, while the
// lists stay short (maxPostings) and within maxSeedPostings, until they
// could not lift one to the related tier either. A list longer than
// wholeList is read as its newest wholeList documents, so a text of common
// words only is matched on a sample of them.
//
// self is 1 when the left-out document is indexed (its terms are counted
// in df), else 0.
func (p *queryPlan) plan(df map[string]int, n, self int) {
	q := p.text
	others := func(t string) int { return df[t] - self }
	p.idf = make(map[string]float64, len(q.Terms))
	p.qw = make([]float64, len(q.Terms))
	for i, t := range q.Terms {
		p.idf[t] = match.IDF(df[t], n)
		p.qw[i] = p.idf[t]
	}
	p.weight = func(t string) float64 {
		if w, ok := p.idf[t]; ok {
			return w
		}
		return match.IDF(df[t], n)
	}
	var used []string
	for _, t := range q.Terms {
		w := p.weight(t)
		p.total += w
		if others(t) > 0 {
			used = append(used, t)
			p.unread += w
		}
	}
	slices.SortFunc(used, func(a, b string) int { return cmp.Or(cmp.Compare(others(a), others(b)), strings.Compare(a, b)) })
	cover, extra := 0, 0
	for _, t := range used {
		if p.bound(0) < match.RelatedThreshold || len(p.seeds) == maxSeedTerms {
			break
		}
		k := others(t)
		if p.bound(0) < match.SameThreshold {
			// Covered for the same tier: short lists only, for related.
			if k > maxPostings || extra+k > maxSeedPostings {
				break
			}
			extra += k
		} else {
			if cover+min(k, wholeList) > maxCoverPostings && len(p.seeds) >= 2 {
				break
			}
			cover += min(k, wholeList)
		}
		p.seeds = append(p.seeds, t)
		p.unread -= p.weight(t)
	}
	p.unread = max(0, p.unread)
}

// matchText finds candidates for q from its rarest terms, reranks them with
// the matcher and returns up to limit that are at least related. exclude is
// a document left out (the claim itself, 0 for none); when it is indexed its
// own terms are not counted, so that its unique words do not look rarest.
func matchText(ctx context.Context, tx *Tx, q match.Text, exclude int64, limit int) ([]match.Found, error) {
	out, err := matchTexts(ctx, tx, []matchQuery{{text: q, exclude: exclude, limit: limit}})
	if err != nil {
		return nil, err
	}
	return out[0], nil
}

// matchTexts matches several texts in one pass over the index: one lookup
// of every term's count, one read of the postings of every seed term, and
// rounds in which the best remaining candidates of every text are read in
// one statement and compared, until no candidate left could still rank.
// Each text's result is what matching it alone gives.
func matchTexts(ctx context.Context, tx *Tx, queries []matchQuery) ([][]match.Found, error) {
	out := make([][]match.Found, len(queries))
	var n int
	var version int64
	var stale bool // claims changed around storage wait in match_pending
	if err := tx.QueryRowContext(ctx, `SELECT docs, version, EXISTS (SELECT 1 FROM match_pending) FROM match_stats WHERE id = 1`).Scan(&n, &version, &stale); err != nil {
		return nil, err
	}
	kept := tx.keptIndex(version)
	df := map[string]int{}
	var all []string
	for _, q := range queries {
		all = append(all, q.text.Terms...)
	}
	kept.fillDF(version, all, df)
	var read []string
	for _, t := range all {
		if _, ok := df[t]; !ok {
			read = append(read, t)
		}
	}
	if err := weights(ctx, tx, read, df); err != nil {
		return nil, err
	}
	kept.keepDF(version, read, df)
	plans := make([]*queryPlan, 0, len(queries))
	for _, q := range queries {
		p := &queryPlan{matchQuery: q}
		if p.rerank <= 0 {
			p.rerank = maxCandidates
		}
		plans = append(plans, p)
		if len(q.text.Terms) == 0 || q.limit <= 0 {
			p.done = true
			continue
		}
		// The left-out document, when indexed, does not make its own
		// terms look used.
		self := 0
		if q.exclude != 0 {
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM match_docs WHERE doc = ?`, q.exclude).Scan(&self); err != nil {
				return nil, err
			}
		}
		p.plan(df, n, self)
	}

	// Claims changed by a write that has not yet passed through a storage
	// transaction (a bulk load, a repair by hand) are read as they are now.
	var pending map[int64]docData
	if stale {
		var err error
		if pending, err = pendingDocs(ctx, tx, 0); err != nil {
			return nil, err
		}
	}
	for _, d := range pending {
		if err := weights(ctx, tx, d.Text.Terms, df); err != nil {
			return nil, err
		}
	}

	postings, err := readPostings(ctx, tx, plans, df, kept, version)
	if err != nil {
		return nil, err
	}
	for _, p := range plans {
		if p.done {
			continue
		}
		size := 0
		for _, t := range p.seeds {
			size += len(postings[t])
		}
		found := make(map[int64]float64, size)
		for _, t := range p.seeds {
			w := p.weight(t)
			for _, doc := range postings[t] {
				if _, stale := pending[doc]; !stale && doc != p.exclude {
					found[doc] += w
				}
			}
		}
		p.cands = bestCandidates(found, p.rerank)
		// Pending documents are compared with every query.
		for doc, d := range pending {
			if doc != p.exclude && d.Text.Terms != nil {
				p.compare(doc, d, df, n)
			}
		}
	}

	// Rounds of reranking.
	docs := map[int64]docData{}
	for {
		var want []int64
		wanted := map[int64]bool{}
		for _, p := range plans {
			if p.done {
				continue
			}
			k := p.take()
			if k == 0 {
				p.done = true
				continue
			}
			for _, c := range p.cands[p.next : p.next+k] {
				if _, ok := docs[c.doc]; !ok && !wanted[c.doc] {
					wanted[c.doc] = true
					want = append(want, c.doc)
				}
			}
		}
		if len(want) == 0 {
			break
		}
		if want = kept.takeDocs(version, want, docs); len(want) > 0 {
			if err := readDocs(ctx, tx, want, docs); err != nil {
				return nil, err
			}
			kept.keepDocs(version, want, docs)
		}
		for _, p := range plans {
			if p.done {
				continue
			}
			k := p.take()
			for _, c := range p.cands[p.next : p.next+k] {
				if d, ok := docs[c.doc]; ok {
					p.compare(c.doc, d, df, n)
				}
			}
			p.next += k
		}
	}

	// The best of each, described in one pass.
	var describe []match.Found
	for _, p := range plans {
		p.results = keepBest(p.results, p.limit)
		describe = append(describe, p.results...)
	}
	if err := describeFound(ctx, tx, describe); err != nil {
		return nil, err
	}
	k := 0
	for i, p := range plans {
		res := describe[k : k+len(p.results)]
		k += len(p.results)
		slices.SortFunc(res, match.Better)
		out[i] = slices.Clip(res[:min(len(res), p.limit)])
	}
	return out, nil
}

// bestCandidates orders the documents found by the seed weight they share,
// most first (the larger number first among equals), and keeps the first
// limit: no more are ever compared. Thousands are found for a text of
// common words, so the first limit are picked in one pass rather than all
// sorted.
func bestCandidates(found map[int64]float64, limit int) []candidate {
	before := func(a, b candidate) int { return cmp.Or(cmp.Compare(b.seed, a.seed), cmp.Compare(b.doc, a.doc)) }
	if limit <= 0 {
		return nil
	}
	best := make([]candidate, 0, min(len(found), limit)+1)
	for d, w := range found {
		c := candidate{d, w}
		if len(best) == limit && before(c, best[limit-1]) >= 0 {
			continue
		}
		i, _ := slices.BinarySearchFunc(best, c, before)
		best = slices.Insert(best, i, c)
		if len(best) > limit {
			best = best[:limit]
		}
	}
	return best
}

// take is how many of the next candidates to compare in this round: those
// that could still rank (their bound reaches the floor), rerankBatch at a
// time, up to p.rerank.
func (p *queryPlan) take() int {
	floor := p.floor()
	k := 0
	for i := p.next; i < len(p.cands) && i < p.rerank && k < rerankBatch; i++ {
		if p.bound(p.cands[i].seed) < floor {
			break
		}
		k++
	}
	return k
}

// keepBest keeps the results that could be among the first limit once
// described: every one scoring at least the limit-th best score (ties are
// ordered by what describing finds).
func keepBest(results []match.Found, limit int) []match.Found {
	if len(results) <= limit {
		return results
	}
	slices.SortFunc(results, func(a, b match.Found) int { return cmp.Compare(b.Score, a.Score) })
	cut := results[limit-1].Score
	i := limit
	for i < len(results) && results[i].Score >= cut {
		i++
	}
	return results[:i]
}

// compare scores document d against the query and keeps it when it is at
// least related.
func (p *queryPlan) compare(doc int64, d docData, df map[string]int, n int) {
	w := d.weighed(d.Text, p.text, df, n, p.buf[:0])
	c := match.CompareWeighed(p.text, d.Text, p.qw, w)
	if d.Headline != nil {
		hw := d.weighed(*d.Headline, p.text, df, n, w[len(w):])
		if h := match.CompareWeighed(p.text, *d.Headline, p.qw, hw); h.Score > c.Score {
			c = h
		}
	}
	p.buf = w[:0]
	if c.Tier == match.TierNone {
		return
	}
	f := match.Found{Kind: match.KindClaim, ID: doc, Score: c.Score, Tier: c.Tier}
	if doc < 0 {
		f.Kind, f.ID = match.KindImported, -doc
	}
	p.results = append(p.results, f)
}

// weighed is the rarity of each of text's terms (the document's text or
// its headline) when comparing this document with query q, by place, into
// buf: today's count for the query's terms (left 0 here: CompareWeighed
// takes theirs from the query's weights), the count stored with the
// document scaled to today's size for the others, and a looked-up count for
// a document read from the claims (no stored counts). Both lists of terms
// are sorted, so the query's are found by walking them side by side.
func (d docData) weighed(text, q match.Text, df map[string]int, n int, buf []float64) []float64 {
	var all []string // the document's terms, when it has a headline
	if d.Headline != nil {
		all = d.terms()
	}
	i := 0
	for j, t := range text.Terms {
		for i < len(q.Terms) && q.Terms[i] < t {
			i++
		}
		switch {
		case i < len(q.Terms) && q.Terms[i] == t:
			buf = append(buf, 0)
		case d.N == 0:
			buf = append(buf, match.IDF(df[t], n))
		default:
			k, ok := j, true
			if all != nil {
				k, ok = slices.BinarySearch(all, t)
			}
			if ok && k < len(d.DF) {
				buf = append(buf, match.IDF(int(float64(d.DF[k])*float64(n)/float64(d.N)+0.5), n))
			} else {
				buf = append(buf, match.IDF(1, n))
			}
		}
	}
	return buf
}

// readPostings reads the documents of every seed term of the plans: each
// term's head (match_heads), one row a term in one statement, which is the
// whole list of a term of at most wholeList documents and the newest
// wholeList of a longer one. A term whose head is missing or shorter than
// that is read from its postings.
//
// kept (nil for none) holds heads read before at version; those read here
// are added to it.
func readPostings(ctx context.Context, tx *Tx, plans []*queryPlan, df map[string]int, kept *matchKept, version int64) (map[string][]int64, error) {
	out := map[string][]int64{}
	var seeds []string
	done := map[string]bool{}
	for _, p := range plans {
		for _, t := range p.seeds {
			if _, ok := out[t]; ok {
				continue
			}
			if docs, ok := kept.head(version, t); ok {
				out[t], done[t] = docs, true
				continue
			}
			out[t] = nil
			seeds = append(seeds, t)
		}
	}
	for len(seeds) > 0 {
		chunk := seeds[:min(len(seeds), 2000)]
		seeds = seeds[len(chunk):]
		rows, err := tx.queryCached(ctx, `SELECT term, docs FROM match_heads WHERE term IN (SELECT value FROM json_each(?))`, jsonList(chunk))
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var t, docs string
			if err := rows.Scan(&t, &docs); err != nil {
				rows.Close()
				return nil, err
			}
			out[t] = parseHead(docs)
		}
		if err := rows.Close(); err != nil {
			return nil, err
		}
	}
	for t, docs := range out {
		if done[t] {
			continue
		}
		if len(docs) < min(df[t], wholeList) {
			var err error
			if docs, err = queryAll(ctx, tx, scanInt64, `SELECT doc FROM match_postings WHERE term = ? ORDER BY doc DESC LIMIT ?`, t, wholeList); err != nil {
				return nil, err
			}
			out[t] = docs
		}
		kept.keepHead(version, t, docs)
	}
	return out, nil
}

// readDocs reads index entries into docs, in one statement.
func readDocs(ctx context.Context, tx *Tx, want []int64, docs map[int64]docData) error {
	rows, err := tx.queryCached(ctx, `SELECT doc, data FROM match_docs WHERE doc IN (SELECT value FROM json_each(?))`, jsonList(want))
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var doc int64
		var data string
		if err := rows.Scan(&doc, &data); err != nil {
			return err
		}
		d, err := decodeDoc(data)
		if err != nil {
			return fmt.Errorf("match index entry %d: %w", doc, err)
		}
		docs[doc] = d
	}
	return rows.Err()
}

// maxPendingRead is the most changed-but-unindexed claims a match reads
// directly; more than that is a bulk load waiting for the next write or a
// reindex.
const maxPendingRead = 500

// pendingDocs analyses the claims listed in match_pending: accepted ones as
// they now read, others as empty documents that hide their stale entry.
func pendingDocs(ctx context.Context, tx *Tx, exclude int64) (map[int64]docData, error) {
	type row struct {
		id                    int64
		text, claimant, state string
	}
	ids, err := queryAll(ctx, tx, scanInt64, `SELECT claim_id FROM match_pending LIMIT ?`, maxPendingRead+1)
	if err != nil || len(ids) == 0 || len(ids) > maxPendingRead {
		return nil, err
	}
	var rows []row
	for _, id := range ids {
		x := row{id: id}
		err := tx.QueryRowContext(ctx, `SELECT text, claimant, state FROM claims WHERE id = ?`, id).Scan(&x.text, &x.claimant, &x.state)
		if err == sql.ErrNoRows {
			x.state = "" // deleted: hides its entry
		} else if err != nil {
			return nil, err
		}
		rows = append(rows, x)
	}
	out := map[int64]docData{}
	for _, r := range rows {
		if claimDoc(r.id) == exclude {
			continue
		}
		var d docData
		if slices.Contains(searchedStates, domain.ClaimState(r.state)) {
			d.Text = match.Analyse(r.text, r.claimant)
		}
		out[claimDoc(r.id)] = d
	}
	return out, nil
}

// describeFound fills in what a reader needs to know of each match: one
// statement for our claims and one for imported checks.
func describeFound(ctx context.Context, tx *Tx, found []match.Found) error {
	var claims, imported []int64
	for _, f := range found {
		if f.Kind == match.KindImported {
			imported = append(imported, f.ID)
		} else {
			claims = append(claims, f.ID)
		}
	}
	byClaim := map[int64]match.Found{}
	if len(claims) > 0 {
		rows, err := tx.queryCached(ctx, `SELECT c.id, c.text, c.state, a.id, a.title, coalesce(r.name, ''),
				CASE WHEN c.state = 'approved' THEN v.approved_at END
			FROM claims c
			JOIN articles a ON a.id = c.article_id
			LEFT JOIN verdicts v ON v.claim_id = c.id
			LEFT JOIN ratings r ON r.id = v.rating_id AND c.state = 'approved'
			WHERE c.id IN (SELECT value FROM json_each(?))`, jsonList(claims))
		if err != nil {
			return err
		}
		for rows.Next() {
			var f match.Found
			var approved sql.NullString
			if err := rows.Scan(&f.ID, &f.Claim, &f.State, &f.ArticleID, &f.ArticleTitle, &f.Rating, &approved); err != nil {
				rows.Close()
				return err
			}
			f.Date = parseNullTime(approved)
			byClaim[f.ID] = f
		}
		if err := rows.Close(); err != nil {
			return err
		}
	}
	byImported := map[int64]match.Found{}
	if len(imported) > 0 {
		rows, err := tx.queryCached(ctx, `SELECT id, claim, rating, url, publisher, published_on FROM imported_checks
			WHERE id IN (SELECT value FROM json_each(?))`, jsonList(imported))
		if err != nil {
			return err
		}
		for rows.Next() {
			var f match.Found
			var published string
			if err := rows.Scan(&f.ID, &f.Claim, &f.Rating, &f.URL, &f.Publisher, &published); err != nil {
				rows.Close()
				return err
			}
			f.Date = parseDay(published)
			byImported[f.ID] = f
		}
		if err := rows.Close(); err != nil {
			return err
		}
	}
	for i := range found {
		f := &found[i]
		by := byClaim
		if f.Kind == match.KindImported {
			by = byImported
		}
		d, ok := by[f.ID]
		if !ok {
			return sql.ErrNoRows
		}
		d.Kind, d.Score, d.Tier = f.Kind, f.Score, f.Tier
		*f = d
	}
	return nil
}

// parseDay reads a yyyy-mm-dd day, or the zero time.
func parseDay(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return time.Time{}
	}
	return t
}

// MatchMany matches several texts (an article's candidates) from one
// snapshot in one pass over the index, up to limit matches each.
func (db *DB) MatchMany(ctx context.Context, texts []string, limit int) ([][]match.Found, error) {
	tx, err := db.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	qs := make([]matchQuery, len(texts))
	for i, t := range texts {
		qs[i] = matchQuery{text: match.Analyse(t, ""), limit: limit}
	}
	return matchTexts(ctx, tx, qs)
}

// articleMatchCandidates is how many of an article's candidates, highest
// scores first, are matched when its page is shown: enough for every claim a
// reviewer looks at, few enough that a long article costs no more than a
// short one.
const articleMatchCandidates = 40

// ArticleMatches finds, for the article's candidates with the highest
// scores, the best published check each one matches: an approved claim of
// ours from another article, or an imported check. Candidates that match
// none are left out.
//
// They are kept while nothing in the database changes (generation.go):
// matching forty candidates is most of the article page's work.
func (db *DB) ArticleMatches(ctx context.Context, articleID int64) (map[int64]match.Found, error) {
	return cached(ctx, db, db.articleMatches, articleID, func() (map[int64]match.Found, error) {
		return db.readArticleMatches(ctx, articleID)
	}, maps.Clone[map[int64]match.Found])
}

func (db *DB) readArticleMatches(ctx context.Context, articleID int64) (map[int64]match.Found, error) {
	tx, err := db.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	if stored, ok, err := storedArticleMatches(ctx, tx, articleID); ok || err != nil {
		return stored, err
	}
	type candidate struct {
		id             int64
		text, claimant string
	}
	cands, err := queryAll(ctx, tx, func(r scanner) (candidate, error) {
		var c candidate
		return c, r.Scan(&c.id, &c.text, &c.claimant)
	}, `SELECT id, text, claimant FROM claims WHERE article_id = ? AND state = 'candidate'
		ORDER BY score DESC, id LIMIT ?`, articleID, articleMatchCandidates)
	if err != nil {
		return nil, err
	}
	qs := make([]matchQuery, len(cands))
	for i, c := range cands {
		qs[i] = matchQuery{text: match.Analyse(c.text, c.claimant), limit: 5}
	}
	all, err := matchTexts(ctx, tx, qs)
	if err != nil {
		return nil, err
	}
	out := map[int64]match.Found{}
	for i, c := range cands {
		for _, f := range all[i] {
			if f.Kind == match.KindImported || f.State == domain.StateApproved && f.ArticleID != articleID {
				out[c.id] = f
				break
			}
		}
	}
	return out, nil
}

// ClaimMatches finds the accepted claims and imported checks that state the
// same claim as claim id, or a related one, best first.
func (db *DB) ClaimMatches(ctx context.Context, id int64, limit int) ([]match.Found, error) {
	tx, err := db.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	var text, claimant string
	if err := tx.QueryRowContext(ctx, `SELECT text, claimant FROM claims WHERE id = ?`, id).Scan(&text, &claimant); err == sql.ErrNoRows {
		return nil, &domain.Error{Code: domain.ENOTFOUND, Message: "No such claim."}
	} else if err != nil {
		return nil, err
	}
	return matchText(ctx, tx, match.Analyse(text, claimant), claimDoc(id), limit)
}
