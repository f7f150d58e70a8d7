// Package match decides whether two pieces of text state the same claim: a
// candidate from an article, a post someone pasted or an API call, against
// the claims the newsroom has accepted and the fact checks it imported.
//
// It is pure: Analyse turns text into the terms and figures the index keeps,
// Compare scores two analysed texts given each term's rarity, and TierOf is
// the newsroom's rule for what counts as the same claim and what is only
// related. storage keeps the index and finds candidates; the web pages, the
// API and the CLI all decide through this package.
package match

import (
	"cmp"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"claimtrail/domain"
	"claimtrail/domain/extract"
)

// Tier says how close a match is.
type Tier string

const (
	// TierSame is the same claim, worded another way: recorded at once as a
	// new appearance of the check.
	TierSame Tier = "same"
	// TierRelated shares the subject (often with a different figure) and is
	// suggested to the reviewer, never recorded on its own.
	TierRelated Tier = "related"
	// TierNone is too far apart to show.
	TierNone Tier = ""
)

// The thresholds on Compare's score. They were chosen on the tuning half of
// the labelled pairs in testdata/ and fixed in docs/matching.md before the
// held-out half was scored.
const (
	SameThreshold    = 0.72
	RelatedThreshold = 0.30
	// FigureConflictFactor scales the score of two texts that give the same
	// quantity different values: "a £20bn black hole" against "£22bn".
	FigureConflictFactor = 0.75
	// ClaimantWeight is added when both texts name the same claimant and
	// taken away when they name different ones.
	ClaimantWeight = 0.05
)

// Limits of a match request.
const (
	DefaultLimit = 10
	MaxLimit     = 50
	// MaxTextBytes is the longest text matched; longer text is refused.
	MaxTextBytes = 20000
)

// Text is an analysed piece of text: what the index stores and compares.
type Text struct {
	// Terms are the distinct stemmed words and figure terms, sorted.
	Terms []string `json:"t"`
	// Figures are the quantities stated, for telling a different figure from
	// the same one.
	Figures []Quantity `json:"f,omitempty"`
	// Claimant is the surname of who made the claim, folded; empty when unknown.
	Claimant string `json:"c,omitempty"`
	// Names are the terms of the capitalised words (France, NATO, Medicare).
	Names []string `json:"n,omitempty"`
	// Direction is which way the text says something moved: +1 up ("rose",
	// "higher"), -1 down ("fell", "cut"), 0 neither or both.
	Direction int `json:"d,omitempty"`
}

// Quantity is one figure reduced to what makes two figures comparable: the
// same kind and unit is the same quantity, and then the values must agree.
type Quantity struct {
	Kind  string  `json:"k"`
	Unit  string  `json:"u"`
	Value float64 `json:"v"`
}

// Term is the index term of a quantity: "£22bn", "£22 billion" and "22
// billion pounds" all give "#money:GBP:2.2e+10".
func (q Quantity) Term() string {
	return "#" + q.Kind + ":" + q.Unit + ":" + strconv.FormatFloat(q.Value, 'g', 6, 64)
}

// comparable kinds: a different value of one of these is a different claim.
// Years and dates are only terms: "since 2010" against "since 2015" is left
// to the words around them.
var comparable = map[string]bool{
	extract.KindMoney: true, extract.KindPercent: true, extract.KindPercentagePoints: true,
	extract.KindCount: true, extract.KindRatio: true, extract.KindRank: true, extract.KindRange: true,
}

// isComparable: a count needs a unit ("7" in "the G7" is no quantity).
func isComparable(q Quantity) bool {
	return comparable[q.Kind] && (q.Kind != extract.KindCount || q.Unit != "" && !stopWords[q.Unit])
}

