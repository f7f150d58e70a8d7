package storage

import (
	"math"
	"math/rand/v2"
	"sort"
	"strconv"
	"strings"

	"claimtrail/domain"
)

// The benchmark database's text: a vocabulary of thousands of made-up words
// drawn with a Zipf-like distribution behind a few hundred common English
// ones, sentences of newspaper length, and claims carrying figures and
// claimants, so that searches, similar-claim lookups and page sizes behave
// as they would on a newsroom's archive rather than on one repeated line.

// commonWords open the vocabulary, most frequent first.
var commonWords = strings.Fields(`the of and to a in that is was for on said it with as by at from
	be has have are this which but not were would their its had will more been government than
	year per cent million people new also last over after years about could who one two first they
	there some other into up all when spending public most so only may billion since rise fell higher
	lower budget minister council tax health schools homes workers prices rate figures report data
	office national local police hospital waiting numbers increase decrease according official
	statistics growth cost costs funding plan policy election party leader country region city
	average families jobs wages inflation energy housing crime transport water rail roads care
	children pupils teachers nurses doctors patients benefits pension debt borrowing trade exports
	imports since while under between against during before three four five ten hundred thousand
	record highest lowest times half quarter third month week day since almost nearly around least`)

// wordSyllables build the made-up part of the vocabulary.
var (
	onsets = strings.Fields("b br c ch cl d dr f fl g gr h j k l m n p pl pr r s sh st t th tr v w")
	nuclei = strings.Fields("a e i o u ai ea ou io")
	codas  = []string{"", "", "n", "r", "s", "t", "l", "m", "nd", "st", "rk"}
)

// benchVocabularySize is how many words the benchmark database's text
// draws on.
const benchVocabularySize = 24000

// vocabulary is a deterministic word list and the cumulative weights of a
// Zipf-like draw over it.
type vocabulary struct {
	words []string
	cum   []float64
}

func newVocabulary(size int) *vocabulary {
	r := rand.New(rand.NewPCG(15, 1))
	seen := make(map[string]bool, size)
	words := make([]string, 0, size)
	for _, w := range commonWords {
		if !seen[w] {
			seen[w] = true
			words = append(words, w)
		}
	}
	for len(words) < size {
		// Rarer words are longer, as in English.
		n := 1 + min(3, len(words)/2000) + r.IntN(2)
		var b strings.Builder
		for range n {
			b.WriteString(onsets[r.IntN(len(onsets))])
			b.WriteString(nuclei[r.IntN(len(nuclei))])
		}
		b.WriteString(codas[r.IntN(len(codas))])
		if w := b.String(); !seen[w] {
			seen[w] = true
			words = append(words, w)
		}
	}
	v := &vocabulary{words: words, cum: make([]float64, len(words))}
	total := 0.0
	for i := range words {
		total += 1 / math.Pow(float64(i)+2.7, 1.07)
		v.cum[i] = total
	}
	for i := range v.cum {
		v.cum[i] /= total
	}
	return v
}

func (v *vocabulary) word(r *rand.Rand) string {
	return v.words[sort.SearchFloat64s(v.cum, r.Float64())]
}

// sentenceLength draws a word count like a news sentence's: median about
// 20, rarely under 6 or over 50.
func sentenceLength(r *rand.Rand) int {
	n := int(math.Exp(r.NormFloat64()*0.38 + 3.0))
	return max(6, min(n, 60))
}

// words writes n words, with the odd comma.
func (v *vocabulary) writeWords(b *strings.Builder, r *rand.Rand, n int) {
	for i := range n {
		if i > 0 {
			if r.IntN(11) == 0 && i < n-1 {
				b.WriteString(",")
			}
			b.WriteByte(' ')
		}
		b.WriteString(v.word(r))
	}
}

// sentence is one plain sentence.
func (v *vocabulary) sentence(r *rand.Rand) string {
	var b strings.Builder
	v.writeWords(&b, r, sentenceLength(r))
	b.WriteByte('.')
	return capitalise(b.String())
}

func capitalise(s string) string {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return s
	}
	return string(s[0]-'a'+'A') + s[1:]
}

