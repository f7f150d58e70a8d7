package extract

import (
	"strconv"
	"strings"
)

// token is a word, number or symbol of a sentence, located by byte offsets.
type token struct {
	start, end int
	kind       byte // 'w' word, 'n' number, 's' symbol
	glued      bool // no space between this token and the one before
}

// tokenize splits s into words (letters, inner hyphens and apostrophes),
// numbers (digits with thousands commas and a decimal point) and the
// symbols figures use. Everything else separates tokens.
func tokenize(s string, toks []token) []token {
	prevEnd := -1
	i := 0
	for i < len(s) {
		c := s[i]
		start := i
		var kind byte
		switch {
		case c >= '0' && c <= '9':
			kind = 'n'
			for i < len(s) {
				c = s[i]
				if c >= '0' && c <= '9' {
					i++
				} else if c == ',' && isDigits(s, i+1, 3) && (i+4 >= len(s) || s[i+4] < '0' || s[i+4] > '9') {
					i++
				} else if c == '.' && i+1 < len(s) && s[i+1] >= '0' && s[i+1] <= '9' {
					i++
				} else {
					break
				}
			}
		case isLetter(c):
			kind = 'w'
			for i < len(s) {
				c = s[i]
				if isLetter(c) {
					i++
				} else if (c == '-' || c == '\'') && i+1 < len(s) && isLetter(s[i+1]) {
					i++
				} else if c == 0xE2 && i+3 < len(s) && s[i+1] == 0x80 && s[i+2] == 0x99 && isLetter(s[i+3]) {
					i += 3 // curly apostrophe: I’ve
				} else {
					break
				}
			}
		case c == '%' || c == '$' || c == '-':
			kind = 's'
			i++
		case c == 0xC2 && i+1 < len(s) && s[i+1] == 0xA3: // £
			kind = 's'
			i += 2
		case c == 0xE2 && i+2 < len(s) && s[i+1] == 0x82 && s[i+2] == 0xAC: // €
			kind = 's'
			i += 3
		case c == 0xE2 && i+2 < len(s) && s[i+1] == 0x80 && (s[i+2] == 0x93 || s[i+2] == 0x94): // – —
			kind = 's'
			i += 3
		default:
			i++
			continue
		}
		toks = append(toks, token{start: start, end: i, kind: kind, glued: start == prevEnd})
		prevEnd = i
	}
	return toks
}

func isDigits(s string, i, n int) bool {
	if i+n > len(s) {
		return false
	}
	for k := i; k < i+n; k++ {
		if s[k] < '0' || s[k] > '9' {
			return false
		}
	}
	return true
}

var numberWords = map[string]float64{
	"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
	"ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
	"sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30,
	"forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
	"hundred": 100, "dozen": 12,
}

var ordinals = map[string]float64{
	"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
	"eighth": 8, "ninth": 9, "tenth": 10, "1st": 1, "2nd": 2, "3rd": 3, "4th": 4, "5th": 5,
}

var multipliers = map[string]float64{
	"thousand": 1e3, "k": 1e3, "million": 1e6, "m": 1e6, "mn": 1e6, "billion": 1e9, "bn": 1e9,
	"trillion": 1e12, "tn": 1e12, "trn": 1e12,
}

var months = map[string]int{
	"january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
	"august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
	"jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
	"oct": 10, "nov": 11, "dec": 12,
}

// notUnits are words after a number that do not name what is counted.
var notUnits = map[string]bool{
	"and": true, "or": true, "to": true, "of": true, "in": true, "on": true, "the": true, "a": true,
	"is": true, "was": true, "are": true, "were": true, "by": true, "for": true, "at": true,
	"from": true, "with": true, "than": true, "as": true, "that": true, "it": true, "has": true,
	"have": true, "will": true, "would": true, "per": true, "out": true, "percent": true,
}

// skipAdjectives sit between a number and its noun: "3,000 new jobs".
var skipAdjectives = map[string]bool{"new": true, "more": true, "extra": true, "additional": true, "fewer": true, "other": true, "million": true}

