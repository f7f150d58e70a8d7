package domain

import (
	"net/netip"
	"testing"
	"time"
)

func TestParseSearchFilter(t *testing.T) {
	for _, c := range []struct {
		in     map[string]string
		fields []string // at fault
		limit  int
	}{
		{map[string]string{}, nil, DefaultSearchLimit},
		{map[string]string{"kind": "verdict", "state": "approved", "type": "quantity", "rating": " Mostly  false ", "from": "2024-01-01", "to": "2024-12-31", "limit": "5"}, nil, 5},
		{map[string]string{"kind": "tweet"}, []string{"kind"}, 0},
		{map[string]string{"state": "candidate"}, []string{"state"}, 0},
		{map[string]string{"type": "rumour"}, []string{"type"}, 0},
		{map[string]string{"from": "2024-13-01"}, []string{"from"}, 0},
		{map[string]string{"from": "1850-01-01"}, []string{"from"}, 0},
		{map[string]string{"from": "2024-05-01", "to": "2024-04-01"}, []string{"to"}, 0},
		{map[string]string{"outlet": "a\x00b"}, []string{"outlet"}, 0},
		{map[string]string{"claimant": string(make([]byte, 300))}, []string{"claimant"}, 0},
		{map[string]string{"limit": "0"}, []string{"limit"}, 0},
		{map[string]string{"limit": "51", "kind": "x"}, []string{"kind", "limit"}, 0},
	} {
		f, limit, err := ParseSearchFilter(func(k string) string { return c.in[k] })
		if len(c.fields) == 0 {
			if err != nil || limit != c.limit {
				t.Errorf("%v: %v, limit %d", c.in, err, limit)
			}
			continue
		}
		e, ok := err.(*Error)
		if !ok || e.Code != EINVALID || len(e.Fields) != len(c.fields) {
			t.Errorf("%v: %v, want fields %v", c.in, err, c.fields)
			continue
		}
		for _, k := range c.fields {
			if e.Fields[k] == "" {
				t.Errorf("%v: no message on %s", c.in, k)
			}
		}
		if !f.Empty() {
			t.Errorf("%v: a filter with errors is not empty", c.in)
		}
	}
	f, _, _ := ParseSearchFilter(func(k string) string {
		return map[string]string{"rating": " Mostly  false ", "from": "2024-01-01"}[k]
	})
	if f.Rating != "Mostly false" || !f.From.Equal(time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("read as %+v", f)
	}
}

func TestSubscribeRules(t *testing.T) {
	editor := &User{ID: 1, Email: "e@x.example", Role: RoleEditor, Active: true}
	reviewer := &User{ID: 2, Email: "r@x.example", Role: RoleReviewer, Active: true}
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	if _, _, err := Subscribe(reviewer, FeedInput{URL: "https://f.example/x"}, nil, now); ErrorCode(err) != EFORBIDDEN {
		t.Errorf("reviewer: %v", err)
	}
	f, ev, err := Subscribe(editor, FeedInput{URL: " https://f.example/x ", EveryMinutes: "1440"}, nil, now)
	if err != nil || f.Every != 24*time.Hour || !f.NextFetch.Equal(now) || ev.Action != "feed.subscribed" {
		t.Errorf("subscribe: %+v %+v %v", f, ev, err)
	}
	many := make([]FeedSubscription, MaxFeeds)
	for _, c := range []struct {
		in       FeedInput
		existing []FeedSubscription
		field    string
	}{
		{FeedInput{URL: "javascript:alert(1)"}, nil, "url"},
		{FeedInput{URL: "https:///nohost"}, nil, "url"},
		{FeedInput{URL: "https://f.example/x", EveryMinutes: "14"}, nil, "every"},
		{FeedInput{URL: "https://f.example/x", EveryMinutes: "10081"}, nil, "every"},
		{FeedInput{URL: "https://f.example/x"}, []FeedSubscription{{URL: "https://f.example/x"}}, "url"},
		{FeedInput{URL: "https://f.example/y"}, many, "url"},
	} {
		_, _, err := Subscribe(editor, c.in, c.existing, now)
		if e, ok := err.(*Error); !ok || e.Fields[c.field] == "" {
			t.Errorf("%+v: %v, want a message on %s", c.in, err, c.field)
		}
	}
	failed, _ := Fetched(f, ImportSummary{}, "down", now)
	if !failed.NextFetch.Equal(now.Add(time.Hour)) {
		t.Errorf("after a failure, next fetch %v", failed.NextFetch)
	}
}

// TestSubscribeRefusesPlainlyInternalAddresses: a feed at localhost or a
// literal loopback, private or link-local address is refused when it is
// subscribed, as the chat webhook is, unless the fetcher's explicit
// allowance (tests only) lets that address through; a name is left to the
// fetcher, which refuses it at fetch time if it resolves inside.
func TestSubscribeRefusesPlainlyInternalAddresses(t *testing.T) {
	editor := &User{ID: 1, Email: "e@x.example", Role: RoleEditor, Active: true}
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	loopback := func(a netip.Addr) bool { return a.IsLoopback() }
	for _, c := range []struct {
		url   string
		allow func(netip.Addr) bool
		ok    bool
	}{
		{"http://127.0.0.1:8080/feed.json", nil, false},
		{"http://localhost/feed.json", nil, false},
		{"http://10.1.2.3/feed.json", nil, false},
		{"http://[::1]/feed.json", nil, false},
		{"http://169.254.169.254/latest", nil, false},
		{"https://checks.example/feed.json", nil, true},
		{"http://127.0.0.1:8080/feed.json", loopback, true},
		{"http://10.1.2.3/feed.json", loopback, false},
	} {
		_, _, err := Subscribe(editor, FeedInput{URL: c.url, Allow: c.allow}, nil, now)
		if c.ok != (err == nil) {
			t.Errorf("%s: %v", c.url, err)
		}
		if e, isErr := err.(*Error); !c.ok && (!isErr || e.Fields["url"] != FeedInternalMessage) {
			t.Errorf("%s: %v, want the internal-address message on url", c.url, err)
		}
	}
}
