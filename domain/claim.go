package domain

import (
	"slices"
	"time"
)

// ClaimState is where a claim stands in the checking workflow.
type ClaimState string

const (
	StateCandidate ClaimState = "candidate" // found by the extractor or added by hand, not yet triaged
	StateDismissed ClaimState = "dismissed" // triaged out, with a reason
	StateQueued    ClaimState = "queued"    // accepted, waiting for a reviewer
	StateInReview  ClaimState = "in_review" // a reviewer is researching it
	StateSubmitted ClaimState = "submitted" // a verdict waits for an editor
	StateApproved  ClaimState = "approved"  // the verdict is approved and may be published
)

// ClaimStates lists the states in workflow order.
var ClaimStates = []ClaimState{StateCandidate, StateQueued, StateInReview, StateSubmitted, StateApproved, StateDismissed}

// Valid reports whether s is a known state.
func (s ClaimState) Valid() bool { return slices.Contains(ClaimStates, s) }

// Label is the state's name as shown to people.
func (s ClaimState) Label() string {
	switch s {
	case StateCandidate:
		return "Candidate"
	case StateDismissed:
		return "Dismissed"
	case StateQueued:
		return "Queued"
	case StateInReview:
		return "In review"
	case StateSubmitted:
		return "Awaiting approval"
	case StateApproved:
		return "Approved"
	}
	return string(s)
}

// Transition is one allowed move of a claim between states, with the action
// that makes it (the audit action is "claim." + Action).
type Transition struct {
	From, To ClaimState
	Action   string
}

// Transitions is the claim state machine. The database holds the same table
// (migrations) and refuses any other move; a test keeps the two in step.
var Transitions = []Transition{
	{StateCandidate, StateQueued, "accepted"},
	{StateCandidate, StateDismissed, "dismissed"},
	{StateQueued, StateInReview, "taken"},
	{StateInReview, StateSubmitted, "submitted"},
	{StateInReview, StateQueued, "released"},
	{StateSubmitted, StateApproved, "approved"},
	{StateSubmitted, StateInReview, "returned"},
	{StateApproved, StateInReview, "reopened"},
}

// CheckTransition returns nil when a claim may move from one state to
// another, and otherwise an ECONFLICT error saying why not in plain words.
func CheckTransition(from, to ClaimState) error {
	for _, t := range Transitions {
		if t.From == from && t.To == to {
			return nil
		}
	}
	return Errorf(ECONFLICT, "This claim is %s, so it cannot be moved to %s.", lower(from.Label()), lower(to.Label()))
}

func lower(s string) string {
	b := []byte(s)
	if len(b) > 0 && b[0] >= 'A' && b[0] <= 'Z' {
		b[0] += 'a' - 'A'
	}
	return string(b)
}

// Priority is an editor's ranking of a queued claim.
type Priority int

const (
	PriorityLow    Priority = 0
	PriorityNormal Priority = 1
	PriorityHigh   Priority = 2
	PriorityUrgent Priority = 3
)

// Priorities lists priorities most urgent first.
var Priorities = []Priority{PriorityUrgent, PriorityHigh, PriorityNormal, PriorityLow}

// Valid reports whether p is a known priority.
func (p Priority) Valid() bool { return p >= PriorityLow && p <= PriorityUrgent }

// String is the priority's name as stored in forms and the API.
func (p Priority) String() string {
	switch p {
	case PriorityLow:
		return "low"
	case PriorityNormal:
		return "normal"
	case PriorityHigh:
		return "high"
	case PriorityUrgent:
		return "urgent"
	}
	return "unknown"
}

// Label is the priority's name as shown to people.
func (p Priority) Label() string {
	s := p.String()
	return string(s[0]-'a'+'A') + s[1:]
}

// ParsePriority turns a form or API value into a Priority.
func ParsePriority(s string) (Priority, error) {
	for _, p := range Priorities {
		if p.String() == s {
			return p, nil
		}
	}
	return 0, FieldError("priority", "Choose a priority: urgent, high, normal or low.")
}

// ClaimType is Full Fact's classification of what kind of claim a sentence makes.
type ClaimType string

const (
	TypeQuantity           ClaimType = "quantity"
	TypePrediction         ClaimType = "prediction"
	TypeCausation          ClaimType = "correlation_causation"
	TypeRulesLaws          ClaimType = "rules_laws"
	TypePersonalExperience ClaimType = "personal_experience"
	TypeQuote              ClaimType = "quote"
	TypeOther              ClaimType = "other"
	TypeNotClaim           ClaimType = "not_claim"
)

// ClaimTypes lists every claim type.
var ClaimTypes = []ClaimType{TypeQuantity, TypePrediction, TypeCausation, TypeRulesLaws, TypePersonalExperience, TypeQuote, TypeOther, TypeNotClaim}

// Label is the type's name as shown to people.
func (t ClaimType) Label() string {
	switch t {
	case TypeQuantity:
		return "Quantity"
	case TypePrediction:
		return "Prediction"
	case TypeCausation:
		return "Correlation or causation"
	case TypeRulesLaws:
		return "Rules and laws"
	case TypePersonalExperience:
		return "Personal experience"
	case TypeQuote:
		return "Quote or attribution"
	case TypeOther:
		return "Other"
	case TypeNotClaim:
		return "Not a claim"
	}
	return string(t)
}

