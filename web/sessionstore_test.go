package web

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/sessions"

	"claimtrail/domain"
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

// TestKeptSessionsStopWithTheAccount: a decoded session is kept by its
// cookie, but who it signs in is checked on every request, so a kept one
// stops at once when its person signs out (a copy of the cookie too), is
// deactivated, has their role changed, their password reset by an admin,
// or changes it themself in another browser.
func TestKeptSessionsStopWithTheAccount(t *testing.T) {
	env := newTestEnv(t)
	admin, _ := env.signedIn("ada@newsroom.example", domain.RoleAdmin)
	site, _ := url.Parse(env.srv.URL)
	newPassword := "a brand new passphrase for tests"
	for _, c := range []struct {
		name   string
		change func(u *domain.User, own *client)
	}{
		{"signed out", func(_ *domain.User, own *client) { wantStatus(t, own.postForm("/logout", nil), http.StatusSeeOther) }},
		{"deactivated", func(u *domain.User, _ *client) {
			wantStatus(t, admin.postForm("/admin/users/"+itoa(u.ID)+"/active", url.Values{"active": {"false"}}), http.StatusSeeOther)
		}},
		{"made a reviewer", func(u *domain.User, _ *client) {
			wantStatus(t, admin.postForm("/admin/users/"+itoa(u.ID)+"/role", url.Values{"role": {"reviewer"}}), http.StatusSeeOther)
		}},
		{"password reset", func(u *domain.User, _ *client) {
			wantStatus(t, admin.postForm("/admin/users/"+itoa(u.ID)+"/password", nil), http.StatusSeeOther)
		}},
		{"password changed elsewhere", func(_ *domain.User, own *client) {
			wantStatus(t, own.postForm("/settings/password", url.Values{"current_password": {testPassword}, "new_password": {newPassword}, "confirm_password": {newPassword}}), http.StatusSeeOther)
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			own, u := env.signedIn(strings.ReplaceAll(c.name, " ", ".")+"@newsroom.example", domain.RoleEditor)
			kept := env.newClient()
			kept.http.Jar.SetCookies(site, own.http.Jar.Cookies(site))
			for range 2 { // decoded once, then kept
				wantStatus(t, kept.get("/review"), http.StatusOK)
			}
			if env.app.sessions.Len() == 0 {
				t.Fatal("no session kept")
			}
			c.change(u, own)
			if res := kept.get("/review"); res.StatusCode == http.StatusOK {
				t.Errorf("the kept session still opens the review page")
			}
		})
	}
}
