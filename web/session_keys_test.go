package web

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"claimtrail/domain"
	"claimtrail/storage/keyfile"
)

// Session keys come from outside the database; after a rotation the
// previous key still reads cookies it made, and a key that was dropped does not.
func TestSessionKeyRotationKeepsPreviousKey(t *testing.T) {
	old, current := keyfile.NewSessionKey(), keyfile.NewSessionKey()
	env := newTestEnv(t, func(c *Config) { c.SessionKeys = [][]byte{old} })
	c, _ := env.signedIn("rita@newsroom.example", domain.RoleReviewer)
	site, _ := url.Parse(env.srv.URL)
	cookies := c.http.Jar.Cookies(site)

	serveWith := func(keys ...[]byte) *http.Response {
		app, err := New(context.Background(), Config{DB: env.db, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), SessionKeys: keys})
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(app.Handler())
		defer srv.Close()
		req, _ := http.NewRequest(http.MethodGet, srv.URL+"/", nil)
		for _, ck := range cookies {
			req.AddCookie(ck)
		}
		res, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res
	}
	if res := serveWith(current, old); res.StatusCode != http.StatusOK {
		t.Errorf("after rotation, a cookie made with the previous key: %d", res.StatusCode)
	}
	if res := serveWith(current); res.StatusCode != http.StatusSeeOther {
		t.Errorf("with the old key dropped, its cookie still signs in: %d", res.StatusCode)
	}
	if _, err := New(context.Background(), Config{DB: env.db, SessionKeys: [][]byte{[]byte("short")}}); err == nil {
		t.Error("a short session key was accepted")
	}
}
