package storage

import (
	"context"
	"database/sql"
	"runtime"
	"slices"
	"strconv"
	"sync"

	"claimtrail/domain/match"
)

// Building an index whole (claimtrail reindex, seed-bench) is three kinds of
// work: reading or making the documents, analysing their text, and writing
// postings. Analysis runs on every core (inParallel) while the one database
// connection stays with the caller's goroutine; postings are gathered in
// memory with each term's documents counted there, and written once, in the
// index's own order (postingLists.write), which SQLite appends page after
// page instead of inserting each posting where it belongs.

// execer is a write transaction or a raw connection of the seed.
type execer interface {
	ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error)
	PrepareContext(ctx context.Context, q string) (*sql.Stmt, error)
}

// postingLists gathers the postings of an index: each term's documents.
// D is the width of a document number: search documents fit in 32 bits
// (ids below 2^29), the matcher's are signed.
type postingLists[D int64 | uint32] struct {
	// blocks, when set, is the table a word's postings are written to as
	// blocks (search_blocks); filter terms stay in the postings table.
	blocks string
	ids    map[string]int32
	terms  []string
	docs   [][]D
	n      int // postings
}

func newPostingLists[D int64 | uint32]() *postingLists[D] {
	return &postingLists[D]{ids: map[string]int32{}}
}

// add lists doc under each of its terms (distinct, as Analyse gives them).
func (p *postingLists[D]) add(doc D, terms []string) {
	for _, t := range terms {
		id, ok := p.ids[t]
		if !ok {
			id = int32(len(p.terms))
			p.ids[t] = id
			p.terms = append(p.terms, t)
			p.docs = append(p.docs, nil)
		}
		p.docs[id] = append(p.docs[id], doc)
	}
	p.n += len(terms)
}

// df is how many documents use term.
func (p *postingLists[D]) df(term string) int {
	if id, ok := p.ids[term]; ok {
		return len(p.docs[id])
	}
	return 0
}

// write puts every posting in postingsTable (term, doc) and every term's
// document count in termsTable (term, df), both in key order: a term's
// documents go in one statement as a JSON list; with headsTable (the
// matcher's, "" for none) each term's newest documents too (match_heads.go).
// The lists are released as they are written, so p is empty afterwards.
func (p *postingLists[D]) write(ctx context.Context, db execer, postingsTable, termsTable, headsTable string) error {
	order := make([]int32, len(p.terms))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(a, b int32) int {
		switch x, y := p.terms[a], p.terms[b]; {
		case x < y:
			return -1
		case x > y:
			return 1
		}
		return 0
	})
	putPostings, err := db.PrepareContext(ctx, `INSERT INTO `+postingsTable+` (term, doc) SELECT ?, value FROM json_each(?)`)
	if err != nil {
		return err
	}
	defer putPostings.Close()
	var putBlocks *sql.Stmt
	if p.blocks != "" {
		if putBlocks, err = db.PrepareContext(ctx, `INSERT INTO `+p.blocks+` (term, block, docs)
			SELECT ?, value ->> 0, unhex(value ->> 1) FROM json_each(?)`); err != nil {
			return err
		}
		defer putBlocks.Close()
	}
	const perStatement = 20000
	var list []byte
	df := make([]int, len(p.terms))
	var heads []string // in the order of order
	for _, id := range order {
		docs := p.docs[id]
		df[id] = len(docs)
		p.docs[id] = nil
		slices.Sort(docs)
		if headsTable != "" {
			head := make([]int64, 0, min(len(docs), wholeList))
			for i := len(docs) - 1; i >= 0 && len(head) < wholeList; i-- {
				head = append(head, int64(docs[i]))
			}
			heads = append(heads, formatHead(head))
		}
		if putBlocks != nil && !match.IsFilterTerm(p.terms[id]) {
			for len(docs) > 0 {
				var n int
				list, n = searchBlocksJSON(list[:0], docs, 1<<20)
				docs = docs[n:]
				if _, err := putBlocks.ExecContext(ctx, p.terms[id], string(list)); err != nil {
					return err
				}
			}
			continue
		}
		for len(docs) > 0 {
			chunk := docs[:min(len(docs), perStatement)]
			docs = docs[len(chunk):]
			list = append(list[:0], '[')
			for i, d := range chunk {
				if i > 0 {
					list = append(list, ',')
				}
				list = strconv.AppendInt(list, int64(d), 10)
			}
			list = append(list, ']')
			if _, err := putPostings.ExecContext(ctx, p.terms[id], string(list)); err != nil {
				return err
			}
		}
	}
	const perTerms = 400
	putTerms := func(n int) string {
		q := `INSERT INTO ` + termsTable + ` (term, df) VALUES (?, ?)`
		for range n - 1 {
			q += `, (?, ?)`
		}
		return q
	}
	full, err := db.PrepareContext(ctx, putTerms(perTerms))
	if err != nil {
		return err
	}
	defer full.Close()
	args := make([]any, 0, 2*perTerms)
	for _, id := range order {
		args = append(args, p.terms[id], df[id])
		if len(args) == 2*perTerms {
			if _, err := full.ExecContext(ctx, args...); err != nil {
				return err
			}
			args = args[:0]
		}
	}
	if len(args) > 0 {
		if _, err := db.ExecContext(ctx, putTerms(len(args)/2), args...); err != nil {
			return err
		}
	}
	if headsTable == "" {
		return nil
	}
	putHeads, err := db.PrepareContext(ctx, `INSERT INTO `+headsTable+` (term, docs) VALUES (?, ?)`)
	if err != nil {
		return err
	}
	defer putHeads.Close()
	for i, id := range order {
		if heads[i] == "" {
			continue
		}
		if _, err := putHeads.ExecContext(ctx, p.terms[id], heads[i]); err != nil {
			return err
		}
	}
	return nil
}

// inParallel runs work on every core over the jobs it is given and hands
// each result to take on the goroutine that calls put and finish, the one
// holding the database connection. Results come in no particular order.
type inParallel[J, R any] struct {
	jobs    chan J
	results chan R
	take    func(R) error
	err     error
	closed  bool
}

func startInParallel[J, R any](work func(J) R, take func(R) error) *inParallel[J, R] {
	p := &inParallel[J, R]{jobs: make(chan J, 512), results: make(chan R, 512), take: take}
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range p.jobs {
				p.results <- work(j)
			}
		}()
	}
	go func() {
		wg.Wait()
		close(p.results)
	}()
	return p
}

// put hands a job to the workers, taking results while they are busy.
func (p *inParallel[J, R]) put(j J) error {
	for p.err == nil {
		select {
		case p.jobs <- j:
			return nil
		case r := <-p.results:
			p.err = p.take(r)
		}
	}
	return p.err
}

// finish waits for every job and takes every result; after an error the
// rest are drained unread. It may be called more than once.
func (p *inParallel[J, R]) finish() error {
	if !p.closed {
		p.closed = true
		close(p.jobs)
	}
	for r := range p.results {
		if p.err == nil {
			p.err = p.take(r)
		}
	}
	return p.err
}
