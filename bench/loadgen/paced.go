package main

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"claimtrail/storage"
)

// The desk paced (loadgen desk -rate N): the same reviewers and editors as
// the closed loop, but each sends its requests at fixed times, so together
// they ask for N changes (verdict saves, submits and approvals) a second
// whatever the server does. A closed loop of C clients measures a queue:
// its mean latency is C ÷ throughput whatever the server's own speed. Here
// each request has a scheduled send time and its latency counts from that
// time, not from when it was sent: a client still waiting for an earlier
// answer sends late, and the wait shows in the latency (no coordinated
// omission). Every request scheduled inside the run is sent and answered,
// up to pacedDrain after its end; what could not be sent by then is
// reported as unsent.
//
// Per claim a reviewer sends three requests (take, save, submit: two
// changes) and an editor one (approve): N changes a second are N/3 claims a
// second, N requests a second from the reviewers together and N/3 from the
// editors. Each client's times are spaced evenly and the clients' first
// times are spread over one interval, so the requests arrive evenly.
// Editors find what to approve by listing submitted claims in the
// background whenever fewer than 64 wait (not paced, not a change); an
// approval whose time comes with nothing listed waits for the next list,
// its latency still counted from its scheduled time (and it is counted in
// approvals_waiting_for_a_list).

const pacedDrain = 10 * time.Second

// schedule hands one client its send times.
type schedule struct {
	next  time.Time
	every time.Duration
	end   time.Time // no time at or after it is handed out
}

// wait returns the client's next send time once it has come (at once when
// the client is behind), and false when the run is over or cut short.
func (s *schedule) wait(ctx context.Context) (time.Time, bool) {
	t := s.next
	if !t.Before(s.end) {
		return t, false
	}
	s.next = t.Add(s.every)
	if d := time.Until(t); d > 0 {
		timer := time.NewTimer(d)
		defer timer.Stop()
		select {
		case <-timer.C:
		case <-ctx.Done():
			s.next = t // never sent
			return t, false
		}
	}
	return t, ctx.Err() == nil
}