// Figures returns the figures sentence states, in order. Offsets are byte
// offsets into sentence. Money values are in whole units of the currency
// (40p is 0.4 GBP); percentages keep a stated base in Unit ("% of GDP").
func Figures(sentence string) []Figure {
	var buf [96]token
	return figures(sentence, lowerASCII(sentence), tokenize(sentence, buf[:0]))
}

// lowerASCII folds ASCII letters only, so byte offsets stay the same.
func lowerASCII(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if c := b[j]; c >= 'A' && c <= 'Z' {
					b[j] = c + 32
				}
			}
			return string(b)
		}
	}
	return s
}

// figures reads figures from tokens of sentence, given its ASCII-lowered copy.
func figures(sentence, lower string, toks []token) []Figure {
	var figs []Figure
	word := func(k int) string {
		if k < 0 || k >= len(toks) || toks[k].kind != 'w' {
			return ""
		}
		return lower[toks[k].start:toks[k].end]
	}
	sym := func(k int) string {
		if k < 0 || k >= len(toks) || toks[k].kind != 's' {
			return ""
		}
		return sentence[toks[k].start:toks[k].end]
	}
	for k := 0; k < len(toks); k++ {
		if toks[k].kind == 'w' && !figureWord(word(k)) {
			continue
		}
		f, next, ok := figureAt(sentence, toks, k, word, sym)
		if !ok {
			continue
		}
		// "between 2% and 3%", "from 2% to 3%", "2-3%": one range figure.
		if rf, rnext, ok := rangeAt(sentence, toks, k, next, f, word, sym); ok {
			f, next = rf, rnext
		}
		figs = append(figs, f)
		k = next - 1
	}
	return figs
}

// figureStarts are the words a figure can begin with; checked first, so
// ordinary words cost one lookup.
var figureStarts = map[string]bool{"a": true, "one": true, "us": true}

func init() {
	for _, m := range []map[string]float64{numberWords, ordinals} {
		for w := range m {
			figureStarts[w] = true
		}
	}
	for w := range months {
		figureStarts[w] = true
	}
}

func figureWord(w string) bool {
	if figureStarts[w] {
		return true
	}
	if i := strings.IndexByte(w, '-'); i > 0 {
		return ordinals[w[:i]] > 0
	}
	return false
}

