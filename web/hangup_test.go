package web

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/a-h/templ"

	"claimtrail/domain"
	"claimtrail/storage/storagetest"
)

// countdownContext is a request context that a client "leaves" after the
// request has looked at it n times: every Err or Done call counts. Sweeping n
// from 0 upwards cancels a request at every point where the code checks for
// a departed client — before the handler, between and inside queries (the
// database driver watches Done), and while templ renders (it checks Err).
type countdownContext struct {
	context.Context // the parent, for its values
	mu              sync.Mutex
	left            int
	done            chan struct{}
	fired           bool
}

func newCountdownContext(parent context.Context, n int) *countdownContext {
	return &countdownContext{Context: parent, left: n, done: make(chan struct{})}
}

func (c *countdownContext) tick() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.fired {
		return
	}
	if c.left--; c.left < 0 {
		c.fired = true
		close(c.done)
	}
}

func (c *countdownContext) Done() <-chan struct{} { c.tick(); return c.done }

func (c *countdownContext) Err() error {
	c.tick()
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.fired {
		return context.Canceled
	}
	return nil
}

func (c *countdownContext) hasFired() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.fired
}

// lockedBuffer collects log output written from several goroutines.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// String is everything logged so far.
func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// count counts s in what was logged since the last take.
func (b *lockedBuffer) count(s string) int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return strings.Count(b.buf.String(), s)
}

// take returns what was logged since the last call.
func (b *lockedBuffer) take() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	s := b.buf.String()
	b.buf.Reset()
	return s
}

// hangupEnv is a test environment with a claim in every state, an API
// token and a signed-in editor, logging as text into a buffer.
type hangupEnv struct {
	env     *testEnv
	logs    *lockedBuffer
	cookies []*http.Cookie
	token   string
	claimID int64
	article int64
}

