package extract

import (
	"strings"
	"unicode"
)

// attributionVerbs introduce or follow the person who made a claim.
var attributionVerbs = map[string]bool{
	"said": true, "says": true, "told": true, "added": true, "warned": true, "claimed": true,
	"announced": true, "insisted": true, "argued": true, "stated": true, "explained": true,
	"wrote": true, "tweeted": true, "admitted": true, "confirmed": true, "declared": true,
	"testified": true, "maintained": true, "acknowledged": true, "estimated": true,
}

// pronoun is the kind of pronoun a sentence's claim is attributed to.
type pronoun byte

const (
	noPronoun   pronoun = iota
	pronounHe           // he, his: a male or unknown person
	pronounShe          // she, her: a female or unknown person
	pronounThey         // they: the last speaker, person or body
	pronounIt           // it: an organisation or place
)

// pronouns are the subjects that stand for someone named earlier.
var pronouns = map[string]pronoun{"he": pronounHe, "she": pronounShe, "they": pronounThey, "it": pronounIt}

// possessives make a body someone's: "he and his Cabinet warned" is his.
var possessives = map[string]pronoun{"his": pronounHe, "her": pronounShe}

// nameGlue may sit inside a title or name: "Secretary of State for Health".
var nameGlue = map[string]bool{"of": true, "for": true, "the": true, "and": false, "de": true, "von": true, "van": true, "al": true, "bin": true}

// notNames are capitalised words that start sentences rather than name anyone.
var notNames = map[string]bool{
	"The": true, "But": true, "And": true, "In": true, "On": true, "At": true, "As": true, "It": true,
	"This": true, "That": true, "Asked": true, "Speaking": true, "Meanwhile": true, "However": true,
	"Reports": true, "A": true, "An": true, "When": true, "Following": true, "If": true, "He": true, "She": true, "They": true,
	"Then": true, "Later": true, "Earlier": true, "Now": true, "Today": true, "Yesterday": true, "Instead": true, "So": true,
}

// findClaimant returns who the sentence attributes its claim to: a name with
// any title ("Education Secretary Bridget Phillipson"), or the pronoun when
// the sentence says only "he said" and the referent must be carried over.
func findClaimant(s, lower string, toks []token) (name string, pron pronoun) {
	word := func(k int) string {
		if k < 0 || k >= len(toks) || toks[k].kind != 'w' {
			return ""
		}
		return s[toks[k].start:toks[k].end]
	}
	lowerWord := func(k int) string {
		if k < 0 || k >= len(toks) || toks[k].kind != 'w' {
			return ""
		}
		return lower[toks[k].start:toks[k].end]
	}
	for k := 0; k < len(toks); k++ {
		lw := lowerWord(k)
		if lw == "according" && strings.EqualFold(word(k+1), "to") {
			if n := nameAfter(s, toks, k+2, word); n != "" {
				return n, noPronoun
			}
			continue
		}
		if !attributionVerbs[lw] {
			continue
		}
		b := k - 1
		if aux := lowerWord(b); aux == "has" || aux == "have" || aux == "had" || aux == "also" || aux == "later" {
			b--
		}
		if p := pronouns[lowerWord(b)]; p != noPronoun {
			return "", p
		}
		if n, a := nameBefore(s, toks, b, word); n != "" {
			// "he and his Cabinet warned": the Cabinet is his.
			if p := possessives[lowerWord(a-1)]; p != noPronoun {
				return "", p
			}
			return n, noPronoun
		}
		// Inverted: `..., said Mr Smith.`
		if n := nameAfter(s, toks, k+1, word); n != "" && lw != "told" {
			return n, noPronoun
		}
	}
	return "", noPronoun
}

// nameBefore reads the capitalised run of words ending at token b and
// returns it with the index of its first token.
func nameBefore(s string, toks []token, b int, word func(int) string) (string, int) {
	end := b
	a := b + 1
	for k := b; k >= 0; k-- {
		w := word(k)
		if k < b && breaksName(s, toks, k) {
			break
		}
		if isCapital(w) || toks[k].kind == 'n' && (word(k-1) == "Number" || word(k-1) == "No") {
			a = k // a capitalised word, or the 10 of "Number 10"
			continue
		}
		if nameGlue[w] && a == k+1 && isCapital(word(k-1)) {
			continue // "Secretary of State"
		}
		break
	}
	for a <= end && (notNames[word(a)] || nameGlue[word(a)]) {
		a++
	}
	if a > end || end < 0 {
		return "", -1
	}
	return s[toks[a].start:toks[end].end], a
}

// nameAfter reads the capitalised run of words starting at token k,
// skipping a leading "the".
func nameAfter(s string, toks []token, k int, word func(int) string) string {
	if strings.EqualFold(word(k), "the") {
		k++
	}
	a, e := k, k-1
	for j := k; j < len(toks); j++ {
		w := word(j)
		if j > a && breaksName(s, toks, j-1) {
			break
		}
		if w != "" && isCapital(w) || nameGlue[w] && isCapital(word(j+1)) && j > a {
			e = j
			continue
		}
		break
	}
	if e < a || notNames[word(a)] {
		return ""
	}
	return s[toks[a].start:toks[e].end]
}

