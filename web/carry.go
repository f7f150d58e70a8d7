package web

import (
	"net/http"
	"net/url"
	"slices"
	"sync"
	"time"
)

// carryStore keeps, from a successful form post to the page its redirect
// shows, what that post did not save: the rest of the page as typed (so a
// person pressing "Add source" keeps the verdict they were writing) or a
// secret to show exactly once (a new user's one-time password). It lives in
// memory only, keyed by the browser's sign-in and the page; each entry is
// taken once and forgotten after an hour.
type carryStore struct {
	mu      sync.Mutex
	entries map[carryKey]carryEntry
	bytes   int            // of every entry kept
	session map[string]int // bytes kept per sign-in
	scans   int            // passes over every entry to evict, for tests
}

type carryKey struct {
	session string
	page    string
}

type carryEntry struct {
	values url.Values
	at     time.Time
	bytes  int
}

// Bounds on memory. A page's form may be a megabyte and any page number
// may be posted to, so one person could otherwise keep gigabytes: each
// sign-in keeps at most carrySessionBytes (its oldest go first), and all
// together at most carryMaxBytes.
const (
	carryLifetime     = time.Hour
	carryMaxEntries   = 10000
	carrySessionBytes = 8 << 20
	carryMaxBytes     = 256 << 20
)

func newCarryStore() *carryStore {
	return &carryStore{entries: map[carryKey]carryEntry{}, session: map[string]int{}}
}

// sizeOf is roughly the memory values hold.
func sizeOf(values url.Values) int {
	n := 0
	for k, vs := range values {
		n += len(k)
		for _, v := range vs {
			n += len(v) + 16
		}
	}
	return n
}

// put keeps values for the page; empty values remove what was kept. What
// is larger than a sign-in may keep is not kept.
func (s *carryStore) put(session, page string, values url.Values) {
	if session == "" {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	k := carryKey{session, page}
	s.remove(k)
	size := sizeOf(values)
	if len(values) == 0 || size > carrySessionBytes {
		return
	}
	now := time.Now()
	if len(s.entries) >= carryMaxEntries {
		s.evict(now, "", func() bool { return len(s.entries) >= carryMaxEntries })
	}
	if s.session[session]+size > carrySessionBytes {
		s.evict(now, session, func() bool { return s.session[session]+size > carrySessionBytes })
	}
	if s.bytes+size > carryMaxBytes {
		s.evict(now, "", func() bool { return s.bytes+size > carryMaxBytes })
	}
	s.entries[k] = carryEntry{values: values, at: now, bytes: size}
	s.bytes += size
	s.session[session] += size
}

// remove forgets what was kept for k, if anything.
func (s *carryStore) remove(k carryKey) {
	e, ok := s.entries[k]
	if !ok {
		return
	}
	delete(s.entries, k)
	s.bytes -= e.bytes
	if s.session[k.session] -= e.bytes; s.session[k.session] <= 0 {
		delete(s.session, k.session)
	}
}

// take returns what was kept for the page, once.
func (s *carryStore) take(session, page string) url.Values {
	if session == "" {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	k := carryKey{session, page}
	e, ok := s.entries[k]
	if !ok {
		return nil
	}
	s.remove(k)
	if time.Since(e.at) > carryLifetime {
		return nil
	}
	return e.values
}

// evict drops expired entries, then the oldest ones, of one sign-in when
// session is not "" or of anyone's, while over says the bound is passed:
// in one pass over the entries, however many go (a pass for each would
// hold every post up for a long while when many small entries make room
// for a large one).
func (s *carryStore) evict(now time.Time, session string, over func() bool) {
	s.scans++
	var candidates []carryKey
	for k, e := range s.entries {
		if now.Sub(e.at) > carryLifetime {
			s.remove(k)
			continue
		}
		if session == "" || k.session == session {
			candidates = append(candidates, k)
		}
	}
	slices.SortFunc(candidates, func(a, b carryKey) int { return s.entries[a].at.Compare(s.entries[b].at) })
	for _, k := range candidates {
		if !over() {
			return
		}
		s.remove(k)
	}
}

// carryTyped keeps the posted form, less the fields the handler saved and
// the version stamps, for the page the redirect will show.
func (app *App) carryTyped(r *http.Request, page string, saved ...string) {
	app.carry.put(app.sessionID(r), page, without(r.PostForm, append(saved, "version", "claim_version", "direction", "from")))
}

// without is values less the fields named.
func without(values url.Values, names []string) url.Values {
	out := make(url.Values, len(values))
	for k, v := range values {
		out[k] = v
	}
	for _, k := range names {
		delete(out, k)
	}
	return out
}

// takeCarried returns what a post kept for this page, if anything.
func (app *App) takeCarried(r *http.Request, page string) url.Values {
	return app.carry.take(app.sessionID(r), page)
}
