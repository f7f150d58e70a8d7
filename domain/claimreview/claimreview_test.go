package claimreview

import (
	"testing"
	"time"
)

func TestScaleOfLeavesOffScaleRatingsOut(t *testing.T) {
	s := ScaleOf([]float64{5, 4, 3, 2, 1, 0})
	if s != (Scale{Best: 5, Worst: 1, Valid: true}) {
		t.Errorf("scale = %+v", s)
	}
	if s.Contains(0) || !s.Contains(1) || !s.Contains(5) || s.Contains(6) {
		t.Error("Contains is wrong at the edges")
	}
	if ScaleOf([]float64{0}).Valid {
		t.Error("no rating on the scale should give no scale")
	}
}

func validCheck() Check {
	return Check{URL: "https://checks.example/checks/1", Claim: "Taxes fell", Claimant: "Department for Work",
		Outlet: "The Herald", ArticleTitle: "Budget", ArticleURL: "https://herald.example/b",
		ArticlePublishedAt: time.Date(2025, 2, 1, 0, 0, 0, 0, time.UTC), RatingName: "Mostly true", RatingValue: 4, OnScale: true,
		ApprovedAt: time.Date(2025, 2, 3, 0, 0, 0, 0, time.UTC)}
}

func TestBuildIsValid(t *testing.T) {
	cr := Build(validCheck(), Publisher{Name: "Herald Checks", URL: "https://herald.example", LogoURL: "https://herald.example/l.png"}, ScaleOf([]float64{1, 5}))
	if p := Validate(cr); len(p) > 0 {
		t.Fatal(p)
	}
	if cr.ItemReviewed.Author.Type != "Organization" || *cr.ReviewRating.RatingValue != 4 || cr.DatePublished != "2025-02-03T00:00:00Z" {
		t.Errorf("%+v", cr)
	}
	if Build(Check{Claimant: "Jane Smith"}, Publisher{}, Scale{}).ItemReviewed.Author.Type != "Person" {
		t.Error("a person's name should make a Person")
	}
	if a := Build(Check{Outlet: "The Herald"}, Publisher{}, Scale{}).ItemReviewed.Author; a == nil || a.Name != "The Herald" || a.Type != "Organization" {
		t.Errorf("with no claimant the outlet is the author: %+v", a)
	}
}

// Validate must catch each rule being broken.
func TestValidateCatchesEachRule(t *testing.T) {
	good := func() ClaimReview {
		return Build(validCheck(), Publisher{Name: "Herald Checks"}, ScaleOf([]float64{1, 5}))
	}
	f := func(v float64) *float64 { return &v }
	tests := map[string]func(*ClaimReview){
		"relative url":       func(c *ClaimReview) { c.URL = "/checks/1" },
		"no claim":           func(c *ClaimReview) { c.ClaimReviewed = " " },
		"no publisher":       func(c *ClaimReview) { c.Author.Name = "" },
		"bad date":           func(c *ClaimReview) { c.DatePublished = "3 Feb 2025" },
		"rating above best":  func(c *ClaimReview) { c.ReviewRating.RatingValue = f(6) },
		"rating below worst": func(c *ClaimReview) { c.ReviewRating.RatingValue = f(0) },
		"no bounds":          func(c *ClaimReview) { c.ReviewRating.BestRating = nil },
		"no rating name":     func(c *ClaimReview) { c.ReviewRating.AlternateName = "" },
		"relative appear":    func(c *ClaimReview) { c.ItemReviewed.Appearance[0].URL = "herald.example/b" },
		"bad claim date":     func(c *ClaimReview) { c.ItemReviewed.DatePublished = "yesterday" },
		"claimant not typed": func(c *ClaimReview) { c.ItemReviewed.Author.Type = "Thing" },
	}
	for name, breakIt := range tests {
		t.Run(name, func(t *testing.T) {
			cr := good()
			breakIt(&cr)
			if len(Validate(cr)) == 0 {
				t.Error("not caught")
			}
		})
	}
	if p := Validate(good()); len(p) > 0 {
		t.Errorf("good one flagged: %v", p)
	}
}

// A rating marked off the scale carries its name only, whatever its value.
func TestOffScaleRatingHasNoNumber(t *testing.T) {
	c := validCheck()
	c.OnScale, c.RatingName, c.RatingValue = false, "Satire", 3
	cr := Build(c, Publisher{Name: "Herald Checks"}, ScaleOf([]float64{1, 5}))
	if cr.ReviewRating.RatingValue != nil || cr.ReviewRating.BestRating != nil || cr.ReviewRating.AlternateName != "Satire" {
		t.Errorf("off-scale rating: %+v", cr.ReviewRating)
	}
}
