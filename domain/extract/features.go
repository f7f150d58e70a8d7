package extract

import (
	"math"
	"sync"
	"unicode/utf8"
)

// NumSlots is the size of the model's weight table. The first numHand slots
// hold the hand-written cues; word and character n-grams are hashed into the
// rest, so the model is a fixed float32 array whatever the vocabulary.
const NumSlots = 1 << 18

// Feature is one active feature of a sentence: a slot in the model's weight
// table and its value.
type Feature struct {
	Slot  uint32
	Value float32
}

// Hand-written cues. They sit at fixed slots so that the reasons shown to a
// journalist can be read straight off the model's weights.
const (
	hNumber       = iota // a digit or number word
	hPercent             // %, "per cent", "percent"
	hMoney               // a currency sign or word
	hBigNumber           // million, billion, trillion
	hYear                // a year such as 1998 or 2025
	hComparative         // more, fewer, higher, increase, doubled, than...
	hPast                // since, ago, last year: compares to a past value
	hOpinion             // I think, I believe, in my opinion
	hFirstPerson         // I, me, my (weighted by count)
	hQuestion            // a question mark
	hFuture              // will, going to, expected to
	hNormative           // should, must, ought
	hCapitalised         // names and places: capitalised words after the first
	hCourtesy            // thank you, good evening, applause
	hAttribution         // said, says, told, according to
	hSecondPerson        // you, your
	hLaw                 // law, legal, illegal, bill, vote, voted
	hCause               // because, caused, led to, due to
	hSuperlative         // most, largest, first, only, never, every
	hStatistic           // rate, percent, average, number of, statistics
	numHand
)

// handNames names each cue for model inspection and documentation.
var handNames = [numHand]string{
	"number", "percent", "money", "big number", "year", "comparative", "past value",
	"opinion", "first person", "question", "future", "normative", "capitalised",
	"courtesy", "attribution", "second person", "law", "cause", "superlative", "statistic",
}

// HandFeatureName returns the name of a hand-written cue slot, or "" for a hashed slot.
func HandFeatureName(slot uint32) string {
	if slot < numHand {
		return handNames[slot]
	}
	return ""
}

// cue words, looked up by the FNV hash of the lower-cased token.
var cueWords = map[uint32]uint8{}

func init() {
	add := func(f uint8, words ...string) {
		for _, w := range words {
			cueWords[hashString(w)] = f
		}
	}
	add(hNumber, "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
		"eleven", "twelve", "fifteen", "twenty", "thirty", "forty", "fifty", "hundred", "hundreds",
		"thousand", "thousands", "dozen", "dozens", "half", "quarter", "third", "twice", "triple")
	add(hPercent, "percent", "%", "percentage")
	add(hMoney, "$", "£", "€", "dollars", "dollar", "pounds", "euros", "budget", "tax", "taxes", "deficit", "debt", "spending", "spend", "cost", "costs", "paid", "pay")
	add(hBigNumber, "million", "millions", "billion", "billions", "trillion", "trillions", "bn", "m")
	add(hComparative, "more", "less", "fewer", "than", "higher", "lower", "increase", "increased",
		"increases", "decrease", "decreased", "cut", "cuts", "doubled", "tripled", "rose", "risen",
		"fell", "fallen", "grew", "grown", "growth", "reduced", "raised", "lost", "gained", "created",
		"up", "down", "declined", "dropped")
	add(hPast, "since", "ago", "last", "previous", "was", "were", "had", "did", "before")
	add(hFirstPerson, "i", "me", "my", "i'm", "i've", "i'd", "i'll", "mine", "myself")
	add(hFuture, "will", "won't", "going", "gonna", "expected", "plans", "plan", "next", "future", "forecast", "'ll")
	add(hNormative, "should", "must", "ought", "need", "needs", "let's")
	add(hCourtesy, "thank", "thanks", "applause", "laughter", "evening", "welcome", "congratulate", "pleasure", "honored", "honoured")
	add(hAttribution, "said", "says", "told", "according", "reported", "claimed", "announced", "stated")
	add(hSecondPerson, "you", "your", "you're", "you've", "yours")
	add(hLaw, "law", "laws", "legal", "illegal", "bill", "bills", "vote", "voted", "votes", "legislation", "act", "treaty", "constitution", "court", "rule", "rules", "requires", "banned", "signed", "veto", "vetoed")
	add(hCause, "because", "caused", "causes", "due", "result", "led", "leads", "thanks", "blame", "blamed")
	add(hSuperlative, "most", "largest", "biggest", "highest", "lowest", "first", "only", "never", "every", "record", "worst", "best")
	add(hStatistic, "rate", "rates", "average", "number", "numbers", "statistics", "unemployment", "jobs", "inflation", "gdp", "per", "each", "year", "years", "percent")
}

