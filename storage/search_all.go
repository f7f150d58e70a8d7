package storage

import (
	"bytes"
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"claimtrail/domain"
	"claimtrail/domain/match"
)

// What one search reads, whatever the archive's size: the newest postings of
// its rarest term, of which the first that have every other term are ranked.
const (
	searchAllScan   = 3000 // postings of the rarest term looked at, newest first
	searchAllRerank = 200  // documents with every term that are ranked
	searchJoinTerms = 8    // terms checked through the index; the rest in Go
	searchSnippet   = 240  // bytes of text around the first hit
	searchPrefixMax = 5000 // completions of a prefix looked at for its most used one
)

// SearchEverything finds claims, articles, verdicts, sources and imported
// checks that have every word, figure, phrase and prefix of q and satisfy
// f, best first: the rarest words weigh most and shorter texts rank higher,
// newer first among equals. Its cost is bounded: the rarest of the query's
// terms and filters is read for at most searchAllScan documents.
//
// Results are kept while nothing in the database changes (search_cache.go).
func (db *DB) SearchEverything(ctx context.Context, q match.Query, f domain.SearchFilter, limit int) ([]match.Hit, error) {
	if limit <= 0 || q.Empty() && f.Empty() {
		return nil, nil
	}
	if db.searches == nil {
		return db.searchEverything(ctx, q, f, limit)
	}
	return cached(ctx, db, db.searches, searchKey(q, f, limit), func() ([]match.Hit, error) {
		hits, err := db.searchEverything(ctx, q, f, limit)
		if err != nil {
			return nil, err
		}
		return compactHits(hits), nil
	}, copyHits)
}

// searchEverything is SearchEverything read afresh.
func (db *DB) searchEverything(ctx context.Context, q match.Query, f domain.SearchFilter, limit int) ([]match.Hit, error) {
	tx, err := db.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()

	terms := slices.Clone(q.Terms)
	for _, ft := range [][2]string{{"k", string(f.Kind)}, {"s", string(f.State)}, {"r", f.Rating}, {"t", string(f.Type)}, {"o", f.Outlet}, {"c", f.Claimant}} {
		if t := match.FilterTerm(ft[0], ft[1]); t != "" {
			terms = append(terms, t)
		}
	}
	df := map[string]int{}
	versions := map[string]int64{}
	// The number of documents (searchAllTerm's count) comes with the
	// words' counts, in the same statement.
	if err := searchWeights(ctx, tx, append(slices.Clip(terms), searchAllTerm), df, versions); err != nil {
		return nil, err
	}
	// The words' counts with what the search log changed since the blocks.
	fresh, err := db.freshView(ctx, tx)
	if err != nil {
		return nil, err
	}
	if err := fresh.adjust(df, terms); err != nil {
		return nil, err
	}
	for _, t := range terms {
		if df[t] <= 0 {
			return nil, nil // nothing has it
		}
	}
	// A prefix is found through its most used completion when nothing else
	// leads; every completion is accepted when the results are checked.
	for _, p := range q.Prefixes {
		best, err := searchPrefixBest(ctx, tx, fresh, p, df, versions)
		if err != nil {
			return nil, err
		}
		if best == "" {
			return nil, nil // no word starts so
		}
		if len(q.Terms) == 0 && !slices.ContainsFunc(terms, func(t string) bool { return !match.IsFilterTerm(t) }) {
			terms = append(terms, best)
		}
	}
	if len(terms) == 0 {
		// Only phrases of stop words, or nothing: search through the kind.
		return nil, nil
	}
	slices.SortFunc(terms, func(a, b string) int { return cmp.Or(cmp.Compare(df[a], df[b]), strings.Compare(a, b)) })

	// Without dates, the first searchAllRerank candidates are all that is
	// ranked: the rest need not be checked.
	enough := searchAllScan
	if f.From.IsZero() && f.To.IsZero() {
		enough = searchAllRerank
	}
	blocks := &searchBlockReads{tx: tx, kept: tx.keptBlocksFor(), versions: versions, counts: df, fresh: fresh}
	docs, err := searchCandidates(ctx, tx, blocks, terms, enough)
	if err != nil {
		return nil, err
	}
	cands, err := db.searchCandidateRows(ctx, tx, q, f, len(terms), docs)
	if err != nil {
		return nil, err
	}
	var idf float64
	n := max(1, df[searchAllTerm])
	for _, t := range q.Terms {
		idf += match.IDF(df[t], n)
	}
	kept := cands[:0]
	for _, c := range cands {
		if !searchSatisfies(c.terms, terms[min(len(terms), searchJoinTerms):]) {
			continue
		}
		if len(q.Phrases) > 0 || len(q.Prefixes) > 0 {
			text := c.text
			if kind, id := searchKindOf(c.doc); kind == domain.SearchArticle && len(q.Phrases) > 0 {
				text = articleSearchText(ctx, tx, id)
			}
			// Every term is already known present; what is left is in Go.
			if !(match.Query{Phrases: q.Phrases, Prefixes: q.Prefixes}).Matches(c.terms, text) {
				continue
			}
		}
		c.score = 1 // filters alone: newest first
		if len(q.Terms) > 0 {
			c.score = idf / math.Sqrt(float64(max(1, c.words)))
		}
		kept = append(kept, c)
	}
	kept = searchBest(kept, limit)
	top := 0.0
	if len(kept) > 0 {
		top = kept[0].score
	}
	docs = make([]int64, len(kept))
	var articles []int64
	for i, c := range kept {
		docs[i] = c.doc
		if kind, id := searchKindOf(c.doc); kind == domain.SearchArticle {
			articles = append(articles, id)
		}
	}
	hits, err := searchHits(ctx, tx, docs)
	if err != nil {
		return nil, err
	}
	bodies, err := articleSearchTexts(ctx, tx, articles)
	if err != nil {
		return nil, err
	}
	out := make([]match.Hit, 0, len(kept))
	for _, c := range kept {
		h, ok := hits[c.doc]
		if !ok {
			continue // cannot be: it was found in this transaction
		}
		if top > 0 {
			h.Score = c.score / top
		}
		text := h.Text
		if h.Kind == domain.SearchArticle {
			text = bodies[h.ID]
		}
		h.Snippet = snippetOf(text, q)
		out = append(out, h)
	}
	return out, nil
}

