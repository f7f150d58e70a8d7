package extract

import "strings"

// Cue phrases for the claim types, matched on the lower-cased sentence with
// word boundaries. Lists, not a model: the types must be explainable and the
// training data has no type labels.
var (
	futureCues    = []string{"will", "won't", "going to", "expected to", "set to", "plans to", "plan to", "forecast", "predicted", "is due to", "by 2030", "by 2050", "next year", "in future", "would rise", "would fall", "projected"}
	causeCues     = []string{"because", "caused", "causes", "led to", "leads to", "lead to", "due to", "as a result", "result of", "results in", "resulted in", "thanks to", "blamed", "linked to", "responsible for", "driven by", "contributed to"}
	ruleCues      = []string{"law", "laws", "legal", "illegal", "unlawful", "legislation", "requires", "required by", "regulation", "regulations", "rules", "banned", "ban on", "constitution", "treaty", "act of", "statutory", "entitled to", "is allowed", "are allowed", "not allowed", "unanimous approval", "must by law"}
	personalCues  = []string{"i've seen", "i have seen", "i saw", "when i was", "i grew up", "my family", "my father", "my mother", "i met", "i visited", "i was", "i've been", "i have been", "my own", "i remember"}
	questionStart = []string{"what", "why", "how", "who", "when", "where", "do", "does", "did", "is", "are", "can", "could", "would", "should", "will"}
)

// classify gives a sentence its Full Fact claim type. The first matching
// rule wins, in the order a fact-checker would file it.
func classify(text string, figs []Figure, claimant string) ClaimType {
	lower := strings.ToLower(text)
	words := 0
	for _, f := range strings.Fields(lower) {
		if f != "" {
			words++
		}
	}
	trimmed := strings.TrimRight(lower, "\"'”’) ")
	if words < 4 && len(figs) == 0 || strings.HasSuffix(trimmed, "?") {
		return NotClaim
	}
	quantity := false
	target := false // a figure that is aimed at: "raise ... to 2.5%", "reach 2.5%"
	for _, f := range figs {
		if f.Kind != KindDate && f.Kind != KindYear {
			quantity = true
			before := strings.ToLower(text[:f.Start])
			if strings.HasSuffix(before, "to ") || strings.HasSuffix(before, "reach ") || strings.HasSuffix(before, "by ") {
				target = true
			}
		}
	}
	future := hasCue(lower, futureCues)
	switch {
	case future && (target || !quantity):
		return Prediction
	case quantity:
		return Quantity
	case hasCue(lower, causeCues):
		return Causation
	case hasCue(lower, ruleCues):
		return RulesLaws
	case hasCue(lower, personalCues):
		return PersonalExperience
	case claimant != "" || hasCue(lower, []string{"said", "says", "claimed", "suggested", "accused", "called"}):
		return Quote
	}
	return Other
}

// hasCue reports whether any cue occurs in lower as whole words.
func hasCue(lower string, cues []string) bool {
	for _, c := range cues {
		from := 0
		for {
			i := strings.Index(lower[from:], c)
			if i < 0 {
				break
			}
			i += from
			j := i + len(c)
			if (i == 0 || !isWordByte(lower[i-1])) && (j == len(lower) || !isWordByte(lower[j])) {
				return true
			}
			from = i + 1
		}
	}
	return false
}