func newHangupEnv(t *testing.T) *hangupEnv {
	logs := &lockedBuffer{}
	env := newTestEnv(t, func(c *Config) {
		c.Logger = slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
		// One token sends hundreds of requests here; the limit is not under test.
		c.APIRequestsPerMinute = -1
	})
	admin, _ := env.signedIn("ada@newsroom.example", domain.RoleAdmin)
	u, err := url.Parse(env.srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	api, _ := env.apiUser("script@newsroom.example", domain.RoleEditor)

	s := storagetest.New(t, env.db.Path)
	reviewer := s.User("rita@newsroom.example", "Rita", domain.RoleReviewer)
	approver := s.User("ed@newsroom.example", "Ed", domain.RoleEditor)
	rating := s.Rating("Misleading", 2, 3)
	article := s.Article(storagetest.Article{Title: "Budget day", Outlet: "The Herald"})
	var claimID int64
	for i, st := range []domain.ClaimState{domain.StateCandidate, domain.StateQueued, domain.StateInReview,
		domain.StateSubmitted, domain.StateApproved, domain.StateApproved} {
		id := s.Claim(storagetest.Claim{ArticleID: article, State: st,
			Text:     fmt.Sprintf("The deficit rose by £%d billion in the year to March, the minister said.", 20+i),
			Claimant: "The minister", Figures: []string{fmt.Sprintf("£%d billion", 20+i)},
			RatingID: rating, Conclusion: "It did not.", Explanation: "The figures say otherwise.",
			AuthorID: reviewer, EditorID: approver,
			SubmittedAt: s.Now, ApprovedAt: s.Now.Add(time.Hour),
			Sources: []storagetest.Source{{Title: "Public finances", URL: "https://stats.example/pf"}}})
		if st == domain.StateSubmitted {
			claimID = id
		}
	}
	logs.take() // set-up's own lines
	return &hangupEnv{env: env, logs: logs, cookies: admin.http.Jar.Cookies(u), token: api.token,
		claimID: claimID, article: article}
}

// request builds a request as the signed-in admin (or with the API token).
func (h *hangupEnv) request(method, path string, htmx bool) *http.Request {
	req := httptest.NewRequest(method, h.env.srv.URL+path, nil)
	if strings.HasPrefix(path, "/api/") {
		req.Header.Set("Authorization", "Bearer "+h.token)
	} else {
		for _, c := range h.cookies {
			req.AddCookie(c)
		}
	}
	if htmx {
		req.Header.Set("HX-Request", "true")
	}
	if method == http.MethodPost {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", h.env.srv.URL)
		req.Header.Set("Sec-Fetch-Site", "same-origin")
	}
	return req
}

// The pages, fragments, API calls and export a client may give up on.
func (h *hangupEnv) routes() []struct {
	name, method, path string
	htmx               bool
} {
	claim := itoa(h.claimID)
	return []struct {
		name, method, path string
		htmx               bool
	}{
		{"home", "GET", "/", false},
		{"queue page", "GET", "/queue?state=in_review", false},
		{"queue fragment", "GET", "/queue?state=queued", true},
		{"claim page", "GET", "/claims/" + claim, false},
		{"article page", "GET", "/articles/" + itoa(h.article), false},
		{"review page", "GET", "/review", false},
		{"audit log", "GET", "/admin/audit", false},
		{"public check list", "GET", "/checks", false},
		{"API claim list", "GET", "/api/v1/claims?state=approved,submitted", false},
		{"API claim", "GET", "/api/v1/claims/" + claim, false},
		{"API history", "GET", "/api/v1/claims/" + claim + "/history", false},
		{"CSV export", "GET", "/export.csv", false},
		{"API CSV export", "GET", "/api/v1/export.csv", false},
	}
}

// TestClientHangingUpAtAnyPoint cancels each kind of request at every point
// where it looks at its context, one point per request. Each cancelled
// request must end without an error page, an internal error or a second
// log line; before the fix, a render refused for a cancelled context
// rendered the error page with the same context, which failed again, and
// so on until the stack overflowed.
func TestClientHangingUpAtAnyPoint(t *testing.T) {
	h := newHangupEnv(t)
	handler := h.env.app.Handler()
	for _, rt := range h.routes() {
		t.Run(rt.name, func(t *testing.T) {
			// A normal request first: the route works and answers 200.
			rec := httptest.NewRecorder()
			handler.ServeHTTP(rec, h.request(rt.method, rt.path, rt.htmx))
			if rec.Code != http.StatusOK {
				t.Fatalf("uncancelled: status %d\n%s", rec.Code, snippet(rec.Body.String()))
			}
			h.logs.take()

			points := 0
			for n := 0; ; n++ {
				if n > 5000 {
					t.Fatal("the request never finished without looking at its context again")
				}
				ctx := newCountdownContext(context.Background(), n)
				rec := httptest.NewRecorder()
				h.serveCancellable(handler, rec, h.request(rt.method, rt.path, rt.htmx).WithContext(ctx))
				logged := h.logs.take()
				if !ctx.hasFired() {
					break // the request finished before the client left: every point was tried
				}
				points++
				lines := strings.Split(strings.TrimSpace(logged), "\n")
				if len(lines) != 1 {
					t.Fatalf("cancelled at point %d: %d log lines, want 1:\n%s", n, len(lines), logged)
				}
				if strings.Contains(logged, "internal error") || strings.Contains(logged, "level=ERROR") || strings.Contains(logged, "status=500") {
					t.Fatalf("cancelled at point %d: logged as an internal error:\n%s", n, logged)
				}
				if rec.Code == http.StatusInternalServerError {
					t.Fatalf("cancelled at point %d: answered 500\n%s", n, snippet(rec.Body.String()))
				}
				if strings.Contains(rec.Body.String(), "Something went wrong") {
					t.Fatalf("cancelled at point %d: wrote an error page to a client that has gone", n)
				}
			}
			if points == 0 {
				t.Fatal("no cancellation point was reached")
			}
			t.Logf("%d cancellation points", points)

			// The server still answers normally.
			rec = httptest.NewRecorder()
			handler.ServeHTTP(rec, h.request(rt.method, rt.path, rt.htmx))
			if rec.Code != http.StatusOK {
				t.Fatalf("after the cancellations: status %d", rec.Code)
			}
		})
	}
}

// serveCancellable serves one request; an export cut off half way aborts
// the connection with http.ErrAbortHandler, as net/http expects.
func (h *hangupEnv) serveCancellable(handler http.Handler, w http.ResponseWriter, r *http.Request) {
	defer func() {
		if v := recover(); v != nil && v != http.ErrAbortHandler {
			panic(v)
		}
	}()
	handler.ServeHTTP(w, r)
}

// TestRenderFailureDoesNotRenderAgain makes the error page itself fail to
// render (a context cancelled between the handler's work and its render is
// the common way) and checks that the answer is a plain-text 500 logged once,
// not another render.
func TestRenderFailureDoesNotRenderAgain(t *testing.T) {
	h := newHangupEnv(t)
	req := h.request("GET", "/queue", false)
	rec := httptest.NewRecorder()
	boom := fmt.Errorf("template exploded")
	calls := 0
	failing := templ.ComponentFunc(func(context.Context, io.Writer) error {
		calls++
		return boom
	})
	h.env.app.render(rec, req, http.StatusOK, failing)
	if calls != 1 {
		t.Fatalf("the failing component was rendered %d times, want once", calls)
	}
	if rec.Code != http.StatusInternalServerError || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/plain") {
		t.Fatalf("status %d, content type %q; want a plain-text 500", rec.Code, rec.Header().Get("Content-Type"))
	}
	if strings.Contains(rec.Body.String(), "exploded") {
		t.Fatal("the internal error's text reached the client")
	}
	if got := strings.Count(h.logs.take(), "internal error"); got != 1 {
		t.Fatalf("%d internal error lines, want 1", got)
	}
}

