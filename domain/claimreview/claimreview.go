// Package claimreview turns a published fact check into schema.org
// ClaimReview (JSON-LD), the markup search engines read to show fact checks,
// and checks a ClaimReview against the rules they apply. It is pure: the
// public page, the JSON-LD feed and the CLI all build through it.
package claimreview

import (
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"strings"
	"time"

	"claimtrail/domain"
)

// Organization is a schema.org Organization: the publisher of the check, an
// outlet, or a claimant that is not a person.
type Organization struct {
	Type string     `json:"@type"` // "Organization"
	Name string     `json:"name"`
	URL  string     `json:"url,omitempty"`
	Logo *ImageLink `json:"logo,omitempty"`
}

// ImageLink is a schema.org ImageObject given by its URL.
type ImageLink struct {
	Type string `json:"@type"` // "ImageObject"
	URL  string `json:"url"`
}

// Author is who made a claim: a Person or an Organization.
type Author struct {
	Type string `json:"@type"`
	Name string `json:"name"`
}

// Appearance is where the claim was published.
type Appearance struct {
	Type     string `json:"@type"` // "CreativeWork"
	URL      string `json:"url,omitempty"`
	Headline string `json:"headline,omitempty"`
	// DatePublished is when a later appearance was seen (the first
	// appearance's date is the claim's own datePublished).
	DatePublished string        `json:"datePublished,omitempty"`
	Publisher     *Organization `json:"publisher,omitempty"`
}

// Claim is schema.org Claim: the statement reviewed.
type Claim struct {
	Type          string       `json:"@type"` // "Claim"
	Author        *Author      `json:"author,omitempty"`
	DatePublished string       `json:"datePublished,omitempty"`
	Appearance    []Appearance `json:"appearance,omitempty"`
}

// Rating is the verdict. RatingValue is nil for ratings off the numeric
// scale (such as Unverifiable): then only AlternateName is given.
type Rating struct {
	Type          string   `json:"@type"` // "Rating"
	RatingValue   *float64 `json:"ratingValue,omitempty"`
	BestRating    *float64 `json:"bestRating,omitempty"`
	WorstRating   *float64 `json:"worstRating,omitempty"`
	AlternateName string   `json:"alternateName"`
}

// ClaimReview is one fact check as schema.org ClaimReview.
type ClaimReview struct {
	Context       string       `json:"@context"` // "https://schema.org"
	Type          string       `json:"@type"`    // "ClaimReview"
	URL           string       `json:"url"`
	ClaimReviewed string       `json:"claimReviewed"`
	ReviewBody    string       `json:"reviewBody,omitempty"`
	Author        Organization `json:"author"`
	DatePublished string       `json:"datePublished"`
	DateModified  string       `json:"dateModified,omitempty"` // approved again after a reopening
	ReviewRating  Rating       `json:"reviewRating"`
	ItemReviewed  Claim        `json:"itemReviewed"`
}

// Publisher is the newsroom that publishes the checks, as an admin set it.
type Publisher struct {
	Name    string
	URL     string
	LogoURL string
}

// Scale is the numeric part of the newsroom's rating scale.
type Scale struct {
	Best, Worst float64
	Valid       bool // false when no rating is on the numeric scale
}

// ScaleOf works out the numeric scale from every rating's value. Following
// schema.org's default worstRating of 1, ratings valued below 1 (such as
// Unverifiable, valued 0) are off the scale: they have a name but no number.
func ScaleOf(values []float64) Scale {
	var s Scale
	for _, v := range values {
		if v < 1 {
			continue
		}
		if !s.Valid || v > s.Best {
			s.Best = v
		}
		if !s.Valid || v < s.Worst {
			s.Worst = v
		}
		s.Valid = true
	}
	return s
}

// Contains reports whether a rating value is on the numeric scale.
func (s Scale) Contains(v float64) bool { return s.Valid && v >= s.Worst && v <= s.Best }

// Check is what the builder needs to know of one published check.
type Check struct {
	URL                string // absolute URL of the public page
	Claim              string
	Claimant           string
	Outlet             string
	ArticleTitle       string
	ArticleURL         string
	ArticlePublishedAt time.Time
	RatingName         string
	RatingValue        float64
	OnScale            bool // the rating is on the numeric scale (not, say, Unverifiable)
	Conclusion         string
	ApprovedAt         time.Time
	FirstPublishedAt   time.Time // zero, or before ApprovedAt when approved again
	Scale              Scale     // the numeric scale at approval; not Valid: use today's
	// Appearances are later articles the verdict was applied to.
	Appearances []domain.PublishedAppearance
}