// breaksName reports whether punctuation separates token k from the next,
// so that "On Sunday, the Prime Minister said" names only the Prime Minister.
func breaksName(s string, toks []token, k int) bool {
	if k+1 >= len(toks) {
		return true
	}
	return strings.ContainsAny(s[toks[k].end:toks[k+1].start], ",;:()[]“”\"—–.!?")
}

func isCapital(w string) bool { return w != "" && w[0] >= 'A' && w[0] <= 'Z' }

// officialTitles mark a claimant who speaks for government or an institution.
var officialTitles = []string{"Minister", "Secretary", "Chancellor", "President", "Prime", "Senator", "Sen", "Rep",
	"Governor", "Gov", "Mayor", "MP", "Downing Street", "Number 10", "No 10", "White House", "Spokes", "Ambassador", "Commissioner", "Chief"}

func isOfficial(name string) bool {
	for _, t := range officialTitles {
		if strings.Contains(name, t) {
			return true
		}
	}
	return false
}

// fullName expands a short mention ("Ms Phillipson", "Phillipson") to the
// fullest earlier mention with the same surname ("Education Secretary
// Bridget Phillipson"). Only a bare surname, with or without honorifics, is
// expanded, so "Prime Minister" never becomes "Foreign Minister"; a bare
// title becomes the one person named with it (see titleHolder). When the
// fullest mention has an honorific where the given name would be ("Ukrainian
// president Mr Zelensky"), another mention supplies it ("Volodymyr
// Zelensky"): "Ukrainian president Volodymyr Zelensky".
func fullName(name string, known []string) string {
	if holder := titleHolder(name, known); holder != "" {
		return holder
	}
	i := strings.LastIndexByte(name, ' ')
	surname := name[i+1:]
	bare := true
	for rest := name[:max(i, 0)]; rest != "" && bare; {
		var w string
		w, rest, _ = strings.Cut(rest, " ")
		_, bare = honorifics[w]
	}
	best, given, suffix := name, "", " "+surname
	for _, k := range known {
		if !strings.HasSuffix(k, suffix) && k != surname {
			continue
		}
		if bare && len(k) > len(best) {
			best = k
		}
		if given == "" {
			given = givenName(k)
		}
	}
	if given == "" {
		return best
	}
	// Replace an honorific just before the surname with the given name.
	head := strings.TrimSuffix(best, suffix)
	if head == best {
		return best
	}
	j := strings.LastIndexByte(head, ' ')
	if _, ok := honorifics[head[j+1:]]; !ok {
		return best
	}
	return head[:j+1] + given + " " + surname
}

// titleNouns end a title that one person holds at a time ("Prime Minister",
// "Education Secretary").
var titleNouns = map[string]bool{"Minister": true, "Secretary": true, "President": true, "Chancellor": true,
	"Governor": true, "Mayor": true, "Senator": true, "Ambassador": true, "Commissioner": true, "Speaker": true,
	"Leader": true, "Premier": true, "Chairman": true, "Chairwoman": true, "Chair": true, "General": true}

// titleHolder expands a bare title ("Prime Minister") to the one earlier
// mention of a person holding it ("Prime Minister Keir Starmer"). With two
// holders ("President Joe Biden", "President Emmanuel Macron") it cannot tell
// which is meant and returns "".
func titleHolder(title string, known []string) string {
	if !titleNouns[title[strings.LastIndexByte(title, ' ')+1:]] {
		return ""
	}
	for w := range strings.FieldsSeq(title) {
		if !isCapital(w) {
			return ""
		}
	}
	holder, prefix := "", ""
	for _, k := range known {
		if len(k) <= len(title) || k[len(title)] != ' ' {
			continue
		}
		if prefix == "" {
			prefix = title + " "
		}
		rest, ok := strings.CutPrefix(k, prefix)
		if !ok || rest == "" || isOfficial(rest) {
			continue
		}
		for w := range strings.FieldsSeq(rest) {
			if !isCapital(w) || strings.HasSuffix(w, "'s") {
				ok = false
			}
		}
		switch {
		case !ok || k == holder:
		case holder != "":
			return ""
		default:
			holder = k
		}
	}
	return holder
}

// givenName returns the word before the surname when it is a given name,
// not an honorific or a title ("Volodymyr Zelensky" gives "Volodymyr";
// "President Zelensky" and "Mr Zelensky" give "").
func givenName(name string) string {
	i := strings.LastIndexByte(name, ' ')
	if i < 0 {
		return ""
	}
	w := name[strings.LastIndexByte(name[:i], ' ')+1 : i]
	if _, ok := honorifics[w]; ok || !isCapital(w) || isOfficial(w) || strings.HasSuffix(w, "'s") {
		return ""
	}
	for _, r := range w {
		if !unicode.IsLetter(r) && r != '-' {
			return ""
		}
	}
	return w
}