// Analyse reduces text to its terms, figures and claimant. claimant, when
// known (a claim's recorded claimant, an imported check's author), is used;
// otherwise the extractor's reading of the text is.
func Analyse(text, claimant string) Text {
	var t Text
	figs := extract.Figures(text)
	covered := make([]bool, len(text)+1)
	for _, f := range figs {
		for i := f.Start; i < f.End && i < len(covered); i++ {
			covered[i] = true
		}
		q := Quantity{Kind: f.Kind, Unit: foldUnit(f.Kind, f.Unit), Value: f.Value}
		if !slices.Contains(t.Figures, q) {
			t.Figures = append(t.Figures, q)
		}
		t.Terms = append(t.Terms, q.Term())
	}
	up, down := false, false
	for start, w := range words(text) {
		switch {
		case upWords[w]:
			up = true
		case downWords[w]:
			down = true
		}
		if covered[start] {
			continue
		}
		if term := wordTerm(w); term != "" {
			t.Terms = append(t.Terms, term)
			if r, _ := utf8.DecodeRuneInString(text[start:]); unicode.IsUpper(r) && !slices.Contains(t.Names, term) {
				t.Names = append(t.Names, term)
			}
		}
	}
	t.Claimant = Surname(claimant)
	switch {
	case up && !down:
		t.Direction = 1
		t.Terms = append(t.Terms, "#up")
	case down && !up:
		t.Direction = -1
		t.Terms = append(t.Terms, "#down")
	}
	slices.Sort(t.Terms)
	t.Terms = slices.Compact(t.Terms)
	return t
}

// upWords and downWords say which way a quantity moved: "knife crime rose
// 12%" and "knife crime fell 12%" are two claims however alike their words.
var upWords, downWords = map[string]bool{}, map[string]bool{}

func init() {
	for _, w := range strings.Fields(`up rise rises rising risen rose increase increased increases increasing higher
		highest grow grew grown growing growth soar soared soaring jump jumped surge surged doubled tripled climbed
		climb`) {
		upWords[w] = true
	}
	for _, w := range strings.Fields(`down fall falls falling fallen fell decrease decreased decreases decreasing lower
		lowest shrink shrank shrunk drop dropped dropping cut cuts cutting halved decline declined declining reduce
		reduced reducing slump slumped plunged`) {
		downWords[w] = true
	}
}

// foldUnit makes units of counts comparable across number: "nurses" and
// "nurse" are one unit.
func foldUnit(kind, unit string) string {
	if kind == extract.KindCount || kind == extract.KindRank {
		return Stem(strings.ToLower(unit))
	}
	return unit
}

// Surname is the last word of a name, folded, so "Rachel Reeves", "Ms
// Reeves" and "reeves" agree.
func Surname(name string) string {
	f := strings.Fields(fold(name))
	if len(f) == 0 {
		return ""
	}
	return strings.Trim(f[len(f)-1], ".,'’")
}

// wordTerm is the index term of one word, or "" for a word that says
// nothing about which claim it is.
func wordTerm(w string) string {
	if strings.HasPrefix(w, "http") && (strings.Contains(w, "://") || strings.HasPrefix(w, "https")) {
		return ""
	}
	if len(w) < 2 || stopWords[w] {
		return ""
	}
	if isNumber(w) {
		return "#n:" + w
	}
	if base, ok := irregular[w]; ok {
		w = base
	}
	return Stem(w)
}

// irregular maps the irregular forms and the few plain synonyms news text
// uses for one thing to one word, so "fell" meets "fall" and "Britain" "UK".
var irregular = map[string]string{
	"fell": "fall", "fallen": "fall", "rose": "rise", "risen": "rise", "grew": "grow", "grown": "grow",
	"built": "build", "paid": "pay", "spent": "spend", "sold": "sell", "bought": "buy", "brought": "bring",
	"children": "child", "kids": "child", "kid": "child", "women": "woman", "men": "man", "lost": "lose",
	"taught": "teach", "drove": "drive", "driven": "drive", "ate": "eat", "eaten": "eat", "began": "begin",
	"begun": "begin", "gave": "give", "given": "give", "took": "take", "taken": "take", "made": "make",
	"told": "tell", "kept": "keep", "thought": "think", "went": "go", "gone": "go", "won": "win",
	"britain": "uk", "british": "uk", "jobless": "unemployment", "jobs": "job",
	"covid19": "covid", "coronavirus": "covid", "jab": "vaccine", "jabs": "vaccine",
}

