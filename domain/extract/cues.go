package extract

// Cue phrases, matched on whole words of the lower-cased sentence through a
// hash table of 1- to 3-word phrases: one pass, no regular expressions. Lists
// rather than a model, because the types must be explainable and the
// training data has no type labels.
const (
	cueFuture uint16 = 1 << iota
	cueCause
	cueRule
	cuePersonal
	cueSaid
	cueBoiler    // scraped site furniture whatever the context: "your support", "sign up to", "share this"
	cueFurniture // words of furniture that news also uses ("donation", "subscribers"): furniture only when the page tells its reader something
	cueSocial    // places furniture sends the reader ("WhatsApp", "app"): furniture only in a sentence telling the reader to go there
	cueReader    // the reader addressed: "you", "your"
	cueCondition // "if", "unless": a rule put to the reader ("if you earn…") is news, not a prompt
)

// readerVerbs are the imperatives a page's furniture opens with ("Donate
// now", "Join our WhatsApp channel"); news copy outside quotations does not
// tell its reader what to do.
var readerVerbs = map[string]bool{
	"sign": true, "subscribe": true, "join": true, "share": true, "follow": true, "download": true,
	"get": true, "become": true, "give": true, "donate": true, "support": true, "click": true, "tap": true,
	"tell": true, "enter": true, "register": true, "listen": true, "watch": true, "try": true,
	"discover": true, "explore": true, "help": true, "like": true, "don't": true, "never": true, "want": true,
}

var cuePhrases = map[uint16][]string{
	cueFuture: {"will", "won't", "going to", "expected to", "set to", "plans to", "plan to", "forecast",
		"predicted", "is due to", "by 2030", "by 2035", "by 2040", "by 2050", "next year", "in future", "projected"},
	cueCause: {"because", "caused", "causes", "led to", "leads to", "lead to", "due to", "as a result",
		"result of", "results in", "resulted in", "thanks to", "blamed", "linked to", "responsible for",
		"driven by", "contributed to"},
	cueRule: {"law", "laws", "legal", "illegal", "unlawful", "legislation", "requires", "required by",
		"regulation", "regulations", "rules", "banned", "ban on", "constitution", "treaty", "act of",
		"statutory", "entitled to", "is allowed", "are allowed", "not allowed", "unanimous approval"},
	cuePersonal: {"i've seen", "i have seen", "i saw", "when i was", "i grew up", "my family", "my father",
		"my mother", "i met", "i visited", "i was", "i've been", "i have been", "my own", "i remember"},
	cueSaid: {"said", "says", "claimed", "suggested", "accused", "called", "told", "according to"},
	cueBoiler: {"your support", "support now", "read more", "your donation", "support us", "subscribe to", "subscribe now", "subscribe today", "our newsletter", "our newsletters",
		"share this", "share on", "click here", "follow us", "rights reserved", "most read", "related articles",
		"independent journalism", "quality journalism", "our journalism", "our reporting", "our journalists",
		"readers like you", "become a member", "unlimited access", "already a subscriber", "your inbox",
		"email address", "our app", "our free app", "comments below", "article was amended", "article was updated",
		"article was corrected", "story was amended", "story was updated", "chip in", "donate now",
		"donate today", "give now", "sign in to", "log in to"},
	cueFurniture: {"donate", "donation", "donations", "subscribe", "subscription", "subscriptions",
		"subscriber", "subscribers", "newsletter", "newsletters", "briefing", "inbox", "cookies", "paywall",
		"paywalls", "contribute", "contribution", "membership", "sign up", "log in", "sign in", "journalism",
		"help us", "podcast", "advertisement", "gift"},
	cueSocial: {"whatsapp", "facebook", "instagram", "tiktok", "twitter", "youtube", "app", "comments",
		"telegram", "bluesky", "threads"},
	cueReader:    {"you", "your", "you're", "you'll", "you've", "yours"},
	cueCondition: {"if", "unless"},
}

var (
	cueTable = map[uint32]uint16{}
	// cueBits has a bit set for the hash of every phrase and every word
	// prefix of one, so most words are rejected without a map lookup.
	cueBits [1 << 16 / 64]uint64
)

func init() {
	for class, phrases := range cuePhrases {
		for _, p := range phrases {
			cueTable[hashWord(fnvOffset, p)] |= class
			for i := 0; i <= len(p); i++ {
				if i == len(p) || p[i] == ' ' {
					h := hashWord(fnvOffset, p[:i]) & 0xffff
					cueBits[h/64] |= 1 << (h % 64)
				}
			}
		}
	}
}

// hashWord continues FNV-1a over a lower-cased word, reading a curly
// apostrophe as a straight one so "I’ve" matches "i've".
func hashWord(h uint32, w string) uint32 {
	for i := 0; i < len(w); i++ {
		c := w[i]
		if c == 0xE2 && i+2 < len(w) && w[i+1] == 0x80 && w[i+2] == 0x99 {
			c = '\''
			i += 2
		}
		h = (h ^ uint32(c)) * fnvPrime
	}
	return h
}

// scanCues returns the cue classes present in a sentence, how many
// boilerplate phrases it holds and whether it opens with one of
// readerVerbs.
func scanCues(lower string, toks []token) (mask uint16, boiler, words int, tellsReader bool) {
	for k, t := range toks {
		if t.kind == 's' {
			continue
		}
		if t.kind == 'w' {
			if words == 0 {
				tellsReader = readerVerbs[lower[t.start:t.end]]
			}
			words++
		}
		h := uint32(fnvOffset)
		for n := 0; n < 3 && k+n < len(toks) && toks[k+n].kind != 's'; n++ {
			if n > 0 {
				h = (h ^ ' ') * fnvPrime
			}
			h = hashWord(h, lower[toks[k+n].start:toks[k+n].end])
			if cueBits[(h&0xffff)/64]&(1<<(h%64)) == 0 {
				break // no phrase starts this way
			}
			if c := cueTable[h]; c != 0 {
				mask |= c
				if c&cueBoiler != 0 {
					boiler++
				}
			}
		}
	}
	return mask, boiler, words, tellsReader
}
