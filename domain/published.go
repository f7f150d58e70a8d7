package domain

import "time"

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
}
