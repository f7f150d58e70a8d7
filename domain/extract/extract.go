package extract

import (
	"math"
	"slices"
	"strings"
	"unicode/utf8"
)

// Extract splits an article into sentences and analyses each one. Offsets
// are byte offsets into text. Text should be valid UTF-8; if it is not, each
// invalid byte is kept in place for the offsets but shown as U+FFFD in
// Sentence.Text and Figure.Text, so only for such input can Text differ from
// text[Start:End].
func Extract(text string) []Sentence { return ExtractWith(DefaultModel(), text) }

// ExtractWith is Extract scoring with m, a newsroom's own model, instead of
// the embedded one.
func ExtractWith(m *Model, text string) []Sentence {
	spans := Split(text)
	out := make([]Sentence, len(spans))
	var (
		speaker     string    // the last named speaker, for running quotes and "they said"
		refs        referents // recently mentioned people and bodies, for "he added"
		known       []string  // every full claimant and person seen, to expand "Ms Phillipson"
		ms          []mention
		quoteOpen   bool   // a quotation is still open at the end of the last sentence
		paraSpeaker string // a speaker named in the previous paragraph
		paraStart   int    // index of the first sentence of the current paragraph
		paraHits    int    // sentences of site furniture in the current paragraph
	)
	sc := scratchPool.Get().(*scratch)
	defer scratchPool.Put(sc)
	for i, sp := range spans {
		raw := text[sp.Start:sp.End]
		newPara := i == 0 || strings.Count(text[spans[i-1].End:sp.Start], "\n") >= 2
		if newPara {
			if i > 0 {
				markBoilerplateParagraph(out[paraStart:i], paraHits)
			}
			paraHits = 0
			paraSpeaker = speaker
			paraStart = i
		}
		s, c := analyse(m, raw, sc)
		s.Start, s.End = sp.Start, sp.End
		if c.furniture {
			paraHits++
		}

		name, pron := findClaimant(s.Text, c.lower, sc.figToks)
		ms = mentions(ms[:0], s.Text, c.lower, sc.figToks, quoteOpen)
		known = noteMentions(&refs, known, ms, s.Text, c.lower, sc.figToks)
		switch {
		case name != "":
			r := nameReferent(name)
			r.name = fullName(name, known)
			name = r.name
			known = appendNew(known, name)
			refs.push(r)
			speaker = name
		case pron != noPronoun:
			name = refs.resolve(pron, speaker)
			if name != "" {
				r := referent{name: name}
				switch pron {
				case pronounHe:
					r.gender = male
				case pronounShe:
					r.gender = female
				case pronounThey, pronounIt:
					r = nameReferent(name)
				}
				refs.push(r)
				speaker = name
			}
		case quoteOpen || startsWithQuote(s.Text) && paraSpeaker != "":
			name = speaker // the speaker's quotation runs on
		}
		s.Claimant = name
		quoteOpen = quoteStillOpen(s.Text, quoteOpen)
		finish(m, &s, sc.feats, c)
		out[i] = s
	}
	if len(spans) > 0 {
		markBoilerplateParagraph(out[paraStart:], paraHits)
	}
	return out
}

// noteMentions records the people a sentence names for later pronouns and
// short names: every person joins known, and the clauses' subjects become
// referents, the main clause's subject most recent.
func noteMentions(refs *referents, known []string, ms []mention, s, lower string, toks []token) []string {
	for _, m := range ms {
		if m.person && m.mods == "" {
			known = appendNew(known, fullName(m.name, known))
		}
	}
	main := mainSubject(ms, s, lower, toks)
	for i, m := range ms {
		if m.subject && i != main {
			refs.push(mentionReferent(m, known))
		}
	}
	if main >= 0 {
		refs.push(mentionReferent(ms[main], known))
	}
	return known
}

func mentionReferent(m mention, known []string) referent {
	r := referent{name: resolveDescription(m, known), gender: m.gender, org: m.org}
	if r.name == m.name {
		r.name = fullName(m.name, known)
	}
	return r
}

// appendNew appends name to known unless it is already there.
func appendNew(known []string, name string) []string {
	for _, k := range known {
		if k == name {
			return known
		}
	}
	return append(known, name)
}

// ExtractLines analyses each line as one sentence, without splitting. Start
// and End are byte offsets into the line. A quotation is not carried from one
// line to the next: lines are treated as unrelated.
func ExtractLines(lines []string) []Sentence { return ExtractLinesWith(DefaultModel(), lines) }

// ExtractLinesWith is ExtractLines scoring with m.
func ExtractLinesWith(m *Model, lines []string) []Sentence {
	out := make([]Sentence, len(lines))
	sc := scratchPool.Get().(*scratch)
	defer scratchPool.Put(sc)
	for i, line := range lines {
		s, c := analyse(m, line, sc)
		s.Start, s.End = 0, len(line)
		s.Claimant, _ = findClaimant(s.Text, c.lower, sc.figToks)
		finish(m, &s, sc.feats, c)
		out[i] = s
	}
	return out
}