func isNumber(w string) bool {
	for _, r := range w {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// words yields the folded words of text with their byte offsets: runs of
// letters and digits, apostrophes dropped ("don't" is "dont"), so hashtags,
// mentions and punctuation fall away.
func words(text string) func(yield func(int, string) bool) {
	return func(yield func(int, string) bool) {
		for start, w := range wordBytes(text) {
			if !yield(start, string(w)) {
				return
			}
		}
	}
}

// wordBytes is words without a string made for each word: w is the folded
// word in a buffer the next word writes over, to be read before the next.
func wordBytes(text string) func(yield func(int, []byte) bool) {
	return func(yield func(int, []byte) bool) {
		var b []byte
		start := -1
		flush := func() bool {
			if start < 0 {
				return true
			}
			w := b
			b = b[:0]
			s := start
			start = -1
			return yield(s, w)
		}
		for i, r := range text {
			switch {
			case r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r >= 'A' && r <= 'Z':
				// Plain ASCII, most of any text: folding is lower-casing.
				if start < 0 {
					start = i
				}
				if r <= 'Z' && r >= 'A' {
					r += 'a' - 'A'
				}
				b = append(b, byte(r))
			case unicode.IsLetter(r) || unicode.IsDigit(r):
				if start < 0 {
					start = i
				}
				b = append(b, fold(string(r))...)
			case (r == '\'' || r == '’') && start >= 0:
				// inside a word: skip the apostrophe
			case (r == ',' || r == '.') && start >= 0 && i+1 < len(text) && text[i+1] >= '0' && text[i+1] <= '9' && len(b) > 0 && isNumber(string(b)):
				// 3,000 and 4.5 stay one number
				if r == '.' {
					b = append(b, '.')
				}
			default:
				if !flush() {
					return
				}
			}
		}
		flush()
	}
}

// accents folds the accented Latin letters news text uses to plain ones.
var accents = strings.NewReplacer(
	"à", "a", "á", "a", "â", "a", "ä", "a", "ã", "a", "å", "a", "ç", "c", "è", "e", "é", "e", "ê", "e",
	"ë", "e", "ì", "i", "í", "i", "î", "i", "ï", "i", "ñ", "n", "ò", "o", "ó", "o", "ô", "o", "ö", "o",
	"õ", "o", "ø", "o", "ù", "u", "ú", "u", "û", "u", "ü", "u", "ý", "y", "ÿ", "y", "ß", "ss", "æ", "ae", "œ", "oe",
)

func fold(s string) string { return accents.Replace(strings.ToLower(s)) }

// stopWords say nothing about which claim a text states, including the words
// fact checks and posts wrap claims in ("claims", "says", "fact check").
var stopWords = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`a about above after again against all also am an and any are as at be because been
		before being below between both but by can could did do does doing down during each few for from further
		had has have having he her here hers herself him himself his how i if in into is it its itself just
		me more most my myself no nor not now of off on once only or other our ours ourselves out over own re
		same she should so some such than that the their theirs them themselves then there these they this those
		through to too under until up very was we were what when where which while who whom why will with would
		you your yours yourself yourselves s t d ll m ve don doesn didn isn wasn aren weren won wouldn shouldn
		couldn hasn haven hadn dont doesnt didnt isnt wasnt arent werent wont wouldnt shouldnt couldnt hasnt
		havent hadnt im ive youre theyre thats theres whats lets
		say says said saying claim claims claimed claiming fact check checked checking checks false true
		misleading viral post posts posted video shows shown image photo picture rt via amp https http www com
		according just like get got going go one new almost nearly around roughly approximately least`) {
		stopWords[w] = true
	}
}

