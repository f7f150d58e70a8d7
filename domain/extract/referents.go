package extract

import "strings"

// Pronoun resolution: a "he" or "she" stands for the most recently
// mentioned person whose gender does not contradict it, never for a body
// such as Downing Street; "they" keeps standing for the last speaker.

// gender is what a name's honorific or a pronoun says, if anything.
type gender byte

const (
	unknownGender gender = iota
	male
	female
)

// honorifics open a person's name; the value is the gender they imply.
var honorifics = map[string]gender{
	"Mr": male, "Sir": male, "Lord": male, "King": male, "Prince": male, "Duke": male, "Baron": male,
	"Mrs": female, "Ms": female, "Miss": female, "Lady": female, "Dame": female, "Queen": female,
	"Princess": female, "Duchess": female, "Baroness": female,
	"Dr": unknownGender, "Prof": unknownGender, "Professor": unknownGender, "Rev": unknownGender,
	"President": unknownGender, "Senator": unknownGender, "Sen": unknownGender, "Rep": unknownGender,
	"Gov": unknownGender, "Governor": unknownGender, "Mayor": unknownGender, "Judge": unknownGender,
	"Justice": unknownGender, "General": unknownGender, "Gen": unknownGender, "Chancellor": unknownGender,
	"Pope": male, "Cllr": unknownGender, "Councillor": unknownGender,
}

// roleWords are offices a person holds: "the Chancellor", "the Ukrainian
// leader". A name ending in one is a person even after "the".
var roleWords = map[string]gender{
	"Minister": unknownGender, "minister": unknownGender, "Chancellor": unknownGender, "chancellor": unknownGender,
	"President": unknownGender, "president": unknownGender, "Secretary": unknownGender, "secretary": unknownGender,
	"Leader": unknownGender, "leader": unknownGender, "Premier": unknownGender, "premier": unknownGender,
	"Speaker": unknownGender, "Mayor": unknownGender, "mayor": unknownGender, "Governor": unknownGender,
	"governor": unknownGender, "Senator": unknownGender, "senator": unknownGender, "Ambassador": unknownGender,
	"ambassador": unknownGender, "Commissioner": unknownGender, "commissioner": unknownGender,
	"General": unknownGender, "Chair": unknownGender, "chair": unknownGender, "boss": unknownGender,
	"Spokesperson": unknownGender, "spokesperson": unknownGender, "Pope": male,
	"King": male, "king": male, "Chairman": male, "chairman": male, "Spokesman": male, "spokesman": male,
	"Queen": female, "queen": female, "Chairwoman": female, "chairwoman": female,
	"Spokeswoman": female, "spokeswoman": female,
}

// orgWords end (or, before "of"/"for", start) the name of a body or place:
// "Downing Street", "Home Office", "Bank of England".
var orgWords = map[string]bool{
	"Street": true, "House": true, "Office": true, "Ministry": true, "Department": true, "Council": true,
	"Party": true, "Government": true, "Treasury": true, "Kremlin": true, "Commission": true,
	"Committee": true, "Agency": true, "Service": true, "Services": true, "Bank": true, "Group": true,
	"Union": true, "Trust": true, "Authority": true, "University": true, "Company": true,
	"Corporation": true, "Cabinet": true, "Parliament": true, "Court": true, "Police": true,
	"Army": true, "Foundation": true, "Institute": true, "Association": true, "Federation": true,
	"Board": true, "Conference": true, "Inc": true, "Ltd": true, "plc": true, "Labour": true,
	"Conservatives": true, "Tories": true, "Democrats": true, "Republicans": true, "Greens": true,
	"Congress": true, "Senate": true, "Commons": true, "Pentagon": true, "Whitehall": true,
	"Westminster": true, "Holyrood": true, "Nato": true, "Reuters": true, "Network": true,
	"Organisation": true, "Organization": true, "Forum": true, "Fund": true, "Programme": true,
	"Administration": true, "Executive": true, "Assembly": true, "Unit": true, "Regiment": true,
	"Ofsted": true, "Ofcom": true, "Ofgem": true, "Ofwat": true, "Hospital": true, "School": true,
	"College": true, "Club": true, "Media": true, "News": true, "Times": true, "Post": true,
	"Guardian": true, "Telegraph": true, "Independent": true, "Mail": true, "Sun": true,
	// Capitals and countries stand for their governments: "Moscow said".
	"Moscow": true, "Kyiv": true, "Kiev": true, "Washington": true, "London": true, "Brussels": true,
	"Paris": true, "Berlin": true, "Beijing": true, "Tehran": true, "Jerusalem": true, "Ukraine": true,
	"Russia": true, "Britain": true, "America": true, "China": true, "France": true, "Germany": true,
	"Europe": true, "Israel": true, "Scotland": true, "Wales": true, "Ireland": true, "Edinburgh": true,
	"Cardiff": true, "Belfast": true, "Dublin": true,
}

