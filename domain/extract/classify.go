package extract

import "strings"

// classify gives a sentence its Full Fact claim type. The first matching
// rule wins, in the order a fact-checker would file it.
func classify(text, lower string, figs []Figure, claimant string, cues uint16, words int) ClaimType {
	trimmed := strings.TrimRight(lower, "\"'”’) ")
	if words < 4 && len(figs) == 0 || strings.HasSuffix(trimmed, "?") {
		return NotClaim
	}
	// A figure is aimed at ("raise ... to 2.5%", "reach 2.5%") or stated as
	// it is ("a £22 billion black hole"). Future wording makes a prediction
	// only when no figure is stated as it is: one stated quantity is a claim
	// about the record, whatever the sentence also promises.
	quantity, stated := false, false
	for _, f := range figs {
		if f.Kind != KindDate && f.Kind != KindYear {
			quantity = true
			before := lower[:f.Start]
			if !(strings.HasSuffix(before, "to ") || strings.HasSuffix(before, "reach ") || strings.HasSuffix(before, "by ")) {
				stated = true
			}
		}
	}
	future := cues&cueFuture != 0
	switch {
	case future && !stated:
		return Prediction
	case quantity:
		return Quantity
	case cues&cueCause != 0:
		return Causation
	case cues&cueRule != 0:
		return RulesLaws
	case cues&cuePersonal != 0:
		return PersonalExperience
	case claimant != "" || cues&cueSaid != 0:
		return Quote
	}
	return Other
}
