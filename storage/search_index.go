package storage

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"claimtrail/domain"
	"claimtrail/domain/match"
)

// The search index (migration 165) covers accepted claims, articles,
// verdicts, sources and imported checks. A document's number is its row's
// id times 8 plus its kind; filters are terms like words (see
// match.FilterTerm), so every part of a search is found through postings,
// rarest first, and what a search reads is bounded whatever the archive's
// size.

// searchKindCode numbers the kinds of document in the index.
var searchKindCode = map[domain.SearchKind]int64{
	domain.SearchClaim: 1, domain.SearchArticle: 2, domain.SearchVerdict: 3, domain.SearchSource: 4, domain.SearchImported: 5,
}

func searchDoc(kind domain.SearchKind, id int64) int64 { return id*8 + searchKindCode[kind] }

func searchKindOf(doc int64) (domain.SearchKind, int64) {
	for k, c := range searchKindCode {
		if doc%8 == c {
			return k, doc / 8
		}
	}
	return "", 0
}

// maxSearchBodyBytes is how much of an article's body is indexed: enough for
// any news story, and a bound on what one pasted book costs.
const maxSearchBodyBytes = 20000

// searchEntry is a document as the index keeps it.
type searchEntry struct {
	doc                 int64
	claimID, articleID  int64
	text, context       string // shown
	state, rating, url  string
	day                 string
	analyse, claimant   string // what the words come from
	outlet, claimType   string // filters
	filterState, kindOf string
}

// searchSource is how one kind of document is read: a statement that
// reads its rows (completed by a WHERE on idColumn), and how a row becomes
// its document. One document is read by its id (loadSearchEntry), a whole
// kind in pages of ids (ReindexSearch), through the same statement.
type searchSource struct {
	code     int64
	sel      string
	idColumn string
	// indexed is the condition of a row that can be a document, for pages.
	// It must not be read through an index: at a million claims the
	// planner would read every accepted claim by state and sort them for
	// each page (a unary + keeps pages a walk along the ids).
	indexed string
	scan    func(scanner) (id int64, e *searchEntry, err error)
}

// searchRating is the rating a claim's documents carry: the one approved,
// for an approved claim, else the verdict's current one.
const searchRating = `CASE WHEN c.state = 'approved' THEN coalesce(v.approved_rating_name, r.name, '') ELSE coalesce(r.name, '') END`

