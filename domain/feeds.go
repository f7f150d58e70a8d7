package domain

import (
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// FeedSubscription is a ClaimReview feed the newsroom reads on a schedule:
// other fact-checkers' published checks come in as imported checks.
type FeedSubscription struct {
	ID        int64
	URL       string
	Every     time.Duration // how often it is fetched
	CreatedBy string        // who subscribed
	CreatedAt time.Time
	NextFetch time.Time // when the worker fetches it next

	// The last fetch: when, what it did, and what went wrong (empty when it
	// worked). Zero before the first.
	FetchedAt                          time.Time
	Added, Updated, Unchanged, Skipped int
	SkipNote                           string // why the first items were skipped
	Error                              string
}

// Feed limits.
const (
	MinFeedInterval     = 15 * time.Minute
	MaxFeedInterval     = 7 * 24 * time.Hour
	DefaultFeedInterval = 6 * time.Hour
	MaxFeeds            = 50
	maxFeedURLBytes     = 2000
)

// FeedIntervals are the schedules offered in the browser; any whole number
// of minutes between the limits is accepted.
var FeedIntervals = []time.Duration{15 * time.Minute, time.Hour, 6 * time.Hour, 24 * time.Hour, 7 * 24 * time.Hour}

// IntervalLabel names a schedule for people.
func IntervalLabel(d time.Duration) string {
	switch {
	case d%(7*24*time.Hour) == 0:
		return plural(int(d/(7*24*time.Hour)), "week")
	case d%(24*time.Hour) == 0:
		return plural(int(d/(24*time.Hour)), "day")
	case d%time.Hour == 0:
		return plural(int(d/time.Hour), "hour")
	}
	return plural(int(d/time.Minute), "minute")
}

func plural(n int, unit string) string {
	if n == 1 {
		return "every " + unit
	}
	return "every " + strconv.Itoa(n) + " " + unit + "s"
}

// CanManageFeeds reports whether u may subscribe to feeds, remove them or
// fetch them now: editors and admins, as for file imports.
func CanManageFeeds(u *User) bool { return CanEdit(u) }

// FeedInput is a subscription as typed: the feed's address and the minutes
// between fetches ("" for the default).
type FeedInput struct {
	URL, EveryMinutes string
	// Allow lets through internal addresses it accepts: the fetcher's own
	// explicit allowance (tests reach their loopback server with it),
	// never set in production.
	Allow func(netip.Addr) bool
}

// FeedInternalMessage is what an editor is told when a feed's address
// names a host inside the newsroom's own network.
const FeedInternalMessage = "Use the feed's public address: addresses inside the newsroom's own network (localhost, loopback, private or link-local addresses) are not fetched."

// Subscribe decides a new subscription: who may, a valid web address not
// plainly inside the newsroom's network, a
// schedule within the limits, no more than MaxFeeds, and not one already
// there. The first fetch is due at once.
func Subscribe(by *User, in FeedInput, existing []FeedSubscription, now time.Time) (FeedSubscription, Event, error) {
	if !CanManageFeeds(by) {
		return FeedSubscription{}, Event{}, Errorf(EFORBIDDEN, "Only editors can subscribe to feeds.")
	}
	bad := map[string]string{}
	u, msg := checkFeedURL(in.URL)
	if msg == "" && internalWebhookHost(u, in.Allow) {
		// Plainly internal: refused now rather than at every fetch. A name
		// that resolves to such an address is refused by the fetcher.
		msg = FeedInternalMessage
	}
	if msg != "" {
		bad["url"] = msg
	}
	every := DefaultFeedInterval
	if s := strings.TrimSpace(in.EveryMinutes); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || time.Duration(n)*time.Minute < MinFeedInterval || time.Duration(n)*time.Minute > MaxFeedInterval {
			bad["every"] = "Fetch it between every 15 minutes and once a week."
		} else {
			every = time.Duration(n) * time.Minute
		}
	}
	if msg == "" {
		for _, f := range existing {
			if f.URL == u {
				bad["url"] = "That feed is already subscribed."
			}
		}
		if len(existing) >= MaxFeeds {
			bad["url"] = "There are already " + strconv.Itoa(MaxFeeds) + " feeds; remove one first."
		}
	}
	if len(bad) > 0 {
		m := "Check the feed's details."
		if len(bad) == 1 {
			for _, v := range bad {
				m = v
			}
		}
		return FeedSubscription{}, Event{}, &Error{Code: EINVALID, Message: m, Fields: bad}
	}
	f := FeedSubscription{URL: u, Every: every, CreatedBy: by.Email, CreatedAt: now, NextFetch: now}
	return f, Event{Action: "feed.subscribed", Entity: "feed", After: FeedRecordOf(f)}, nil
}

