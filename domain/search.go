package domain

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// SearchKind is what a search result is: one of our claims, an article, a
// verdict (its conclusion and explanation), a source, or a fact check
// imported from another publisher.
type SearchKind string

const (
	SearchClaim    SearchKind = "claim"
	SearchArticle  SearchKind = "article"
	SearchVerdict  SearchKind = "verdict"
	SearchSource   SearchKind = "source"
	SearchImported SearchKind = "imported"
)

// SearchKinds lists every kind, in the order the search page offers them.
var SearchKinds = []SearchKind{SearchClaim, SearchArticle, SearchVerdict, SearchSource, SearchImported}

// Label names a kind for people.
func (k SearchKind) Label() string {
	switch k {
	case SearchClaim:
		return "Claim"
	case SearchArticle:
		return "Article"
	case SearchVerdict:
		return "Verdict"
	case SearchSource:
		return "Source"
	case SearchImported:
		return "Imported check"
	}
	return string(k)
}

// SearchFilter narrows a search. Every field is optional; a result must
// satisfy all that are set.
type SearchFilter struct {
	Kind     SearchKind // what the result is
	State    ClaimState // of the claim a claim, verdict or source belongs to
	Rating   string     // the rating's name (ours or the imported check's)
	Type     ClaimType  // the claim's type
	Outlet   string     // the article's outlet
	Claimant string     // who made the claim
	From, To time.Time  // the result's date (inclusive), zero when open
}

// Search limits.
const (
	DefaultSearchLimit  = 20
	MaxSearchLimit      = 50
	maxSearchFilterText = 200
	searchDateLayout    = "2006-01-02"
)

// SearchStates are the claim states a search can be narrowed to.
var SearchStates = []ClaimState{StateQueued, StateInReview, StateSubmitted, StateApproved}

// Empty reports whether no filter is set.
func (f SearchFilter) Empty() bool { return f == SearchFilter{} }

// ParseSearchFilter reads a search's filters and limit as typed (a query
// string's values, by name: kind, state, rating, type, outlet, claimant,
// from, to, limit). The browser and the API call it alike, so the same bad
// input gets the same message; every field at fault is named. An empty
// limit is the default.
func ParseSearchFilter(get func(string) string) (SearchFilter, int, error) {
	var f SearchFilter
	bad := map[string]string{}
	if k := strings.TrimSpace(get("kind")); k != "" {
		f.Kind = SearchKind(k)
		if !containsKind(f.Kind) {
			bad["kind"] = "Choose what to search: claims, articles, verdicts, sources or imported checks."
		}
	}
	if s := strings.TrimSpace(get("state")); s != "" {
		f.State = ClaimState(s)
		if !containsState(f.State) {
			bad["state"] = "Choose a state: queued, in review, submitted or approved."
		}
	}
	if t := strings.TrimSpace(get("type")); t != "" {
		f.Type = ClaimType(t)
		if !f.Type.Valid() {
			bad["type"] = "Choose a claim type from the list."
		}
	}
	for _, field := range []struct {
		name string
		into *string
	}{{"rating", &f.Rating}, {"outlet", &f.Outlet}, {"claimant", &f.Claimant}} {
		v := strings.Join(strings.Fields(get(field.name)), " ")
		switch {
		case !utf8.ValidString(v) || strings.ContainsFunc(v, isControl):
			bad[field.name] = "Use letters, digits and punctuation only."
		case utf8.RuneCountInString(v) > maxSearchFilterText:
			bad[field.name] = "Keep it under " + strconv.Itoa(maxSearchFilterText) + " characters."
		default:
			*field.into = v
		}
	}
	var err1, err2 error
	f.From, err1 = ParseDay("from", get("from"))
	f.To, err2 = ParseDay("to", get("to"))
	if err1 != nil {
		bad["from"] = err1.(*Error).Fields["from"]
	}
	if err2 != nil {
		bad["to"] = err2.(*Error).Fields["to"]
	}
	if err1 == nil && err2 == nil && !f.From.IsZero() && !f.To.IsZero() && f.To.Before(f.From) {
		bad["to"] = "The end date is before the start date."
	}
	limit := DefaultSearchLimit
	if s := strings.TrimSpace(get("limit")); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > MaxSearchLimit {
			bad["limit"] = "limit must be a whole number between 1 and " + strconv.Itoa(MaxSearchLimit) + "."
		} else {
			limit = n
		}
	}
	if len(bad) > 0 {
		msg := "Check the search's filters."
		if len(bad) == 1 {
			for _, m := range bad {
				msg = m
			}
		}
		return SearchFilter{}, 0, &Error{Code: EINVALID, Message: msg, Fields: bad}
	}
	return f, limit, nil
}

// SearchDay is a date as searches compare it: YYYY-MM-DD, empty for none.
func SearchDay(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(searchDateLayout)
}

func containsKind(k SearchKind) bool {
	for _, x := range SearchKinds {
		if x == k {
			return true
		}
	}
	return false
}

func containsState(s ClaimState) bool {
	for _, x := range SearchStates {
		if x == s {
			return true
		}
	}
	return false
}

func isControl(r rune) bool { return r < 0x20 || r == 0x7f || r == utf8.RuneError }