// searchRankOrder orders candidates best first: by score, then newer, then
// the higher document number (a total order: no two share a document).
func searchRankOrder(a, b *searchCandidate) int {
	return cmp.Or(cmp.Compare(b.score, a.score), strings.Compare(b.day, a.day), cmp.Compare(b.doc, a.doc))
}

// searchBest is the first limit of cands in rank order, in order: the best
// are kept in a short sorted list as the candidates pass, instead of sorting
// them all (a page shows 20 of up to 200).
func searchBest(cands []searchCandidate, limit int) []searchCandidate {
	if limit <= 0 {
		return nil
	}
	best := make([]*searchCandidate, 0, min(len(cands), limit)+1)
	for i := range cands {
		c := &cands[i]
		if len(best) == limit && searchRankOrder(c, best[limit-1]) >= 0 {
			continue
		}
		at, _ := slices.BinarySearchFunc(best, c, searchRankOrder)
		best = slices.Insert(best, at, c)
		if len(best) > limit {
			best = best[:limit]
		}
	}
	out := make([]searchCandidate, len(best))
	for i, c := range best {
		out[i] = *c
	}
	return out
}

// searchHits reads what the results show, from the index's own copy, in one
// statement.
func searchHits(ctx context.Context, tx *Tx, docs []int64) (map[int64]match.Hit, error) {
	out := make(map[int64]match.Hit, len(docs))
	if len(docs) == 0 {
		return out, nil
	}
	// One statement, prepared once: the documents as a JSON list.
	rows, err := tx.queryCached(ctx, `SELECT doc, claim_id, article_id, text, context, state, rating, url, day FROM search_docs
		WHERE doc IN (SELECT value FROM json_each(?))`, searchDocList(docs))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var h match.Hit
		var doc int64
		var state string
		if err := rows.Scan(&doc, &h.ClaimID, &h.ArticleID, &h.Text, &h.Context, &state, &h.Rating, &h.URL, &h.Day); err != nil {
			return nil, err
		}
		h.Kind, h.ID = searchKindOf(doc)
		h.State = domain.ClaimState(state)
		out[doc] = h
	}
	return out, rows.Err()
}

