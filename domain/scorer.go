package domain

import "time"

// ScorerModel is one version of a newsroom's claim scorer, learnt from its
// triage labels (and labelled sentences it imported), with the figures that
// justify it and who made it when.
type ScorerModel struct {
	Version      int64
	Threshold    float64
	TriageLabels int // labels from the newsroom's triage
	FileLabels   int // labelled sentences imported from a file
	Positive     int // labels that were check-worthy
	F1Before     float64
	F1After      float64
	Strength     float64 // pull toward the base model; 0 kept the base weights
	LabelsSeen   int     // triage labels there were when it was made
	CreatedBy    string
	CreatedAt    time.Time
}

// ScorerStatus is where the newsroom's claim scorer stands.
type ScorerStatus struct {
	Current   int64 // version in use; 0 is the base model
	AutoEvery int   // adapt automatically after this many new triage labels; 0 never
	Labels    int   // triage labels so far
	Positive  int   // of which check-worthy
	Models    []ScorerModel
}

// Latest is the newest version, or nil when none was made.
func (s ScorerStatus) Latest() *ScorerModel {
	if len(s.Models) == 0 {
		return nil
	}
	latest := &s.Models[0]
	for i := range s.Models {
		if s.Models[i].Version > latest.Version {
			latest = &s.Models[i]
		}
	}
	return latest
}

// NewLabels is how many triage labels arrived since the newest version was
// made (all of them when there is none).
func (s ScorerStatus) NewLabels() int {
	if l := s.Latest(); l != nil {
		return max(s.Labels-l.LabelsSeen, 0)
	}
	return s.Labels
}

// DueForAutoAdapt reports whether automatic adaptation is on and enough new
// labels have arrived since the newest version.
func (s ScorerStatus) DueForAutoAdapt() bool {
	return s.AutoEvery > 0 && s.NewLabels() >= s.AutoEvery
}

// Limits on the automatic adaptation setting.
const (
	MinAutoAdaptEvery = 20
	MaxAutoAdaptEvery = 100000
)

// CheckAutoAdaptEvery checks the "adapt after every N new labels" setting:
// 0 turns it off.
func CheckAutoAdaptEvery(n int) error {
	if n != 0 && (n < MinAutoAdaptEvery || n > MaxAutoAdaptEvery) {
		return FieldError("auto_every", "Adapt after at least 20 and at most 100,000 new labels, or 0 to adapt only by hand.")
	}
	return nil
}

// CheckScorerVersion checks a version to switch to: the base (0) or one
// that exists.
func CheckScorerVersion(v int64, s ScorerStatus) error {
	if v == 0 {
		return nil
	}
	for _, m := range s.Models {
		if m.Version == v {
			return nil
		}
	}
	return Errorf(ENOTFOUND, "There is no claim scorer version %d. Versions: see `claimtrail model list` or the Claim scorer page.", v)
}
