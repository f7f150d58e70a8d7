package domain

import (
	"math"
	"sort"
	"strings"
	"time"
	"unicode/utf8"
)

// The desk at a glance: what editors see on the dashboard, read from
// counters kept in step with every change.

// DeskFilter chooses the dashboard's period (whole UTC days, both ends
// included) and, optionally, one outlet.
type DeskFilter struct {
	From, To time.Time
	Outlet   string
}

// MaxDeskDays is the longest period the dashboard shows: ten years.
const MaxDeskDays = 3660

// DefaultDeskFilter is the last 28 days up to today.
func DefaultDeskFilter(now time.Time) DeskFilter {
	today := Day(now)
	return DeskFilter{From: today.AddDate(0, 0, -27), To: today}
}

// Day is the UTC day t falls on, at midnight.
func Day(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// ParseDeskFilter reads the dashboard's address parameters. Empty dates
// take the default period's; a bad one is refused with a message beside
// its field, and the default filter is returned alongside so the page can
// still be drawn.
func ParseDeskFilter(from, to, outlet string, now time.Time) (DeskFilter, error) {
	f := DefaultDeskFilter(now)
	e := &Error{Code: EINVALID, Message: "The dashboard's filters need fixing.", Fields: map[string]string{}}
	parse := func(field, s string, into *time.Time) {
		t, err := ParseDay(field, s)
		if err != nil {
			e.Fields[field] = err.(*Error).Fields[field]
			return
		}
		if !t.IsZero() {
			*into = t
		}
	}
	got := f
	parse("from", from, &got.From)
	parse("to", to, &got.To)
	if strings.TrimSpace(from) != "" && strings.TrimSpace(to) == "" && got.From.After(got.To) {
		// Only a start after today: show from then to that day.
		got.To = got.From
	}
	got.Outlet = strings.TrimSpace(outlet)
	if utf8.RuneCountInString(got.Outlet) > MaxOutletLength {
		e.Fields["outlet"] = "Keep the outlet to 120 characters or fewer."
	}
	if len(e.Fields) == 0 {
		switch {
		case got.From.After(got.To):
			e.Fields["to"] = "The end of the period comes before its start."
		case got.To.Sub(got.From) > MaxDeskDays*24*time.Hour:
			e.Fields["from"] = "Choose a period of ten years or less."
		}
	}
	if len(e.Fields) > 0 {
		f.Outlet = got.Outlet
		if _, bad := e.Fields["outlet"]; bad {
			f.Outlet = ""
		}
		return f, e
	}
	return got, nil
}

// Days is the number of days in the period.
func (f DeskFilter) Days() int { return int(f.To.Sub(f.From)/(24*time.Hour)) + 1 }

// DeskDay counts what happened on one day (or, in Weeks, one week).
type DeskDay struct {
	Day                                  time.Time
	Added, Accepted, Approved, Dismissed int
}

// TimeToApproval sums up how long approval took: median and 90th
// percentile, read from counts of durations in buckets about 10% wide.
type TimeToApproval struct {
	Count       int
	Median, P90 time.Duration
}

// PersonWork is what one reviewer or editor did in the period.
type PersonWork struct {
	UserID    int64
	Name      string
	Submitted int // verdicts submitted (reviewers)
	Approved  int // of theirs approved (reviewers) or approved by them (editors)
	Returned  int // of theirs returned (reviewers) or returned by them (editors)
}

// RatingCount is how many verdicts got one rating.
type RatingCount struct {
	RatingID int64
	Rating   string
	N        int
}

// RatingMix is an outlet's or a claimant's approved verdicts by rating,
// in the order of Desk.Ratings.
type RatingMix struct {
	Name     string
	Total    int
	ByRating []int
}

// Desk is the dashboard's whole read model.
type Desk struct {
	Filter  DeskFilter
	Outlets []string // every outlet, for the filter
	Now     time.Time
	// Generation names the state of the desk the figures were read at: two
	// readings with the same filter and generation have the same figures,
	// but for what moves with the clock alone (Now, the oldest claim's
	// wait, the overdue count).
	Generation int64

	Days []DeskDay // every day of the period, oldest first
	// Totals over the period.
	Added, Accepted, Approved, Dismissed, Returned, Reopened int

	// The queue now (not limited to the period).
	States        map[ClaimState]int
	OldestWaiting time.Time // when the longest-waiting queued claim was accepted; zero when none
	Overdue       int       // open claims past their due date

	QueuedToApproved, SubmittedToApproved TimeToApproval

	Ratings      []RatingCount // the scale, in order, with the period's approvals
	Reviewers    []PersonWork
	Editors      []PersonWork
	Returns      [4]int // approved verdicts returned 0, 1, 2, 3 or more times before approval
	TopOutlets   []RatingMix
	TopClaimants []RatingMix
}

// Waiting is how long the oldest queued claim has waited.
func (d *Desk) Waiting() time.Duration {
	if d.OldestWaiting.IsZero() {
		return 0
	}
	return d.Now.Sub(d.OldestWaiting)
}

// ReturnsPerVerdict is the average number of returns per approved verdict.
func (d *Desk) ReturnsPerVerdict() float64 {
	n, sum := 0, 0
	for i, k := range d.Returns {
		n += k
		sum += i * k
	}
	if n == 0 {
		return 0
	}
	return float64(sum) / float64(n)
}

// Weeks adds the days up by week, each week starting on a Monday; the
// first and last weeks may be partial.
func (d *Desk) Weeks() []DeskDay {
	var weeks []DeskDay
	for _, day := range d.Days {
		start := day.Day.AddDate(0, 0, -((int(day.Day.Weekday()) + 6) % 7))
		if len(weeks) == 0 || !weeks[len(weeks)-1].Day.Equal(start) {
			weeks = append(weeks, DeskDay{Day: start})
		}
		w := &weeks[len(weeks)-1]
		w.Added += day.Added
		w.Accepted += day.Accepted
		w.Approved += day.Approved
		w.Dismissed += day.Dismissed
	}
	return weeks
}

// DurationBucket is the bucket a duration is counted in: buckets are about
// 10% wide, bucket b holding durations near exp(b/10) - 1 minutes. The
// database triggers compute the same with ln().
func DurationBucket(d time.Duration) int {
	return int(math.Round(math.Log1p(math.Max(0, d.Minutes())) * 10))
}

// BucketDuration is the duration at the middle of bucket b.
func BucketDuration(b int) time.Duration {
	return time.Duration(math.Expm1(float64(b)/10) * float64(time.Minute)).Round(time.Second)
}

// ApprovalTimes reads the median and 90th percentile from counts by bucket.
func ApprovalTimes(buckets map[int]int) TimeToApproval {
	var keys []int
	total := 0
	for b, n := range buckets {
		if n > 0 {
			keys = append(keys, b)
			total += n
		}
	}
	sort.Ints(keys)
	t := TimeToApproval{Count: total}
	if total == 0 {
		return t
	}
	at := func(p float64) time.Duration {
		// The smallest bucket holding at least p of the durations.
		need := int(math.Ceil(p * float64(total)))
		seen := 0
		for _, b := range keys {
			seen += buckets[b]
			if seen >= need {
				return BucketDuration(b)
			}
		}
		return BucketDuration(keys[len(keys)-1])
	}
	t.Median, t.P90 = at(0.5), at(0.9)
	return t
}
