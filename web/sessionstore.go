package web

import (
	"bytes"
	"encoding/base64"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/gorilla/sessions"
)

// sessionStore is the signed, encrypted cookie store with the sessions it
// has decoded kept by the cookie's exact value. Every page a signed-in
// person opens sends the same cookie until a flash or a new sign-in
// changes it, and checking its MAC, decrypting it and decoding its gob was
// a few percent of a page's time. Only a value that decoded is kept; a
// kept one still expires when the cookie's own time stamp, as the codec
// reads it, grows older than the store's MaxAge.
type sessionStore struct {
	*sessions.CookieStore
	maxAge int64 // seconds, as the codecs check it; 0: never

	mu   sync.Mutex
	kept map[string]keptSession
}

type keptSession struct {
	values  map[any]any
	stamped int64 // the cookie's time stamp (Unix seconds)
}

// maxKeptSessions bounds the decoded sessions kept; at the bound they are
// all dropped and decoded again as they come.
const maxKeptSessions = 4096

func newSessionStore(store *sessions.CookieStore) *sessionStore {
	return &sessionStore{CookieStore: store, maxAge: int64(store.Options.MaxAge), kept: map[string]keptSession{}}
}

// Get returns the request's session, decoded once per request.
func (s *sessionStore) Get(r *http.Request, name string) (*sessions.Session, error) {
	return sessions.GetRegistry(r).Get(s, name)
}

// New decodes the request's cookie, or takes what an earlier request with
// the same cookie decoded. Each caller gets its own copy of the values.
func (s *sessionStore) New(r *http.Request, name string) (*sessions.Session, error) {
	c, err := r.Cookie(name)
	if err != nil {
		return s.CookieStore.New(r, name)
	}
	if values, ok := s.lookup(c.Value); ok {
		session := sessions.NewSession(s, name)
		opts := *s.Options
		session.Options = &opts
		session.Values = values
		return session, nil
	}
	session, err := s.CookieStore.New(r, name)
	if err == nil && !session.IsNew {
		if stamped, ok := cookieStamp(c.Value); ok {
			s.keep(c.Value, keptSession{values: copyValues(session.Values), stamped: stamped})
		}
	}
	return session, err
}

// Len is how many decoded sessions are kept.
func (s *sessionStore) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.kept)
}

func (s *sessionStore) lookup(value string) (map[any]any, bool) {
	s.mu.Lock()
	k, ok := s.kept[value]
	s.mu.Unlock()
	if !ok || s.maxAge != 0 && k.stamped < time.Now().Unix()-s.maxAge {
		return nil, false
	}
	return copyValues(k.values), true
}

func (s *sessionStore) keep(value string, k keptSession) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.kept) >= maxKeptSessions {
		clear(s.kept)
	}
	s.kept[value] = k
}

// cookieStamp reads the time stamp a secure cookie carries in front of its
// value and MAC (base64 of "date|value|mac"), which the codec checks
// against its MaxAge.
func cookieStamp(value string) (int64, bool) {
	b, err := base64.URLEncoding.DecodeString(value)
	if err != nil {
		return 0, false
	}
	date, _, ok := bytes.Cut(b, []byte("|"))
	if !ok {
		return 0, false
	}
	t, err := strconv.ParseInt(string(date), 10, 64)
	return t, err == nil
}

// copyValues copies a session's values so that no two requests share a
// map or a list of flashes (AddFlash appends to it).
func copyValues(values map[any]any) map[any]any {
	out := make(map[any]any, len(values))
	for k, v := range values {
		if list, ok := v.([]any); ok {
			v = append([]any(nil), list...)
		}
		out[k] = v
	}
	return out
}
