package web

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"claimtrail/domain"
	"claimtrail/storage/storagetest"
)

// smallSendBuffers gives every accepted connection a small send buffer, so
// a client that stops reading blocks the server after a few kilobytes, as
// it does over a real network after a few megabytes.
type smallSendBuffers struct{ net.Listener }

func (l smallSendBuffers) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if tc, ok := c.(*net.TCPConn); ok {
		tc.SetWriteBuffer(4096)
	}
	return c, err
}

// TestStalledStreamClientsAreDropped: clients that ask for the feed and an
// export, read the first bytes and then stop reading hold both stream
// connections; each is dropped once a chunk waits too long for it, so the
// next export and feed are written in full.
func TestStalledStreamClientsAreDropped(t *testing.T) {
	env := newTestEnv(t)
	env.app.streamIdle = 200 * time.Millisecond
	setPublisher(t, env.db)
	s := storagetest.New(t, env.db.Path)
	a := s.Article(storagetest.Article{Title: "Harbour spending", Outlet: "Gazette", URL: "https://gazette.example/h"})
	rating := s.Rating("False", 1, 1)
	for i := range 200 {
		s.Claim(storagetest.Claim{ArticleID: a, Text: "Spending rose by 40 percent " + itoa(int64(i)) + strings.Repeat(" and then it rose again", 40),
			RatingID: rating, Conclusion: strings.Repeat("It did not. ", 20), ApprovedAt: time.Now()})
	}
	_, rita := env.signedIn("rita@newsroom.example", domain.RoleReviewer)
	api := env.apiClientFor(rita, "rita script")

	srv := httptest.NewUnstartedServer(env.app.Handler())
	srv.Listener = smallSendBuffers{srv.Listener}
	srv.Start()
	t.Cleanup(srv.Close)

	stall := func(request string) net.Conn {
		c, err := net.Dial("tcp", srv.Listener.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		c.(*net.TCPConn).SetReadBuffer(1024)
		if _, err := io.WriteString(c, request); err != nil {
			t.Fatal(err)
		}
		// The status line arrives once the stream has begun, holding its
		// connection; after it the client reads nothing more.
		status := make([]byte, len("HTTP/1.1 200"))
		if _, err := io.ReadFull(c, status); err != nil || string(status) != "HTTP/1.1 200" {
			t.Fatalf("stalled client got %q, %v", status, err)
		}
		return c
	}
	stall("GET /checks/feed.jsonld HTTP/1.1\r\nHost: checks.example\r\n\r\n")
	stall("GET /api/v1/export.csv HTTP/1.1\r\nHost: checks.example\r\nAuthorization: Bearer " + api.token + "\r\n\r\n")

	// Were they kept, these would wait for a stalled client's minute.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for _, path := range []string{"/api/v1/export.csv", "/checks/feed.jsonld"} {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+path, nil)
		req.Header.Set("Authorization", "Bearer "+api.token)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("%s behind two stalled clients: %v", path, err)
		}
		body, err := io.ReadAll(res.Body)
		res.Body.Close()
		if err != nil || res.StatusCode != http.StatusOK || strings.Count(string(body), "Spending rose by 40 percent") != 200 {
			t.Fatalf("%s: %d, %d bytes, %v", path, res.StatusCode, len(body), err)
		}
	}
}

// deadlineRecorder is a ResponseWriter whose connection deadline is noted.
type deadlineRecorder struct {
	*httptest.ResponseRecorder
	deadline time.Time
}

func (d *deadlineRecorder) SetWriteDeadline(t time.Time) error { d.deadline = t; return nil }

// TestTricklingStreamClientRunsOutOfTime: a client that takes each chunk
// but reads slower than streamMinRate, on the time spent waiting on it, is
// given less and less time, and none once it is behind.
func TestTricklingStreamClientRunsOutOfTime(t *testing.T) {
	rec := &deadlineRecorder{ResponseRecorder: httptest.NewRecorder()}
	p := newPacedWriter(rec, 30*time.Second)
	within := func(want time.Duration) {
		t.Helper()
		if got := time.Until(rec.deadline); got > want || got < want-5*time.Second {
			t.Errorf("deadline in %v, want about %v", got.Round(time.Second), want)
		}
	}
	p.Write([]byte("first chunk"))
	within(30 * time.Second)
	// 160 KB taken in 20 s of waiting: 10 s of pace earned, 20 s spent.
	p.sent, p.waiting = 10*streamMinRate, 20*time.Second
	p.Write([]byte("next chunk"))
	within(20 * time.Second)
	// Behind by more than the idle time: the next write fails at once.
	p.sent, p.waiting = streamMinRate, 40*time.Second
	p.Write([]byte("late chunk"))
	if !rec.deadline.Before(time.Now()) {
		t.Errorf("a client behind its pace got until %v", rec.deadline)
	}
}
