package storage

import (
	"context"
	"slices"
	"strings"
)

// ReindexSearch rebuilds the search index from every accepted claim,
// article, verdict, source and imported check, in one transaction. Postings
// are gathered unsorted and written in index order at the end, which is far
// faster at a million documents than inserting each where it belongs. It
// changes no newsroom data, so it writes no audit event. progress, when not
// nil, is told how many documents are done every so often.
func (db *DB) ReindexSearch(ctx context.Context, progress func(done int)) (docs int, err error) {
	// The gathered postings (tens of millions at a million claims) and their
	// sort go to temporary files, not memory, for the rebuild alone.
	if _, err := db.write.ExecContext(ctx, `PRAGMA temp_store = FILE`); err != nil {
		return 0, err
	}
	defer db.write.ExecContext(context.WithoutCancel(ctx), `PRAGMA temp_store = MEMORY`)
	tx, err := db.begin(ctx)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	for _, q := range []string{`DELETE FROM search_postings`, `DELETE FROM search_terms`, `DELETE FROM search_docs`,
		`DELETE FROM search_pending`, `DELETE FROM search_backlog`, `DROP TABLE IF EXISTS temp.search_build`, `CREATE TEMP TABLE search_build (term TEXT, doc INTEGER)`} {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return 0, err
		}
	}
	putDoc, err := tx.PrepareContext(ctx, `INSERT INTO search_docs (doc, claim_id, article_id, text, context, state, rating, url, day, words, analysed, terms)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return 0, err
	}
	defer putDoc.Close()
	// Postings go in 400 rows a statement.
	const batch = 400
	putPostings, err := tx.PrepareContext(ctx, `INSERT INTO temp.search_build (term, doc) VALUES (?, ?)`+strings.Repeat(`, (?, ?)`, batch-1))
	if err != nil {
		return 0, err
	}
	defer putPostings.Close()
	pending := make([]any, 0, 2*batch)
	flush := func(all bool) error {
		for len(pending) >= 2*batch {
			if _, err := putPostings.ExecContext(ctx, pending[:2*batch]...); err != nil {
				return err
			}
			pending = append(pending[:0], pending[2*batch:]...)
		}
		if all && len(pending) > 0 {
			q := `INSERT INTO temp.search_build (term, doc) VALUES (?, ?)` + strings.Repeat(`, (?, ?)`, len(pending)/2-1)
			if _, err := tx.ExecContext(ctx, q, pending...); err != nil {
				return err
			}
			pending = pending[:0]
		}
		return nil
	}
	df := map[string]int{}
	lists := []struct {
		q    string
		code int64
	}{
		{`SELECT id FROM claims WHERE id > ? AND state IN ('queued', 'in_review', 'submitted', 'approved') ORDER BY id LIMIT 2000`, 1},
		{`SELECT id FROM articles WHERE id > ? ORDER BY id LIMIT 2000`, 2},
		{`SELECT claim_id FROM verdicts WHERE claim_id > ? ORDER BY claim_id LIMIT 2000`, 3},
		{`SELECT id FROM sources WHERE id > ? ORDER BY id LIMIT 2000`, 4},
		{`SELECT id FROM imported_checks WHERE id > ? ORDER BY id LIMIT 2000`, 5},
	}
	for _, l := range lists {
		for last := int64(0); ; {
			ids, err := queryAll(ctx, tx, func(r scanner) (int64, error) {
				var id int64
				return id, r.Scan(&id)
			}, l.q, last)
			if err != nil {
				return 0, err
			}
			if len(ids) == 0 {
				break
			}
			last = ids[len(ids)-1]
			for _, id := range ids {
				doc := id*8 + l.code
				e, err := loadSearchEntry(ctx, tx, doc)
				if err != nil {
					return 0, err
				}
				if e == nil {
					continue
				}
				words := e.wordTerms()
				terms := mergeSorted(words, e.filterTerms())
				for _, t := range terms {
					df[t]++
					pending = append(pending, t, doc)
				}
				if err := flush(false); err != nil {
					return 0, err
				}
				if _, err := putDoc.ExecContext(ctx, doc, e.claimID, e.articleID, storedText(e), e.context, e.state, e.rating, e.url,
					e.day, len(words), e.digest(), strings.Join(terms, "\n")); err != nil {
					return 0, err
				}
				docs++
				if progress != nil && docs%10000 == 0 {
					progress(docs)
				}
			}
		}
	}
	if err := flush(true); err != nil {
		return 0, err
	}
	for _, q := range []string{`INSERT INTO search_postings (term, doc) SELECT term, doc FROM temp.search_build ORDER BY term, doc`,
		`DROP TABLE temp.search_build`} {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return 0, err
		}
	}
	putTerm, err := tx.PrepareContext(ctx, `INSERT INTO search_terms (term, df) VALUES (?, ?)`)
	if err != nil {
		return 0, err
	}
	defer putTerm.Close()
	for t, n := range df {
		if _, err := putTerm.ExecContext(ctx, t, n); err != nil {
			return 0, err
		}
	}
	return docs, tx.Commit()
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
