package domain

import (
	"net/url"
	"time"
)

// ImportedCheck is a fact check published by another organisation, imported
// from its schema.org ClaimReview so a reviewer knows the claim was checked.
type ImportedCheck struct {
	ID            int64
	URL           string // the check's own address; one check per URL
	Claim         string // claimReviewed
	Headline      string // the check's title (name or headline)
	Publisher     string // author or publisher
	Rating        string // reviewRating alternateName
	RatingValue   *float64
	PublishedOn   time.Time // datePublished (a day); zero when not given
	Claimant      string    // itemReviewed author
	AppearanceURL string    // where the claim appeared, when given
	Source        string    // the file or feed it came from
	ImportedAt    time.Time
	UpdatedAt     time.Time
}

// Limits of an imported check's fields.
const (
	MaxImportedClaim = 3000
	MaxImportedField = 1000
)

// CheckImportedCheck is the rule for what an imported check must have: an
// absolute http(s) URL, the claim reviewed and a rating name, within the
// limits. It returns the check tidied (spaces trimmed) or why it is skipped.
func CheckImportedCheck(c ImportedCheck) (ImportedCheck, error) {
	for _, f := range []*string{&c.URL, &c.Claim, &c.Headline, &c.Publisher, &c.Rating, &c.Claimant, &c.AppearanceURL} {
		*f = CleanName(*f) // another publisher's text: one line, nothing hidden
	}
	u, err := url.Parse(c.URL)
	switch {
	case c.URL == "":
		return c, &Error{Code: EINVALID, Message: "it has no url"}
	case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "":
		return c, &Error{Code: EINVALID, Message: "its url is not an http(s) address"}
	case c.Claim == "":
		return c, &Error{Code: EINVALID, Message: "it has no claimReviewed"}
	case c.Rating == "" && c.RatingValue == nil:
		return c, &Error{Code: EINVALID, Message: "it has no reviewRating"}
	case len(c.Claim) > MaxImportedClaim:
		return c, &Error{Code: EINVALID, Message: "its claimReviewed is too long"}
	case len(c.URL) > MaxImportedField || len(c.Headline) > MaxImportedField || len(c.Publisher) > MaxImportedField ||
		len(c.Rating) > MaxImportedField || len(c.Claimant) > MaxImportedField || len(c.AppearanceURL) > MaxImportedField:
		return c, &Error{Code: EINVALID, Message: "a field is too long"}
	}
	return c, nil
}

// SameImportedCheck reports whether a re-import would change nothing.
func SameImportedCheck(a, b ImportedCheck) bool {
	sameValue := a.RatingValue == nil && b.RatingValue == nil ||
		a.RatingValue != nil && b.RatingValue != nil && *a.RatingValue == *b.RatingValue
	return a.URL == b.URL && a.Claim == b.Claim && a.Headline == b.Headline && a.Publisher == b.Publisher &&
		a.Rating == b.Rating && sameValue && a.PublishedOn.Equal(b.PublishedOn) && a.Claimant == b.Claimant &&
		a.AppearanceURL == b.AppearanceURL
}

// ImportSummary is what an import did.
type ImportSummary struct {
	Added, Updated, Unchanged int
	Skipped                   []ImportSkip
}

// ImportSkip is an item left out, with why.
type ImportSkip struct {
	Item   int    // 1-based position in the input
	URL    string // when known
	Reason string
}

// Add counts another summary in.
func (s *ImportSummary) Add(o ImportSummary) {
	s.Added += o.Added
	s.Updated += o.Updated
	s.Unchanged += o.Unchanged
	s.Skipped = append(s.Skipped, o.Skipped...)
}
