package storage

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"

	"claimtrail/domain/match"
)

// searchAnalysed is a search document with its text analysed: its row of
// search_docs and its terms. text is the analysis itself, which an accepted
// claim's matcher document shares.
type searchAnalysed struct {
	e      *searchEntry
	terms  []string // words and filters, sorted
	words  int
	digest string
	text   match.Text
}

func analyseSearchEntry(e *searchEntry) searchAnalysed {
	t := match.Analyse(e.analyse, e.claimant)
	return searchAnalysed{e: e, terms: mergeSorted(t.Terms, e.filterTerms()), words: len(t.Terms), digest: e.digest(), text: t}
}

// searchDocColumns are search_docs' columns in the order row gives them.
const searchDocColumns = "doc, claim_id, article_id, text, context, state, rating, url, day, words, analysed, terms"

func (a searchAnalysed) row() []any {
	e := a.e
	return []any{e.doc, e.claimID, e.articleID, storedText(e), e.context, e.state, e.rating, e.url, e.day, a.words, a.digest,
		strings.Join(a.terms, "\n")}
}

// searchBuild gathers a whole search index: documents are analysed on
// every core and their rows written as they come; postings and terms are
// written at the end, in key order.
type searchBuild struct {
	postings *postingLists[uint32]
	docs     int
}

func newSearchBuild() *searchBuild {
	p := newPostingLists[uint32]()
	p.blocks = "search_blocks"
	return &searchBuild{postings: p}
}

func (b *searchBuild) add(a searchAnalysed) error {
	if a.e.doc < 0 || a.e.doc > math.MaxUint32 {
		return fmt.Errorf("search document %d out of range", a.e.doc)
	}
	b.postings.add(uint32(a.e.doc), a.terms)
	b.docs++
	return nil
}

// ReindexSearch rebuilds the search index from every accepted claim,
// article, verdict, source and imported check, in one transaction, reading
// each document once. Text is analysed on every core; postings are gathered
// in memory (about 4 bytes each, tens of millions at a million claims) and
// written in index order at the end, which is far faster than inserting
// each where it belongs. It changes no newsroom data, so it writes no audit
// event. progress, when not nil, is told how many documents are done every
// so often.
func (db *DB) ReindexSearch(ctx context.Context, progress func(done int)) (docs int, err error) {
	tx, err := db.begin(ctx)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	// The search log's rows are in what is rebuilt: they are gone as a
	// fold's are (search_fresh.go).
	for _, q := range []string{`DELETE FROM search_postings`, `DELETE FROM search_blocks`, `DELETE FROM search_terms`, `DELETE FROM search_docs`,
		`DELETE FROM search_pending`, `DELETE FROM search_backlog`,
		`UPDATE search_fresh_state SET folded = max(folded, coalesce((SELECT max(seq) FROM search_fresh), 0)), upto = ''`,
		`UPDATE search_fresh_state SET folding = folded`, `DELETE FROM search_fresh`} {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return 0, err
		}
	}
	putDoc, err := tx.PrepareContext(ctx, `INSERT INTO search_docs (`+searchDocColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return 0, err
	}
	defer putDoc.Close()
	b := newSearchBuild()
	work := startInParallel(analyseSearchEntry, func(a searchAnalysed) error {
		if err := b.add(a); err != nil {
			return err
		}
		if _, err := putDoc.ExecContext(ctx, a.row()...); err != nil {
			return err
		}
		if progress != nil && b.docs%10000 == 0 {
			progress(b.docs)
		}
		return nil
	})
	defer work.finish()
	for _, k := range searchSources {
		for last := int64(0); ; {
			page, next, err := k.page(ctx, tx, last, 2000)
			if err != nil {
				return 0, err
			}
			if next == 0 {
				break
			}
			last = next
			for _, e := range page {
				if err := work.put(e); err != nil {
					return 0, err
				}
			}
		}
	}
	if err := work.finish(); err != nil {
		return 0, err
	}
	if err := b.postings.write(ctx, tx, "search_postings", "search_terms", ""); err != nil {
		return 0, err
	}
	// Every word's blocks were written again: one new version for them all
	// (migration 350), so nothing a server kept of them is used again.
	version, err := nextSearchBlockVersion(ctx, tx)
	if err != nil {
		return 0, err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE search_terms SET version = ?`, version); err != nil {
		return 0, err
	}
	if err := trimSearchRankLog(ctx, tx); err != nil {
		return 0, err
	}
	return b.docs, tx.Commit()
}

// mergeSorted joins a sorted list and another into one sorted list without
// repeats.
func mergeSorted(sorted, more []string) []string {
	out := append(append([]string(nil), sorted...), more...)
	slicesSortCompact(&out)
	return out
}

func slicesSortCompact(s *[]string) {
	slices.Sort(*s)
	*s = slices.Compact(*s)
}
