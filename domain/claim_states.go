package domain

import "strings"

// statesHelp is the one message for a state list that cannot be read.
const statesHelp = "Use one of candidate, queued, in_review, submitted, approved, dismissed (or several, each once, separated by commas, or all)."

// ParseClaimStates reads a list of claim states as a caller writes it:
// "queued", "queued,in_review" or "all"; "" is no list. Each state may be
// named once, so one request cannot ask for the same work thousands of times.
func ParseClaimStates(s string) ([]ClaimState, error) {
	s = strings.TrimSpace(s)
	switch s {
	case "":
		return nil, nil
	case "all":
		return ClaimStates, nil
	}
	// Never split more than there are states: a longer list is refused
	// without reading the rest of it.
	parts := strings.SplitN(s, ",", len(ClaimStates)+1)
	states := make([]ClaimState, 0, len(parts))
	for _, p := range parts {
		states = append(states, ClaimState(strings.TrimSpace(p)))
	}
	if err := CheckClaimStates(states); err != nil {
		return nil, FieldError("state", statesHelp)
	}
	return states, nil
}

// CheckClaimStates refuses a list of states with an unknown or repeated state.
func CheckClaimStates(states []ClaimState) error {
	refuse := FieldError("state", "Choose states from the list, each once.")
	if len(states) > len(ClaimStates) {
		return refuse
	}
	for i, st := range states {
		if !st.Valid() {
			return refuse
		}
		for _, earlier := range states[:i] {
			if earlier == st {
				return refuse
			}
		}
	}
	return nil
}