// articleSearchTexts is articleSearchText for several articles in one
// statement; an article that is gone has an empty title and body.
func articleSearchTexts(ctx context.Context, tx *Tx, ids []int64) (map[int64]string, error) {
	out := make(map[int64]string, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	for _, id := range ids {
		out[id] = "\n"
	}
	rows, err := tx.queryCached(ctx, `SELECT id, title, substr(body, 1, ?) FROM articles WHERE id IN (SELECT value FROM json_each(?))`,
		maxSearchBodyBytes, searchDocList(ids))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var title, body string
		if err := rows.Scan(&id, &title, &body); err != nil {
			return nil, err
		}
		out[id] = title + "\n" + body
	}
	return out, rows.Err()
}

// searchSatisfies reports whether a document's sorted terms hold every one
// of want (the terms past those checked through the index).
func searchSatisfies(sorted, want []string) bool {
	for _, t := range want {
		if _, ok := slices.BinarySearch(sorted, t); !ok {
			return false
		}
	}
	return true
}

// articleSearchText is an article's title and the indexed part of its body,
// for phrases and snippets.
func articleSearchText(ctx context.Context, tx *Tx, id int64) string {
	var title, body string
	tx.QueryRowContext(ctx, `SELECT title, substr(body, 1, ?) FROM articles WHERE id = ?`, maxSearchBodyBytes, id).Scan(&title, &body)
	return title + "\n" + body
}

// searchPrefixBest is the word starting with p in the most documents ("":
// none), its count and version put in df and versions: the most used of
// the index's completions, or a completion the search log brought, when
// the log's events give it more.
func searchPrefixBest(ctx context.Context, tx *Tx, fresh *freshView, p string, df map[string]int, versions map[string]int64) (string, error) {
	var words []string
	var best string
	err := tx.QueryRowContext(ctx, `SELECT term FROM (SELECT term, df FROM search_terms WHERE term >= ? AND term < ? AND df > 0 LIMIT ?)
		ORDER BY df DESC LIMIT 1`, p, p+"\U0010FFFF", searchPrefixMax).Scan(&best)
	switch {
	case err == nil:
		words = append(words, best)
	case !errors.Is(err, sql.ErrNoRows):
		return "", err
	}
	more, err := fresh.withPrefix(p)
	if err != nil {
		return "", err
	}
	words = append(words, more...)
	if len(words) == 0 {
		return "", nil
	}
	var todo []string
	for _, w := range words {
		if _, ok := df[w]; !ok {
			todo = append(todo, w)
		}
	}
	if err := searchWeights(ctx, tx, todo, df, versions); err != nil {
		return "", err
	}
	if err := fresh.adjust(df, todo); err != nil {
		return "", err
	}
	best = ""
	for _, w := range words {
		if df[w] > 0 && (best == "" || df[w] > df[best]) {
			best = w
		}
	}
	return best, nil
}

// searchWeights looks up how many documents have each term, and the
// version of each word's blocks (search_kept_blocks.go).
func searchWeights(ctx context.Context, tx *Tx, terms []string, df map[string]int, versions map[string]int64) error {
	var todo []string
	for _, t := range terms {
		if _, ok := df[t]; !ok {
			df[t] = 0
			todo = append(todo, t)
		}
	}
	if len(todo) == 0 {
		return nil
	}
	list, err := json.Marshal(todo)
	if err != nil {
		return err
	}
	rows, err := tx.queryCached(ctx, `SELECT term, df, version FROM search_terms WHERE term IN (SELECT value FROM json_each(?))`, string(list))
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var t string
		var n int
		var v int64
		if err := rows.Scan(&t, &n, &v); err != nil {
			return err
		}
		df[t] = n
		versions[t] = v
	}
	return rows.Err()
}

