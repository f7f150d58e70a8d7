package storage

import "claimtrail/storage/kept"

// matchKept is what this process keeps of the matcher's index between
// matches: decoded index entries, terms' document counts and heads. Every
// match reads the same newest documents of common words, and the same
// counts, whichever claim or article it is for, so a first visit of a page
// mostly reads what an earlier visit of another page read already.
//
// Everything kept was read under one version of the index
// (match_stats.version, migration 251), which every write to the index
// moves in its own transaction, in this process or any other. A match
// whose snapshot shows a newer version empties what is kept and starts
// again; one reading an older snapshot neither reads nor adds. The
// newsroom's everyday changes (take, save, submit, approve, comment) do not
// touch the index, so they leave this in place, where the kept reads of
// generation.go are emptied by every commit.
type matchKept struct {
	docs  *kept.Cache[int64, docData]  // decoded index entries
	df    *kept.Cache[string, int]     // terms' document counts
	heads *kept.Cache[string, []int64] // terms' newest documents
}

// Bounds on what is kept; each cache is emptied when it would pass its own.
const (
	maxKeptDocs      = 20000   // decoded index entries, about a kilobyte each
	maxKeptTerms     = 200000  // term counts
	maxKeptHeadsSize = 2000000 // documents listed in kept heads
)

func newMatchKept() *matchKept {
	return &matchKept{
		docs:  kept.New[int64, docData](maxKeptDocs),
		df:    kept.New[string, int](maxKeptTerms),
		heads: kept.NewWeighed(maxKeptHeadsSize, func(_ string, docs []int64) int { return len(docs) }),
	}
}

// keptIndex is what a match in tx may use of what is kept: nil inside a
// write transaction (its own changes are not committed, and may never be).
// What is kept is kept under the index's version (package kept), so a
// snapshot older than what is kept neither reads nor adds, and a newer one
// empties it.
func (tx *Tx) keptIndex(version int64) *matchKept {
	if tx.ctx != nil || tx.db == nil {
		return nil
	}
	return tx.db.matchKept
}

// fillDF puts the kept count of each term not yet in df into df.
func (k *matchKept) fillDF(version int64, terms []string, df map[string]int) {
	if k == nil {
		return
	}
	for _, t := range terms {
		if _, ok := df[t]; ok {
			continue
		}
		if n, ok := k.df.Get(version, t); ok {
			df[t] = n
		}
	}
}

// keepDF keeps the counts of terms read.
func (k *matchKept) keepDF(version int64, terms []string, df map[string]int) {
	if k == nil {
		return
	}
	for _, t := range terms {
		k.df.Put(version, t, df[t])
	}
}

// head returns a kept head (the caller must not change it).
func (k *matchKept) head(version int64, term string) ([]int64, bool) {
	if k == nil {
		return nil, false
	}
	return k.heads.Get(version, term)
}

func (k *matchKept) keepHead(version int64, term string, docs []int64) {
	if k == nil {
		return
	}
	k.heads.Put(version, term, docs)
}

// takeDocs moves the kept entries of the documents in want into docs and
// returns those still to be read.
func (k *matchKept) takeDocs(version int64, want []int64, docs map[int64]docData) []int64 {
	if k == nil {
		return want
	}
	var left []int64
	for _, doc := range want {
		if d, ok := k.docs.Get(version, doc); ok {
			docs[doc] = d
		} else {
			left = append(left, doc)
		}
	}
	return left
}

// keepDocs keeps the entries of read (the documents just read into docs).
func (k *matchKept) keepDocs(version int64, read []int64, docs map[int64]docData) {
	if k == nil {
		return
	}
	for _, doc := range read {
		if d, ok := docs[doc]; ok {
			k.docs.Put(version, doc, d)
		}
	}
}