// cueInfo is what analyse learnt about a sentence's wording.
type cueInfo struct {
	lower  string // ASCII-lowered text, same offsets
	mask   uint16 // cue classes present
	boiler int    // boilerplate phrases
	// furniture: the sentence is site furniture, by a boilerplate phrase or
	// by a furniture word in a sentence addressed to the reader.
	furniture bool
	words     int
	logit     float64
}

// analyse scores one sentence and finds its figures and cues; claimant,
// type and reasons are filled in by the caller, which knows the context.
// It leaves the features in sc.feats and tokens in sc.figToks.
func analyse(m *Model, raw string, sc *scratch) (Sentence, cueInfo) {
	text := raw
	if !utf8.ValidString(raw) {
		text = strings.ToValidUTF8(raw, "\uFFFD")
	}
	s := Sentence{Text: text}
	sc.feats = featurize(sc.feats[:0], text, sc)
	var c cueInfo
	c.logit = m.Logit(sc.feats)
	s.Score = Probability(c.logit)
	c.lower = lowerASCII(text)
	sc.figToks = tokenize(text, sc.figToks[:0])
	s.Figures = figures(text, c.lower, sc.figToks)
	var tellsReader bool
	c.mask, c.boiler, c.words, tellsReader = scanCues(c.lower, sc.figToks)
	c.furniture = isFurniture(text, c.mask, c.boiler, c.words, tellsReader)
	return s, c
}

// isFurniture reads a sentence's cues as site furniture: a boilerplate
// phrase; a furniture word where the page tells its reader what to do or
// speaks to them, not where news reports on donations or subscribers or
// puts a rule to the reader ("if you give…"); a social network or app in a
// sentence telling the reader to go there, not in one quoting a post; or a
// line of a word or two ("Advertisement", "Newsletter"). Said-cues and
// quotation marks mark a sentence as reported speech, which is news.
func isFurniture(text string, mask uint16, boiler, words int, tellsReader bool) bool {
	reported := mask&cueSaid != 0 || strings.ContainsAny(text, "“\"")
	toReader := mask&cueReader != 0 && !reported
	switch {
	case boiler > 0:
		return true
	case mask&(cueFurniture|cueSocial) == 0:
		return false
	case words <= 2:
		return true
	case tellsReader && !reported:
		return true
	}
	return mask&cueFurniture != 0 && toReader && mask&cueCondition == 0
}

// markBoilerplateParagraph drops the score of every sentence of a paragraph
// that reads like site furniture: two or more of its sentences, and at
// least a third, are furniture (an appeal's "we need reporters on the
// ground" goes with it; a news paragraph quoting one appeal does not).
func markBoilerplateParagraph(para []Sentence, hits int) {
	if hits < 2 || 3*hits < len(para) {
		return
	}
	for i := range para {
		if !isBoilerplate(&para[i]) {
			setBoilerplate(&para[i])
		}
	}
}

const boilerplateReason = "site boilerplate (donation appeal, sign-up or share prompt), not a claim"

func isBoilerplate(s *Sentence) bool {
	return len(s.Reasons) > 0 && s.Reasons[0] == boilerplateReason
}

// Boilerplate reports whether the sentence is site furniture — a donation
// appeal, a sign-up or share prompt — rather than part of the article.
func (s Sentence) Boilerplate() bool { return isBoilerplate(&s) }

func setBoilerplate(s *Sentence) {
	s.Score = math.Min(s.Score, 0.01)
	s.CheckWorthy = false
	s.Type = NotClaim
	s.Claimant = ""
	s.Reasons = []string{boilerplateReason}
}

// finish decides type, check-worthiness and reasons once the claimant is known.
func finish(m *Model, s *Sentence, fs []Feature, c cueInfo) {
	if c.furniture && len(s.Text) < 400 {
		setBoilerplate(s)
		return
	}
	s.Type = classify(s.Text, c.lower, s.Figures, s.Claimant, c.mask, c.words)
	s.CheckWorthy = s.Score >= m.Threshold && s.Type != NotClaim
	s.Reasons = reasons(m, s, fs, c)
	if s.Figures == nil {
		s.Figures = []Figure{}
	}
}

func startsWithQuote(s string) bool {
	return strings.HasPrefix(s, "“") || strings.HasPrefix(s, "\"") || strings.HasPrefix(s, "‘")
}

