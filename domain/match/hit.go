package match

import "claimtrail/domain"

// Hit is one result of a search over everything the desk keeps.
type Hit struct {
	Kind      domain.SearchKind
	ID        int64 // the claim's, article's, source's or imported check's id; a verdict's is its claim's
	ClaimID   int64 // the claim a claim, verdict or source belongs to
	ArticleID int64
	Text      string            // the claim, the article's title, the verdict's conclusion, the source's title, the check's claim
	Context   string            // where it belongs: the article's title, the claim, the publisher
	State     domain.ClaimState // of the claim it belongs to
	Rating    string
	URL       string // an imported check's or a source's own address
	Day       string // yyyy-mm-dd
	Score     float64
	Snippet   []Segment
}
