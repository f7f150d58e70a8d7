package main

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
	"testing"
	"time"

	_ "modernc.org/sqlite"
)

// runCLI runs one claimtrail command and returns its output and exit code.
func runCLI(t *testing.T, stdin string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	err := run(context.Background(), args, strings.NewReader(stdin), &out, &errb, func(string) string { return "" })
	code = exitCode(err, &errb)
	return out.String(), errb.String(), code
}

func TestUsageErrorsExit2(t *testing.T) {
	db := filepath.Join(t.TempDir(), "c.db")
	for _, args := range [][]string{
		{},
		{"frobnicate"},
		{"serve", "-no-such-flag"},
		{"user"},
		{"user", "explode", "-db", db},
		{"user", "add", "-db", db, "-name", "X", "-role", "reviewer"}, // no -email
		{"backup", "-db", db},
		{"audit"},
		{"migrate", "-db", db, "stray-argument"},
		{"user", "add", "-db", db, "-email", "x@newsroom.example", "-role", "reviewer"}, // no -name
		{"token", "revoke", "-db", db, "-user", "x@newsroom.example", "-id", "-5"},
		{"migrate", "-db"},
	} {
		_, stderr, code := runCLI(t, "", args...)
		if code != 2 {
			t.Errorf("claimtrail %v: exit %d, want 2", args, code)
		}
		if !strings.Contains(stderr, "usage") && !strings.Contains(stderr, "Usage") && !strings.Contains(stderr, "flag") {
			t.Errorf("claimtrail %v: no usage printed: %q", args, stderr)
		}
		if n := strings.Count(stderr, "flag needs an argument"); n > 1 {
			t.Errorf("claimtrail %v: the problem is printed %d times", args, n)
		}
	}
	// A path into a folder that does not exist is named as such.
	missing := filepath.Join(t.TempDir(), "no", "such", "folder")
	for _, args := range [][]string{
		{"migrate", "-db", filepath.Join(missing, "c.db")},
		{"backup", "-db", db, "-o", filepath.Join(missing, "copy.db")},
	} {
		if args[0] == "backup" {
			runCLI(t, "", "migrate", "-db", db)
		}
		_, stderr, code := runCLI(t, "", args...)
		if code != 1 || !strings.Contains(stderr, "there is no folder "+missing) {
			t.Errorf("claimtrail %v: exit %d, stderr %q", args, code, stderr)
		}
	}
}

func TestUserCommands(t *testing.T) {
	db := filepath.Join(t.TempDir(), "c.db")
	out, stderr, code := runCLI(t, "a very good password\n", "user", "add", "-db", db, "-email", "Ada@Newsroom.example", "-name", "Ada", "-role", "admin")
	if code != 0 || !strings.Contains(out, "added ada@newsroom.example") || strings.Contains(out, "one-time password") {
		t.Fatalf("add with stdin password: %d %q %q", code, out, stderr)
	}
	out, _, code = runCLI(t, "", "user", "add", "-db", db, "-email", "rita@newsroom.example", "-name", "Rita", "-role", "reviewer")
	if code != 0 || !regexp.MustCompile(`one-time password: \S{20}`).MatchString(out) {
		t.Fatalf("add with generated password: %d %q", code, out)
	}
	if _, stderr, code := runCLI(t, "short\n", "user", "add", "-db", db, "-email", "s@newsroom.example", "-name", "S", "-role", "reviewer"); code != 1 || !strings.Contains(stderr, "12 characters") {
		t.Errorf("short password: %d %q", code, stderr)
	}
	if _, stderr, code := runCLI(t, "", "user", "add", "-db", db, "-email", "rita@newsroom.example", "-name", "R", "-role", "reviewer"); code != 1 || !strings.Contains(stderr, "already exists") {
		t.Errorf("duplicate: %d %q", code, stderr)
	}
	if _, _, code := runCLI(t, "", "user", "set-role", "-db", db, "-email", "rita@newsroom.example", "-role", "editor"); code != 0 {
		t.Errorf("set-role exit %d", code)
	}
	if _, _, code := runCLI(t, "", "user", "disable", "-db", db, "-email", "rita@newsroom.example"); code != 0 {
		t.Errorf("disable exit %d", code)
	}
	out, _, _ = runCLI(t, "", "user", "list", "-db", db)
	if !regexp.MustCompile(`rita@newsroom.example\s+Rita\s+editor\s+disabled`).MatchString(out) {
		t.Errorf("list:\n%s", out)
	}
	if _, stderr, code := runCLI(t, "", "user", "disable", "-db", db, "-email", "nobody@newsroom.example"); code != 1 || !strings.Contains(stderr, "no account") {
		t.Errorf("disable unknown: %d %q", code, stderr)
	}
	// Every change went through the audit log, and the chain holds: the
	// four changes, after the key file's two (keyed from here on, session
	// keys moved out of the database).
	out, _, code = runCLI(t, "", "audit", "verify", "-db", db)
	if code != 0 || !strings.Contains(out, "6 events verified") {
		t.Errorf("audit verify: %d %q", code, out)
	}
}