var searchSources = []searchSource{
	{code: 1, idColumn: "c.id", indexed: `+c.state IN ('queued', 'in_review', 'submitted', 'approved')`,
		sel: `SELECT c.id, c.text, c.claimant, c.state, c.type, c.article_id, a.title, a.outlet,
			substr(coalesce(a.published_at, c.created_at), 1, 10), ` + searchRating + `
			FROM claims c JOIN articles a ON a.id = c.article_id LEFT JOIN verdicts v ON v.claim_id = c.id
			LEFT JOIN ratings r ON r.id = v.rating_id`,
		scan: func(row scanner) (int64, *searchEntry, error) {
			var c searchClaimRow
			var id int64
			var text, title string
			err := row.Scan(&id, &text, &c.claimant, &c.state, &c.claimType, &c.articleID, &title, &c.outlet, &c.day, &c.rating)
			return id, claimSearchEntry(id, text, title, c), err
		}},
	{code: 2, idColumn: "id",
		sel: `SELECT id, title, body, outlet, author, url, substr(coalesce(published_at, created_at), 1, 10) FROM articles`,
		scan: func(row scanner) (int64, *searchEntry, error) {
			var a searchArticleRow
			var id int64
			err := row.Scan(&id, &a.title, &a.body, &a.outlet, &a.author, &a.url, &a.day)
			return id, articleSearchEntry(id, a), err
		}},
	{code: 3, idColumn: "v.claim_id",
		sel: `SELECT v.claim_id, v.conclusion, v.explanation, c.text, c.claimant, c.state, c.type, c.article_id, a.outlet,
			substr(coalesce(v.approved_at, v.updated_at), 1, 10), ` + searchRating + `
			FROM verdicts v JOIN claims c ON c.id = v.claim_id JOIN articles a ON a.id = c.article_id
			LEFT JOIN ratings r ON r.id = v.rating_id`,
		scan: func(row scanner) (int64, *searchEntry, error) {
			var c searchClaimRow
			var id int64
			var conclusion, explanation, claimText, day string
			err := row.Scan(&id, &conclusion, &explanation, &claimText, &c.claimant, &c.state, &c.claimType, &c.articleID, &c.outlet, &day, &c.rating)
			return id, verdictSearchEntry(id, conclusion, explanation, claimText, day, c), err
		}},
	{code: 4, idColumn: "s.id",
		sel: `SELECT s.id, s.claim_id, s.title, s.publisher, s.quote, s.url,
			substr(coalesce(s.published_at, s.created_at), 1, 10), c.text, c.claimant, c.state, c.type, c.article_id, a.outlet,
			` + searchRating + `
			FROM sources s JOIN claims c ON c.id = s.claim_id JOIN articles a ON a.id = c.article_id
			LEFT JOIN verdicts v ON v.claim_id = c.id LEFT JOIN ratings r ON r.id = v.rating_id`,
		scan: func(row scanner) (int64, *searchEntry, error) {
			var c searchClaimRow
			var s searchSourceRow
			var id, claimID int64
			var claimText string
			err := row.Scan(&id, &claimID, &s.title, &s.publisher, &s.quote, &s.url, &s.day, &claimText, &c.claimant, &c.state, &c.claimType,
				&c.articleID, &c.outlet, &c.rating)
			return id, sourceSearchEntry(id, claimID, claimText, s, c), err
		}},
	{code: 5, idColumn: "id",
		sel: `SELECT id, claim, headline, publisher, rating, url, claimant,
			CASE WHEN published_on <> '' THEN published_on ELSE substr(imported_at, 1, 10) END FROM imported_checks`,
		scan: func(row scanner) (int64, *searchEntry, error) {
			e := &searchEntry{kindOf: string(domain.SearchImported)}
			var id int64
			var headline, publisher string
			err := row.Scan(&id, &e.text, &headline, &publisher, &e.rating, &e.url, &e.claimant, &e.day)
			e.doc = searchDoc(domain.SearchImported, id)
			e.context = strings.TrimSpace(publisher + ": " + headline)
			e.analyse = e.text + "\n" + headline + "\n" + publisher
			return id, e, err
		}},
}

