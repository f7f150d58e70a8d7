package domain

import (
	"strings"
	"time"
	"unicode/utf8"
)

// Profile is the page of a claimant or an outlet: how many of their claims
// are at each stage, how their checked claims were rated, and the claims
// themselves, newest first, a page at a time.
type Profile struct {
	Kind    ProfileKind
	Name    string
	States  map[ClaimState]int
	Ratings []RatingCount // every rating on the scale, in order
	Claims  []ProfileClaim
	Next    string // cursor of the next page; "" on the last
}

// ProfileKind says whose page it is.
type ProfileKind string

const (
	ProfileClaimant ProfileKind = "claimant"
	ProfileOutlet   ProfileKind = "outlet"
)

// Checked is how many of their claims have a published verdict.
func (p *Profile) Checked() int {
	n := 0
	for _, r := range p.Ratings {
		n += r.N
	}
	return n
}

// Total is how many claims they have in claimtrail.
func (p *Profile) Total() int {
	n := 0
	for _, k := range p.States {
		n += k
	}
	return n
}

// ProfileClaim is one claim on a profile page.
type ProfileClaim struct {
	ID           int64
	Text         string
	State        ClaimState
	Claimant     string
	ArticleID    int64
	ArticleTitle string
	Outlet       string
	Rating       string    // the approved verdict's rating, "" until approved
	ApprovedAt   time.Time // zero until approved
	CreatedAt    time.Time
}

// MaxClaimantLength is the longest claimant name claimtrail looks up.
const MaxClaimantLength = 300

// CheckProfileName says what is wrong with a claimant's or outlet's name
// given in an address, if anything.
func CheckProfileName(kind ProfileKind, name string) (string, error) {
	name = strings.TrimSpace(name)
	limit := MaxClaimantLength
	if kind == ProfileOutlet {
		limit = MaxOutletLength
	}
	switch {
	case name == "":
		return "", FieldError("name", "Say whose page to show: the address needs ?name=.")
	case !utf8.ValidString(name) || utf8.RuneCountInString(name) > limit:
		return "", FieldError("name", "That name is longer than any in claimtrail.")
	}
	return name, nil
}