func TestAuditVerifyNamesTheBrokenEvent(t *testing.T) {
	db := filepath.Join(t.TempDir(), "c.db")
	for _, e := range []string{"a@newsroom.example", "b@newsroom.example", "c@newsroom.example"} {
		if _, stderr, code := runCLI(t, "", "user", "add", "-db", db, "-email", e, "-name", "N", "-role", "admin"); code != 0 {
			t.Fatal(stderr)
		}
	}
	raw, err := sql.Open("sqlite", db)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	for _, q := range []string{`DROP TRIGGER audit_events_no_update`, `UPDATE audit_events SET after_json = '{"role":"reviewer"}' WHERE id = 2`} {
		if _, err := raw.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	out, _, code := runCLI(t, "", "audit", "verify", "-db", db)
	if code != 1 || !strings.Contains(out, "BROKEN at event 2") || !strings.Contains(out, "1 events verified") {
		t.Errorf("verify after tampering: exit %d %q", code, out)
	}
}

func TestMigrateAndBackup(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "c.db")
	if out, _, code := runCLI(t, "", "migrate", "-db", db); code != 0 || !strings.Contains(out, "up to date") {
		t.Fatalf("migrate: %d %q", code, out)
	}
	runCLI(t, "", "user", "add", "-db", db, "-email", "a@newsroom.example", "-name", "A", "-role", "admin")
	backup := filepath.Join(dir, "copy.db")
	if _, stderr, code := runCLI(t, "", "backup", "-db", db, "-o", backup); code != 0 {
		t.Fatalf("backup: %s", stderr)
	}
	// A backup is used with the key file of the database it came from.
	if _, stderr, code := runCLI(t, "", "user", "list", "-db", backup); code != 1 || !strings.Contains(stderr, "copy the key file") {
		t.Errorf("backup without its key file: %d %q", code, stderr)
	}
	keys, err := os.ReadFile(db + ".keys")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(backup+".keys", keys, 0o600); err != nil {
		t.Fatal(err)
	}
	if out, _, _ := runCLI(t, "", "user", "list", "-db", backup); !strings.Contains(out, "a@newsroom.example") {
		t.Errorf("backup lacks the user: %q", out)
	}
	if out, _, code := runCLI(t, "", "audit", "verify", "-db", backup); code != 0 {
		t.Errorf("backup's audit log: %d %q", code, out)
	}
	if _, stderr, code := runCLI(t, "", "backup", "-db", db, "-o", backup); code != 1 || !strings.Contains(stderr, "already exists") {
		t.Errorf("backup over an existing file: %d %q", code, stderr)
	}

	// A mistyped -db never becomes a new, empty database that is then backed
	// up, verified, listed or exported as if it were the newsroom's.
	typo := filepath.Join(dir, "typo.db")
	for _, args := range [][]string{
		{"backup", "-db", typo, "-o", filepath.Join(dir, "b2.db")},
		{"audit", "verify", "-db", typo},
		{"user", "list", "-db", typo},
		{"export", "-db", typo, "-format", "csv"},
		{"token", "list", "-db", typo, "-user", "a@newsroom.example"},
	} {
		_, stderr, code := runCLI(t, "", args...)
		if code != 1 || !strings.Contains(stderr, "no database at "+typo) {
			t.Errorf("%v: exit %d, stderr %q", args, code, stderr)
		}
		if _, err := os.Stat(typo); err == nil {
			t.Fatalf("%v created %s", args, typo)
		}
	}
}

// server is claimtrail started by run() on a free port, as `make run` does.
type server struct {
	URL       string
	Passwords map[string]string // demo email → one-time password
	stop      context.CancelFunc
	done      chan error
}