// Unsubscribe decides removing a feed; the checks it brought stay.
func Unsubscribe(by *User, f FeedSubscription) (Event, error) {
	if !CanManageFeeds(by) {
		return Event{}, Errorf(EFORBIDDEN, "Only editors can remove feeds.")
	}
	return Event{Action: "feed.removed", Entity: "feed", EntityID: f.ID, Before: FeedRecordOf(f)}, nil
}

// FetchNow decides asking for a fetch before the schedule's next one.
func FetchNow(by *User, f FeedSubscription, now time.Time) (FeedSubscription, Event, error) {
	if !CanManageFeeds(by) {
		return f, Event{}, Errorf(EFORBIDDEN, "Only editors can fetch feeds.")
	}
	before := f.NextFetch
	f.NextFetch = now
	return f, Event{Action: "feed.fetch_requested", Entity: "feed", EntityID: f.ID,
		Before: map[string]string{"next_fetch": before.UTC().Format(time.RFC3339)}, After: map[string]string{"next_fetch": now.UTC().Format(time.RFC3339)}}, nil
}

// Fetched records a fetch's outcome and schedules the next one: after the
// feed's interval, or sooner after a failure (but never sooner than
// MinFeedInterval), so a feed that is down is not asked every tick.
func Fetched(f FeedSubscription, sum ImportSummary, failure string, now time.Time) (FeedSubscription, Event) {
	f.FetchedAt, f.Error = now, failure
	f.Added, f.Updated, f.Unchanged, f.Skipped = sum.Added, sum.Updated, sum.Unchanged, len(sum.Skipped)
	var why []string
	for _, s := range sum.Skipped[:min(len(sum.Skipped), 5)] {
		why = append(why, "item "+strconv.Itoa(s.Item)+": "+s.Reason)
	}
	f.SkipNote = strings.Join(why, "; ")
	f.NextFetch = now.Add(f.Every)
	if failure != "" {
		f.NextFetch = now.Add(max(MinFeedInterval, min(f.Every, time.Hour)))
	}
	after := map[string]any{"added": sum.Added, "updated": sum.Updated, "unchanged": sum.Unchanged, "skipped": len(sum.Skipped)}
	if failure != "" {
		after["error"] = failure
	}
	return f, Event{Action: "feed.fetched", Entity: "feed", EntityID: f.ID, After: after}
}

// FeedRecord is what the audit log keeps of a subscription.
type FeedRecord struct {
	URL          string `json:"url"`
	EveryMinutes int    `json:"every_minutes"`
}

// FeedRecordOf is the audit log's view of f.
func FeedRecordOf(f FeedSubscription) FeedRecord {
	return FeedRecord{URL: f.URL, EveryMinutes: int(f.Every / time.Minute)}
}

// checkFeedURL reads a feed's address: http or https, a host, no user name
// or password. The fetcher refuses internal addresses when it connects.
func checkFeedURL(raw string) (string, string) {
	raw = strings.TrimSpace(raw)
	switch {
	case raw == "":
		return "", "Enter the feed's address."
	case len(raw) > maxFeedURLBytes:
		return "", "That address is too long."
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "", "That does not look like a web address."
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "https":
	case "":
		return "", "Enter the full address, starting with https:// or http://."
	default:
		return "", "Enter a web address starting with https:// or http://."
	}
	if u.Hostname() == "" {
		return "", "That address has no site name in it, such as example.com."
	}
	if u.User != nil {
		return "", "That address contains a user name or password. Remove it and try again."
	}
	u.Fragment = ""
	return u.String(), ""
}