// IDF is the rarity weight of a term in a collection of n texts, df of which
// contain it: BM25's inverse document frequency, never below a small floor
// so a term in every text still counts for a little.
func IDF(df, n int) float64 {
	if n < 1 {
		n = 1
	}
	df = min(max(df, 0), n)
	return math.Max(0.05, math.Log(1+(float64(n)-float64(df)+0.5)/(float64(df)+0.5)))
}

// Comparison is how close two texts are.
type Comparison struct {
	Score float64 // in [0, 1]
	Tier  Tier
	// FigureConflict is set when the two give the same quantity different values.
	FigureConflict bool
	// SharedFigure is set when the two give the same quantity the same value.
	SharedFigure bool
	// DirectionConflict is set when one says a thing went up and the other down.
	DirectionConflict bool
	// Swapped is set when the two are the same but for a word or two each.
	Swapped bool
}

// Compare scores text q against indexed text d. weight gives each term's
// rarity (IDF over the whole index). The score is BM25 with every term
// counted once, normalised by both texts' length in weight: the weight the
// two share over the geometric mean of each one's total weight (1 for the
// same words, 0 for none in common), then scaled down for a conflicting
// figure and nudged by the claimant.
func Compare(q, d Text, weight func(term string) float64) Comparison {
	return compare(q, d, func(i int) float64 { return weight(q.Terms[i]) }, func(j int) float64 { return weight(d.Terms[j]) })
}

// CompareWeighed is Compare with each term's weight given by its place:
// qw[i] is the weight of q.Terms[i] and dw[j] that of d.Terms[j] (read only
// for the terms q lacks). A matcher comparing one text with many documents
// works each weight out once instead of looking every term up by name.
func CompareWeighed(q, d Text, qw, dw []float64) Comparison {
	return compare(q, d, func(i int) float64 { return qw[i] }, func(j int) float64 { return dw[j] })
}

// compare is Compare with the weights of q's and d's terms by place.
func compare(q, d Text, weightQ, weightD func(int) float64) Comparison {
	var shared, wq, wd float64
	var onlyQ, onlyD int
	i, j := 0, 0
	for i < len(q.Terms) || j < len(d.Terms) {
		switch {
		case j >= len(d.Terms) || i < len(q.Terms) && q.Terms[i] < d.Terms[j]:
			wq += weightQ(i)
			onlyQ++
			i++
		case i >= len(q.Terms) || d.Terms[j] < q.Terms[i]:
			wd += weightD(j)
			onlyD++
			j++
		default:
			w := weightQ(i)
			shared += w
			wq += w
			wd += w
			i++
			j++
		}
	}
	// A headline or post that names the check's claimant ("Sunak says
	// inflation halved") shares that with the check even though its wording
	// does not.
	if d.Claimant != "" && !slices.Contains(d.Terms, d.Claimant) {
		if name := Stem(d.Claimant); slices.Contains(q.Terms, name) && !slices.Contains(d.Terms, name) {
			w := weightQ(slices.Index(q.Terms, name))
			shared += w
			wd += w
			onlyQ--
		}
	}
	var c Comparison
	if wq == 0 || wd == 0 {
		return c
	}
	s := shared / math.Sqrt(wq*wd)
	c.SharedFigure, c.FigureConflict = compareFigures(q.Figures, d.Figures)
	c.DirectionConflict = q.Direction*d.Direction < 0
	// One or two words swapped for others in an otherwise identical
	// sentence change what it says: "France will send 5,000 troops" and
	// "Germany will send 5,000 troops" are two claims.
	c.Swapped = onlyQ == 1 && onlyD == 1 || swappedName(q, d)
	if c.FigureConflict || c.DirectionConflict {
		s *= FigureConflictFactor
	}
	if q.Claimant != "" && d.Claimant != "" {
		if q.Claimant == d.Claimant {
			s += ClaimantWeight
		} else {
			s -= ClaimantWeight
		}
	}
	c.Score = math.Min(1, math.Max(0, s))
	c.Tier = TierOf(c)
	return c
}

