package web

import (
	"net/http"
	"net/url"
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
}

type carryKey struct {
	session string
	page    string
}

type carryEntry struct {
	values url.Values
	at     time.Time
}

const (
	carryLifetime   = time.Hour
	carryMaxEntries = 10000 // a bound on memory; the oldest go first
)

func newCarryStore() *carryStore { return &carryStore{entries: map[carryKey]carryEntry{}} }

// put keeps values for the page; empty values remove what was kept.
func (s *carryStore) put(session, page string, values url.Values) {
	if session == "" {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	k := carryKey{session, page}
	if len(values) == 0 {
		delete(s.entries, k)
		return
	}
	now := time.Now()
	if len(s.entries) >= carryMaxEntries {
		s.evict(now)
	}
	s.entries[k] = carryEntry{values: values, at: now}
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
	delete(s.entries, k)
	if time.Since(e.at) > carryLifetime {
		return nil
	}
	return e.values
}

// evict drops expired entries and, if still full, the oldest one.
func (s *carryStore) evict(now time.Time) {
	var oldest carryKey
	var oldestAt time.Time
	for k, e := range s.entries {
		if now.Sub(e.at) > carryLifetime {
			delete(s.entries, k)
			continue
		}
		if oldestAt.IsZero() || e.at.Before(oldestAt) {
			oldest, oldestAt = k, e.at
		}
	}
	if len(s.entries) >= carryMaxEntries {
		delete(s.entries, oldest)
	}
}

// carryTyped keeps the posted form, less the fields the handler saved and
// the version stamps, for the page the redirect will show.
func (app *App) carryTyped(r *http.Request, page string, saved ...string) {
	rest := url.Values{}
	for k, v := range r.PostForm {
		rest[k] = v
	}
	for _, k := range append(saved, "version", "claim_version", "direction", "from") {
		delete(rest, k)
	}
	app.carry.put(app.sessionID(r), page, rest)
}

// takeCarried returns what a post kept for this page, if anything.
func (app *App) takeCarried(r *http.Request, page string) url.Values {
	return app.carry.take(app.sessionID(r), page)
}