// one reads the document of row id, nil when it is not searchable.
func (k searchSource) one(ctx context.Context, tx *Tx, id int64) (*searchEntry, error) {
	_, e, err := k.scan(tx.QueryRowContext(ctx, k.sel+` WHERE `+k.idColumn+` = ?`, id))
	if err == sql.ErrNoRows {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return e, nil
}

// page reads the documents of the rows after id after, up to n rows, and
// says the last row's id (0 when there are none).
func (k searchSource) page(ctx context.Context, tx *Tx, after int64, n int) (docs []*searchEntry, last int64, err error) {
	q := k.sel + ` WHERE ` + k.idColumn + ` > ?`
	if k.indexed != "" {
		q += ` AND ` + k.indexed
	}
	rows, err := tx.queryCached(ctx, q+` ORDER BY `+k.idColumn+` LIMIT ?`, after, n)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	for rows.Next() {
		id, e, err := k.scan(rows)
		if err != nil {
			return nil, 0, err
		}
		last = id
		if e != nil {
			docs = append(docs, e)
		}
	}
	return docs, last, rows.Err()
}

// loadSearchEntry reads what the index keeps of a document, or nil when it
// is not searchable (a candidate claim, a deleted row, an empty verdict).
func loadSearchEntry(ctx context.Context, tx *Tx, doc int64) (*searchEntry, error) {
	for _, k := range searchSources {
		if doc%8 == k.code {
			return k.one(ctx, tx, doc/8)
		}
	}
	return nil, nil
}

// searchClaimRow is what a claim's documents (the claim, its verdict, its
// sources) carry of the claim: its filters and where it was found.
type searchClaimRow struct {
	claimant, state, claimType string
	articleID                  int64
	outlet, day, rating        string // day: the claim document's (the article's date)
}

// searchable says whether documents of a claim in state are in the index.
func searchable(state string) bool { return slices.Contains(searchedStates, domain.ClaimState(state)) }

// claimSearchEntry is an accepted claim's document, nil for any other
// claim. The seed builds documents with these constructors from the rows it
// writes, and loadSearchEntry from the rows it reads, so both index the same.
func claimSearchEntry(id int64, text, articleTitle string, c searchClaimRow) *searchEntry {
	if !searchable(c.state) {
		return nil
	}
	return &searchEntry{doc: searchDoc(domain.SearchClaim, id), kindOf: string(domain.SearchClaim), claimID: id, articleID: c.articleID,
		text: text, context: articleTitle, state: c.state, rating: c.rating, day: c.day, analyse: text, claimant: c.claimant,
		outlet: c.outlet, claimType: c.claimType, filterState: c.state}
}

// searchArticleRow is what an article's document is made of.
type searchArticleRow struct {
	title, body, outlet, author, url, day string
}

func articleSearchEntry(id int64, a searchArticleRow) *searchEntry {
	body := a.body
	if len(body) > maxSearchBodyBytes {
		body = body[:maxSearchBodyBytes]
	}
	return &searchEntry{doc: searchDoc(domain.SearchArticle, id), kindOf: string(domain.SearchArticle), articleID: id,
		text: a.title, context: a.outlet, url: a.url, day: a.day, analyse: a.title + "\n" + a.author + "\n" + body, outlet: a.outlet}
}

// verdictSearchEntry is a verdict's document, nil when it says nothing yet
// or its claim is not accepted. day is the verdict's (approved or updated).
func verdictSearchEntry(claimID int64, conclusion, explanation, claimText, day string, c searchClaimRow) *searchEntry {
	if strings.TrimSpace(conclusion+explanation) == "" || !searchable(c.state) {
		return nil
	}
	text := strings.TrimSpace(conclusion + "\n" + explanation)
	return &searchEntry{doc: searchDoc(domain.SearchVerdict, claimID), kindOf: string(domain.SearchVerdict), claimID: claimID,
		articleID: c.articleID, text: text, context: claimText, state: c.state, rating: c.rating, day: day, analyse: text,
		claimant: c.claimant, outlet: c.outlet, claimType: c.claimType, filterState: c.state}
}

// searchSourceRow is what a source's document is made of.
type searchSourceRow struct {
	title, publisher, quote, url, day string
}

func sourceSearchEntry(id, claimID int64, claimText string, s searchSourceRow, c searchClaimRow) *searchEntry {
	if !searchable(c.state) {
		return nil
	}
	text := s.title
	if s.publisher != "" {
		text += " — " + s.publisher
	}
	if s.quote != "" {
		text += "\n" + s.quote
	}
	return &searchEntry{doc: searchDoc(domain.SearchSource, id), kindOf: string(domain.SearchSource), claimID: claimID,
		articleID: c.articleID, text: text, context: claimText, state: c.state, rating: c.rating, url: s.url, day: s.day,
		analyse: text, claimant: c.claimant, outlet: c.outlet, claimType: c.claimType, filterState: c.state}
}

// digest names what a document's words come from, so a change of state
// alone does not analyse its text again.
func (e *searchEntry) digest() string {
	h := sha256.Sum256([]byte(e.analyse + "\x00" + e.claimant))
	return base64.RawStdEncoding.EncodeToString(h[:12])
}

// searchAllTerm is on every document: its count is the number of documents.
const searchAllTerm = "~all"

// filterTerms are the terms that stand for the document's filters.
func (e *searchEntry) filterTerms() []string {
	out := []string{searchAllTerm}
	for _, f := range [][2]string{{"k", e.kindOf}, {"s", e.filterState}, {"r", e.rating}, {"t", e.claimType}, {"o", e.outlet}, {"c", e.claimant}} {
		if t := match.FilterTerm(f[0], f[1]); t != "" {
			out = append(out, t)
		}
	}
	return out
}

// wordTerms analyses the document's text; figures become one term however
// they are written.
func (e *searchEntry) wordTerms() []string {
	return match.Analyse(e.analyse, e.claimant).Terms
}

// indexSearchPending indexes the documents the triggers of migration 165
// listed as changed in this transaction, a bounded slice per commit.
func indexSearchPending(ctx context.Context, tx *Tx) error {
	docs, err := queryAll(ctx, tx, scanInt64, `SELECT doc FROM search_pending ORDER BY doc LIMIT ?`, maxSearchPendingPerCommit)
	if err != nil || len(docs) == 0 {
		return err
	}
	for _, doc := range docs {
		if err := indexSearchDoc(ctx, tx, doc); err != nil {
			return fmt.Errorf("document %d: %w", doc, err)
		}
	}
	if _, err = tx.ExecContext(ctx, `DELETE FROM search_pending WHERE doc <= ?`, docs[len(docs)-1]); err != nil {
		return err
	}
	return trimSearchRankLog(ctx, tx)
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

// maxSearchPendingPerCommit bounds the indexing one commit does; the desk's
// own changes touch a few documents at a time.
const maxSearchPendingPerCommit = 500

// indexSearchDoc brings one document's entry in step: only the postings that
// differ are written, and text that has not changed is not analysed again.
func indexSearchDoc(ctx context.Context, tx *Tx, doc int64) error {
	e, err := loadSearchEntry(ctx, tx, doc)
	if err != nil {
		return err
	}
	var oldTerms, oldDigest string
	var words int
	var was searchRow
	err = tx.QueryRowContext(ctx, `SELECT terms, analysed, words, claim_id, article_id, text, context, state, rating, url, day
		FROM search_docs WHERE doc = ?`, doc).Scan(&oldTerms, &oldDigest, &words,
		&was.claimID, &was.articleID, &was.text, &was.context, &was.state, &was.rating, &was.url, &was.day)
	if err != nil && err != sql.ErrNoRows {
		return err
	}
	had := err == nil
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
	if had && e != nil && digest == oldDigest && strings.Join(now, "\n") == oldTerms && was == e.row() {
		return nil // as indexed: nothing to write
	}
	// What changed goes in a few statements whatever its size, each term
	// list as one JSON array: a new verdict or source has dozens of terms.
	var gone, added []string
	for _, t := range old {
		if _, ok := slices.BinarySearch(now, t); !ok {
			gone = append(gone, t)
		}
	}
	for _, t := range now {
		if _, ok := slices.BinarySearch(old, t); !ok {
			added = append(added, t)
		}
	}
	// Words are kept in blocks, filters as postings (search_blocks.go).
	goneWords, gone := splitFilterTerms(gone)
	addedWords, added := splitFilterTerms(added)
	if err := editSearchBlocks(ctx, tx, doc, goneWords, addedWords); err != nil {
		return err
	}
	// Every word whose blocks changed gets a version never given before,
	// with its count (migration 350): what a server keeps of the word's
	// blocks (search_kept_blocks.go) is then no longer used. A change of
	// filters alone leaves the versions as they are (max with 0).
	var version int64
	if len(goneWords)+len(addedWords) > 0 {
		if version, err = nextSearchBlockVersion(ctx, tx); err != nil {
			return err
		}
	}
	if len(gone)+len(goneWords) > 0 {
		list, _ := json.Marshal(append(goneWords, gone...))
		if _, err := tx.ExecContext(ctx, `UPDATE search_terms SET df = df - 1, version = max(version, ?) WHERE term IN (SELECT value FROM json_each(?))`,
			version, string(list)); err != nil {
			return err
		}
	}
	if len(added)+len(addedWords) > 0 {
		list, _ := json.Marshal(append(addedWords, added...))
		if _, err := tx.ExecContext(ctx, `INSERT INTO search_terms (term, df, version) SELECT value, 1, ? FROM json_each(?) WHERE true
			ON CONFLICT (term) DO UPDATE SET df = df + 1, version = max(version, excluded.version)`, version, string(list)); err != nil {
			return err
		}
	}
	if len(gone) > 0 {
		list, _ := json.Marshal(gone)
		if _, err := tx.ExecContext(ctx, `DELETE FROM search_postings WHERE term IN (SELECT value FROM json_each(?)) AND doc = ?`, string(list), doc); err != nil {
			return err
		}
	}
	if len(added) > 0 {
		list, _ := json.Marshal(added)
		if _, err := tx.ExecContext(ctx, `INSERT INTO search_postings (term, doc) SELECT value, ? FROM json_each(?)`, doc, string(list)); err != nil {
			return err
		}
	}
	if e == nil {
		if had {
			_, err = tx.ExecContext(ctx, `DELETE FROM search_docs WHERE doc = ?`, doc)
			return err
		}
		return nil
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO search_docs (doc, claim_id, article_id, text, context, state, rating, url, day, words, analysed, terms)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (doc) DO UPDATE SET claim_id = excluded.claim_id, article_id = excluded.article_id, text = excluded.text,
		context = excluded.context, state = excluded.state, rating = excluded.rating, url = excluded.url, day = excluded.day,
		words = excluded.words, analysed = excluded.analysed, terms = excluded.terms`,
		doc, e.claimID, e.articleID, storedText(e), e.context, e.state, e.rating, e.url, e.day, words, digest, strings.Join(now, "\n"))
	return err
}

// searchRow is what search_docs keeps of a document besides its terms.
type searchRow struct {
	claimID, articleID                     int64
	text, context, state, rating, url, day string
}

func (e *searchEntry) row() searchRow {
	return searchRow{claimID: e.claimID, articleID: e.articleID, text: storedText(e), context: e.context,
		state: e.state, rating: e.rating, url: e.url, day: e.day}
}

// storedText is the text kept for showing: an article's is its title (the
// body is read from the article when a snippet is made).
func storedText(e *searchEntry) string { return e.text }

// IndexSearchBacklog indexes up to n documents of the backlog the search
// index was created with (migration 167), in one transaction, and says how
// many are left. The server calls it in the background until none are, so
// an upgraded archive becomes searchable without slowing anyone's changes.
// It changes no newsroom data, so it writes no audit event.
func (db *DB) IndexSearchBacklog(ctx context.Context, n int) (left int, err error) {
	tx, err := db.begin(ctx)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	docs, err := queryAll(ctx, tx, scanInt64, `SELECT doc FROM search_backlog ORDER BY doc DESC LIMIT ?`, n)
	if err != nil || len(docs) == 0 {
		return 0, err
	}
	for _, doc := range docs {
		if err := indexSearchDoc(ctx, tx, doc); err != nil {
			return 0, fmt.Errorf("document %d: %w", doc, err)
		}
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM search_backlog WHERE doc >= ?`, docs[len(docs)-1]); err != nil {
		return 0, err
	}
	if err := trimSearchRankLog(ctx, tx); err != nil {
		return 0, err
	}
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM (SELECT 1 FROM search_backlog LIMIT 1)`).Scan(&left); err != nil {
		return 0, err
	}
	return left, tx.Commit()
}