// figureAt reads a figure starting at token k and returns it with the index
// of the first token after it.
func figureAt(s string, toks []token, k int, word func(int) string, sym func(int) string) (Figure, int, bool) {
	t := toks[k]
	currency := ""
	first := k
	switch sym(k) {
	case "£":
		currency = "GBP"
	case "$":
		currency = "USD"
		if w := word(k - 1); w == "us" && toks[k].glued {
			first = k - 1
		}
	case "€":
		currency = "EUR"
	}
	if currency != "" {
		k++
		if k >= len(toks) || toks[k].kind != 'n' {
			return Figure{}, 0, false
		}
		t = toks[k]
	}
	w := word(k)
	var value float64
	numEnd := k + 1
	switch {
	case t.kind == 'n' && currency == "" && (word(k-1) == "number" || word(k-1) == "no") && isCapital(s[toks[k-1].start:toks[k-1].end]):
		return Figure{}, 0, false // Number 10, No 10: an address, not a figure
	case t.kind == 'n':
		v, err := strconv.ParseFloat(strings.ReplaceAll(s[t.start:t.end], ",", ""), 64)
		if err != nil {
			return Figure{}, 0, false
		}
		value = v
	case ordinals[w] > 0:
		return rankAt(s, toks, k, ordinals[w], word)
	case strings.IndexByte(w, '-') > 0 && ordinals[w[:strings.IndexByte(w, '-')]] > 0:
		return rankAt(s, toks, k, ordinals[w[:strings.IndexByte(w, '-')]], word)
	case months[w] > 0 && len(w) > 2 && k+1 < len(toks) && toks[k+1].kind == 'n':
		return monthFirstDate(s, toks, k, months[w])
	case numberWords[w] > 0 || w == "a" && multipliers[word(k+1)] >= 1e6 || w == "one" && (word(k+1) == "in" || word(k+1) == "out"):
		value = numberWords[w]
		if w == "a" || w == "one" {
			value = 1
		}
	default:
		return Figure{}, 0, false
	}
	if t.kind == 'n' {
		// 3rd largest, 2nd-biggest.
		if sfx := word(k + 1); toks[min(k+1, len(toks)-1)].glued && (sfx == "st" || sfx == "nd" || sfx == "rd" || sfx == "th") {
			return rankAt(s, toks, k+1, value, word)
		}
	}
	// Ratio: "one in five", "2 out of 3".
	if in := word(numEnd); in == "in" || in == "out" && word(numEnd+1) == "of" {
		d := numEnd + 1
		if in == "out" {
			d++
		}
		if den, ok := plainNumber(s, toks, d, word); ok && den > 0 {
			return Figure{Text: s[toks[first].start:toks[d].end], Start: toks[first].start, End: toks[d].end, Kind: KindRatio, Value: value / den, Unit: "ratio"}, d + 1, true
		}
	}
	// A date: "23 February 2025" or "February 23, 2025" (month before is handled by the month word).
	if t.kind == 'n' && currency == "" && value >= 1 && value <= 31 && value == float64(int(value)) {
		if mo := months[word(numEnd)]; mo > 0 {
			end, date := numEnd+1, 0
			if numEnd+1 < len(toks) && toks[numEnd+1].kind == 'n' && isYear(s, toks[numEnd+1]) {
				y, _ := strconv.Atoi(s[toks[numEnd+1].start:toks[numEnd+1].end])
				date = y*10000 + mo*100 + int(value)
				end = numEnd + 2
			} else {
				date = mo*100 + int(value)
			}
			return Figure{Text: s[t.start:toks[end-1].end], Start: t.start, End: toks[end-1].end, Kind: KindDate, Value: float64(date), Unit: "date"}, end, true
		}
	}
	// ISO 8601: 2025-02-23.
	if t.kind == 'n' && isYear(s, t) && k+4 < len(toks) && sym(k+1) == "-" && sym(k+3) == "-" && toks[k+1].glued && toks[k+2].glued && toks[k+3].glued && toks[k+4].glued {
		mo, _ := strconv.Atoi(s[toks[k+2].start:toks[k+2].end])
		d, _ := strconv.Atoi(s[toks[k+4].start:toks[k+4].end])
		if mo >= 1 && mo <= 12 && d >= 1 && d <= 31 && toks[k+4].end-toks[k+4].start == 2 {
			return Figure{Text: s[t.start:toks[k+4].end], Start: t.start, End: toks[k+4].end, Kind: KindDate, Value: value*10000 + float64(mo*100+d), Unit: "date"}, k + 5, true
		}
	}
	if t.kind == 'n' && currency == "" && isYear(s, t) && !isMultiplier(word(numEnd)) && sym(numEnd) != "%" {
		if mo := months[word(k-1)]; mo > 0 {
			return Figure{}, 0, false // the year of a date already read
		}
		y := value
		return Figure{Text: s[t.start:t.end], Start: t.start, End: t.end, Kind: KindYear, Value: y, Unit: "year"}, numEnd, true
	}
	// Multiplier: "22 billion", "1.5bn", "a million".
	if m := multipliers[word(numEnd)]; m > 0 && (toks[numEnd].glued || len(word(numEnd)) > 2 || currency != "") {
		value *= m
		numEnd++
		if word(numEnd-1) == "million" && word(numEnd) == "billion" { // rare, but do not double-read
			numEnd++
		}
	}
	end := toks[numEnd-1].end
	fig := Figure{Start: toks[first].start, Value: value}
	switch {
	case currency != "":
		fig.Kind, fig.Unit = KindMoney, currency
	case word(numEnd) == "p" && toks[numEnd].glued || word(numEnd) == "pence":
		fig.Kind, fig.Unit, fig.Value = KindMoney, "GBP", value/100
		end = toks[numEnd].end
		numEnd++
	case word(numEnd) == "dollars" || word(numEnd) == "pounds" || word(numEnd) == "euros":
		fig.Kind = KindMoney
		fig.Unit = map[string]string{"dollars": "USD", "pounds": "GBP", "euros": "EUR"}[word(numEnd)]
		end = toks[numEnd].end
		numEnd++
	case sym(numEnd) == "%" || word(numEnd) == "percent" || word(numEnd) == "per" && word(numEnd+1) == "cent":
		if sym(numEnd) == "%" || word(numEnd) == "percent" {
			end = toks[numEnd].end
			numEnd++
		} else {
			end = toks[numEnd+1].end
			numEnd += 2
		}
		fig.Kind, fig.Unit = KindPercent, "%"
		if word(numEnd) == "points" || word(numEnd) == "point" {
			fig.Kind, fig.Unit = KindPercentagePoints, "pp"
			end = toks[numEnd].end
			numEnd++
		} else if base := percentBase(s, toks, numEnd, word); base != "" {
			fig.Unit = "% of " + base
		}
	case word(numEnd) == "percentage" && (word(numEnd+1) == "points" || word(numEnd+1) == "point") || word(numEnd) == "pp" && toks[numEnd].glued:
		fig.Kind, fig.Unit = KindPercentagePoints, "pp"
		if word(numEnd) == "pp" {
			end = toks[numEnd].end
			numEnd++
		} else {
			end = toks[numEnd+1].end
			numEnd += 2
		}
	default:
		fig.Kind = KindCount
		// What is counted follows the number with only spaces between:
		// "3,000 jobs", not "alert(1)</script>".
		spaced := func(a, b int) bool {
			return b < len(toks) && strings.TrimSpace(s[toks[a].end:toks[b].start]) == ""
		}
		u := numEnd
		if skipAdjectives[word(u)] && word(u+1) != "" && !notUnits[word(u+1)] && spaced(u, u+1) {
			u++
		}
		if w := word(u); w != "" && !notUnits[w] && !attributionVerbs[w] && !toks[u].glued && spaced(numEnd-1, numEnd) {
			fig.Unit = w
			end = toks[u].end
			numEnd = u + 1
		} else if t.kind == 'w' {
			return Figure{}, 0, false // "two" alone is too often not a figure
		}
	}
	fig.End = end
	fig.Text = s[fig.Start:end]
	return fig, numEnd, true
}