// CheckOf is what the builder needs of a published check whose public page
// is at pageURL.
func CheckOf(p *domain.PublishedCheck, pageURL string) Check {
	return Check{
		URL: pageURL, Claim: p.Claim, Claimant: p.Claimant, Outlet: p.Outlet,
		ArticleTitle: p.ArticleTitle, ArticleURL: p.ArticleURL, ArticlePublishedAt: p.ArticlePublishedAt,
		RatingName: p.Rating.Name, RatingValue: p.Rating.Value, OnScale: p.Rating.OnScale, Conclusion: p.Conclusion, ApprovedAt: p.ApprovedAt,
		FirstPublishedAt: p.FirstPublishedAt,
		Scale:            Scale{Valid: p.ScaleKnown, Best: p.ScaleBest, Worst: p.ScaleWorst},
		Appearances:      p.Appearances,
	}
}

// Build returns the ClaimReview for a check. The scale at the check's
// approval, when it has one, wins over scale (today's).
func Build(c Check, pub Publisher, scale Scale) ClaimReview {
	if c.Scale.Valid {
		scale = c.Scale
	}
	cr := ClaimReview{
		Context:       "https://schema.org",
		Type:          "ClaimReview",
		URL:           c.URL,
		ClaimReviewed: c.Claim,
		ReviewBody:    c.Conclusion,
		Author:        Organization{Type: "Organization", Name: pub.Name, URL: pub.URL},
		DatePublished: isoTime(c.ApprovedAt),
		ReviewRating:  Rating{Type: "Rating", AlternateName: c.RatingName},
		ItemReviewed:  Claim{Type: "Claim", Author: claimAuthor(c), DatePublished: isoTime(c.ArticlePublishedAt)},
	}
	if !c.FirstPublishedAt.IsZero() && c.FirstPublishedAt.Before(c.ApprovedAt) {
		cr.DatePublished, cr.DateModified = isoTime(c.FirstPublishedAt), isoTime(c.ApprovedAt)
	}
	if pub.LogoURL != "" {
		cr.Author.Logo = &ImageLink{Type: "ImageObject", URL: pub.LogoURL}
	}
	if c.OnScale && scale.Contains(c.RatingValue) {
		v, best, worst := c.RatingValue, scale.Best, scale.Worst
		cr.ReviewRating.RatingValue, cr.ReviewRating.BestRating, cr.ReviewRating.WorstRating = &v, &best, &worst
	}
	if c.ArticleURL != "" || c.ArticleTitle != "" {
		a := Appearance{Type: "CreativeWork", URL: absoluteOrEmpty(c.ArticleURL), Headline: c.ArticleTitle}
		if c.Outlet != "" {
			a.Publisher = &Organization{Type: "Organization", Name: c.Outlet}
		}
		cr.ItemReviewed.Appearance = []Appearance{a}
	}
	for _, p := range c.Appearances {
		a := Appearance{Type: "CreativeWork", URL: absoluteOrEmpty(p.ArticleURL), Headline: p.ArticleTitle, DatePublished: dateOnly(p.SeenAt)}
		if p.Outlet != "" {
			a.Publisher = &Organization{Type: "Organization", Name: p.Outlet}
		}
		cr.ItemReviewed.Appearance = append(cr.ItemReviewed.Appearance, a)
	}
	return cr
}

func dateOnly(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02")
}

func isoTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// absoluteOrEmpty drops an article URL that is not an absolute web address,
// which ClaimReview consumers would reject.
func absoluteOrEmpty(s string) string {
	if isAbsoluteHTTP(s) {
		return s
	}
	return ""
}

// organisationWords mark a claimant as an organisation rather than a person.
var organisationWords = []string{"ministry", "department", "office", "council", "party", "government", "agency",
	"authority", "commission", "bank", "ltd", "limited", "plc", "inc", "association", "union", "institute",
	"foundation", "company", "corporation", "trust", "society", "committee", "service", "nhs", "police", "university"}

// claimAuthor is the claimant as a Person, or an Organization when the name
// says so; with no claimant the outlet is taken to have made the claim.
func claimAuthor(c Check) *Author {
	name := strings.TrimSpace(c.Claimant)
	if name == "" {
		if c.Outlet == "" {
			return nil
		}
		return &Author{Type: "Organization", Name: c.Outlet}
	}
	for _, w := range strings.FieldsFunc(strings.ToLower(name), func(r rune) bool { return !('a' <= r && r <= 'z') }) {
		for _, o := range organisationWords {
			if w == o {
				return &Author{Type: "Organization", Name: name}
			}
		}
	}
	return &Author{Type: "Person", Name: name}
}

