package storage

import (
	"context"
	"encoding/json"
	"slices"
	"strconv"
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
	// keys numbers each metric's keys (deskPartMetrics), so that a period
	// is summed in arrays rather than maps of strings. Numbers are only
	// ever added.
	keys [deskPartMetricCount]deskKeys
	// outlets numbers the outlets outletRating's keys name.
	outlets deskKeys
	// names of people by id, read at desk generation namesGen (a renamed
	// person moves the generation).
	names    map[int64]string
	namesGen int64
	// What else a reading needs that moves only with the desk generation,
	// read at generation memoGen: the change counts of the days and months
	// of a span of months (by its first and last month), and the rating
	// scale.
	memoGen int64
	stamped map[[2]time.Time]deskStamped
	scale   []domain.RatingCount
}

// deskStamped is deskStamps' answer for a span of months.
type deskStamped struct {
	epoch   int64
	changes map[string]int64
}

// deskStampedKept bounds how many spans of months' change counts are kept
// for one generation.
const deskStampedKept = 256

// deskKeys numbers one metric's keys, each read once as what it stands
// for: a number (a person's, a rating's or a bucket's id), and for
// outletRating an outlet (numbered among outlets) and a rating id.
type deskKeys struct {
	ids   map[string]int32
	names []string
	// nums holds each key as a number (for outletRating: its rating id),
	// isNum whether it is one.
	nums  []int64
	isNum []bool
	// outlets: for outletRating, each key's outlet by its number among
	// deskParts.outlets.
	outlets []int32
}

// outletRating is the index, among a part's totals, of each outlet's
// approved verdicts by rating (key: outlet, unit separator, rating id),
// after deskTotals; read for all outlets' parts only.
const outletRating = len(deskTotals)

const deskPartMetricCount = len(deskTotals) + 1

// deskCount is a numbered key's count.
type deskCount struct {
	id int32
	n  int32
}

// keyCount is a key's count summed over a period, with the key's number
// and what it stands for (deskKeys).
type keyCount struct {
	id    int32
	key   string
	n     int
	num   int64
	isNum bool
	// outlet: for outletRating, the outlet's number (deskParts.outlets).
	outlet int32
}