// monthFirstDate reads "February 23, 2025" or "Feb 23" from the month word at k.
func monthFirstDate(s string, toks []token, k, mo int) (Figure, int, bool) {
	t := toks[k+1]
	d, err := strconv.Atoi(s[t.start:t.end])
	if err != nil || d < 1 || d > 31 {
		if isYear(s, t) { // "February 2025"
			y, _ := strconv.Atoi(s[t.start:t.end])
			return Figure{Text: s[toks[k].start:t.end], Start: toks[k].start, End: t.end, Kind: KindDate, Value: float64(y*10000 + mo*100), Unit: "date"}, k + 2, true
		}
		return Figure{}, 0, false
	}
	end, date := k+2, mo*100+d
	if k+2 < len(toks) && toks[k+2].kind == 'n' && isYear(s, toks[k+2]) {
		y, _ := strconv.Atoi(s[toks[k+2].start:toks[k+2].end])
		date += y * 10000
		end = k + 3
	}
	return Figure{Text: s[toks[k].start:toks[end-1].end], Start: toks[k].start, End: toks[end-1].end, Kind: KindDate, Value: float64(date), Unit: "date"}, end, true
}

// percentBase reads "of GDP", "share of gross domestic product (GDP)",
// "of national income" after a percentage.
func percentBase(s string, toks []token, k int, word func(int) string) string {
	if word(k) == "share" {
		k++
	}
	if word(k) != "of" {
		return ""
	}
	switch a, b, c := word(k+1), word(k+2), word(k+3); {
	case a == "gdp":
		return "GDP"
	case a == "gross" && b == "domestic" && c == "product":
		return "GDP"
	case a == "national" && b == "income":
		return "national income"
	case a == "gni":
		return "GNI"
	}
	return ""
}

