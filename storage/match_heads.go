package storage

import (
	"context"
	"database/sql"
	"slices"
	"strconv"
	"strings"
)

// A term's head (match_heads, migration 250) is its newest documents in the
// matcher's index, largest number first, at most wholeList of them: all a
// match ever reads of one term. Reading a seed term is then one row instead
// of up to wholeList postings, which was most of a match's time at a
// million claims. match_postings stays the whole list, from which a head is
// refilled when one of its documents leaves.

// parseHead reads a head's comma-separated document numbers, largest
// first (sorted here should a writer have listed them otherwise).
func parseHead(s string) []int64 {
	if s == "" {
		return nil
	}
	docs := make([]int64, 0, strings.Count(s, ",")+1)
	for f := range strings.SplitSeq(s, ",") {
		if d, err := strconv.ParseInt(f, 10, 64); err == nil {
			docs = append(docs, d)
		}
	}
	if !slices.IsSortedFunc(docs, descending) {
		slices.SortFunc(docs, descending)
	}
	return docs
}

func descending(a, b int64) int {
	switch {
	case a > b:
		return -1
	case a < b:
		return 1
	}
	return 0
}

// formatHead writes docs (largest first) as a head.
func formatHead(docs []int64) string {
	b := make([]byte, 0, 8*len(docs))
	for i, d := range docs {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendInt(b, d, 10)
	}
	return string(b)
}

// headOf is a term's newest documents from a list of all of them in any
// order: what its head must hold.
func headOf(all []int64) []int64 {
	docs := slices.Clone(all)
	slices.SortFunc(docs, descending)
	return docs[:min(len(docs), wholeList)]
}

// readHead reads term's head as stored (nil when it has none).
func readHead(ctx context.Context, tx *Tx, term string) ([]int64, error) {
	var s string
	err := tx.QueryRowContext(ctx, `SELECT docs FROM match_heads WHERE term = ?`, term).Scan(&s)
	if err == sql.ErrNoRows {
		return nil, nil
	}
	return parseHead(s), err
}

func writeHead(ctx context.Context, tx *Tx, term string, docs []int64) error {
	if len(docs) == 0 {
		_, err := tx.ExecContext(ctx, `DELETE FROM match_heads WHERE term = ?`, term)
		return err
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO match_heads (term, docs) VALUES (?, ?)
		ON CONFLICT (term) DO UPDATE SET docs = excluded.docs`, term, formatHead(docs))
	return err
}

// headAdded keeps term's head in step with doc's posting just added: doc
// goes in its place when it is among the newest wholeList.
func headAdded(ctx context.Context, tx *Tx, term string, doc int64) error {
	docs, err := readHead(ctx, tx, term)
	if err != nil {
		return err
	}
	i, found := slices.BinarySearchFunc(docs, doc, descending)
	if found || i >= wholeList {
		return nil
	}
	docs = slices.Insert(docs, i, doc)
	return writeHead(ctx, tx, term, docs[:min(len(docs), wholeList)])
}

// headRemoved keeps term's head in step with doc's posting just removed:
// when doc was in it, the head is read again from the postings, which
// brings in the next newest.
func headRemoved(ctx context.Context, tx *Tx, term string, doc int64) error {
	docs, err := readHead(ctx, tx, term)
	if err != nil {
		return err
	}
	if _, found := slices.BinarySearchFunc(docs, doc, descending); !found {
		return nil
	}
	docs, err = queryAll(ctx, tx, scanInt64, `SELECT doc FROM match_postings WHERE term = ? ORDER BY doc DESC LIMIT ?`, term, wholeList)
	if err != nil {
		return err
	}
	return writeHead(ctx, tx, term, docs)
}
