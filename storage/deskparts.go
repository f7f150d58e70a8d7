package storage

import (
	"context"
	"slices"
	"sync"
	"time"

	"claimtrail/domain"
)

// deskParts keeps the counters of each day and month as read from
// desk_counts, for one outlet or all, so that a period is worked out in
// memory from the days and months it covers and only the periods whose
// counters have moved since are read again. A period's counters move only
// through desk_event, whose trigger (migration 215) counts each change of
// the day and the month in desk_changes in the same transaction; a recount
// (RebuildDesk) moves desk_changes' epoch (period ”), which ends every
// kept part. A part is kept with the change count and epoch it was read
// at, and handed out only to a reading whose snapshot shows the same two:
// then no change has been committed to the period in between.
type deskParts struct {
	mu     sync.Mutex
	parts  map[deskPartKey]*deskCounted
	queues map[string]*deskQueue // by outlet
	size   int                   // counts held, summed over parts
	tick   uint64                // recency
}

// deskPartKey names a kept part: outlet (allOutlets for all), and a
// desk_counts period (a day YYYY-MM-DD or a month MYYYY-MM), or "S" and a
// month (SYYYY-MM) for that month's day-by-day series.
type deskPartKey struct {
	outlet, period string
}

// deskCounted is one period's counters as read.
type deskCounted struct {
	epoch, changes int64
	used           uint64

	// totals by metric (deskTotals, by index) and key.
	totals []map[string]int
	// claimantRatings: for each claimant, its approved verdicts by rating id.
	claimantRatings map[string]map[string]int
	// outletRatings: for all outlets' parts, each outlet's approved
	// verdicts by rating id.
	outletRatings map[string]map[string]int
	// series: for an "S" part, each day of the month (index day-1) by
	// metric (deskSeries, by index).
	series [][4]int
	size   int
}

// deskPartsLimit bounds the counts kept over all parts (a count is about
// 60 bytes); the least recently used parts go first.
const deskPartsLimit = 1_000_000

// deskStamp is a period's change count in one snapshot.
type deskStamp struct {
	epoch, changes int64
}

func (c *deskParts) get(k deskPartKey, s deskStamp) *deskCounted {
	c.mu.Lock()
	defer c.mu.Unlock()
	p := c.parts[k]
	if p == nil || p.epoch != s.epoch || p.changes != s.changes {
		return nil
	}
	c.tick++
	p.used = c.tick
	return p
}

func (c *deskParts) put(k deskPartKey, p *deskCounted) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.parts == nil {
		c.parts = map[deskPartKey]*deskCounted{}
	}
	if old := c.parts[k]; old != nil {
		if old.epoch > p.epoch || (old.epoch == p.epoch && old.changes > p.changes) {
			return // a later reading is kept already
		}
		c.size -= old.size
	}
	c.tick++
	p.used = c.tick
	c.parts[k] = p
	c.size += p.size
	if c.size <= deskPartsLimit {
		return
	}
	// Drop the least recently used until a quarter is free.
	type aged struct {
		k    deskPartKey
		used uint64
	}
	all := make([]aged, 0, len(c.parts))
	for k, p := range c.parts {
		all = append(all, aged{k, p.used})
	}
	slices.SortFunc(all, func(a, b aged) int { return int(int64(a.used) - int64(b.used)) })
	for _, a := range all {
		if c.size <= deskPartsLimit*3/4 {
			break
		}
		c.size -= c.parts[a.k].size
		delete(c.parts, a.k)
	}
}

// deskStamps reads, in tx's snapshot, the epoch and the change counts of
// the days from first to last and the months from firstMonth to lastMonth
// (desk_counts periods).
func deskStamps(ctx context.Context, tx *Tx, first, last, firstMonth, lastMonth string) (epoch int64, changes map[string]int64, err error) {
	changes = map[string]int64{}
	err = eachRow(ctx, tx, func(r scanner) error {
		var period string
		var n int64
		if err := r.Scan(&period, &n); err != nil {
			return err
		}
		if period == "" {
			epoch = n
		} else {
			changes[period] = n
		}
		return nil
	}, `SELECT period, n FROM desk_changes WHERE period = ''
		UNION ALL SELECT period, n FROM desk_changes WHERE period BETWEEN ? AND ?
		UNION ALL SELECT period, n FROM desk_changes WHERE period BETWEEN ? AND ?`, first, last, firstMonth, lastMonth)
	return epoch, changes, err
}

// deskTotalsIndex maps a metric of deskTotals to its index.
var deskTotalsIndex = func() map[string]int {
	m := map[string]int{}
	for i, name := range deskTotals {
		m[name] = i
	}
	return m
}()