// rankAt reads "third-largest", "3rd biggest", "second most".
func rankAt(s string, toks []token, k int, pos float64, word func(int) string) (Figure, int, bool) {
	w := word(k)
	start := toks[k].start
	if toks[k].kind == 'w' && toks[k].glued && k > 0 {
		start = toks[k-1].start // the digits of "3rd"
	}
	if i := strings.IndexByte(w, '-'); i > 0 {
		if q := w[i+1:]; strings.HasSuffix(q, "est") {
			return Figure{Text: s[start:toks[k].end], Start: start, End: toks[k].end, Kind: KindRank, Value: pos, Unit: q}, k + 1, true
		}
	}
	if nw := word(k + 1); strings.HasSuffix(nw, "est") && len(nw) > 4 || nw == "most" || nw == "least" {
		return Figure{Text: s[start:toks[k+1].end], Start: start, End: toks[k+1].end, Kind: KindRank, Value: pos, Unit: nw}, k + 2, true
	}
	return Figure{}, 0, false
}

// rangeAt extends figure f (tokens k..next) into a range when the text reads
// "between f and g", "from f to g" or "f-g" with g the same kind of figure.
func rangeAt(s string, toks []token, k, next int, f Figure, word func(int) string, sym func(int) string) (Figure, int, bool) {
	if f.Kind == KindDate || f.Kind == KindRatio || f.Kind == KindRank {
		return Figure{}, 0, false
	}
	joiner := word(next)
	lead := word(k - 1)
	ok := lead == "between" && joiner == "and" || lead == "from" && joiner == "to" || joiner == "to" && f.Kind == KindPercent ||
		sym(next) == "-" || sym(next) == "–" || sym(next) == "—"
	if !ok || next+1 >= len(toks) {
		return Figure{}, 0, false
	}
	g, gnext, gok := figureAt(s, toks, next+1, word, sym)
	if !gok {
		// "2-3%": the low end carries no unit of its own.
		if n, ok := plainNumber(s, toks, next+1, word); ok && sym(next+2) == "%" && f.Kind == KindCount && f.Unit == "" {
			f.Kind, f.Unit = KindPercent, "%"
			g = Figure{Kind: KindPercent, Value: n, Unit: "%", End: toks[next+2].end}
			gnext = next + 3
		} else {
			return Figure{}, 0, false
		}
	}
	if f.Kind == KindCount && f.Unit == "" && g.Kind != KindYear {
		f.Kind, f.Unit = g.Kind, g.Unit // "between 2 and 3%"
	}
	if f.Kind != g.Kind {
		return Figure{}, 0, false
	}
	start := f.Start
	if lead == "between" || lead == "from" {
		start = toks[k-1].start
	}
	return Figure{Text: s[start:g.End], Start: start, End: g.End, Kind: KindRange, Value: f.Value, Unit: g.Unit}, gnext, true
}

// plainNumber reads a bare number in digits or words at token k.
func plainNumber(s string, toks []token, k int, word func(int) string) (float64, bool) {
	if k >= len(toks) {
		return 0, false
	}
	if toks[k].kind == 'n' {
		v, err := strconv.ParseFloat(strings.ReplaceAll(s[toks[k].start:toks[k].end], ",", ""), 64)
		return v, err == nil
	}
	if w := word(k); w == "one" {
		return 1, true
	} else if v := numberWords[w]; v > 0 {
		return v, true
	}
	return 0, false
}

func isYear(s string, t token) bool {
	if t.end-t.start != 4 {
		return false
	}
	y := s[t.start:t.end]
	return (y[0] == '1' && (y[1] == '8' || y[1] == '9') || y[0] == '2' && y[1] == '0') && isDigits(y, 0, 4)
}

func isMultiplier(w string) bool { return multipliers[w] > 0 }
