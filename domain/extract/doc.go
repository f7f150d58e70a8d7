// Package extract finds the check-worthy claims in an article: it splits text
// into sentences, pulls out the figures each one states, names who made the
// claim, gives it a Full Fact claim type and scores how check-worthy it is.
//
// It is pure text in, claims out: no storage, no network, only the standard
// library and the domain's own types, and fast enough to run on every article a newsroom receives. The score
// comes from a logistic regression model trained on the ClaimBuster /
// CheckThat! 2024 data (see docs/extractor.md); the trained weights are
// embedded in the binary.
package extract

import "claimtrail/domain"

// Figure is one number a sentence states. Start and End are byte offsets
// into the sentence's Text (not the article), so Text == sentence[Start:End].
// It is the domain's Figure, so a claim keeps what the extractor found as is.
type Figure = domain.Figure

// Figure kinds.
const (
	KindMoney            = "money"             // Value in whole currency units, Unit an ISO code: £22 billion → 22e9 GBP; 40p → 0.4 GBP
	KindPercent          = "percent"           // Value in percent, Unit "%" or "% of GDP" when the base is stated
	KindPercentagePoints = "percentage_points" // Value in points, Unit "pp"
	KindCount            = "count"             // Value the number, Unit the counted noun: 3,000 jobs → 3000 "jobs"
	KindRatio            = "ratio"             // Value the fraction: one in five → 0.2, Unit "ratio"
	KindRank             = "rank"              // Value the position: third-largest → 3, Unit the ranked quality ("largest")
	KindDate             = "date"              // Value yyyymmdd (day 0 when absent), Unit "date"
	KindYear             = "year"              // Value the year, Unit "year"
	KindRange            = "range"             // Value the low end, Unit that of the bounds; Text spans both ends
)

// ClaimType is the kind of claim in Full Fact's published schema: the
// domain's ClaimType, named here so the extractor reads on its own.
type ClaimType = domain.ClaimType

// Claim types.
const (
	Quantity           = domain.TypeQuantity
	Prediction         = domain.TypePrediction
	Causation          = domain.TypeCausation
	RulesLaws          = domain.TypeRulesLaws
	PersonalExperience = domain.TypePersonalExperience
	Quote              = domain.TypeQuote
	Other              = domain.TypeOther
	NotClaim           = domain.TypeNotClaim
)

// Sentence is one sentence of an article with what the extractor found in it.
// Start and End are byte offsets into the article text.
type Sentence struct {
	Text        string    `json:"text"`
	Start       int       `json:"start"`
	End         int       `json:"end"`
	Score       float64   `json:"score"`
	CheckWorthy bool      `json:"checkworthy"`
	Type        ClaimType `json:"type"`
	Figures     []Figure  `json:"figures"`
	Claimant    string    `json:"claimant"`
	Reasons     []string  `json:"reasons"`
}

// Span is a sentence's place in the text: text[Start:End].
type Span struct {
	Start, End int
}
