package storage

import (
	"math/rand/v2"
	"testing"
	"time"
)

// Every day of a period is counted exactly once by its cover, and no day
// outside it, whatever month rows and months' first days the cover chose;
// the month of today is never read from its row.
func TestCoverOfCountsEachDayOnce(t *testing.T) {
	rnd := rand.New(rand.NewPCG(3, 5))
	base := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := 0; i < 2000; i++ {
		from := base.AddDate(0, 0, rnd.IntN(1000))
		to := from.AddDate(0, 0, rnd.IntN(800))
		today := from.AddDate(0, 0, rnd.IntN(1000)-100)
		count := map[string]int{}
		cover := coverOf(from, to, today)
		for _, sp := range cover {
			last := sp.month.AddDate(0, 1, -1)
			if sp.through == 0 && !today.Before(sp.month) && !today.After(last) {
				t.Fatalf("%s to %s (today %s): the month of today read from its row; cover %v",
					from.Format(time.DateOnly), to.Format(time.DateOnly), today.Format(time.DateOnly), cover)
			}
			if sp.through != 0 {
				last = sp.month.AddDate(0, 0, sp.through-1)
			}
			for d := sp.month; !d.After(last); d = d.AddDate(0, 0, 1) {
				count[d.Format(time.DateOnly)] += sp.sign
			}
		}
		if len(cover) > 2*(int(to.Sub(from)/(24*time.Hour))/28+2) {
			t.Fatalf("%s to %s: %d terms", from.Format(time.DateOnly), to.Format(time.DateOnly), len(cover))
		}
		for d := from.AddDate(0, -2, 0); d.Before(to.AddDate(0, 2, 0)); d = d.AddDate(0, 0, 1) {
			want := 0
			if !d.Before(from) && !d.After(to) {
				want = 1
			}
			if got := count[d.Format(time.DateOnly)]; got != want {
				t.Fatalf("%s to %s (today %s): %s counted %d times, want %d; cover %v",
					from.Format(time.DateOnly), to.Format(time.DateOnly), today.Format(time.DateOnly), d.Format(time.DateOnly), got, want, cover)
			}
		}
	}
}