// clauseOpeners may stand just before the subject of a clause, so a name
// after one is a subject ("after Mr Trump called…") rather than an object.
var clauseOpeners = map[string]bool{
	"that": true, "whether": true, "and": true, "but": true, "when": true, "while": true, "as": true,
	"after": true, "before": true, "because": true, "if": true, "since": true, "although": true,
	"though": true, "said": true, "says": true, "suggested": true, "added": true, "warned": true,
	"claimed": true, "believes": true, "meanwhile": true, "then": true, "so": true, "where": true,
	"once": true, "until": true, "unless": true, "however": true,
}

// leadIns open a sentence with a phrase that ends at the first comma, whose
// subject is not the sentence's: "Asked whether the Prime Minister…, Ms X told".
var leadIns = map[string]bool{
	"asked": true, "when": true, "while": true, "after": true, "before": true, "if": true,
	"although": true, "though": true, "as": true, "since": true, "speaking": true, "following": true,
	"despite": true, "with": true, "in": true, "on": true, "at": true, "during": true, "because": true,
	"unlike": true, "like": true, "once": true, "writing": true, "responding": true,
}

// mention is a name or description of someone (or some body) in a sentence,
// outside quotation marks.
type mention struct {
	name    string
	gender  gender
	org     bool // a body or place
	person  bool
	subject bool   // stands where a clause's subject stands
	start   int    // index of its first token
	mods    string // a description's modifiers: "Ukrainian" of "the Ukrainian leader"
}

// referent is someone a later pronoun may stand for.
type referent struct {
	name   string
	gender gender
	org    bool
}

// maxReferents is how far back a pronoun looks; news prose rarely reaches
// further than a few sentences.
const maxReferents = 8

// referents are the recent candidates for a pronoun, most recent last.
type referents []referent

// push makes r the most recent referent, keeping a gender learnt earlier.
func (rs *referents) push(r referent) {
	l := *rs
	for i := range l {
		if l[i].name == r.name {
			if r.gender == unknownGender {
				r.gender = l[i].gender
			}
			l = append(l[:i], l[i+1:]...)
			break
		}
	}
	if len(l) == maxReferents {
		l = append(l[:0], l[1:]...)
	}
	*rs = append(l, r)
}

// resolve returns whom p stands for: for he or she the most recent person
// whose known gender does not contradict it; for it the most recent body;
// for they the last speaker.
func (rs referents) resolve(p pronoun, speaker string) string {
	switch p {
	case pronounThey:
		return speaker
	case pronounIt:
		for i := len(rs) - 1; i >= 0; i-- {
			if rs[i].org {
				return rs[i].name
			}
		}
		return speaker
	}
	skip := female
	if p == pronounShe {
		skip = male
	}
	for i := len(rs) - 1; i >= 0; i-- {
		if !rs[i].org && rs[i].gender != skip {
			return rs[i].name
		}
	}
	return ""
}

// nameReferent classifies a claimant's name as a referent.
func nameReferent(name string) referent {
	r := referent{name: name}
	r.org, _, r.gender = classifyName(name, false)
	return r
}

// classifyName says whether a run of name words is a body or place, a
// person, and what gender its honorific or role implies. afterThe is true
// when "the" came before it: "the Kremlin" is a body, "the Chancellor" not.
func classifyName(name string, afterThe bool) (org, person bool, g gender) {
	last := name[strings.LastIndexByte(name, ' ')+1:]
	first, rest, multi := strings.Cut(name, " ")
	if hg, ok := honorifics[first]; ok && multi {
		return false, true, hg
	}
	// An honorific inside the name still says who: "Ukrainian President Mr Zelensky".
	for r := rest; strings.IndexByte(r, ' ') > 0; {
		var w string
		w, r, _ = strings.Cut(r, " ")
		if hg := honorifics[w]; hg != unknownGender {
			return false, true, hg
		}
	}
	rg, role := roleWords[last]
	switch {
	case orgWords[last], last[len(last)-1] >= '0' && last[len(last)-1] <= '9', isAcronym(last) && !multi:
		return true, false, unknownGender
	case role:
		return false, true, rg
	case afterThe:
		return true, false, unknownGender
	}
	for w, r := first, rest; r != ""; {
		var next string
		next, r, _ = strings.Cut(r, " ")
		if orgWords[w] && (next == "of" || next == "for") || orgWords[w] && next == "" {
			return true, false, unknownGender
		}
		if _, ok := roleWords[w]; ok {
			person = true
		}
		w = next
	}
	return false, person || multi && !orgWords[first] && !isAcronym(last), unknownGender
}

