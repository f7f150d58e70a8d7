package web

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/gorilla/sessions"
)

// sessionCookie saves values in a fresh session of store and returns the
// cookie the browser gets back.
func sessionCookie(t *testing.T, store *sessionStore, values map[any]any) *http.Cookie {
	t.Helper()
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	w := httptest.NewRecorder()
	sess, _ := store.New(r, sessionName)
	for k, v := range values {
		sess.Values[k] = v
	}
	if err := sess.Save(r, w); err != nil {
		t.Fatal(err)
	}
	return w.Result().Cookies()[0]
}

func requestWith(c *http.Cookie) *http.Request {
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	r.AddCookie(c)
	return r
}

func newTestSessionStore(maxAge int) *sessionStore {
	s := sessions.NewCookieStore([]byte("0123456789abcdef0123456789abcdef"), []byte("0123456789abcdef"))
	s.Options = &sessions.Options{Path: "/", MaxAge: maxAge}
	s.MaxAge(maxAge)
	return newSessionStore(s)
}

func TestKeptSessionsGiveWhatDecodingGives(t *testing.T) {
	store := newTestSessionStore(3600)
	c := sessionCookie(t, store, map[any]any{"uid": int64(7), "sid": "abc", "_flash": []any{"info\x00hello"}})
	for i := range 3 { // the first decodes, the others are kept
		sess, err := store.Get(requestWith(c), sessionName)
		if err != nil || sess.IsNew {
			t.Fatalf("visit %d: err %v, new %v", i, err, sess.IsNew)
		}
		if sess.Values["uid"] != int64(7) || sess.Values["sid"] != "abc" {
			t.Fatalf("visit %d: values %v", i, sess.Values)
		}
		// What one request does to its session reaches no other.
		sess.AddFlash("second")
		sess.Values["uid"] = int64(8)
		if got := len(sess.Values["_flash"].([]any)); got != 2 {
			t.Fatalf("visit %d: %d flashes, want 2", i, got)
		}
	}
	if len(store.kept) != 1 {
		t.Fatalf("%d sessions kept, want 1", len(store.kept))
	}
}

func TestKeptSessionsRefuseWhatDecodingRefuses(t *testing.T) {
	store := newTestSessionStore(3600)
	c := sessionCookie(t, store, map[any]any{"uid": int64(7)})
	if _, err := store.Get(requestWith(c), sessionName); err != nil {
		t.Fatal(err)
	}
	t.Run("a forged cookie", func(t *testing.T) {
		forged := *c
		forged.Value = c.Value[:len(c.Value)-4] + "AAAA"
		sess, err := store.Get(requestWith(&forged), sessionName)
		if err == nil || !sess.IsNew || sess.Values["uid"] != nil {
			t.Fatalf("forged cookie read: err %v, values %v", err, sess.Values)
		}
		if _, kept := store.kept[forged.Value]; kept {
			t.Fatal("a forged cookie was kept")
		}
	})
	t.Run("a cookie older than MaxAge", func(t *testing.T) {
		// Kept while fresh, then its time stamp passes the store's MaxAge.
		k := store.kept[c.Value]
		k.stamped -= 3601
		store.kept[c.Value] = k
		if _, ok := store.lookup(c.Value); ok {
			t.Fatal("an expired cookie was answered from what is kept")
		}
		stamped, ok := cookieStamp(c.Value)
		if !ok || stamped < time.Now().Unix()-5 || stamped > time.Now().Unix() {
			t.Fatalf("cookie stamp %d, %v; want about now", stamped, ok)
		}
	})
}