// TestClientsGivingUpOverTheNetwork runs a real server and 1,000 clients in
// a row that give up after a few milliseconds, spread over every route: the
// server must log no internal error, keep its memory flat and answer
// normally afterwards.
func TestClientsGivingUpOverTheNetwork(t *testing.T) {
	if testing.Short() {
		t.Skip("1,000 requests over the network")
	}
	h := newHangupEnv(t)
	routes := h.routes()
	heap := func() uint64 {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.HeapAlloc
	}
	before := heap()
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	gaveUp := 0
	for i := range 1000 {
		rt := routes[i%len(routes)]
		// Timeouts from 0.2 to 5 ms: before the handler, during queries, during render.
		ctx, cancel := context.WithTimeout(context.Background(), time.Duration(200+(i*4831)%4800)*time.Microsecond)
		req := h.request(rt.method, rt.path, rt.htmx).WithContext(ctx)
		req.RequestURI = ""
		res, err := client.Do(req)
		if err != nil {
			gaveUp++
		} else {
			res.Body.Close()
		}
		cancel()
	}
	// Let the server notice the last departures.
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) && h.logs.count("msg=") < 1000 {
		time.Sleep(10 * time.Millisecond)
	}
	after := heap()
	logged := h.logs.take()
	if gaveUp == 0 {
		t.Fatal("no client gave up: the test did not test anything")
	}
	if n := strings.Count(logged, "internal error"); n > 0 {
		t.Fatalf("%d internal error lines for clients that gave up", n)
	}
	if n := strings.Count(logged, "\n"); n > 1000 {
		t.Fatalf("%d log lines for 1,000 requests, want at most one each", n)
	}
	if strings.Count(logged, `msg="client left"`) == 0 {
		t.Fatalf("no departure was logged as a client that left")
	}
	// Memory stays flat: growth well under what one runaway request used.
	if after > before+64<<20 {
		t.Fatalf("heap grew from %d MB to %d MB", before>>20, after>>20)
	}
	t.Logf("%d of 1000 clients gave up; heap %d KB before, %d KB after", gaveUp, before>>10, after>>10)

	for _, rt := range routes {
		req := h.request(rt.method, rt.path, rt.htmx)
		req.RequestURI = ""
		res, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			t.Fatalf("%s after the departures: status %d", rt.name, res.StatusCode)
		}
	}
}

