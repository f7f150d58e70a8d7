package storage

import (
	"encoding/hex"
	"slices"
	"strconv"

	"claimtrail/domain/match"
)

// A word's postings are kept in blocks (migration 260): one row of
// search_blocks per word and range of 2^searchBlockShift document numbers,
// holding the low bits of its documents in that range as a sorted list of
// big-endian 16-bit numbers. A search reads its rarest word's newest blocks
// and checks the others' documents in the blocks of the same range, a few
// hundred rows at most whatever the archive's size, instead of one look-up
// in the postings per candidate. Filter terms ("~s:approved") stay one row
// a posting in search_postings: a claim's move between states renames its
// state posting there in SQL (migration 210). What was indexed since the
// last fold of the search log is read over the blocks (search_fresh.go).
const (
	searchBlockShift = 16
	searchBlockMask  = 1<<searchBlockShift - 1
)

// searchBlockOf is the block a document's postings are in, and its number
// within it.
func searchBlockOf(doc int64) (block int64, low uint16) {
	return doc >> searchBlockShift, uint16(doc & searchBlockMask)
}

// searchBlockFind is where low is in a block's list, or would be, and
// whether it is there.
func searchBlockFind(list []byte, low uint16) (int, bool) {
	i, j := 0, len(list)/2
	for i < j {
		h := int(uint(i+j) >> 1)
		if uint16(list[2*h])<<8|uint16(list[2*h+1]) < low {
			i = h + 1
		} else {
			j = h
		}
	}
	return i, 2*i < len(list) && uint16(list[2*i])<<8|uint16(list[2*i+1]) == low
}

// searchBlockWith is list with low added or taken out, in order, and whether
// it changed.
func searchBlockWith(list []byte, low uint16, present bool) ([]byte, bool) {
	i, has := searchBlockFind(list, low)
	switch {
	case has == present:
		return list, false
	case present:
		out := make([]byte, 0, len(list)+2)
		out = append(append(append(out, list[:2*i]...), byte(low>>8), byte(low)), list[2*i:]...)
		return out, true
	default:
		return append(slices.Clone(list[:2*i]), list[2*i+2:]...), true
	}
}

// appendSearchBlock appends a document's low bits to a block's list.
func appendSearchBlock(list []byte, doc int64) []byte {
	return append(list, byte(doc>>8), byte(doc))
}

// splitFilterTerms parts sorted terms into words (kept in blocks) and
// filters (kept as postings).
func splitFilterTerms(terms []string) (words, filters []string) {
	for _, t := range terms {
		if match.IsFilterTerm(t) {
			filters = append(filters, t)
		} else {
			words = append(words, t)
		}
	}
	return words, filters
}

// searchBlocksJSON appends to buf the JSON list [[block, "hex"], ...] of a
// word's sorted documents from docs[0], up to about limit bytes, and says
// how many documents it took.
func searchBlocksJSON[D int64 | uint32](buf []byte, docs []D, limit int) ([]byte, int) {
	buf = append(buf, '[')
	n := 0
	for n < len(docs) && (n == 0 || len(buf) < limit) {
		block := int64(docs[n]) >> searchBlockShift
		if n > 0 {
			buf = append(buf, ',')
		}
		buf = append(buf, '[')
		buf = strconv.AppendInt(buf, block, 10)
		buf = append(buf, ',', '"')
		for n < len(docs) && int64(docs[n])>>searchBlockShift == block {
			buf = hex.AppendEncode(buf, []byte{byte(docs[n] >> 8), byte(docs[n])})
			n++
		}
		buf = append(buf, '"', ']')
	}
	return append(buf, ']'), n
}