// ratingCount is a count by rating id.
type ratingCount struct {
	rating int64
	n      int
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

	// totals by metric (deskTotals and outletRating, by index), each key
	// by its number (deskParts.keys).
	totals [deskPartMetricCount][]deskCount
	// claimantRatings: for each claimant (by its number among the
	// "claimant" keys), its approved verdicts by rating id.
	claimantRatings map[int32][]ratingCount
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

// memo empties what is kept for one desk generation when gen is another.
// The caller holds c.mu.
func (c *deskParts) memo(gen int64) {
	if c.memoGen != gen {
		c.memoGen, c.stamped, c.scale = gen, nil, nil
	}
}

// stamps returns the epoch and the change counts of the days and months
// from the month firstMonth to the month lastMonth (deskStamps), kept for
// the desk generation gen: desk_changes moves only through desk_event,
// whose other trigger (migration 195) moves the generation in the same
// statement, and a recount moves both, so while the generation read in a
// snapshot stands, so do the change counts that snapshot shows. After a
// change, the first reading of each span of months reads them again.
func (c *deskParts) stamps(ctx context.Context, tx *Tx, gen int64, firstMonth, lastMonth time.Time) (int64, map[string]int64, error) {
	key := [2]time.Time{firstMonth, lastMonth}
	c.mu.Lock()
	c.memo(gen)
	st, ok := c.stamped[key]
	c.mu.Unlock()
	if ok {
		return st.epoch, st.changes, nil
	}
	epoch, changes, err := deskStamps(ctx, tx, firstMonth.Format(time.DateOnly), lastMonth.AddDate(0, 1, -1).Format(time.DateOnly),
		"M"+firstMonth.Format("2006-01"), "M"+lastMonth.Format("2006-01"))
	if err != nil {
		return 0, nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.memo(gen)
	if c.stamped == nil || len(c.stamped) >= deskStampedKept {
		c.stamped = map[[2]time.Time]deskStamped{}
	}
	c.stamped[key] = deskStamped{epoch, changes}
	return epoch, changes, nil
}

// ratingScale returns the rating scale in order, each with no verdicts
// counted yet, kept for the desk generation gen (a change to the scale
// moves it). The caller has its own copy.
func (c *deskParts) ratingScale(ctx context.Context, tx *Tx, gen int64) ([]domain.RatingCount, error) {
	c.mu.Lock()
	c.memo(gen)
	scale := c.scale
	c.mu.Unlock()
	if scale == nil {
		ratings, err := listRatings(ctx, tx)
		if err != nil {
			return nil, err
		}
		scale = make([]domain.RatingCount, 0, len(ratings))
		for _, r := range ratings {
			scale = append(scale, domain.RatingCount{RatingID: r.ID, Rating: r.Name})
		}
		c.mu.Lock()
		c.memo(gen)
		c.scale = scale
		c.mu.Unlock()
	}
	return slices.Clone(scale), nil
}

// deskTotalsIndex maps a metric of deskTotals to its index.
var deskTotalsIndex = func() map[string]int {
	m := map[string]int{}
	for i, name := range deskTotals {
		m[name] = i
	}
	return m
}()

// part is one day's or month's counters for outlet as kept under stamp s,
// or read and kept when they are not.
func (c *deskParts) part(ctx context.Context, tx *Tx, outlet, period string, s deskStamp) (*deskCounted, error) {
	k := deskPartKey{outlet, period}
	if p := c.get(k, s); p != nil {
		return p, nil
	}
	p, err := c.readDeskPart(ctx, tx, outlet, period, s)
	if err != nil {
		return nil, err
	}
	c.put(k, p)
	return p, nil
}

// readDeskPart reads one day's or month's counters for outlet, its keys
// numbered in c. A counter may come in two rows, folded and pending
// (desk_counted): every use of a part adds its counts up, so both are kept
// as read rather than summed in SQL, which would sort every part.
func (c *deskParts) readDeskPart(ctx context.Context, tx *Tx, outlet, period string, s deskStamp) (*deskCounted, error) {
	type row struct {
		metric int
		key    string
		n      int
	}
	var rows, ratings []row
	p := &deskCounted{epoch: s.epoch, changes: s.changes, claimantRatings: map[int32][]ratingCount{}}
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
			ratings = append(ratings, row{claimantMetric, key, n})
			return nil
		}
		if i, ok := deskTotalsIndex[metric]; ok {
			rows = append(rows, row{i, key, n})
		}
		return nil
	}, `SELECT metric, key, n FROM desk_counted WHERE outlet = ? AND metric IN (`+deskPartMetrics+`) AND period = ?`, outlet, period)
	if err != nil {
		return nil, err
	}
	if outlet == allOutlets {
		err = eachRow(ctx, tx, func(r scanner) error {
			var outlet, rating string
			var n int
			if err := r.Scan(&outlet, &rating, &n); err != nil {
				return err
			}
			if n != 0 {
				p.size++
				rows = append(rows, row{outletRating, outlet + "\x1f" + rating, n})
			}
			return nil
		}, `SELECT outlet, key, n FROM desk_counted WHERE outlet IN (SELECT DISTINCT outlet FROM desk_states WHERE outlet <> ' ')
			AND metric = 'rating' AND period = ?`, period)
		if err != nil {
			return nil, err
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	number := func(metric int, key string) int32 {
		k := &c.keys[metric]
		id, ok := k.ids[key]
		if !ok {
			id = k.add(key)
			if metric == outletRating {
				outlet, rating, _ := cutUnit(key)
				k.setNum(rating)
				o, ok := c.outlets.ids[outlet]
				if !ok {
					o = c.outlets.add(outlet)
				}
				k.outlets = append(k.outlets, o)
			} else {
				k.setNum(key)
			}
		}
		return id
	}
	for _, r := range rows {
		p.totals[r.metric] = append(p.totals[r.metric], deskCount{number(r.metric, r.key), int32(r.n)})
	}
	for _, r := range ratings {
		name, rating, _ := cutUnit(r.key)
		id := number(claimantMetric, name)
		rid, err := strconv.ParseInt(rating, 10, 64)
		if err != nil {
			continue // not a rating's id: counted nowhere, as before
		}
		p.claimantRatings[id] = append(p.claimantRatings[id], ratingCount{rid, r.n})
	}
	return p, nil
}

// add numbers key, new to k.
func (k *deskKeys) add(key string) int32 {
	if k.ids == nil {
		k.ids = map[string]int32{}
	}
	id := int32(len(k.names))
	k.ids[key] = id
	k.names = append(k.names, key)
	return id
}

// setNum reads the number of the key just added from s, as
// strconv.ParseInt does.
func (k *deskKeys) setNum(s string) {
	n, err := strconv.ParseInt(s, 10, 64)
	k.nums = append(k.nums, n)
	k.isNum = append(k.isNum, err == nil)
}

// prefix returns the counters of days 1 to through of month (its first
// day) for outlet, summed from the day parts and kept under "P" and the
// last day. A prefix stands while all of its days do: its stamp is the sum
// of their change counts in this snapshot (each only ever grows, so the sum
// moves whenever one of them does) with the epoch. It is built on the
// longest shorter prefix still kept, when there is one.
func (c *deskParts) prefix(ctx context.Context, tx *Tx, outlet string, month time.Time, through int, epoch int64, changes map[string]int64) (*deskCounted, error) {
	days := make([]string, through+1)
	upTo := make([]int64, through+1) // change counts of days 1..d
	for d := 1; d <= through; d++ {
		days[d] = month.AddDate(0, 0, d-1).Format(time.DateOnly)
		upTo[d] = upTo[d-1] + changes[days[d]]
	}
	key := func(d int) deskPartKey { return deskPartKey{outlet, "P" + days[d]} }
	if p := c.get(key(through), deskStamp{epoch, upTo[through]}); p != nil {
		return p, nil
	}
	var parts []signedPart
	from := 1
	for d := through - 1; d >= 1; d-- {
		if p := c.get(key(d), deskStamp{epoch, upTo[d]}); p != nil {
			parts, from = append(parts, signedPart{p, 1}), d+1
			break
		}
	}
	for d := from; d <= through; d++ {
		p, err := c.part(ctx, tx, outlet, days[d], deskStamp{epoch, changes[days[d]]})
		if err != nil {
			return nil, err
		}
		parts = append(parts, signedPart{p, 1})
	}
	p := c.combine(parts, deskStamp{epoch, upTo[through]})
	c.put(key(through), p)
	return p, nil
}

// combine sums parts into one, stamped s.
func (c *deskParts) combine(parts []signedPart, s deskStamp) *deskCounted {
	p := &deskCounted{epoch: s.epoch, changes: s.changes, claimantRatings: map[int32][]ratingCount{}}
	sums := c.sum(parts)
	for m := range sums {
		p.totals[m] = make([]deskCount, len(sums[m]))
		for i, kc := range sums[m] {
			p.totals[m][i] = deskCount{kc.id, int32(kc.n)}
		}
		p.size += len(sums[m])
	}
	type claimantRating struct {
		claimant int32
		rating   int64
	}
	ratings := map[claimantRating]int{}
	for _, x := range parts {
		for id, rs := range x.p.claimantRatings {
			for _, r := range rs {
				ratings[claimantRating{id, r.rating}] += x.sign * r.n
			}
		}
	}
	for k, n := range ratings {
		if n != 0 {
			p.claimantRatings[k.claimant] = append(p.claimantRatings[k.claimant], ratingCount{k.rating, n})
			p.size++
		}
	}
	return p
}

// claimantMetric is the index of "claimant" in deskTotals.
var claimantMetric = deskTotalsIndex["claimant"]

// signedPart is a part counted into a period (sign 1) or taken out (-1).
type signedPart struct {
	p    *deskCounted
	sign int
}

// deskScratch is the arrays one summing uses, kept for the next.
type deskScratch struct {
	acc     []int
	seen    []bool
	touched []int32
}

var deskScratchPool = sync.Pool{New: func() any { return new(deskScratch) }}

// sum adds up the parts' totals, metric by metric, each key with a count
// other than zero once.
func (c *deskParts) sum(parts []signedPart) [deskPartMetricCount][]keyCount {
	// The keys numbered so far: numbers are only ever added, so these
	// slices' first elements stand while others are appended.
	var keys [deskPartMetricCount]deskKeys
	c.mu.Lock()
	most := 0
	for i := range c.keys {
		k := &c.keys[i]
		keys[i] = deskKeys{names: k.names, nums: k.nums, isNum: k.isNum, outlets: k.outlets}
		most = max(most, len(k.names))
	}
	c.mu.Unlock()
	s := deskScratchPool.Get().(*deskScratch)
	defer deskScratchPool.Put(s)
	if len(s.acc) < most {
		s.acc, s.seen = make([]int, most), make([]bool, most)
	}
	var out [deskPartMetricCount][]keyCount
	for m := range out {
		touched := s.touched[:0]
		for _, x := range parts {
			for _, e := range x.p.totals[m] {
				if !s.seen[e.id] {
					s.seen[e.id] = true
					touched = append(touched, e.id)
				}
				s.acc[e.id] += x.sign * int(e.n)
			}
		}
		sums := make([]keyCount, 0, len(touched))
		k := &keys[m]
		for _, id := range touched {
			if n := s.acc[id]; n != 0 {
				c := keyCount{id: id, key: k.names[id], n: n, num: k.nums[id], isNum: k.isNum[id]}
				if m == outletRating {
					c.outlet = k.outlets[id]
				}
				sums = append(sums, c)
			}
			s.acc[id], s.seen[id] = 0, false
		}
		out[m] = sums
		s.touched = touched
	}
	return out
}

// peopleNames returns the names of the people with the ids given, kept for
// the desk generation gen.
func (c *deskParts) peopleNames(ctx context.Context, tx *Tx, gen int64, ids []int64) (map[int64]string, error) {
	c.mu.Lock()
	if c.names == nil || c.namesGen != gen {
		c.names, c.namesGen = map[int64]string{}, gen
	}
	out := make(map[int64]string, len(ids))
	var missing []int64
	for _, id := range ids {
		if name, ok := c.names[id]; ok {
			out[id] = name
		} else {
			missing = append(missing, id)
		}
	}
	c.mu.Unlock()
	if len(missing) == 0 {
		return out, nil
	}
	list, err := json.Marshal(missing)
	if err != nil {
		return nil, err
	}
	read := map[int64]string{}
	err = eachRow(ctx, tx, func(r scanner) error {
		var id int64
		var name string
		if err := r.Scan(&id, &name); err != nil {
			return err
		}
		read[id] = name
		return nil
	}, `SELECT id, name FROM users WHERE id IN (SELECT value FROM json_each(?))`, string(list))
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for id, name := range read {
		out[id] = name
		if c.namesGen == gen {
			c.names[id] = name
		}
	}
	return out, nil
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
	}, `SELECT metric, period, n FROM desk_counted WHERE outlet = ? AND metric IN ('added', 'accepted', 'approved', 'dismissed')
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