// scratch holds per-call buffers so featurising does not allocate.
type scratch struct {
	norm    []byte    // lower-cased, digit-shaped text, one space between tokens
	toks    []uint32  // token hashes
	feats   []Feature // features for scoring
	figToks []token   // tokens for claimant search
}

var scratchPool = sync.Pool{New: func() any {
	return &scratch{norm: make([]byte, 0, 512), toks: make([]uint32, 0, 64), feats: make([]Feature, 0, 256)}
}}

const (
	fnvOffset = 2166136261
	fnvPrime  = 16777619
)

func hashString(s string) uint32 {
	h := uint32(fnvOffset)
	for i := 0; i < len(s); i++ {
		h = (h ^ uint32(s[i])) * fnvPrime
	}
	return h
}

func hashBytes(h uint32, b []byte) uint32 {
	for _, c := range b {
		h = (h ^ uint32(c)) * fnvPrime
	}
	return h
}

// mix finalises a hash so nearby inputs land in unrelated slots.
func mix(h uint32) uint32 {
	h ^= h >> 16
	h *= 0x85ebca6b
	h ^= h >> 13
	h *= 0xc2b2ae35
	h ^= h >> 16
	return h
}

func hashedSlot(h uint32) uint32 {
	slot := mix(h) & (NumSlots - 1)
	if slot < numHand {
		slot += numHand // keep the hand-written cues' slots to themselves
	}
	return slot
}

// Namespaces keep unigrams, bigrams and character n-grams apart.
const (
	nsUni   = 0x9e3779b9
	nsBi    = 0x7f4a7c15
	nsChar  = 0x94d049bb
	nsShape = 0x2545f491
)

var (
	hashPer   = uint32(0) // token hashes of "per" and "going", set in init
	hashGoing = uint32(0)
)

func init() {
	hashPer = hashBytes(nsUni, []byte("per"))
	hashGoing = hashBytes(nsUni, []byte("going"))
}

// Featurize appends the features of sentence to dst and returns it. Training
// and scoring share it, so the model always sees what it was trained on.
func Featurize(dst []Feature, sentence string) []Feature {
	sc := scratchPool.Get().(*scratch)
	dst = featurize(dst, sentence, sc)
	scratchPool.Put(sc)
	return dst
}

