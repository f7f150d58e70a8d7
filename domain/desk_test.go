package domain

import (
	"testing"
	"time"
)

func TestParseDeskFilter(t *testing.T) {
	now := time.Date(2026, 3, 10, 15, 4, 0, 0, time.UTC)
	day := func(s string) time.Time { d, _ := time.Parse("2006-01-02", s); return d }
	for _, tc := range []struct {
		name, from, to, outlet string
		want                   DeskFilter
		badField               string
	}{
		{"defaults", "", "", "", DeskFilter{From: day("2026-02-11"), To: day("2026-03-10")}, ""},
		{"a period and an outlet", "2025-01-01", "2025-03-31", " Morning Post ", DeskFilter{From: day("2025-01-01"), To: day("2025-03-31"), Outlet: "Morning Post"}, ""},
		{"only a start after today", "2026-04-01", "", "", DeskFilter{From: day("2026-04-01"), To: day("2026-04-01")}, ""},
		{"unreadable start", "last week", "", "", DeskFilter{}, "from"},
		{"unreadable end", "", "2026-02-30", "", DeskFilter{}, "to"},
		{"end before start", "2026-03-01", "2026-02-01", "", DeskFilter{}, "to"},
		{"too long", "2000-01-01", "2026-01-01", "", DeskFilter{}, "from"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseDeskFilter(tc.from, tc.to, tc.outlet, now)
			if tc.badField != "" {
				e, ok := err.(*Error)
				if !ok || e.Code != EINVALID || e.Fields[tc.badField] == "" {
					t.Fatalf("err = %v, want a message on %s", err, tc.badField)
				}
				if got.From != DefaultDeskFilter(now).From {
					t.Errorf("a refused filter still returns the default period, got %v", got)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Errorf("got %+v, %v; want %+v", got, err, tc.want)
			}
		})
	}
}

func TestApprovalTimes(t *testing.T) {
	if got := ApprovalTimes(nil); got != (TimeToApproval{}) {
		t.Errorf("no approvals: %+v", got)
	}
	// Ten approvals: nine within the hour, one after three days.
	b := map[int]int{}
	for i := 0; i < 9; i++ {
		b[DurationBucket(time.Duration(30+i)*time.Minute)]++
	}
	b[DurationBucket(72*time.Hour)]++
	got := ApprovalTimes(b)
	if got.Count != 10 {
		t.Errorf("count %d", got.Count)
	}
	if got.Median < 30*time.Minute || got.Median > 40*time.Minute {
		t.Errorf("median %v, want about 34 minutes", got.Median)
	}
	if got.P90 < 30*time.Minute || got.P90 > 42*time.Minute {
		t.Errorf("p90 %v: the ninth of ten is still within the hour", got.P90)
	}
	b[DurationBucket(72*time.Hour)]++ // now 2 of 11 are slow: p90 is the slow one
	if got := ApprovalTimes(b); got.P90 < 65*time.Hour || got.P90 > 80*time.Hour {
		t.Errorf("p90 %v, want about 72h", got.P90)
	}
	// Each bucket is within 10% of what went in.
	for _, d := range []time.Duration{time.Minute, 17 * time.Minute, 5 * time.Hour, 9 * 24 * time.Hour} {
		if got := BucketDuration(DurationBucket(d)); got < d*9/10 || got > d*11/10 {
			t.Errorf("%v comes back as %v", d, got)
		}
	}
}

func TestDeskWeeks(t *testing.T) {
	d := &Desk{}
	start := time.Date(2026, 3, 5, 0, 0, 0, 0, time.UTC) // a Thursday
	for i := 0; i < 10; i++ {
		d.Days = append(d.Days, DeskDay{Day: start.AddDate(0, 0, i), Added: 1, Approved: i % 2})
	}
	w := d.Weeks()
	// Thursday to Sunday, then Monday to Saturday.
	if len(w) != 2 || !w[0].Day.Equal(time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)) || !w[1].Day.Equal(time.Date(2026, 3, 9, 0, 0, 0, 0, time.UTC)) {
		t.Fatalf("weeks %+v", w)
	}
	if w[0].Added != 4 || w[1].Added != 6 || w[0].Approved != 2 || w[1].Approved != 3 {
		t.Errorf("weeks %+v", w)
	}
}
