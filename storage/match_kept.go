package storage

import "sync"

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
	mu        sync.Mutex
	version   int64
	docs      map[int64]docData
	df        map[string]int
	heads     map[string][]int64
	headsSize int // documents in heads
}

// Bounds on what is kept; each map is emptied when it would pass its own.
const (
	maxKeptDocs      = 20000   // decoded index entries, about a kilobyte each
	maxKeptTerms     = 200000  // term counts
	maxKeptHeadsSize = 2000000 // documents listed in kept heads
)

func newMatchKept() *matchKept {
	k := &matchKept{version: -1}
	k.reset(-1)
	return k
}

func (k *matchKept) reset(version int64) {
	k.version = version
	k.docs = map[int64]docData{}
	k.df = map[string]int{}
	k.heads = map[string][]int64{}
	k.headsSize = 0
}

// keptIndex is what a match in tx may use of what is kept, for the index at
// version: nil inside a write transaction (its own changes are not
// committed, and may never be) and for a snapshot older than what is kept.
func (tx *Tx) keptIndex(version int64) *matchKept {
	if tx.ctx != nil || tx.db == nil || tx.db.matchKept == nil {
		return nil
	}
	k := tx.db.matchKept
	k.mu.Lock()
	defer k.mu.Unlock()
	switch {
	case version > k.version:
		k.reset(version)
	case version < k.version:
		return nil
	}
	return k
}

// own reports whether k still holds the index at version; the caller holds
// k.mu.
func (k *matchKept) own(version int64) bool { return k.version == version }

// fillDF puts the kept count of each term not yet in df into df.
func (k *matchKept) fillDF(version int64, terms []string, df map[string]int) {
	if k == nil {
		return
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	if !k.own(version) {
		return
	}
	for _, t := range terms {
		if _, ok := df[t]; ok {
			continue
		}
		if n, ok := k.df[t]; ok {
			df[t] = n
		}
	}
}

// keepDF keeps the counts of terms read.
func (k *matchKept) keepDF(version int64, terms []string, df map[string]int) {
	if k == nil {
		return
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	if !k.own(version) {
		return
	}
	if len(k.df)+len(terms) > maxKeptTerms {
		k.df = map[string]int{}
	}
	for _, t := range terms {
		k.df[t] = df[t]
	}
}

// head returns a kept head (the caller must not change it).
func (k *matchKept) head(version int64, term string) ([]int64, bool) {
	if k == nil {
		return nil, false
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	if !k.own(version) {
		return nil, false
	}
	docs, ok := k.heads[term]
	return docs, ok
}

func (k *matchKept) keepHead(version int64, term string, docs []int64) {
	if k == nil {
		return
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	if !k.own(version) {
		return
	}
	if k.headsSize+len(docs) > maxKeptHeadsSize {
		k.heads, k.headsSize = map[string][]int64{}, 0
	}
	if _, ok := k.heads[term]; !ok {
		k.heads[term] = docs
		k.headsSize += len(docs)
	}
}

// takeDocs moves the kept entries of the documents in want into docs and
// returns those still to be read.
func (k *matchKept) takeDocs(version int64, want []int64, docs map[int64]docData) []int64 {
	if k == nil {
		return want
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	if !k.own(version) {
		return want
	}
	var left []int64
	for _, doc := range want {
		if d, ok := k.docs[doc]; ok {
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
	k.mu.Lock()
	defer k.mu.Unlock()
	if !k.own(version) {
		return
	}
	if len(k.docs)+len(read) > maxKeptDocs {
		k.docs = map[int64]docData{}
	}
	for _, doc := range read {
		if d, ok := docs[doc]; ok {
			k.docs[doc] = d
		}
	}
}