// snippetOf highlights a text around where the query first seems to occur
// (found by a plain scan for its words' stems, prefixes and phrases), so that
// only a window of a long text (an article) is analysed.
func snippetOf(text string, q match.Query) []match.Segment {
	const before, after = 150, 450
	if q.Empty() {
		// Filters alone: the text's start, nothing marked.
		to := min(len(text), before+after)
		for to < len(text) && !utf8.RuneStart(text[to]) {
			to++
		}
		return match.Highlight(text[:to], q, searchSnippet)
	}
	if len(text) <= before+after {
		return match.Highlight(text, q, searchSnippet)
	}
	var needles []string
	for _, t := range q.Terms {
		if !strings.HasPrefix(t, "#") && len(t) >= 2 {
			needles = append(needles, t)
		}
	}
	needles = append(append(needles, q.Prefixes...), q.Phrases...)
	at := firstInLowered(text, needles)
	from, to := 0, after
	if at > before {
		from, to = at-before, at+after
	}
	to = min(to, len(text))
	for from > 0 && !utf8.RuneStart(text[from]) {
		from--
	}
	for to < len(text) && !utf8.RuneStart(text[to]) {
		to++
	}
	out := match.Highlight(text[from:to], q, searchSnippet)
	if from > 0 && (len(out) == 0 || out[0].Text != "…") {
		out = append([]match.Segment{{Text: "…"}}, out...)
	}
	if to < len(text) && (len(out) == 0 || out[len(out)-1].Text != "…") {
		out = append(out, match.Segment{Text: "…"})
	}
	return out
}

// firstInLowered is where the first of needles is in strings.ToLower(text),
// -1 when none is. The text is lowered a piece at a time, only as far as
// the first needle found (and the longest after it): an article's first
// hit is mostly near its start, and lowering all of it was a twentieth of a
// search. Lowering goes rune by rune, so the pieces, cut where a rune
// starts, lower to the same bytes as the whole.
func firstInLowered(text string, needles []string) int {
	const piece = 1024
	longest := 0
	for _, n := range needles {
		longest = max(longest, len(n))
	}
	at := -1
	var lower []byte
	// (An empty text is looked in once, as strings.Index would.)
	for done, once := 0, true; (once || done < len(text)) && (at < 0 || len(lower) < at+longest); once = false {
		end := min(len(text), done+piece)
		for end < len(text) && !utf8.RuneStart(text[end]) {
			end++
		}
		was := len(lower)
		lower = append(lower, strings.ToLower(text[done:end])...)
		done = end
		for _, n := range needles {
			// A needle first seen now ends in the new piece.
			from := max(0, was-max(len(n), 1)+1)
			if i := bytes.Index(lower[from:], []byte(n)); i >= 0 && (at < 0 || from+i < at) {
				at = from + i
			}
		}
	}
	return at
}