// swappedName reports whether each text names something the other does not
// ("France will send 5,000 troops" against "Germany will ..."). The check's
// claimant named in the query is not a swap.
func swappedName(q, d Text) bool {
	missing := func(names, terms []string, claimant string) bool {
		for _, n := range names {
			if !slices.Contains(terms, n) && (claimant == "" || n != Stem(claimant)) {
				return true
			}
		}
		return false
	}
	return missing(q.Names, d.Terms, d.Claimant) && missing(d.Names, q.Terms, "")
}

// compareFigures reports whether a and b share a quantity with the same
// value, and whether a quantity both state has no value in common.
func compareFigures(a, b []Quantity) (same, conflict bool) {
	stated := func(qs []Quantity) bool { return slices.ContainsFunc(qs, isComparable) }
	for _, x := range a {
		if !isComparable(x) {
			continue
		}
		stated, agreed := false, false
		for _, y := range b {
			if x.Kind != y.Kind || x.Unit != y.Unit {
				continue
			}
			stated = true
			if closeEnough(x.Value, y.Value) {
				agreed = true
			}
		}
		if agreed {
			same = true
		} else if stated {
			conflict = true
		}
	}
	// Both state figures and not one agrees: "4,000 drones" against "8,000
	// missiles" is another claim even though the units differ.
	if !same && stated(a) && stated(b) {
		conflict = true
	}
	return same, conflict
}

// closeEnough treats values within half a percent as one figure, so a
// rounded "£22bn" meets "£22.0bn".
func closeEnough(a, b float64) bool {
	if a == b {
		return true
	}
	return math.Abs(a-b) <= 0.005*math.Max(math.Abs(a), math.Abs(b))
}

// TierOf is the rule for what a comparison counts as: the same claim needs a
// high score and no conflicting figure; a related one a lower score.
func TierOf(c Comparison) Tier {
	switch {
	case c.Score >= SameThreshold && !c.FigureConflict && !c.DirectionConflict && !c.Swapped:
		return TierSame
	case c.Score >= RelatedThreshold:
		return TierRelated
	}
	return TierNone
}

// ValidLimit checks the number of matches asked for: 0 means the default.
func ValidLimit(n int) (int, error) {
	switch {
	case n == 0:
		return DefaultLimit, nil
	case n < 1 || n > MaxLimit:
		return 0, &domain.Error{Code: domain.EINVALID, Message: "limit must be between 1 and " + strconv.Itoa(MaxLimit) + "."}
	}
	return n, nil
}

// ValidText checks the text to match.
func ValidText(text string) (string, error) {
	text = strings.TrimSpace(text)
	switch {
	case text == "":
		return "", &domain.Error{Code: domain.EINVALID, Message: "Give the text to match."}
	case len(text) > MaxTextBytes:
		return "", &domain.Error{Code: domain.EINVALID, Message: "The text to match is too long (at most " + strconv.Itoa(MaxTextBytes) + " bytes)."}
	}
	return text, nil
}

// Kinds of matched document.
const (
	KindClaim    = "claim"    // a claim the newsroom accepted
	KindImported = "imported" // a fact check imported from another publisher
)

// Found is one match of a text: an accepted claim or an imported check.
type Found struct {
	Kind         string
	ID           int64
	Claim        string
	State        domain.ClaimState // of our claims
	Rating       string            // the approved verdict's or the imported check's rating
	URL          string            // an imported check's own address; empty for our claims
	Publisher    string            // of an imported check
	ArticleID    int64             // of our claims
	ArticleTitle string            // of our claims
	Date         time.Time         // when our verdict was approved, or the check published
	Score        float64
	Tier         Tier
}

// Better orders matches best first: higher score, then the same tier before
// related, then an approved check before work in progress, then newer.
func Better(a, b Found) int {
	approved := func(f Found) int {
		if f.Kind == KindImported || f.State == domain.StateApproved {
			return 0
		}
		return 1
	}
	return cmp.Or(cmp.Compare(b.Score, a.Score), cmp.Compare(approved(a), approved(b)), b.Date.Compare(a.Date), cmp.Compare(a.ID, b.ID))
}
