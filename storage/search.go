package storage

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"strings"

	"claimtrail/domain"
	"claimtrail/domain/match"
)

// SearchFilter narrows a search.
type SearchFilter struct {
	Kind  string            // match.KindClaim or match.KindImported; "" for both
	State domain.ClaimState // of our claims; "" for any
}

const (
	searchScan   = 2000 // newest documents with the query's rarest term that are looked at
	searchRerank = 100  // documents that have every term, read and ranked
)

// Search finds accepted claims and imported checks that have every word,
// figure, phrase and prefix of q, best first: the rarest words weigh most
// and shorter texts rank higher, newer first among equals. Through the
// matcher's index, so a figure matches however it is written.
func (db *DB) Search(ctx context.Context, q match.Query, f SearchFilter, limit int) ([]match.SearchResult, error) {
	if q.Empty() || limit <= 0 {
		return nil, nil
	}
	tx, err := db.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT docs FROM match_stats WHERE id = 1`).Scan(&n); err != nil {
		return nil, err
	}
	df := map[string]int{}
	if err := weights(ctx, tx, q.Terms, df); err != nil {
		return nil, err
	}
	terms := slices.Clone(q.Terms)
	for _, t := range terms {
		if df[t] == 0 {
			return nil, nil // a word nothing has
		}
	}
	// Prefixes are searched through their most used completion; every
	// completion is accepted when the results are checked.
	for _, p := range q.Prefixes {
		var best string
		err := tx.QueryRowContext(ctx, `SELECT term FROM match_terms WHERE term >= ? AND term < ? AND df > 0 ORDER BY df DESC LIMIT 1`,
			p, p+"\U0010FFFF").Scan(&best)
		if err != nil {
			return nil, nil // no word starts so
		}
		if len(terms) == 0 {
			terms = append(terms, best)
			df[best] = 1
		}
	}
	if len(terms) == 0 {
		return nil, nil
	}
	slices.SortFunc(terms, func(a, b string) int { return cmp.Or(cmp.Compare(df[a], df[b]), strings.Compare(a, b)) })
	// The rarest term's newest documents, kept when they have the others.
	var sql strings.Builder
	args := []any{terms[0], searchScan}
	sql.WriteString(`SELECT p0.doc FROM (SELECT doc FROM match_postings WHERE term = ? ORDER BY doc DESC LIMIT ?) p0`)
	for i, t := range terms[1:min(len(terms), 6)] {
		fmt.Fprintf(&sql, ` JOIN match_postings p%d ON p%d.term = ? AND p%d.doc = p0.doc`, i+1, i+1, i+1)
		args = append(args, t)
	}
	switch f.Kind {
	case match.KindClaim:
		sql.WriteString(` WHERE p0.doc > 0`)
	case match.KindImported:
		sql.WriteString(` WHERE p0.doc < 0`)
	}
	fmt.Fprintf(&sql, ` LIMIT %d`, searchRerank)
	docs, err := queryAll(ctx, tx, func(r scanner) (int64, error) {
		var d int64
		return d, r.Scan(&d)
	}, sql.String(), args...)
	if err != nil {
		return nil, err
	}
	var out []match.SearchResult
	for _, doc := range docs {
		var data string
		if err := tx.QueryRowContext(ctx, `SELECT data FROM match_docs WHERE doc = ?`, doc).Scan(&data); err != nil {
			return nil, err
		}
		d, err := decodeDoc(data)
		if err != nil {
			return nil, err
		}
		r := match.SearchResult{Found: match.Found{Kind: match.KindClaim, ID: doc}}
		if doc < 0 {
			r.Kind, r.ID = match.KindImported, -doc
		}
		found := []match.Found{r.Found}
		if err := describeFound(ctx, tx, found); err != nil {
			return nil, err
		}
		r.Found = found[0]
		if f.State != "" && (r.Kind != match.KindClaim || r.State != f.State) {
			continue
		}
		all := d.terms()
		text := r.Claim
		if !q.Matches(all, text) {
			if d.Headline == nil || !q.Matches(all, text+" "+headlineOf(ctx, tx, r.ID)) {
				continue
			}
		}
		var w float64
		for _, t := range q.Terms {
			w += match.IDF(df[t], n)
		}
		r.Score = w / math.Sqrt(float64(max(1, len(d.Text.Terms))))
		r.Snippet = match.Highlight(text, q, 240)
		out = append(out, r)
	}
	top := 0.0
	for _, r := range out {
		top = max(top, r.Score)
	}
	for i := range out {
		if top > 0 {
			out[i].Score /= top
		}
	}
	slices.SortFunc(out, func(a, b match.SearchResult) int { return match.Better(a.Found, b.Found) })
	return out[:min(len(out), limit)], nil
}

func headlineOf(ctx context.Context, tx *Tx, id int64) string {
	var h string
	tx.QueryRowContext(ctx, `SELECT headline FROM imported_checks WHERE id = ?`, id).Scan(&h)
	return h
}