// searchCandidates finds a search's candidates, newest first: the newest
// searchAllScan documents of the rarest term (terms[0], sorted rarest first)
// that have the next terms, up to searchJoinTerms in all, the first enough
// of them. A word's documents are read in blocks (search_blocks.go): the
// rarest word's newest blocks, then each other word's blocks where
// candidates are, a few hundred rows at most; a filter's are postings, the
// rarest's newest read in order and the others looked up for the
// candidates that are left.
func searchCandidates(ctx context.Context, tx *Tx, words *searchBlockReads, terms []string, enough int) ([]int64, error) {
	var docs []int64
	// A filter's postings are read as they are needed, newest first: those
	// of a common filter are mostly enough at once, and each crosses from
	// SQLite one by one.
	filterLeft, filterBelow := 0, int64(math.MaxInt64)
	readFilter := func(n int) error {
		n = min(n, filterLeft)
		if n <= 0 {
			return nil
		}
		got, err := queryAll(ctx, tx, scanInt64, `SELECT doc FROM search_postings WHERE term = ? AND doc < ? ORDER BY doc DESC LIMIT ?`,
			terms[0], filterBelow, n)
		if err != nil {
			return err
		}
		filterLeft -= n
		if len(got) < n {
			filterLeft = 0
		}
		if len(got) > 0 {
			filterBelow = got[len(got)-1]
		}
		docs = append(docs, got...)
		return nil
	}
	if match.IsFilterTerm(terms[0]) {
		filterLeft = searchAllScan
	} else {
		var err error
		if docs, err = words.newest(ctx, terms[0], searchAllScan); err != nil {
			return nil, err
		}
	}
	// Words first: their blocks are cheap to read and leave fewer
	// candidates for the filters' look-ups.
	others := slices.Clone(terms[1:min(len(terms), searchJoinTerms)])
	slices.SortStableFunc(others, func(a, b string) int {
		return cmp.Compare(btoi(match.IsFilterTerm(a)), btoi(match.IsFilterTerm(b)))
	})
	if len(others) == 0 {
		if err := readFilter(enough); err != nil {
			return nil, err
		}
		return docs[:min(len(docs), enough)], nil
	}
	// The candidates are checked newest first, a block's worth (and at most
	// 256), then up to two blocks, four...: a common pair has its first
	// enough in the newest blocks, and a common word's older blocks, or a
	// common filter's other postings, are then never read. After the first,
	// a batch is as many as the share found so far says are still needed,
	// and a quarter more.
	var out []int64
	checked := 0
	first := 1
	if words.fewExpected(terms[0], others, len(docs), enough) {
		// The words' counts say fewer than enough will be found: every
		// candidate will be checked, so all at once, each other word's
		// blocks read in one statement instead of one a batch.
		first = math.MaxInt32
	}
	for span := first; len(out) < enough; span = min(span*2, math.MaxInt32) {
		size := 256 * span
		if len(out) > 0 {
			size = min(size, max(64, (enough-len(out))*checked/len(out)*5/4))
		}
		if err := readFilter(size - len(docs)); err != nil {
			return nil, err
		}
		if len(docs) == 0 {
			break
		}
		n, blocks := 0, 0
		for last := int64(-1); n < len(docs) && n < size; n++ {
			if b := docs[n] >> searchBlockShift; b != last {
				if blocks++; blocks > span {
					break
				}
				last = b
			}
		}
		batch := docs[:n:n]
		docs = docs[n:]
		checked += n
		for _, t := range others {
			if len(batch) == 0 {
				break
			}
			var err error
			if match.IsFilterTerm(t) {
				batch, err = searchPostingsHave(ctx, tx, t, batch)
			} else {
				batch, err = words.have(ctx, t, batch)
			}
			if err != nil {
				return nil, err
			}
		}
		out = append(out, batch...)
	}
	return out[:min(len(out), enough)], nil
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// searchPostingsHave keeps the documents (newest first) that have filter,
// looked up in its postings.
func searchPostingsHave(ctx context.Context, tx *Tx, filter string, docs []int64) ([]int64, error) {
	have, err := queryAll(ctx, tx, scanInt64, `SELECT doc FROM search_postings WHERE term = ? AND doc IN (SELECT value FROM json_each(?))`,
		filter, searchDocList(docs))
	if err != nil {
		return nil, err
	}
	slices.Sort(have)
	kept := docs[:0]
	for _, d := range docs {
		if _, ok := slices.BinarySearch(have, d); ok {
			kept = append(kept, d)
		}
	}
	return kept, nil
}

// searchDocList is documents (or blocks) as a JSON list.
func searchDocList(docs []int64) string {
	b := make([]byte, 0, 8*len(docs)+2)
	b = append(b, '[')
	for i, d := range docs {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendInt(b, d, 10)
	}
	return string(append(b, ']'))
}

// searchCandidate is a candidate as it is ranked.
type searchCandidate struct {
	doc   int64
	words int
	terms []string
	text  string
	day   string
	score float64
}

// searchCandidateRows reads the first searchAllRerank candidates (newest
// first) within the dates of f: their words and days from the index kept
// for it (migration 261), then, when some part of the search is checked in
// Go, their terms, and their text when a phrase or prefix is checked in it
// (the results' own are read once they are chosen).
func (db *DB) searchCandidateRows(ctx context.Context, tx *Tx, q match.Query, f domain.SearchFilter, terms int, docs []int64) ([]searchCandidate, error) {
	var where, from, to string
	var args []any
	if !f.From.IsZero() {
		from = domain.SearchDay(f.From)
		where += ` AND day >= ?`
		args = append(args, from)
	}
	if !f.To.IsZero() {
		to = domain.SearchDay(f.To)
		where += ` AND day <= ?`
		args = append(args, to)
	}
	needTerms := len(q.Prefixes) > 0 || terms > searchJoinTerms
	needText := len(q.Phrases) > 0 || len(q.Prefixes) > 0
	if where == "" {
		// Every candidate's row is there: the first ones are enough.
		docs = docs[:min(len(docs), searchAllRerank)]
	}
	if len(docs) == 0 {
		return nil, nil
	}
	if where == "" && (needTerms || needText) {
		// Their rows are read anyway: the ranks with them.
		return searchCandidateTexts(ctx, tx, docs, needTerms, needText, true)
	}
	var cands []searchCandidate
	ranks, ok, err := db.searchRanksOf(ctx, tx, docs, from, to)
	if err != nil {
		return nil, err
	}
	if ok {
		// Every candidate's rank from memory (search_ranks.go).
		cands = make([]searchCandidate, 0, min(len(ranks), searchAllRerank))
		for _, r := range ranks[:min(len(ranks), searchAllRerank)] {
			cands = append(cands, searchCandidate{doc: r.doc, words: r.words, day: r.day})
		}
	} else {
		cands, err = queryAll(ctx, tx, func(r scanner) (searchCandidate, error) {
			var c searchCandidate
			return c, r.Scan(&c.doc, &c.words, &c.day)
		}, `SELECT doc, words, day FROM search_docs INDEXED BY search_docs_rank WHERE doc IN (SELECT value FROM json_each(?))`+where,
			append([]any{searchDocList(docs)}, args...)...)
		if err != nil {
			return nil, err
		}
		slices.SortFunc(cands, func(a, b searchCandidate) int { return cmp.Compare(b.doc, a.doc) })
		cands = cands[:min(len(cands), searchAllRerank)]
	}
	if !needTerms && !needText || len(cands) == 0 {
		return cands, nil
	}
	chosen := make([]int64, len(cands))
	for i, c := range cands {
		chosen[i] = c.doc
	}
	more, err := searchCandidateTexts(ctx, tx, chosen, needTerms, needText, false)
	if err != nil {
		return nil, err
	}
	byDoc := make(map[int64]searchCandidate, len(more))
	for _, m := range more {
		byDoc[m.doc] = m
	}
	for i := range cands {
		m := byDoc[cands[i].doc]
		cands[i].terms, cands[i].text = m.terms, m.text
	}
	return cands, nil
}

// searchCandidateTexts reads candidates' terms and texts (what is asked),
// with their ranks when withRanks, newest first.
func searchCandidateTexts(ctx context.Context, tx *Tx, docs []int64, needTerms, needText, withRanks bool) ([]searchCandidate, error) {
	termsCol, textCol, rankCols := `''`, `''`, `0, ''`
	if needTerms {
		termsCol = `terms`
	}
	if needText {
		textCol = `text`
	}
	if withRanks {
		rankCols = `words, day`
	}
	cands, err := queryAll(ctx, tx, func(r scanner) (searchCandidate, error) {
		var c searchCandidate
		var terms string
		err := r.Scan(&c.doc, &c.words, &c.day, &terms, &c.text)
		if terms != "" {
			c.terms = strings.Split(terms, "\n")
		}
		return c, err
	}, `SELECT doc, `+rankCols+`, `+termsCol+`, `+textCol+` FROM search_docs WHERE doc IN (SELECT value FROM json_each(?))`, searchDocList(docs))
	if err != nil {
		return nil, err
	}
	slices.SortFunc(cands, func(a, b searchCandidate) int { return cmp.Compare(b.doc, a.doc) })
	return cands, nil
}
