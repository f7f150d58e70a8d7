package match

import (
	"bytes"
	"hash/maphash"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"claimtrail/domain/extract"
	"unicode"
	"unicode/utf8"
)

// Query is a search as typed, taken apart: words and figures (analysed as
// the index analyses text, so "£22bn" finds "22 billion pounds"), quoted
// phrases the text must contain, and prefixes ("immigr*").
type Query struct {
	Terms    []string // every one must be in a result
	Phrases  []string // folded; each must appear in the result's text
	Prefixes []string // folded and stemmed no further; a result has a term starting with each
}

// Limits of a search.
const (
	MaxQueryBytes    = 500
	MaxQueryParts    = 12 // terms, phrases and prefixes together
	DefaultSearchMax = 20
)

// ParseQuery reads a search. It never fails: what it cannot use (stop words,
// lone symbols, parts beyond MaxQueryParts) is left out, and an empty Query
// means there is nothing to search for.
func ParseQuery(q string) Query {
	if len(q) > MaxQueryBytes {
		q = q[:MaxQueryBytes]
		for !utf8.ValidString(q) {
			q = q[:len(q)-1]
		}
	}
	var out Query
	var rest strings.Builder
	for {
		i := strings.IndexAny(q, `"“”`)
		if i < 0 {
			rest.WriteString(q)
			break
		}
		rest.WriteString(q[:i])
		_, size := utf8.DecodeRuneInString(q[i:])
		after := q[i+size:]
		j := strings.IndexAny(after, `"“”`)
		if j < 0 {
			rest.WriteString(after)
			break
		}
		phrase := strings.Join(strings.Fields(fold(after[:j])), " ")
		if phrase != "" {
			out.Phrases = append(out.Phrases, phrase)
			rest.WriteString(" " + after[:j] + " ") // its words are terms too
		}
		_, size = utf8.DecodeRuneInString(after[j:])
		q = after[j+size:]
	}
	text := rest.String()
	var plain strings.Builder
	for _, f := range strings.Fields(text) {
		if w, ok := strings.CutSuffix(f, "*"); ok {
			w = strings.TrimFunc(fold(w), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
			if len([]rune(w)) >= 2 {
				out.Prefixes = append(out.Prefixes, w)
			}
			continue
		}
		plain.WriteString(f + " ")
	}
	out.Terms = Analyse(plain.String(), "").Terms
	// Direction terms are for matching, not searching: "fell" finds "fell".
	out.Terms = deleteDirection(out.Terms)
	for len(out.Terms)+len(out.Phrases)+len(out.Prefixes) > MaxQueryParts {
		switch {
		case len(out.Prefixes) > 0:
			out.Prefixes = out.Prefixes[:len(out.Prefixes)-1]
		case len(out.Phrases) > 0:
			out.Phrases = out.Phrases[:len(out.Phrases)-1]
		default:
			out.Terms = out.Terms[:len(out.Terms)-1]
		}
	}
	return out
}

func deleteDirection(terms []string) []string {
	out := terms[:0]
	for _, t := range terms {
		if t != "#up" && t != "#down" {
			out = append(out, t)
		}
	}
	return out
}

// Empty reports whether there is nothing to search for.
func (q Query) Empty() bool { return len(q.Terms) == 0 && len(q.Phrases) == 0 && len(q.Prefixes) == 0 }

// Matches reports whether an indexed text with these terms, reading text,
// satisfies the query.
func (q Query) Matches(terms []string, text string) bool {
	for _, t := range q.Terms {
		if !contains(terms, t) {
			return false
		}
	}
	for _, p := range q.Prefixes {
		found := false
		for _, t := range terms {
			if strings.HasPrefix(t, p) || strings.HasPrefix(p, t) && len(t) >= 3 {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	if len(q.Phrases) > 0 {
		folded := strings.Join(strings.Fields(fold(text)), " ")
		for _, p := range q.Phrases {
			if !strings.Contains(folded, p) {
				return false
			}
		}
	}
	return true
}

func contains(sorted []string, t string) bool {
	lo, hi := 0, len(sorted)
	for lo < hi {
		m := (lo + hi) / 2
		switch {
		case sorted[m] == t:
			return true
		case sorted[m] < t:
			lo = m + 1
		default:
			hi = m
		}
	}
	return false
}

// Segment is a stretch of a snippet, marked when it is what was searched for.
type Segment struct {
	Text string
	Mark bool
}

// Highlight cuts text into segments, marking the words and figures whose
// terms the query has (or starts with), so a page can show why it was found.
// The text is shortened around the first mark to about maxBytes.
func Highlight(text string, q Query, maxBytes int) []Segment {
	want := func(t string) bool { return slices.Contains(q.Terms, t) } // a few terms: no map
	marks := make([]bool, len(text)+1)
	// A figure's term starts with '#': without one asked for, no figure
	// is marked, and the text need not be read for them.
	if slices.ContainsFunc(q.Terms, func(t string) bool { return strings.HasPrefix(t, "#") }) {
		for _, f := range figureSpans(text) {
			if want(f.term) {
				for i := f.start; i < f.end && i < len(marks); i++ {
					marks[i] = true
				}
			}
		}
	}
	first := wordStarts(q.Terms)
	// Words are read in place: most are never made a string.
	for start, w := range wordBytes(text) {
		// Most words cannot have a term asked for: their first letter says
		// so without working the term out.
		hit := false
		if len(w) > 0 && first[w[0]] {
			t := highlightTermOf(w)
			hit = t != "" && want(t)
		}
		for _, p := range q.Prefixes {
			if bytes.HasPrefix(w, []byte(p)) {
				hit = true
			}
		}
		if hit {
			// Words are folded, so their end is found in the original text.
			for i, end := start, wordEnd(text, start); i < end; i++ {
				marks[i] = true
			}
		}
	}
	return markPhrasesAndCut(text, marks, q.Phrases, maxBytes)
}

// markPhrasesAndCut marks the phrases asked for in text, beside the words
// already marked, and cuts the text into segments shortened around the
// first mark to about maxBytes.
func markPhrasesAndCut(text string, marks []bool, phrases []string, maxBytes int) []Segment {
	for _, p := range phrases {
		// Marked only where lower-casing keeps the offsets (plain text).
		lower := strings.ToLower(text)
		if i := strings.Index(lower, p); i >= 0 && len(lower) == len(text) {
			for k := i; k < i+len(p); k++ {
				marks[k] = true
			}
		}
	}
	from, to := 0, len(text)
	if len(text) > maxBytes {
		first := 0
		for i, m := range marks[:len(text)] {
			if m {
				first = i
				break
			}
		}
		from = max(0, first-maxBytes/3)
		to = min(len(text), from+maxBytes)
		for from > 0 && !utf8.RuneStart(text[from]) {
			from--
		}
		for to < len(text) && !utf8.RuneStart(text[to]) {
			to++
		}
	}
	var out []Segment
	if from > 0 {
		out = append(out, Segment{Text: "…"})
	}
	for i := from; i < to; {
		j := i
		for j < to && marks[j] == marks[i] {
			j++
		}
		out = append(out, Segment{Text: text[i:j], Mark: marks[i]})
		i = j
	}
	if to < len(text) {
		out = append(out, Segment{Text: "…"})
	}
	return out
}

// highlightTerms remembers the term of words highlighted before: snippets
// are cut from the same archive again and again, and a word's term (its
// stem) never changes. A fixed table of slots, one chosen by the word's
// hash, read without a lock (a snippet looks up every word it shows, from
// every search at once); a word takes the slot of the one before.
var highlightTerms [maxHighlightTerms]atomic.Pointer[highlightEntry]

var highlightSeed = maphash.MakeSeed()

type highlightEntry struct{ word, term string }

const maxHighlightTerms = 1 << 16

// highlightTerm is wordTerm(w), remembered.
func highlightTerm(w string) string { return highlightTermOf([]byte(w)) }

// highlightTermOf is highlightTerm of a word read in place: a string is
// made only for a word not remembered.
func highlightTermOf(w []byte) string {
	slot := &highlightTerms[maphash.Bytes(highlightSeed, w)&(maxHighlightTerms-1)]
	if e := slot.Load(); e != nil && e.word == string(w) {
		return e.term
	}
	word := string(w)
	t := wordTerm(word)
	slot.Store(&highlightEntry{word: word, term: t})
	return t
}

// wordStarts says which first bytes a word can start with to have one of
// terms (wordTerm): a stem starts as its word does, a number's term is
// "#n:" and the number, and an irregular form's is its base's stem.
func wordStarts(terms []string) *[256]bool {
	var first [256]bool
	irregularOnce.Do(func() {
		irregularByTerm = map[string][]string{}
		for w, base := range irregular {
			t := Stem(base)
			irregularByTerm[t] = append(irregularByTerm[t], w)
		}
	})
	for _, t := range terms {
		if n, ok := strings.CutPrefix(t, "#n:"); ok && n != "" {
			first[n[0]] = true
		} else if t != "" {
			first[t[0]] = true
		}
		for _, w := range irregularByTerm[t] {
			first[w[0]] = true
		}
	}
	return &first
}

var (
	irregularOnce   sync.Once
	irregularByTerm map[string][]string // the irregular forms of each term
)

type figureSpan struct {
	start, end int
	term       string
}

func figureSpans(text string) []figureSpan {
	var out []figureSpan
	for _, f := range extract.Figures(text) {
		q := Quantity{Kind: f.Kind, Unit: foldUnit(f.Kind, f.Unit), Value: f.Value}
		out = append(out, figureSpan{f.Start, f.End, q.Term()})
	}
	return out
}

// wordEnd is the byte offset where the word starting at start ends in text.
func wordEnd(text string, start int) int {
	i := start
	for i < len(text) {
		r, size := utf8.DecodeRuneInString(text[i:])
		if unicode.IsLetter(r) || unicode.IsDigit(r) || r == '\'' || r == '’' {
			i += size
			continue
		}
		if (r == ',' || r == '.') && i+1 < len(text) && text[i+1] >= '0' && text[i+1] <= '9' {
			i += size
			continue
		}
		break
	}
	return i
}
