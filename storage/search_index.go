package storage

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
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
// its document. Documents are read by their ids (loadSearchEntries), a whole
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
// writes, and loadSearchEntries from the rows it reads, so both index the same.
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
// It changes no newsroom data, so it writes no audit event. The search log
// it fills is folded as the indexer's passes fold it, here too: a backlog
// fills it far faster than the desk.
func (db *DB) IndexSearchBacklog(ctx context.Context, n int) (left int, err error) {
	if _, left, _, err = db.indexSearchList(ctx, searchBacklogList, n); err != nil {
		return left, err
	}
	return left, db.foldSearch(ctx)
}