func featurize(dst []Feature, s string, sc *scratch) []Feature {
	norm := sc.norm[:0]
	toks := sc.toks[:0]
	var hand [numHand]float32
	capitals, firstPerson := 0, 0
	prevTok := uint32(0)
	prevWasI := false

	norm = append(norm, ' ')
	i := 0
	for i < len(s) {
		c := s[i]
		var r rune
		size := 1
		if c >= utf8.RuneSelf {
			r, size = utf8.DecodeRuneInString(s[i:])
		} else {
			r = rune(c)
		}
		switch {
		case isWordByte(c):
			// A word or number: read to its end, folding case and shaping digits.
			start := len(norm)
			isUpper := c >= 'A' && c <= 'Z'
			hasDigit := false
			for i < len(s) {
				c = s[i]
				switch {
				case c >= 'A' && c <= 'Z':
					norm = append(norm, c+32)
					i++
				case c >= 'a' && c <= 'z':
					norm = append(norm, c)
					i++
				case c >= '0' && c <= '9':
					norm = append(norm, '0')
					hasDigit = true
					i++
				case (c == ',' || c == '.') && hasDigit && i+1 < len(s) && s[i+1] >= '0' && s[i+1] <= '9':
					if c == '.' {
						norm = append(norm, '.')
					}
					i++
				case c == '\'' && i+1 < len(s) && isLetter(s[i+1]) && len(norm) > start:
					norm = append(norm, '\'')
					i++
				case c == 0xE2 && i+2 < len(s) && s[i+1] == 0x80 && s[i+2] == 0x99 && i+3 < len(s) && isLetter(s[i+3]) && len(norm) > start:
					norm = append(norm, '\'') // curly apostrophe
					i += 3
				default:
					goto done
				}
			}
		done:
			word := norm[start:]
			if len(word) > 6 && hasDigit {
				word = word[:6]
				norm = norm[:start+6]
			}
			th := hashBytes(nsUni, word)
			toks = append(toks, th)
			if hasDigit {
				hand[hNumber] = 1
				if len(word) == 4 && (s[i-4] == '1' && s[i-3] == '9' || s[i-4] == '2' && s[i-3] == '0') {
					hand[hYear] = 1
				}
			}
			if isUpper && len(toks) > 1 {
				capitals++
			}
			if f, ok := cueWords[hashBytes(fnvOffset, word)]; ok {
				switch f {
				case hFirstPerson:
					firstPerson++
				default:
					hand[f] = 1
				}
			}
			// "I think", "I believe": the speaker's opinion, rarely checkable.
			if prevWasI {
				switch string(word) {
				case "think", "believe", "feel", "hope", "want", "guess", "suppose", "wish":
					hand[hOpinion] = 1
				}
			}
			prevWasI = len(word) == 1 && word[0] == 'i'
			if prevTok == hashPer && string(word) == "cent" {
				hand[hPercent] = 1
			}
			if prevTok == hashGoing && string(word) == "to" {
				hand[hFuture] = 1
			}
			prevTok = th
			norm = append(norm, ' ')
			continue
		case c == '%' || c == '$' || r == '£' || r == '€' || c == '?':
			switch {
			case c == '%':
				hand[hPercent] = 1
			case c == '?':
				hand[hQuestion] = 1
			default:
				hand[hMoney] = 1
			}
			norm = append(norm, s[i:i+size]...)
			toks = append(toks, hashString(s[i:i+size])+nsUni)
			norm = append(norm, ' ')
			prevWasI = false
		}
		i += size
	}

	// No cue for sentence length: debate transcripts reward long sentences,
	// but newer debates and news state their claims in fewer words.
	n := len(toks)
	if capitals > 0 {
		hand[hCapitalised] = float32(min(capitals, 4)) / 4
	}
	if firstPerson > 0 {
		hand[hFirstPerson] = float32(min(firstPerson, 3)) / 3
	}
	for f, v := range hand {
		if v != 0 {
			dst = append(dst, Feature{uint32(f), v})
		}
	}

	// N-grams are weighted so that a long sentence does not outvote a short
	// one just by having more of them.
	grams := n + (n - 1)
	charGrams := max(len(norm)-3, 0)
	wWord := float32(1 / math.Sqrt(float64(max(grams, 1))))
	wChar := float32(1 / math.Sqrt(float64(max(charGrams, 1))))
	for j, t := range toks {
		dst = append(dst, Feature{hashedSlot(t), wWord})
		if j > 0 {
			dst = append(dst, Feature{hashedSlot(toks[j-1]*31 ^ t ^ nsBi), wWord})
		}
	}
	if len(norm) >= 4 {
		// Four bytes pack exactly into a uint32, so no hashing loop is needed.
		g := uint32(norm[0]) | uint32(norm[1])<<8 | uint32(norm[2])<<16
		for j := 3; j < len(norm); j++ {
			g = g>>8 | uint32(norm[j])<<24
			if j == 3 {
				g = uint32(norm[0]) | uint32(norm[1])<<8 | uint32(norm[2])<<16 | uint32(norm[3])<<24
			}
			dst = append(dst, Feature{hashedSlot(g ^ nsChar), wChar})
		}
	}
	sc.norm, sc.toks = norm, toks
	return dst
}

func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
