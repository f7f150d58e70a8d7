package domain

import (
	"fmt"
	"time"
	"unicode/utf8"
)

// PublishedCheck is an approved claim with its verdict, as the public sees
// it on /checks and in ClaimReview. Only approved claims ever become one.
type PublishedCheck struct {
	ClaimID            int64
	Claim              string
	Claimant           string
	ClaimType          ClaimType
	ArticleTitle       string
	ArticleURL         string
	Outlet             string
	ArticleAuthor      string
	ArticlePublishedAt time.Time
	Rating             Rating // ID 0 when the verdict has none
	Conclusion         string
	Explanation        string
	Sources            []Source
	ApprovedAt         time.Time
	UpdatedAt          time.Time

	// FirstPublishedAt and FirstRating are the first approval's time and
	// rating; a check reopened and approved again differs from them.
	FirstPublishedAt time.Time
	FirstRating      string
	// CheckedBy and ApprovedBy are the public names of the reviewer who
	// submitted the verdict and the editor who approved it ("" when unset).
	CheckedBy  string
	ApprovedBy string

	// Rating above is the rating as it was at approval, and these are the
	// ends of the numeric scale then (ScaleKnown false for checks approved
	// with no scale), so a later change to the scale rewrites nothing.
	ScaleKnown            bool
	ScaleBest, ScaleWorst float64

	// Appearances are the later articles an editor applied this verdict
	// to, oldest first; ClaimReview lists them after the first article.
	Appearances []PublishedAppearance
}

// PublishedAppearance is one more article a published check covers.
type PublishedAppearance struct {
	ArticleTitle string
	ArticleURL   string
	Outlet       string
	SeenAt       time.Time
}

// Republished reports whether the check was approved again after it was
// first published (reopened, then approved).
func (p *PublishedCheck) Republished() bool {
	return !p.FirstPublishedAt.IsZero() && p.ApprovedAt.After(p.FirstPublishedAt)
}

// Corrected reports whether a republished check's rating differs from the
// one first published: a correction, not only an update.
func (p *PublishedCheck) Corrected() bool {
	return p.Republished() && p.FirstRating != "" && p.FirstRating != p.Rating.Name
}

// MaxPublicNameLength caps the name a byline shows.
const MaxPublicNameLength = 120

// CheckPublicName tidies the name a person wants on published bylines and
// checks it; "" means no byline.
func CheckPublicName(name string) (string, error) {
	name = CleanName(name)
	if utf8.RuneCountInString(name) > MaxPublicNameLength {
		return name, FieldError("public_name", fmt.Sprintf("Keep the public name to %d characters or fewer.", MaxPublicNameLength))
	}
	return name, nil
}

// Plain removes from everything the check shows what HidesOrReorders finds,
// so a public page, its ClaimReview and the feed read as the words were
// checked, even for text stored before the rule or taken from an article.
func (p *PublishedCheck) Plain() {
	for _, s := range []*string{&p.Claim, &p.Claimant, &p.ArticleTitle, &p.Outlet, &p.ArticleAuthor, &p.Rating.Name,
		&p.Conclusion, &p.FirstRating, &p.CheckedBy, &p.ApprovedBy} {
		*s = StripHiddenFormatting(*s)
	}
	p.Explanation = StripHiddenFormattingLines(p.Explanation)
	for i := range p.Sources {
		s := &p.Sources[i]
		s.Title, s.Publisher, s.Quote = StripHiddenFormatting(s.Title), StripHiddenFormatting(s.Publisher), StripHiddenFormattingLines(s.Quote)
	}
	for i := range p.Appearances {
		a := &p.Appearances[i]
		a.ArticleTitle, a.Outlet = StripHiddenFormatting(a.ArticleTitle), StripHiddenFormatting(a.Outlet)
	}
}
