package storage

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"

	"claimtrail/domain"
)

// similarHit is a full-text hit with how close its wording is.
type similarHit struct {
	*domain.SimilarClaim
	closeness float64 // share of the words of both the two have in common, for ordering
}

// searchedStates are the states whose claims are in the search index
// (migration 007).
var searchedStates = []domain.ClaimState{domain.StateQueued, domain.StateInReview, domain.StateSubmitted, domain.StateApproved}

const (
	maxSimilar      = 3   // shown on a claim page
	searchTerms     = 8   // the rarest words of a wording are searched on
	searchLimit     = 30  // full-text hits compared word by word
	minSharedWords  = 3   // fewer in common is coincidence
	minWordsOverlap = 0.5 // of the shorter wording's words
	// maxTermClaims leaves out of the search any word used by more accepted
	// claims than this: it does not tell claims apart, and ranking every
	// claim that uses it would make a large archive's claim pages slow.
	maxTermClaims = 2000
)

// stopWords are too common to tell claims apart. Words are split at
// apostrophes as the index splits them, so "it's" is "it" and "s", both too
// short to count anyway.
var stopWords = map[string]bool{}

func init() {
	for w := range strings.FieldsSeq(`the and that this with from have has had was were are for not but they their them
		there these those will would could should said says say which what when where who whom been being more than
		our your its his her she him you all any can into out over about also just very some such only then now
		after before while because does did doing`) {
		stopWords[w] = true
	}
}

// searchWords returns the distinct words of a wording that are worth
// searching on, split and folded as the full-text index does it (lower case,
// accents removed, runs of letters and digits, so "l'économie" gives
// "economie"): three characters or more (two for numbers), stop words left
// out.
func searchWords(text string) []string {
	lower := strings.ToLower(text)
	// A transformer keeps state, so each call makes its own.
	fold := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	if folded, _, err := transform.String(fold, lower); err == nil {
		lower = folded
	}
	var words []string
	for w := range strings.FieldsFuncSeq(lower, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	}) {
		digits := strings.IndexFunc(w, unicode.IsDigit) >= 0
		if len(w) < 3 && !(digits && len(w) == 2) || stopWords[w] {
			continue
		}
		if !slices.Contains(words, w) {
			words = append(words, w)
		}
	}
	return words
}

// similarClaims finds up to maxSimilar accepted claims, other than c, worded
// much like it. The index is searched on c's rarest words; each hit is then
// kept only if it shares at least three words, and half of the shorter
// wording's words, with c.
func similarClaims(ctx context.Context, tx *Tx, c *domain.Claim) ([]*domain.SimilarClaim, error) {
	words := searchWords(c.Text)
	if len(words) < minSharedWords {
		return nil, nil
	}
	// How many accepted claims use each word, counted no further than
	// maxTermClaims so that a common word costs no more than a rare one.
	type termCount struct {
		term string
		docs int64
	}
	indexed := slices.Contains(searchedStates, c.State)
	var counts []termCount
	for _, w := range words {
		var n int64
		// The words are letters and digits only, so quoting makes each a
		// plain term whatever it spells ("NOT", "NEAR").
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM (SELECT 1 FROM claim_search WHERE claim_search MATCH ? LIMIT ?)`,
			`"`+w+`"`, maxTermClaims+2).Scan(&n); err != nil {
			return nil, err
		}
		if indexed {
			n-- // the claim's own row uses every one of its words
		}
		if n > 0 && n <= maxTermClaims {
			counts = append(counts, termCount{w, n})
		}
	}
	if len(counts) == 0 {
		return nil, nil
	}
	slices.SortFunc(counts, func(a, b termCount) int {
		return cmp.Or(cmp.Compare(a.docs, b.docs), strings.Compare(a.term, b.term))
	})
	var match strings.Builder
	for i, t := range counts[:min(len(counts), searchTerms)] {
		if i > 0 {
			match.WriteString(" OR ")
		}
		match.WriteString(`"` + t.term + `"`)
	}
	hits, err := queryAll(ctx, tx, func(row scanner) (similarHit, error) {
		s := similarHit{SimilarClaim: &domain.SimilarClaim{}}
		return s, row.Scan(&s.ID, &s.Text, &s.State, &s.ArticleTitle, &s.Rating)
	}, `SELECT c.id, c.text, c.state, a.title, coalesce(r.name, '')
		FROM claim_search s
		JOIN claims c ON c.id = s.rowid
		JOIN articles a ON a.id = c.article_id
		LEFT JOIN verdicts v ON v.claim_id = c.id AND c.state = 'approved'
		LEFT JOIN ratings r ON r.id = v.rating_id
		WHERE claim_search MATCH ? AND s.rowid <> ?
		ORDER BY bm25(claim_search) LIMIT ?`, match.String(), c.ID, searchLimit)
	if err != nil {
		return nil, err
	}
	var similar []similarHit
	for _, h := range hits {
		other := searchWords(h.Text)
		shared := 0
		for _, w := range other {
			if slices.Contains(words, w) {
				shared++
			}
		}
		h.Overlap = float64(shared) / float64(min(len(words), len(other)))
		h.closeness = float64(shared) / float64(len(words)+len(other)-shared)
		if shared >= minSharedWords && h.Overlap >= minWordsOverlap {
			similar = append(similar, h)
		}
	}
	// Closest wording first, by the share of all the words of both that they
	// have in common, so a copy outranks a fragment contained in the claim;
	// then an approved check before work in progress.
	approved := func(s similarHit) int {
		if s.State == domain.StateApproved {
			return 0
		}
		return 1
	}
	slices.SortFunc(similar, func(a, b similarHit) int {
		return cmp.Or(cmp.Compare(b.closeness, a.closeness), cmp.Compare(approved(a), approved(b)), cmp.Compare(a.ID, b.ID))
	})
	out := make([]*domain.SimilarClaim, 0, min(len(similar), maxSimilar))
	for _, h := range similar[:min(len(similar), maxSimilar)] {
		out = append(out, h.SimilarClaim)
	}
	return out, nil
}
