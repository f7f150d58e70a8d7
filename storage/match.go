package storage

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"maps"
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
	seedTerms     = 6   // the rarest terms of a query that find candidates
	maxPostings   = 300 // documents read per term, newest first
	maxCandidates = 50  // documents reranked
	// maxCommonShare leaves out of candidate finding a term in more than this
	// share of documents: it tells nothing apart.
	maxCommonShare = 0.05
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

// weight is the rarity of a term for reranking this document: today's count
// for terms looked up (the query's), else the stored count scaled to today's
// number of documents.
func (d docData) weight(df map[string]int, n int) func(string) float64 {
	terms := d.terms()
	return func(t string) float64 {
		if k, ok := df[t]; ok {
			return match.IDF(k, n)
		}
		if i, ok := slices.BinarySearch(terms, t); ok && i < len(d.DF) && d.N > 0 {
			return match.IDF(int(float64(d.DF[i])*float64(n)/float64(d.N)+0.5), n)
		}
		return match.IDF(1, n)
	}
}

// claimDoc and importedDoc turn an id into its document number.
func claimDoc(id int64) int64    { return id }
func importedDoc(id int64) int64 { return -id }

// indexPending indexes the claims whose state, wording or claimant changed in
// this transaction (the triggers of migration 100 list them), so the index
// is always in step with the claims it describes.
func indexPending(ctx context.Context, tx *Tx) error {
	ids, err := queryAll(ctx, tx, func(row scanner) (int64, error) {
		var id int64
		return id, row.Scan(&id)
	}, `SELECT claim_id FROM match_pending ORDER BY claim_id LIMIT ?`, maxPendingPerCommit)
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
		if err := tx.QueryRowContext(ctx, `INSERT INTO match_terms (term, df) VALUES (?, 1)
			ON CONFLICT (term) DO UPDATE SET df = df + 1 RETURNING df`, t).Scan(&d.DF[i]); err != nil {
			return err
		}
	}
	if err := tx.QueryRowContext(ctx, `UPDATE match_stats SET docs = docs + 1 WHERE id = 1 RETURNING docs`).Scan(&d.N); err != nil {
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
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM match_docs WHERE doc = ?`, doc); err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `UPDATE match_stats SET docs = docs - 1 WHERE id = 1`)
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

// weights looks up how many documents use each term, in chunks that keep
// within SQLite's limit on parameters.
func weights(ctx context.Context, tx *Tx, terms []string, df map[string]int) error {
	var todo []string
	for _, t := range terms {
		if _, ok := df[t]; !ok {
			todo = append(todo, t)
			df[t] = 0
		}
	}
	for len(todo) > 0 {
		chunk := todo[:min(len(todo), 400)]
		todo = todo[len(chunk):]
		args := make([]any, len(chunk))
		for i, t := range chunk {
			args[i] = t
		}
		rows, err := tx.QueryContext(ctx, `SELECT term, df FROM match_terms WHERE term IN (?`+strings.Repeat(", ?", len(chunk)-1)+`)`, args...)
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

// matchText finds candidates for q from its rarest terms, reranks them with
// the matcher and returns up to limit that are at least related. exclude is
// a document left out (the claim itself, 0 for none); when it is indexed its
// own terms are not counted, so that its unique words do not look rarest.
func matchText(ctx context.Context, tx *Tx, q match.Text, exclude int64, limit int) ([]match.Found, error) {
	if len(q.Terms) == 0 || limit <= 0 {
		return nil, nil
	}
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT docs FROM match_stats WHERE id = 1`).Scan(&n); err != nil {
		return nil, err
	}
	df := map[string]int{}
	if err := weights(ctx, tx, q.Terms, df); err != nil {
		return nil, err
	}
	others := df
	if exclude != 0 {
		var self int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM match_docs WHERE doc = ?`, exclude).Scan(&self); err != nil {
			return nil, err
		}
		if self > 0 {
			others = make(map[string]int, len(df))
			for t, k := range df {
				others[t] = k
				if slices.Contains(q.Terms, t) {
					others[t]--
				}
			}
		}
	}
	seeds := slices.Clone(q.Terms)
	seeds = slices.DeleteFunc(seeds, func(t string) bool { return others[t] <= 0 })
	slices.SortFunc(seeds, func(a, b string) int { return cmp.Or(cmp.Compare(others[a], others[b]), strings.Compare(a, b)) })
	common := max(maxPostings, int(maxCommonShare*float64(n)))
	var kept []string
	for _, t := range seeds {
		if others[t] <= common || len(kept) < 2 {
			kept = append(kept, t)
		}
	}
	seeds = kept[:min(len(kept), seedTerms)]
	weight := func(t string) float64 { return match.IDF(df[t], n) }

	// One statement reads every seed term's postings.
	found := map[int64]float64{}
	if len(seeds) > 0 {
		var union strings.Builder
		var args []any
		for i, t := range seeds {
			if i > 0 {
				union.WriteString(" UNION ALL ")
			}
			fmt.Fprintf(&union, "SELECT * FROM (SELECT doc, %d FROM match_postings WHERE term = ? ORDER BY doc DESC LIMIT %d)", i, maxPostings)
			args = append(args, t)
		}
		type posting struct {
			doc  int64
			term int
		}
		ps, err := queryAll(ctx, tx, func(row scanner) (posting, error) {
			var p posting
			return p, row.Scan(&p.doc, &p.term)
		}, union.String(), args...)
		if err != nil {
			return nil, err
		}
		for _, p := range ps {
			if p.doc != exclude {
				found[p.doc] += weight(seeds[p.term])
			}
		}
	}
	type cand struct {
		doc int64
		w   float64
	}
	cands := make([]cand, 0, len(found))
	for d, w := range found {
		cands = append(cands, cand{d, w})
	}
	slices.SortFunc(cands, func(a, b cand) int { return cmp.Or(cmp.Compare(b.w, a.w), cmp.Compare(b.doc, a.doc)) })
	cands = cands[:min(len(cands), maxCandidates)]

	args := make([]any, len(cands)+1)
	args[0] = exclude // never a document: keeps the list non-empty
	for i, c := range cands {
		args[i+1] = c.doc
	}
	docs := map[int64]docData{}
	rows, err := tx.QueryContext(ctx, `SELECT doc, data FROM match_docs WHERE doc IN (?`+strings.Repeat(", ?", len(cands))+`) AND doc <> ?`, append(args, exclude)...)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var doc int64
		var data string
		if err := rows.Scan(&doc, &data); err != nil {
			rows.Close()
			return nil, err
		}
		d, err := decodeDoc(data)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("match index entry %d: %w", doc, err)
		}
		docs[doc] = d
	}
	if err := rows.Close(); err != nil {
		return nil, err
	}

	// Claims changed by a write that has not yet passed through a storage
	// transaction (a bulk load, a repair by hand) are read as they are now.
	pending, err := pendingDocs(ctx, tx, exclude)
	if err != nil {
		return nil, err
	}
	for doc, d := range pending {
		docs[doc] = d
		if err := weights(ctx, tx, d.Text.Terms, df); err != nil {
			return nil, err
		}
	}
	var out []match.Found
	for doc, d := range docs {
		if _, stale := pending[doc]; stale && d.Text.Terms == nil {
			continue
		}
		w := d.weight(df, n)
		c := match.Compare(q, d.Text, w)
		if d.Headline != nil {
			if h := match.Compare(q, *d.Headline, w); h.Score > c.Score {
				c = h
			}
		}
		if c.Tier == match.TierNone {
			continue
		}
		f := match.Found{Kind: match.KindClaim, ID: doc, Score: c.Score, Tier: c.Tier}
		if doc < 0 {
			f.Kind, f.ID = match.KindImported, -doc
		}
		out = append(out, f)
	}
	if err := describeFound(ctx, tx, out); err != nil {
		return nil, err
	}
	slices.SortFunc(out, match.Better)
	return out[:min(len(out), limit)], nil
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
	ids, err := queryAll(ctx, tx, func(r scanner) (int64, error) {
		var id int64
		return id, r.Scan(&id)
	}, `SELECT claim_id FROM match_pending LIMIT ?`, maxPendingRead+1)
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

// describeFound fills in what a reader needs to know of each match.
func describeFound(ctx context.Context, tx *Tx, found []match.Found) error {
	for i := range found {
		f := &found[i]
		var err error
		if f.Kind == match.KindImported {
			var published string
			err = tx.QueryRowContext(ctx, `SELECT claim, rating, url, publisher, published_on FROM imported_checks WHERE id = ?`, f.ID).
				Scan(&f.Claim, &f.Rating, &f.URL, &f.Publisher, &published)
			f.Date = parseDay(published)
		} else {
			var approved sql.NullString
			err = tx.QueryRowContext(ctx, `SELECT c.text, c.state, a.id, a.title, coalesce(r.name, ''),
					CASE WHEN c.state = 'approved' THEN v.approved_at END
				FROM claims c
				JOIN articles a ON a.id = c.article_id
				LEFT JOIN verdicts v ON v.claim_id = c.id
				LEFT JOIN ratings r ON r.id = v.rating_id AND c.state = 'approved'
				WHERE c.id = ?`, f.ID).Scan(&f.Claim, &f.State, &f.ArticleID, &f.ArticleTitle, &f.Rating, &approved)
			f.Date = parseNullTime(approved)
		}
		if err != nil {
			return err
		}
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
// snapshot, up to limit matches each.
func (db *DB) MatchMany(ctx context.Context, texts []string, limit int) ([][]match.Found, error) {
	tx, err := db.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	out := make([][]match.Found, len(texts))
	for i, t := range texts {
		if out[i], err = matchText(ctx, tx, match.Analyse(t, ""), 0, limit); err != nil {
			return nil, err
		}
	}
	return out, nil
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
	out := map[int64]match.Found{}
	for _, c := range cands {
		found, err := matchText(ctx, tx, match.Analyse(c.text, c.claimant), 0, 5)
		if err != nil {
			return nil, err
		}
		for _, f := range found {
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