// TestWriteCancelledAtAnyPoint posts a comment and has the client leave at
// every point the request looks at its context. Each time, the comment and
// its audit event are either both committed or both absent, and nothing is
// logged as an internal error. (Whether a point falls after the commit
// depends on when the driver's watcher looks at the context, so the count of
// those is reported, not asserted.)
func TestWriteCancelledAtAnyPoint(t *testing.T) {
	h := newHangupEnv(t)
	handler := h.env.app.Handler()
	conn, err := sql.Open("sqlite", "file:"+h.env.db.Path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	counts := func() (comments, events int) {
		if err := conn.QueryRow(`SELECT (SELECT count(*) FROM comments WHERE claim_id = ?), (SELECT count(*) FROM audit_events)`,
			h.claimID).Scan(&comments, &events); err != nil {
			t.Fatal(err)
		}
		return
	}
	post := func(ctx context.Context, n int) *httptest.ResponseRecorder {
		req := h.request(http.MethodPost, "/claims/"+itoa(h.claimID)+"/comments", false)
		req.Body = io.NopCloser(strings.NewReader(url.Values{"body": {fmt.Sprintf("Checked the table, note %d.", n)}}.Encode()))
		rec := httptest.NewRecorder()
		h.serveCancellable(handler, rec, req.WithContext(ctx))
		return rec
	}
	points, committed := 0, 0
	for n := 0; ; n++ {
		if n > 5000 {
			t.Fatal("the request never finished without looking at its context again")
		}
		c0, e0 := counts()
		ctx := newCountdownContext(context.Background(), n)
		rec := post(ctx, n)
		logged := h.logs.take()
		c1, e1 := counts()
		if !ctx.hasFired() {
			if rec.Code != http.StatusSeeOther || c1 != c0+1 {
				t.Fatalf("uncancelled comment: status %d, %d comments added", rec.Code, c1-c0)
			}
			break
		}
		points++
		if c1-c0 != e1-e0 || c1-c0 > 1 {
			t.Fatalf("cancelled at point %d: %d comments but %d audit events written", n, c1-c0, e1-e0)
		}
		committed += c1 - c0
		if strings.Contains(logged, "internal error") || rec.Code == http.StatusInternalServerError {
			t.Fatalf("cancelled at point %d: treated as an internal error (status %d):\n%s", n, rec.Code, logged)
		}
	}
	if points == 0 {
		t.Fatal("no cancellation point was reached")
	}
	t.Logf("%d cancellation points, %d of them after the commit", points, committed)
}

// A script that gives up on its request at any point while its token's use
// is being recorded (the first use of a token in a minute) leaves no
// warning in the log: the record is the server's own bookkeeping, finished
// whether or not the client is still there.
func TestAPITokenUseRecordedWhenTheClientLeaves(t *testing.T) {
	h := newHangupEnv(t)
	handler := h.env.app.Handler()
	u, err := h.env.db.UserByEmail(context.Background(), "script@newsroom.example")
	if err != nil {
		t.Fatal(err)
	}
	for n := 0; ; n++ {
		if n > 5000 {
			t.Fatal("the request never finished without looking at its context again")
		}
		fresh := h.env.apiClientFor(u, "script "+itoa(int64(n))) // never used: its use is recorded
		ctx := newCountdownContext(context.Background(), n)
		req := h.request("GET", "/api/v1/claims/"+itoa(h.claimID), false)
		req.Header.Set("Authorization", "Bearer "+fresh.token)
		h.serveCancellable(handler, httptest.NewRecorder(), req.WithContext(ctx))
		if logged := h.logs.take(); strings.Contains(logged, "mark token used") {
			t.Fatalf("cancelled at point %d: %s", n, logged)
		}
		if !ctx.hasFired() {
			break
		}
	}
}