// Valid reports whether t is a known claim type.
func (t ClaimType) Valid() bool { return slices.Contains(ClaimTypes, t) }

// Figure is a number a claim states, as the extractor found it.
type Figure struct {
	Text  string  `json:"text"`
	Start int     `json:"start"`
	End   int     `json:"end"`
	Kind  string  `json:"kind"`
	Value float64 `json:"value"`
	Unit  string  `json:"unit"`
}

// Claim is a checkable statement from an article, followed through the workflow.
type Claim struct {
	ID        int64
	ArticleID int64

	// Sentence is the article sentence the claim came from, at byte offsets
	// Start:End of the article text; Text is the claim as the reviewer worded
	// it (the sentence itself until someone edits it).
	Sentence   string
	Start, End int
	Text       string

	Score       float64
	CheckWorthy bool
	Type        ClaimType
	Figures     []Figure
	Claimant    string
	Reasons     []string
	Manual      bool // added by a person rather than found by the extractor

	State         ClaimState
	Priority      Priority
	AssigneeID    int64 // 0 when unassigned
	DueAt         time.Time
	DismissReason string          // the reviewer's note on a dismissal
	DismissCode   DismissalReason // why it was dismissed; "" unless dismissed
	Version       int64           // bumped on every change, for optimistic locking
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// Overdue reports whether the claim is past its due date and not yet approved.
// A due date is a day: a claim due on 23 Feb is overdue from the start of 24 Feb (UTC).
func (c *Claim) Overdue(now time.Time) bool {
	from, ok := c.OverdueFrom()
	return ok && !now.Before(from)
}

// OverdueFrom is the moment the claim becomes overdue, and false when it
// never does (no due date, or approved or dismissed): a page that shows it
// as not yet overdue stays right until then.
func (c *Claim) OverdueFrom() (time.Time, bool) {
	if c.DueAt.IsZero() || c.State == StateApproved || c.State == StateDismissed {
		return time.Time{}, false
	}
	return c.DueAt.AddDate(0, 0, 1), true
}

// OverdueDueBy is the latest due date an open claim can have and be overdue
// at now (OverdueFrom): the notifier looks for due dates up to it.
func OverdueDueBy(now time.Time) time.Time { return now.AddDate(0, 0, -1) }

// Rating is one step of the newsroom's verdict scale.
type Rating struct {
	ID       int64
	Name     string
	Value    float64 // numeric value for export; higher is more true
	Position int
	// OnScale is false for ratings outside the true–false scale, such as
	// Unverifiable: exports leave them out of the best and worst values.
	OnScale bool
	// UpdatedAt is when what the rating says (name, value, on the scale)
	// last changed; a move leaves it. A change carries it as the person's
	// page showed it, so a change from an older page is refused
	// (CheckRatingSeen).
	UpdatedAt time.Time
}

// SourceType says what kind of evidence a source is.
type SourceType string

const (
	SourceOfficialStatistics SourceType = "official_statistics"
	SourcePrimaryDocument    SourceType = "primary_document"
	SourceExpert             SourceType = "expert"
	SourceNewsReport         SourceType = "news_report"
	SourceOther              SourceType = "other"
)

// SourceTypes lists every source type.
var SourceTypes = []SourceType{SourceOfficialStatistics, SourcePrimaryDocument, SourceExpert, SourceNewsReport, SourceOther}

// Valid reports whether t is a known source type.
func (t SourceType) Valid() bool { return slices.Contains(SourceTypes, t) }

// Label is the source type's name as shown to people.
func (t SourceType) Label() string {
	switch t {
	case SourceOfficialStatistics:
		return "Official statistics"
	case SourcePrimaryDocument:
		return "Primary document"
	case SourceExpert:
		return "Expert"
	case SourceNewsReport:
		return "News report"
	case SourceOther:
		return "Other"
	}
	return string(t)
}

// Source is a piece of evidence a verdict relies on.
type Source struct {
	ID          int64
	ClaimID     int64
	Position    int
	URL         string
	Title       string
	Publisher   string
	PublishedAt time.Time
	AccessedAt  time.Time
	Type        SourceType
	Quote       string // the quote or figure relied on
}

// Verdict is a reviewer's finding on a claim.
type Verdict struct {
	ClaimID     int64
	RatingID    int64 // 0 until chosen
	Conclusion  string
	Explanation string
	AuthorID    int64
	Version     int64
	SubmittedAt time.Time
	SubmittedBy int64
	ApprovedAt  time.Time
	ApprovedBy  int64
	UpdatedAt   time.Time
	Sources     []Source
}

// CheckSubmittable says what a verdict still lacks before it can go to an editor.
func (v *Verdict) CheckSubmittable() error {
	e := &Error{Code: EINVALID, Message: "This verdict is not ready to submit.", Fields: map[string]string{}}
	if v.RatingID == 0 {
		e.Fields["rating"] = "Choose a rating."
	}
	if len(v.Conclusion) == 0 {
		e.Fields["conclusion"] = "Write a one-line conclusion."
	}
	if len(v.Sources) == 0 {
		e.Fields["sources"] = "Add at least one source."
	}
	if len(e.Fields) > 0 {
		return e
	}
	return nil
}