var (
	claimVerbs = []string{"rose by", "fell by", "grew by", "is up", "is down", "reached", "doubled to", "was cut by", "now stands at", "has risen to"}
	titles     = []string{"the Chancellor", "the Health Secretary", "the Prime Minister", "the Mayor", "the opposition leader",
		"a council spokesperson", "the Education Secretary", "the Home Secretary", "the union's general secretary", "the chief executive"}
	surnames = []string{"Okafor", "Hughes", "Patel", "Nowak", "Lindqvist", "Moreau", "Brennan", "Achebe", "Kowalski",
		"Fernandes", "Sato", "MacLeod", "Haddad", "Rossi", "Jensen", "Osei", "Varga", "Duarte", "Kaur", "Whitfield"}
)

// claimSentence is a check-worthy sentence: words, a figure, more words,
// and often who said it. It returns the sentence, its figures and the
// claimant.
func (v *vocabulary) claimSentence(r *rand.Rand) (string, []domain.Figure, string) {
	var b strings.Builder
	n := sentenceLength(r)
	lead := max(2, n/3)
	v.writeWords(&b, r, lead)
	b.WriteByte(' ')
	b.WriteString(claimVerbs[r.IntN(len(claimVerbs))])
	b.WriteByte(' ')
	var figs []domain.Figure
	start := b.Len()
	var f domain.Figure
	switch r.IntN(4) {
	case 0:
		val := float64(r.IntN(400)) / 10
		f = domain.Figure{Text: strconv.FormatFloat(val, 'f', 1, 64) + "%", Kind: "percent", Value: val, Unit: "%"}
	case 1:
		val := float64(1+r.IntN(900)) / 10
		f = domain.Figure{Text: "£" + strconv.FormatFloat(val, 'f', 1, 64) + " billion", Kind: "money", Value: val * 1e9, Unit: "GBP"}
	case 2:
		val := 1000 * (1 + r.IntN(900))
		f = domain.Figure{Text: strconv.Itoa(val) + " " + v.words[40+r.IntN(200)], Kind: "count", Value: float64(val)}
	default:
		val := 1 + r.IntN(9)
		f = domain.Figure{Text: "1 in " + strconv.Itoa(val+1), Kind: "ratio", Value: 1 / float64(val+1)}
	}
	b.WriteString(f.Text)
	f.Start, f.End = start, b.Len()
	figs = append(figs, f)
	b.WriteByte(' ')
	v.writeWords(&b, r, max(2, n-lead))
	claimant := ""
	if r.IntN(3) > 0 {
		t := titles[r.IntN(len(titles))]
		who := surnames[r.IntN(len(surnames))]
		claimant = capitalise(t) + " " + who
		b.WriteString(", said ")
		b.WriteString(t)
		b.WriteByte(' ')
		b.WriteString(who)
	}
	b.WriteByte('.')
	return capitalise(b.String()), figs, claimant
}

// paragraph is several sentences of explanation.
func (v *vocabulary) paragraph(r *rand.Rand, sentences int) string {
	parts := make([]string, sentences)
	for i := range parts {
		parts[i] = v.sentence(r)
	}
	return strings.Join(parts, " ")
}

// title is a headline: a short capitalised run of words.
func (v *vocabulary) title(r *rand.Rand) string {
	var b strings.Builder
	v.writeWords(&b, r, 5+r.IntN(8))
	return capitalise(strings.ReplaceAll(b.String(), ",", ""))
}

// BenchText writes text in the benchmark database's vocabulary. The load
// generator's verdicts use it, so that the desk's runs add to the search
// index what a newsroom's verdicts would (words drawn from a broad
// vocabulary), not the same few words every time, whose postings would
// grow with every verdict as no newsroom's do. Safe for concurrent use:
// each caller brings its own random source.
type BenchText struct{ v *vocabulary }

// NewBenchText is the vocabulary seed-bench writes its database in.
func NewBenchText() BenchText { return BenchText{v: newVocabulary(benchVocabularySize)} }

// Sentence is a sentence of newspaper length.
func (t BenchText) Sentence(r *rand.Rand) string { return t.v.sentence(r) }

// Paragraph is n sentences.
func (t BenchText) Paragraph(r *rand.Rand, n int) string { return t.v.paragraph(r, n) }

// Title is a headline's worth of words.
func (t BenchText) Title(r *rand.Rand) string { return t.v.title(r) }