// isAcronym reports whether w is an all-capital abbreviation such as BBC.
func isAcronym(w string) bool {
	if len(w) < 2 {
		return false
	}
	for i := 0; i < len(w); i++ {
		if w[i] < 'A' || w[i] > 'Z' {
			return false
		}
	}
	return true
}

// mentions appends the names and descriptions of people and bodies in s
// that stand outside quotation marks; quoted tells whether s opens inside a
// quotation carried from the sentence before.
func mentions(out []mention, s, lower string, toks []token, quoted bool) []mention {
	word := func(k int) string {
		if k < 0 || k >= len(toks) || toks[k].kind != 'w' {
			return ""
		}
		return s[toks[k].start:toks[k].end]
	}
	prevEnd := 0
	for k := 0; k < len(toks); k++ {
		quoted = quoteStillOpen(s[prevEnd:toks[k].start], quoted)
		prevEnd = toks[k].end
		w := word(k)
		if quoted || !isCapital(w) {
			continue
		}
		a := k
		if notNames[w] {
			a++
		}
		if a >= len(toks) || !isCapital(word(a)) {
			continue
		}
		// Extend the run: capitals, "of"/"for" between capitals, the 10 of
		// "No 10", and a lower-case office between capitals or after "the
		// Ukrainian": "Ukrainian president Mr Zelensky".
		// "The" opening a run, or "the" just before one: "the Kremlin".
		afterThe := a > k && w == "The" || a == k && a > 0 && lower[toks[a-1].start:toks[a-1].end] == "the"
		e := a
		modsEnd := a
		for j := a + 1; j < len(toks) && !breaksName(s, toks, j-1); j++ {
			wj := word(j)
			_, role := roleWords[wj]
			switch {
			case isCapital(wj):
			case toks[j].kind == 'n' && (word(j-1) == "No" || word(j-1) == "Number"):
			case nameGlue[wj] && isCapital(word(j+1)) && !breaksName(s, toks, j):
			case role && (afterThe || isCapital(word(j+1)) && !breaksName(s, toks, j)):
				if modsEnd == a {
					modsEnd = j
				}
			default:
				j = len(toks) // stop
				continue
			}
			e = j
		}
		name := s[toks[a].start:toks[e].end]
		name = strings.TrimSuffix(strings.TrimSuffix(name, "’s"), "'s")
		org, person, g := classifyName(name, afterThe)
		if org || person {
			m := mention{name: name, gender: g, org: org, person: person, start: a}
			if _, role := roleWords[word(e)]; role && !isCapital(word(e)) && modsEnd > a {
				m.mods = s[toks[a].start:toks[modsEnd-1].end] // "Ukrainian" of "the Ukrainian leader"
			}
			// A name after a sentence opener ("But", "Meanwhile,", "The"), a
			// comma or a clause opener stands as a subject; after a verb
			// or a preposition it is an object.
			p := a - 1
			if afterThe && a == k {
				p--
			}
			m.subject = a > k || p < 0 || breaksName(s, toks, p) ||
				toks[p].kind == 'w' && clauseOpeners[lower[toks[p].start:toks[p].end]]
			out = append(out, m)
		}
		k = e
	}
	return out
}

// mainSubject picks the mention that is the subject of the sentence's main
// clause: the first subject after any lead-in phrase, else the first.
func mainSubject(ms []mention, s, lower string, toks []token) int {
	leadEnd := 0
	if len(toks) > 0 && leadIns[lower[toks[0].start:toks[0].end]] {
		for j := 0; j+1 < len(toks); j++ {
			if strings.IndexByte(s[toks[j].end:toks[j+1].start], ',') >= 0 {
				leadEnd = j + 1
				break
			}
		}
	}
	first := -1
	for i, m := range ms {
		if !m.subject {
			continue
		}
		if m.start >= leadEnd {
			return i
		}
		if first < 0 {
			first = i
		}
	}
	return first
}

// resolveDescription names the person a description such as "the Ukrainian
// leader" stands for: the latest known name that carries the same
// modifiers ("Ukrainian president Mr Zelensky"), or the description itself.
func resolveDescription(m mention, known []string) string {
	if m.mods == "" {
		return m.name
	}
	for i := len(known) - 1; i >= 0; i-- {
		k := known[i]
		if k != m.name && len(k) > len(m.mods) && containsWords(k, m.mods) && !strings.HasSuffix(k, m.name[len(m.mods):]) {
			return k
		}
	}
	return m.name
}

// containsWords reports whether phrase occurs in s on word boundaries.
func containsWords(s, phrase string) bool {
	for i := 0; ; {
		j := strings.Index(s[i:], phrase)
		if j < 0 {
			return false
		}
		j += i
		e := j + len(phrase)
		if (j == 0 || s[j-1] == ' ') && (e == len(s) || s[e] == ' ') {
			return true
		}
		i = j + 1
	}
}