// quoteStillOpen tracks whether a quotation is open after sentence s, given
// whether one was open before it. Curly quotes say which way they face;
// straight ones toggle.
func quoteStillOpen(s string, open bool) bool {
	// Bytes, not runes: this runs on every gap between words.
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '"':
			open = !open
		case 0xE2: // “ is E2 80 9C, ” is E2 80 9D
			if i+2 < len(s) && s[i+1] == 0x80 {
				switch s[i+2] {
				case 0x9C:
					open = true
				case 0x9D:
					open = false
				}
			}
		}
	}
	return open
}

// reasons explains the score in a journalist's words: figures first, then
// the cues that pushed the score up, then those that pulled it down.
func reasons(m *Model, s *Sentence, fs []Feature, c cueInfo) []string {
	rs := make([]string, 0, 8)
	add := func(r string) {
		if !slices.Contains(rs, r) {
			rs = append(rs, r)
		}
	}
	for _, f := range s.Figures {
		switch f.Kind {
		case KindMoney:
			add("states a money figure")
		case KindPercent:
			add("states a percentage")
		case KindPercentagePoints:
			add("states a change in percentage points")
		case KindCount:
			add("states a number of something")
		case KindRatio:
			add("states a proportion")
		case KindRank:
			add("ranks something against others")
		case KindRange:
			add("states a range of values")
		}
	}
	type cue struct {
		w    float32
		text string
	}
	var ups, downs []cue
	// Hand cues come first in fs; the n-grams' share is what is left of the logit.
	ngram := float32(c.logit) - m.Bias
	for _, f := range fs {
		if f.Slot >= numHand {
			break
		}
		w := m.Weights[f.Slot] * f.Value
		ngram -= w
		txt := cueText[f.Slot]
		if txt == "" || f.Slot == hSuperlative && !saysSuperlative(c.lower) {
			continue
		}
		if w > 0.05 {
			ups = append(ups, cue{w, txt})
		} else if w < -0.05 {
			downs = append(downs, cue{w, txt})
		}
	}
	slices.SortStableFunc(ups, func(a, b cue) int { return cmpFloat(b.w, a.w) })
	slices.SortStableFunc(downs, func(a, b cue) int { return cmpFloat(a.w, b.w) })
	for _, c := range ups {
		add(c.text)
	}
	if s.Claimant != "" {
		if isOfficial(s.Claimant) {
			add("attributed to a minister or official")
		} else {
			add("attributed to a named source")
		}
	}
	if ngram > 0.5 {
		add("worded like claims fact-checkers have checked before")
	} else if ngram < -0.5 {
		add("worded like talk that is rarely checked")
	}
	for _, c := range downs {
		add(c.text + " (lowers the score)")
	}
	if s.Type == NotClaim {
		add("not a claim about the world")
	}
	return rs
}

func cmpFloat(a, b float32) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// cueText says what each hand-written cue means to a reader.
var cueText = [numHand]string{
	hNumber:       "gives a number",
	hPercent:      "talks in percentages",
	hMoney:        "is about money or public spending",
	hBigNumber:    "cites millions or billions",
	hYear:         "refers to a specific year",
	hComparative:  "compares to another or a past value",
	hPast:         "reports what happened",
	hOpinion:      "states an opinion",
	hFirstPerson:  "speaks about the speaker",
	hQuestion:     "asks a question",
	hFuture:       "makes a prediction or promise",
	hNormative:    "says what should happen",
	hCapitalised:  "names people, places or bodies",
	hCourtesy:     "is a courtesy or aside",
	hAttribution:  "reports what someone said",
	hSecondPerson: "addresses the listener",
	hLaw:          "cites a law, vote or rule",
	hCause:        "claims a cause or effect",
	hSuperlative:  "makes a superlative claim (most, largest, never)",
	hStatistic:    "refers to a statistic",
}

// superlativeWords are the superlative cue's words that rank or absolve
// something. The cue also fires on "first", which the model learnt from,
// but "first" mostly orders things ("the first weeks") or is part of a
// compound ("first-hand"), so it alone is not called a superlative claim.
var superlativeWords = []string{"most", "largest", "biggest", "highest", "lowest", "only", "never", "every", "record", "worst", "best"}

// saysSuperlative reports whether lower (a lower-cased sentence) holds one
// of superlativeWords as a word of its own, not inside a hyphenated
// compound ("best-selling" is a name for a thing, not a ranking).
func saysSuperlative(lower string) bool {
	for _, w := range superlativeWords {
		for i := 0; ; {
			j := strings.Index(lower[i:], w)
			if j < 0 {
				break
			}
			start, end := i+j, i+j+len(w)
			if wordEdge(lower, start-1) && wordEdge(lower, end) {
				return true
			}
			i = end
		}
	}
	return false
}

// wordEdge reports whether lower[i] (or the text's end) ends a word: not a
// letter, digit, apostrophe or hyphen.
func wordEdge(lower string, i int) bool {
	if i < 0 || i >= len(lower) {
		return true
	}
	c := lower[i]
	return !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '\'' || c == '-' || c >= 0x80)
}