// syncBuffer is a bytes.Buffer safe for one writer and one reader.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func startServer(t *testing.T, args ...string) *server {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var out syncBuffer
	s := &server{stop: cancel, done: make(chan error, 1), Passwords: map[string]string{}}
	args = append([]string{"serve", "-addr", "127.0.0.1:0", "-db", filepath.Join(t.TempDir(), "serve.db")}, args...)
	go func() {
		s.done <- run(ctx, args, strings.NewReader(""), &out, io.Discard, func(string) string { return "" })
	}()
	addr := regexp.MustCompile(`running at (http://\S+)`)
	// Generous: a bound on a start that hangs, not on how fast it is (the
	// race detector and a busy machine make the demo's seeding slow).
	deadline := time.Now().Add(2 * time.Minute)
	for time.Now().Before(deadline) {
		if m := addr.FindStringSubmatch(out.String()); m != nil {
			s.URL = m[1]
			break
		}
		select {
		case err := <-s.done:
			t.Fatalf("server exited: %v\n%s", err, out.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
	if s.URL == "" {
		t.Fatalf("server did not start:\n%s", out.String())
	}
	sc := bufio.NewScanner(strings.NewReader(out.String()))
	for sc.Scan() {
		if f := strings.Fields(sc.Text()); len(f) == 3 && strings.Contains(f[1], "@") {
			s.Passwords[f[1]] = f[2]
		}
	}
	t.Cleanup(func() {
		cancel()
		<-s.done
	})
	return s
}

func TestServeDemoPrintsWorkingLogins(t *testing.T) {
	s := startServer(t, "-demo")
	if len(s.Passwords) != 3 {
		t.Fatalf("demo passwords printed: %v", s.Passwords)
	}
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for email, pw := range s.Passwords {
		req, _ := http.NewRequest("POST", s.URL+"/login", strings.NewReader(url.Values{"email": {email}, "password": {pw}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		res, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/" {
			t.Errorf("sign in as %s: %d", email, res.StatusCode)
		}
	}
}

func TestGracefulShutdownFinishesInFlightRequests(t *testing.T) {
	s := startServer(t)
	// A request whose body is still arriving when the shutdown signal comes.
	pr, pw := io.Pipe()
	req, _ := http.NewRequest("POST", s.URL+"/login", pr)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	type result struct {
		status int
		err    error
	}
	got := make(chan result, 1)
	go func() {
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			got <- result{err: err}
			return
		}
		res.Body.Close()
		got <- result{status: res.StatusCode}
	}()
	io.WriteString(pw, "email=nobody%40newsroom.example&")
	time.Sleep(200 * time.Millisecond) // the handler is now reading the body
	s.stop()
	time.Sleep(200 * time.Millisecond)
	io.WriteString(pw, "password=whatever")
	pw.Close()
	r := <-got
	if r.err != nil || r.status != http.StatusUnauthorized {
		t.Fatalf("in-flight request: status %d, err %v; want it answered (401)", r.status, r.err)
	}
	select {
	case err := <-s.done:
		if err != nil {
			t.Errorf("serve returned %v after shutdown", err)
		}
		s.done <- nil // for the cleanup
	case <-time.After(10 * time.Second):
		t.Fatal("server did not stop")
	}
	if _, err := http.Get(s.URL + "/healthz"); err == nil {
		t.Error("server still accepting connections after shutdown")
	}
}

// The server bounds the Go heap softly while it runs (-memory-limit, 768 MB
// unless chosen), so the collector's headroom shrinks only once memory is
// high; GOMEMLIMIT, when set, wins; and the limit is given back at the end.
func TestServeSetsASoftMemoryLimit(t *testing.T) {
	before := debug.SetMemoryLimit(-1)
	for _, c := range []struct {
		name string
		args []string
		want int64
	}{
		{"default", nil, defaultMemoryLimitMB << 20},
		{"chosen", []string{"-memory-limit", "300"}, 300 << 20},
		{"none", []string{"-memory-limit", "0"}, before},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := startServer(t, c.args...)
			if got := debug.SetMemoryLimit(-1); got != c.want {
				t.Errorf("memory limit while serving = %d, want %d", got, c.want)
			}
			s.stop()
			<-s.done
			s.done <- nil // for the cleanup
			if got := debug.SetMemoryLimit(-1); got != before {
				t.Errorf("memory limit after serving = %d, want %d as before", got, before)
			}
		})
	}
}

// A server that has stopped leaves none of its own goroutines running: the
// notifier, the feeds, the audit checkpoints, the writer's and the
// checkpointer's background work all end before serve returns, since
// whatever outlived it would go on using a closed database.
func TestServeLeavesNoGoroutinesBehind(t *testing.T) {
	checkpoints := filepath.Join(t.TempDir(), "checkpoints")
	s := startServer(t, "-demo", "-audit-checkpoints", checkpoints, "-checkpoint-every", "1s")
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	var email, pw string
	for email, pw = range s.Passwords {
		break
	}
	// A sign-in writes (a session, an audit event) and the pages read: the
	// writer, the checkpointer and the readers have all been at work.
	res, err := c.PostForm(s.URL+"/login", url.Values{"email": {email}, "password": {pw}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	for _, path := range []string{"/", "/queue", "/search?q=vaccine"} {
		res, err := c.Get(s.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
	}
	c.CloseIdleConnections()
	s.stop()
	if err := <-s.done; err != nil {
		t.Fatalf("serve returned %v", err)
	}
	s.done <- nil // for the cleanup
	if left := ownGoroutines(); len(left) > 0 {
		t.Fatalf("%d goroutines of the server still running after serve returned:\n\n%s", len(left), strings.Join(left, "\n\n"))
	}
}

// ownGoroutines lists the stacks of running goroutines that are in
// claimtrail's own code (not its tests, nor only the standard library's).
func ownGoroutines() []string {
	buf := make([]byte, 1<<20)
	buf = buf[:runtime.Stack(buf, true)]
	var own []string
	for _, g := range strings.Split(string(buf), "\n\n") {
		lines := strings.Split(g, "\n")
		for i := 1; i+1 < len(lines); i += 2 {
			fn, file := lines[i], strings.TrimSpace(lines[i+1])
			if strings.HasPrefix(fn, "claimtrail/") && !strings.Contains(file, "_test.go:") {
				own = append(own, g)
				break
			}
		}
	}
	return own
}