func isAbsoluteHTTP(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != ""
}

// Validate lists what in cr breaks the ClaimReview rules search engines
// apply: required fields present, the rating within best and worst, URLs
// absolute, dates ISO 8601. An empty list means cr is fine.
func Validate(cr ClaimReview) []string {
	var problems []string
	fail := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	if cr.Context != "https://schema.org" {
		fail("@context is %q, want https://schema.org", cr.Context)
	}
	if cr.Type != "ClaimReview" {
		fail("@type is %q, want ClaimReview", cr.Type)
	}
	if !isAbsoluteHTTP(cr.URL) {
		fail("url %q is not an absolute http(s) URL", cr.URL)
	}
	if strings.TrimSpace(cr.ClaimReviewed) == "" {
		fail("claimReviewed is empty")
	}
	if cr.Author.Type != "Organization" || strings.TrimSpace(cr.Author.Name) == "" {
		fail("author must be an Organization with a name")
	}
	if cr.Author.URL != "" && !isAbsoluteHTTP(cr.Author.URL) {
		fail("author url %q is not absolute", cr.Author.URL)
	}
	if cr.Author.Logo != nil && !isAbsoluteHTTP(cr.Author.Logo.URL) {
		fail("author logo %q is not absolute", cr.Author.Logo.URL)
	}
	if !isISO8601(cr.DatePublished) {
		fail("datePublished %q is not an ISO 8601 date", cr.DatePublished)
	}
	r := cr.ReviewRating
	if r.Type != "Rating" {
		fail("reviewRating @type is %q, want Rating", r.Type)
	}
	if strings.TrimSpace(r.AlternateName) == "" {
		fail("reviewRating has no alternateName")
	}
	if r.RatingValue != nil {
		if r.BestRating == nil || r.WorstRating == nil {
			fail("reviewRating has a ratingValue without bestRating and worstRating")
		} else if *r.WorstRating > *r.BestRating || *r.RatingValue < *r.WorstRating || *r.RatingValue > *r.BestRating {
			fail("ratingValue %v is not within worstRating %v and bestRating %v", *r.RatingValue, *r.WorstRating, *r.BestRating)
		}
	}
	it := cr.ItemReviewed
	if it.Type != "Claim" {
		fail("itemReviewed @type is %q, want Claim", it.Type)
	}
	if it.Author != nil && ((it.Author.Type != "Person" && it.Author.Type != "Organization") || it.Author.Name == "") {
		fail("itemReviewed author must be a named Person or Organization")
	}
	if it.DatePublished != "" && !isISO8601(it.DatePublished) {
		fail("itemReviewed datePublished %q is not an ISO 8601 date", it.DatePublished)
	}
	for _, a := range it.Appearance {
		if a.URL != "" && !isAbsoluteHTTP(a.URL) {
			fail("appearance url %q is not absolute", a.URL)
		}
	}
	return problems
}

func isISO8601(s string) bool {
	if _, err := time.Parse(time.RFC3339, s); err == nil {
		return true
	}
	_, err := time.Parse("2006-01-02", s)
	return err == nil
}

// FeedWriter writes ClaimReviews as one JSON array, one at a time, so that
// a feed of any length is never held in memory.
type FeedWriter struct {
	w   io.Writer
	enc *json.Encoder
	n   int
}

// NewFeedWriter starts a JSON array on w.
func NewFeedWriter(w io.Writer) *FeedWriter { return &FeedWriter{w: w, enc: json.NewEncoder(w)} }

// Write adds one ClaimReview to the array. encoding/json escapes <, > and &,
// so the output is also safe inside an HTML script element.
func (f *FeedWriter) Write(cr ClaimReview) error {
	sep := ",\n"
	if f.n == 0 {
		sep = "[\n"
	}
	if _, err := io.WriteString(f.w, sep); err != nil {
		return err
	}
	f.n++
	return f.enc.Encode(cr)
}

// Close ends the array; an empty feed is [].
func (f *FeedWriter) Close() error {
	end := "]\n"
	if f.n == 0 {
		end = "[]\n"
	}
	_, err := io.WriteString(f.w, end)
	return err
}