// readDeskPart reads one day's or month's counters for outlet.
func readDeskPart(ctx context.Context, tx *Tx, outlet, period string, s deskStamp) (*deskCounted, error) {
	p := &deskCounted{epoch: s.epoch, changes: s.changes, totals: make([]map[string]int, len(deskTotals)),
		claimantRatings: map[string]map[string]int{}}
	for i := range p.totals {
		p.totals[i] = map[string]int{}
	}
	err := eachRow(ctx, tx, func(r scanner) error {
		var metric, key string
		var n int
		if err := r.Scan(&metric, &key, &n); err != nil {
			return err
		}
		if n == 0 {
			return nil
		}
		p.size++
		if metric == "claimant_rating" {
			name, rating, _ := cutUnit(key)
			m := p.claimantRatings[name]
			if m == nil {
				m = map[string]int{}
				p.claimantRatings[name] = m
			}
			m[rating] += n
			return nil
		}
		if i, ok := deskTotalsIndex[metric]; ok {
			p.totals[i][key] += n
		}
		return nil
	}, `SELECT metric, key, n FROM desk_counts WHERE outlet = ? AND metric IN (`+deskPartMetrics+`) AND period = ?`, outlet, period)
	if err != nil {
		return nil, err
	}
	if outlet != allOutlets {
		return p, nil
	}
	p.outletRatings = map[string]map[string]int{}
	err = eachRow(ctx, tx, func(r scanner) error {
		var outlet, rating string
		var n int
		if err := r.Scan(&outlet, &rating, &n); err != nil {
			return err
		}
		if n == 0 {
			return nil
		}
		p.size++
		m := p.outletRatings[outlet]
		if m == nil {
			m = map[string]int{}
			p.outletRatings[outlet] = m
		}
		m[rating] += n
		return nil
	}, `SELECT outlet, key, n FROM desk_counts WHERE outlet IN (SELECT DISTINCT outlet FROM desk_states WHERE outlet <> ' ')
		AND metric = 'rating' AND period = ?`, period)
	if err != nil {
		return nil, err
	}
	return p, nil
}

// deskPartMetrics lists, for SQL, the metrics a part holds: deskTotals and
// claimant_rating.
var deskPartMetrics = func() string {
	s := "'claimant_rating'"
	for _, m := range deskTotals {
		s += ", '" + m + "'"
	}
	return s
}()

// readDeskSeries reads the day-by-day series of the month starting at
// month for outlet.
func readDeskSeries(ctx context.Context, tx *Tx, outlet string, month time.Time, s deskStamp) (*deskCounted, error) {
	days := month.AddDate(0, 1, -1).Day()
	p := &deskCounted{epoch: s.epoch, changes: s.changes, series: make([][4]int, days), size: days}
	err := eachRow(ctx, tx, func(r scanner) error {
		var metric, period string
		var n int
		if err := r.Scan(&metric, &period, &n); err != nil {
			return err
		}
		t, err := time.Parse(time.DateOnly, period)
		if err != nil || t.Year() != month.Year() || t.Month() != month.Month() {
			return nil
		}
		if i := slices.Index(deskSeries, metric); i >= 0 {
			p.series[t.Day()-1][i] += n
		}
		return nil
	}, `SELECT metric, period, n FROM desk_counts WHERE outlet = ? AND metric IN ('added', 'accepted', 'approved', 'dismissed')
		AND period BETWEEN ? AND ?`, outlet, month.Format(time.DateOnly), month.AddDate(0, 1, -1).Format(time.DateOnly))
	if err != nil {
		return nil, err
	}
	return p, nil
}

// cutUnit splits a claimant_rating key into the name and the rating id.
func cutUnit(key string) (name, rating string, ok bool) {
	for i := len(key) - 1; i >= 0; i-- {
		if key[i] == 0x1f {
			return key[:i], key[i+1:], true
		}
	}
	return key, "", false
}

// deskQueue is the queue as it stands for one outlet (or all), the same
// for every period: kept for the desk generation it was read at, and
// until the clock passes the next open claim's due date.
type deskQueue struct {
	gen     int64
	read    time.Time
	until   time.Time // the next open claim's due date after read; zero when none
	states  map[domain.ClaimState]int
	oldest  time.Time
	overdue int
	outlets []string
}

// deskQueuesKept bounds how many outlets' queues are kept.
const deskQueuesKept = 64

// queue returns the queue for outlet at generation gen, kept or read.
func (c *deskParts) queue(ctx context.Context, tx *Tx, outlet string, gen int64) (*deskQueue, error) {
	c.mu.Lock()
	q := c.queues[outlet]
	c.mu.Unlock()
	if q != nil && (&deskEntry{gen: q.gen, read: q.read, until: q.until}).fresh(gen, tx.now) {
		return q, nil
	}
	q, err := readDeskQueue(ctx, tx, outlet)
	if err != nil {
		return nil, err
	}
	q.gen = gen
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.queues == nil || len(c.queues) >= deskQueuesKept {
		c.queues = map[string]*deskQueue{}
	}
	c.queues[outlet] = q
	return q, nil
}
