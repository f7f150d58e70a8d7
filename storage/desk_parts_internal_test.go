package storage

import (
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

// Every day of a period is counted exactly once by its parts, and no day
// outside it, whatever months and days the parts chose to read.
func TestPartsOfCountEachDayOnce(t *testing.T) {
	rnd := rand.New(rand.NewPCG(3, 5))
	base := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := 0; i < 2000; i++ {
		from := base.AddDate(0, 0, rnd.IntN(1000))
		to := from.AddDate(0, 0, rnd.IntN(800))
		today := from.AddDate(0, 0, rnd.IntN(1000)-100)
		count := map[string]int{}
		for _, p := range partsOf(from, to, today) {
			var a, b time.Time
			if strings.HasPrefix(p.from, "M") {
				a, _ = time.Parse("2006-01", p.from[1:])
				b, _ = time.Parse("2006-01", p.to[1:])
				b = b.AddDate(0, 1, -1)
			} else {
				a, _ = time.Parse(time.DateOnly, p.from)
				b, _ = time.Parse(time.DateOnly, p.to)
			}
			for d := a; !d.After(b); d = d.AddDate(0, 0, 1) {
				count[d.Format(time.DateOnly)] += p.sign
			}
		}
		for d := from.AddDate(0, -2, 0); d.Before(to.AddDate(0, 2, 0)); d = d.AddDate(0, 0, 1) {
			want := 0
			if !d.Before(from) && !d.After(to) {
				want = 1
			}
			if got := count[d.Format(time.DateOnly)]; got != want {
				t.Fatalf("%s to %s (today %s): %s counted %d times, want %d; parts %v",
					from.Format(time.DateOnly), to.Format(time.DateOnly), today.Format(time.DateOnly), d.Format(time.DateOnly), got, want, partsOf(from, to, today))
			}
		}
	}
}