func deskPaced(ctx context.Context, base string, revs, eds []account, rate float64, duration time.Duration, ackPath string) error {
	if len(revs) == 0 || len(eds) == 0 {
		return fmt.Errorf("a paced desk needs reviewers and editors")
	}
	acks, err := openAck(ackPath)
	if err != nil {
		return err
	}
	defer acks.close()
	c := newClient(len(revs) + 2*len(eds))
	lat := newLatencies()
	revEvery := time.Duration(float64(len(revs)) / rate * float64(time.Second))
	edEvery := time.Duration(float64(len(eds)) * 3 / rate * float64(time.Second))
	start := time.Now().Add(100 * time.Millisecond)
	end := start.Add(duration)
	// Requests scheduled inside the run are sent and answered until hard;
	// listing stops at the end.
	hardCtx, cancelHard := context.WithDeadline(ctx, end.Add(pacedDrain))
	defer cancelHard()
	listCtx, cancelList := context.WithDeadline(ctx, end)
	defer cancelList()
	var unsent, waited, byEnd atomic.Int64
	var wg sync.WaitGroup

	// timed sends one request scheduled at sched and files its latency,
	// counted from sched, or its failure.
	timed := func(op string, sched time.Time, f func() (int, error)) bool {
		st, err := f()
		if err == nil && st == http.StatusOK {
			now := time.Now()
			lat.add(op, now.Sub(sched))
			if op != "take" && now.Before(end) {
				byEnd.Add(1)
			}
			return true
		}
		if hardCtx.Err() != nil {
			unsent.Add(1)
			return false
		}
		lat.fail(op)
		return false
	}
	left := func(s *schedule) { // times handed out that were never sent
		for t := s.next; t.Before(s.end); t = t.Add(s.every) {
			unsent.Add(1)
		}
	}

	text := storage.NewBenchText()
	for i, a := range revs {
		s := &schedule{next: start.Add(revEvery * time.Duration(i) / time.Duration(len(revs))), every: revEvery, end: end}
		vt := newVerdictText(text, i)
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer left(s)
			n := 0
			for {
				sched, ok := s.wait(hardCtx)
				if !ok {
					return
				}
				var cl apiClaim
				if !timed("take", sched, func() (int, error) {
					return call(hardCtx, c, "POST", base+"/api/v1/queue/next", a.token, nil, &cl)
				}) || cl.Verdict == nil {
					continue
				}
				acks.log("taken", cl.ID, a.email)
				n++
				id := strconv.FormatInt(cl.ID, 10)
				conclusion, verdict := vt.verdict(n, cl.Verdict.Version)
				if sched, ok = s.wait(hardCtx); !ok {
					return
				}
				if !timed("save", sched, func() (int, error) {
					return call(hardCtx, c, "PUT", base+"/api/v1/claims/"+id+"/verdict", a.token, verdict, nil)
				}) {
					continue
				}
				acks.log("saved", cl.ID, conclusion)
				if sched, ok = s.wait(hardCtx); !ok {
					return
				}
				if timed("submit", sched, func() (int, error) {
					return call(hardCtx, c, "POST", base+"/api/v1/claims/"+id+"/submit", a.token, nil, nil)
				}) {
					acks.log("submitted", cl.ID, a.email)
				}
			}
		}()
	}
	for e, a := range eds {
		todo := make(chan int64, 4096)
		wg.Add(2)
		go func() { // list what waits for approval, this editor's share of it
			defer wg.Done()
			seen := map[int64]bool{}
			cursor := ""
			for listCtx.Err() == nil {
				if len(todo) >= 64 { // enough to approve for now
					select {
					case <-time.After(25 * time.Millisecond):
					case <-listCtx.Done():
					}
					continue
				}
				var list struct {
					Claims []apiClaim `json:"claims"`
					Next   *string    `json:"next_cursor"`
				}
				u := base + "/api/v1/claims?state=submitted&limit=200"
				if cursor != "" {
					u += "&cursor=" + url.QueryEscape(cursor)
				}
				t0 := time.Now()
				if st, err := call(listCtx, c, "GET", u, a.token, nil, &list); err == nil && st == http.StatusOK {
					// Page on through the waiting claims, from the top again
					// after the last page.
					cursor = ""
					if list.Next != nil {
						cursor = *list.Next
					}
					lat.add("list", time.Since(t0))
				} else if listCtx.Err() == nil {
					lat.fail("list")
				}
				for _, cl := range list.Claims {
					if cl.ID%int64(len(eds)) == int64(e) && !seen[cl.ID] && len(todo) < cap(todo) {
						seen[cl.ID] = true
						todo <- cl.ID
					}
				}
				select {
				case <-time.After(25 * time.Millisecond):
				case <-listCtx.Done():
				}
			}
		}()
		s := &schedule{next: start.Add(edEvery * time.Duration(e) / time.Duration(len(eds))), every: edEvery, end: end}
		go func() {
			defer wg.Done()
			defer left(s)
			for {
				sched, ok := s.wait(hardCtx)
				if !ok {
					return
				}
				// Nothing listed yet: wait for it, the time counting from
				// sched all the same.
				var id int64
				select {
				case id = <-todo:
				default:
					waited.Add(1)
					select {
					case id = <-todo:
					case <-hardCtx.Done():
						unsent.Add(1)
						return
					}
				}
				if timed("approve", sched, func() (int, error) {
					return call(hardCtx, c, "POST", base+"/api/v1/claims/"+strconv.FormatInt(id, 10)+"/approve", a.token, nil, nil)
				}) {
					acks.log("approved", id, a.email)
				}
			}
		}()
	}
	wg.Wait()
	drained := time.Since(end)
	fmt.Printf("desk paced at %.0f changes/s: %d reviewers (a request every %s each), %d editors (an approval every %s each), %s, answered %s after the end:\n",
		rate, len(revs), revEvery.Round(100*time.Microsecond), len(eds), edEvery.Round(100*time.Microsecond), duration, drained.Round(time.Millisecond))
	var changes []time.Duration
	for _, op := range []string{"save", "submit", "approve"} {
		changes = append(changes, lat.byOp[op]...)
	}
	fmt.Printf("(latency counted from each request's scheduled send time; %d changes answered by the end, %d after it)\n", byEnd.Load(), len(changes)-int(byEnd.Load()))
	lat.report(os.Stdout, duration, "take", "save", "submit", "approve", "list")
	slices.Sort(changes)
	var slowest time.Duration
	if len(changes) > 0 {
		slowest = changes[len(changes)-1]
	}
	fmt.Printf("RESULT desk-paced target_per_s=%.0f changes_per_s=%.1f p50_ms=%s p99_ms=%s p999_ms=%s max_ms=%s takes_per_s=%.1f take_p99_ms=%s errors=%d unsent=%d approvals_waiting_for_a_list=%d\n",
		rate, float64(byEnd.Load())/duration.Seconds(), ms(pct(changes, 0.5)), ms(pct(changes, 0.99)), ms(pct(changes, 0.999)), ms(slowest),
		float64(len(lat.byOp["take"]))/duration.Seconds(), ms(pct(lat.byOp["take"], 0.99)),
		lat.errs["save"]+lat.errs["submit"]+lat.errs["approve"], unsent.Load(), waited.Load())
	return nil
}
