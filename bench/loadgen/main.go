// Command loadgen drives a running claimtrail server the way a desk does,
// for bench/load.sh and bench/crash.sh: many reviewers taking claims (through
// the API or the browser's form), writing and submitting verdicts, editors
// approving them, everyone commenting. It prints what it achieved (changes
// per second, p99 of each kind of request) and can log every change the
// server acknowledged, for checking against the database afterwards.
//
//	loadgen login -base URL -email E -password P       # prints a session cookie
//	loadgen take  -base URL -via api|browser -clients 50 -duration 10s (-tokens FILE | -password P)
//	loadgen desk  -base URL -tokens FILE -reviewers 30 -editors 6 -duration 10s [-ack FILE] [-comments]
//	loadgen desk  ... -rate 500                         # paced: 500 changes a second, open loop
//	loadgen crash -bin CLAIMTRAIL -db FILE -tokens FILE -rounds 20          # bench/crash.sh
//	loadgen crash ... -powercut DIR -durability normal   # bench/powercut.sh (root, FUSE)
//
// A tokens file has one "email token" pair a line (reviewers, then editors,
// by their email). The standard library and the project's own packages
// (crashtest; its power cut mounts with go-fuse); nothing but the server
// given is contacted.
package main

import (
	"bufio"
	"os/exec"

	"bytes"
	"claimtrail/bench/crashtest"
	"claimtrail/storage"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: loadgen login|take|desk [flags]")
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	var err error
	switch os.Args[1] {
	case "login":
		err = cmdLogin(os.Args[2:])
	case "take":
		err = cmdTake(ctx, os.Args[2:])
	case "desk":
		err = cmdDesk(ctx, os.Args[2:])
	case "crash":
		err = cmdCrash(ctx, os.Args[2:])
	default:
		err = fmt.Errorf("unknown command %q", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "loadgen:", err)
		os.Exit(1)
	}
}

func newClient(conns int) *http.Client {
	tr := &http.Transport{MaxIdleConns: conns * 2, MaxIdleConnsPerHost: conns * 2, IdleConnTimeout: 30 * time.Second}
	return &http.Client{Transport: tr, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// signIn signs in through the login form and returns a client holding the
// session cookie.
func signIn(base, email, password string) (*http.Client, error) {
	jar, _ := cookiejar.New(nil)
	c := newClient(2)
	c.Jar = jar
	for attempt := 0; ; attempt++ {
		resp, err := c.PostForm(base+"/login", url.Values{"email": {email}, "password": {password}})
		if err != nil {
			return nil, err
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode == http.StatusSeeOther {
			return c, nil
		}
		if resp.StatusCode == http.StatusTooManyRequests && attempt < 20 {
			time.Sleep(500 * time.Millisecond)
			continue
		}
		return nil, fmt.Errorf("sign in as %s: status %d", email, resp.StatusCode)
	}
}

func cmdLogin(args []string) error {
	fs := flag.NewFlagSet("login", flag.ExitOnError)
	base := fs.String("base", "http://127.0.0.1:8080", "server `URL`")
	email := fs.String("email", "", "account")
	password := fs.String("password", "bench-password", "password")
	fs.Parse(args)
	c, err := signIn(*base, *email, *password)
	if err != nil {
		return err
	}
	u, _ := url.Parse(*base)
	for _, ck := range c.Jar.Cookies(u) {
		fmt.Printf("%s=%s\n", ck.Name, ck.Value)
	}
	return nil
}

type account struct{ email, token string }

func readTokens(path string) ([]account, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var out []account
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) == 2 {
			out = append(out, account{f[0], f[1]})
		}
	}
	return out, nil
}

func byRole(accounts []account, role string) []account {
	var out []account
	for _, a := range accounts {
		if strings.HasPrefix(a.email, role) {
			out = append(out, a)
		}
	}
	return out
}

// latencies collects request times per kind of request.
type latencies struct {
	mu   sync.Mutex
	byOp map[string][]time.Duration
	errs map[string]int
}

func newLatencies() *latencies {
	return &latencies{byOp: map[string][]time.Duration{}, errs: map[string]int{}}
}

func (l *latencies) add(op string, d time.Duration) {
	l.mu.Lock()
	l.byOp[op] = append(l.byOp[op], d)
	l.mu.Unlock()
}

func (l *latencies) fail(op string) {
	l.mu.Lock()
	l.errs[op]++
	l.mu.Unlock()
}

func pct(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[min(len(s)-1, int(float64(len(s))*p))]
}

func ms(d time.Duration) string {
	return strconv.FormatFloat(float64(d.Microseconds())/1000, 'f', 1, 64)
}

func (l *latencies) report(w io.Writer, elapsed time.Duration, ops ...string) {
	for _, op := range ops {
		ds := l.byOp[op]
		fmt.Fprintf(w, "%-10s %7d ok  %8.1f/s  p50 %6s ms  p99 %6s ms  errors %d\n", op, len(ds),
			float64(len(ds))/elapsed.Seconds(), ms(pct(ds, 0.5)), ms(pct(ds, 0.99)), l.errs[op])
	}
}

// call sends one request and decodes a JSON answer into out when given.
func call(ctx context.Context, c *http.Client, method, u, token string, body any, out any) (int, error) {
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		return 0, err
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	if out != nil && resp.StatusCode < 300 {
		if err := json.NewDecoder(resp.Body).Decode(out); err != nil && !errors.Is(err, io.EOF) {
			return resp.StatusCode, err
		}
	} else {
		io.Copy(io.Discard, resp.Body)
	}
	return resp.StatusCode, nil
}

type apiClaim struct {
	ID      int64 `json:"id"`
	Version int64 `json:"version"`
	Verdict *struct {
		Version int64 `json:"version"`
	} `json:"verdict"`
}

// verdictText writes one reviewer's verdicts in the benchmark database's
// vocabulary (storage.BenchText), much as seed-bench writes its verdicts: a
// line for the conclusion (within the verdict's 300 characters), two
// paragraphs of explanation, a source with a title and a quote. Verdicts that all said the same few words would
// grow those words' postings in the search index with every one, as no
// newsroom's verdicts do, and age the database unlike a newsroom's.
type verdictText struct {
	text storage.BenchText
	r    *rand.Rand
	i    int // the reviewer's number
}

func newVerdictText(text storage.BenchText, i int) *verdictText {
	return &verdictText{text: text, r: rand.New(rand.NewPCG(uint64(i)+1, uint64(time.Now().UnixNano()))), i: i}
}

// verdict is the verdict saved in the reviewer's round n, on a verdict at
// version; conclusion is what the saved change is known by (its mark, the
// reviewer's number and the round, makes it one of a kind).
func (vt *verdictText) verdict(n int, version int64) (conclusion string, verdict map[string]any) {
	r, t := vt.r, vt.text
	conclusion = fmt.Sprintf("%s (%d.%d)", t.Title(r), vt.i, n)
	return conclusion, map[string]any{"rating": "Mostly true", "conclusion": conclusion,
		"explanation": t.Paragraph(r, 3+r.IntN(4)) + "\n\n" + t.Paragraph(r, 2+r.IntN(4)),
		"sources": []map[string]any{{"url": "https://stats.bench.example/table/" + strconv.Itoa(vt.i) + "/" + strconv.Itoa(n),
			"title": t.Title(r), "type": "official_statistics", "quote": t.Sentence(r)}},
		"version": version}
}

// cmdTake measures "take next" with many reviewers at once, and checks that
// no claim was handed out twice.
func cmdTake(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("take", flag.ExitOnError)
	base := fs.String("base", "http://127.0.0.1:8080", "server `URL`")
	via := fs.String("via", "api", "api or browser")
	clients := fs.Int("clients", 50, "reviewers at once")
	duration := fs.Duration("duration", 10*time.Second, "how long")
	tokens := fs.String("tokens", "", "tokens `file` (for -via api)")
	password := fs.String("password", "bench-password", "password (for -via browser)")
	idsOut := fs.String("ids", "", "write the ids taken to this `file`")
	fs.Parse(args)

	type taker func(context.Context) (int64, int, error)
	var takers []taker
	switch *via {
	case "api":
		accounts, err := readTokens(*tokens)
		if err != nil {
			return err
		}
		revs := byRole(accounts, "reviewer")
		if len(revs) < *clients {
			return fmt.Errorf("%d reviewer tokens for %d clients", len(revs), *clients)
		}
		c := newClient(*clients)
		for _, a := range revs[:*clients] {
			takers = append(takers, func(ctx context.Context) (int64, int, error) {
				var cl apiClaim
				st, err := call(ctx, c, "POST", *base+"/api/v1/queue/next", a.token, nil, &cl)
				return cl.ID, st, err
			})
		}
	case "browser":
		for i := 1; i <= *clients; i++ {
			c, err := signIn(*base, fmt.Sprintf("reviewer%02d@bench.example", i), *password)
			if err != nil {
				return err
			}
			takers = append(takers, func(ctx context.Context) (int64, int, error) {
				req, _ := http.NewRequestWithContext(ctx, "POST", *base+"/queue/next", strings.NewReader(""))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				resp, err := c.Do(req)
				if err != nil {
					return 0, 0, err
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				loc := resp.Header.Get("Location")
				if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/claims/") {
					return 0, resp.StatusCode, nil
				}
				id, _ := strconv.ParseInt(strings.TrimPrefix(loc, "/claims/"), 10, 64)
				return id, 200, nil
			})
		}
	default:
		return fmt.Errorf("-via must be api or browser")
	}

	lat := newLatencies()
	var mu sync.Mutex
	seen := map[int64]int{}
	var empty atomic.Bool
	ctx, cancel := context.WithTimeout(ctx, *duration)
	defer cancel()
	start := time.Now()
	var wg sync.WaitGroup
	for _, take := range takers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil && !empty.Load() {
				t0 := time.Now()
				id, st, err := take(ctx)
				if ctx.Err() != nil {
					return
				}
				switch {
				case err == nil && st == 200 && id > 0:
					lat.add("take", time.Since(t0))
					mu.Lock()
					seen[id]++
					mu.Unlock()
				case err == nil && st == http.StatusNoContent:
					empty.Store(true)
				default:
					lat.fail("take")
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	dups := 0
	var ids []string
	for id, n := range seen {
		if n > 1 {
			dups++
		}
		ids = append(ids, strconv.FormatInt(id, 10))
	}
	if *idsOut != "" {
		os.WriteFile(*idsOut, []byte(strings.Join(ids, "\n")+"\n"), 0o644)
	}
	fmt.Printf("take next via %s, %d reviewers, %s:\n", *via, *clients, elapsed.Round(time.Millisecond))
	lat.report(os.Stdout, elapsed, "take")
	fmt.Printf("RESULT take-%s assignments_per_s=%.1f p99_ms=%s errors=%d handed_out_twice=%d queue_ran_out=%v\n",
		*via, float64(len(lat.byOp["take"]))/elapsed.Seconds(), ms(pct(lat.byOp["take"], 0.99)), lat.errs["take"], dups, empty.Load())
	if dups > 0 {
		return fmt.Errorf("%d claims were handed out twice", dups)
	}
	return nil
}

// ack logs changes the server acknowledged, one line each:
// "kind claim_id value", for bench/crash.sh to look for in the database.
type ack struct {
	mu sync.Mutex
	w  *bufio.Writer
	f  *os.File
}

func openAck(path string) (*ack, error) {
	if path == "" {
		return nil, nil
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return nil, err
	}
	return &ack{w: bufio.NewWriter(f), f: f}, nil
}

func (a *ack) log(kind string, id int64, value string) {
	if a == nil {
		return
	}
	a.mu.Lock()
	fmt.Fprintf(a.w, "%s %d %s\n", kind, id, value)
	a.mu.Unlock()
}

func (a *ack) close() {
	if a != nil {
		a.w.Flush()
		a.f.Close()
	}
}

// cmdDesk runs reviewers taking, saving and submitting verdicts and editors
// approving them, all through the API, as fast as they can.
func cmdDesk(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("desk", flag.ExitOnError)
	base := fs.String("base", "http://127.0.0.1:8080", "server `URL`")
	tokens := fs.String("tokens", "", "tokens `file`")
	nRev := fs.Int("reviewers", 30, "reviewers at once")
	nEd := fs.Int("editors", 6, "editors at once")
	duration := fs.Duration("duration", 10*time.Second, "how long")
	ackPath := fs.String("ack", "", "append acknowledged changes to this `file`")
	comments := fs.Bool("comments", false, "reviewers also comment on each claim (through the browser form)")
	password := fs.String("password", "bench-password", "password, for -comments")
	rate := fs.Float64("rate", 0, "changes (saves, submits, approvals) a `second`, paced over the same clients (open loop); 0: each client as fast as it can (closed loop)")
	fs.Parse(args)
	accounts, err := readTokens(*tokens)
	if err != nil {
		return err
	}
	revs, eds := byRole(accounts, "reviewer"), byRole(accounts, "editor")
	if len(revs) < *nRev || len(eds) < *nEd {
		return fmt.Errorf("need %d reviewer and %d editor tokens, have %d and %d", *nRev, *nEd, len(revs), len(eds))
	}
	if *rate > 0 {
		if *comments {
			return fmt.Errorf("-comments is for the closed loop only")
		}
		return deskPaced(ctx, *base, revs[:*nRev], eds[:*nEd], *rate, *duration, *ackPath)
	}
	acks, err := openAck(*ackPath)
	if err != nil {
		return err
	}
	defer acks.close()
	c := newClient(*nRev + *nEd)
	lat := newLatencies()
	ctx, cancel := context.WithTimeout(ctx, *duration)
	defer cancel()
	start := time.Now()
	var wg sync.WaitGroup
	// timed runs one request and files its latency or its failure. A request
	// cut short by the end of the run counts as neither.
	timed := func(op string, f func() (int, error), okStatus ...int) bool {
		t0 := time.Now()
		st, err := f()
		if ctx.Err() != nil {
			return false
		}
		if err == nil && slices.Contains(okStatus, st) {
			lat.add(op, time.Since(t0))
			return true
		}
		lat.fail(op)
		if err != nil {
			time.Sleep(50 * time.Millisecond) // the server is down: do not spin
		}
		return false
	}
	text := storage.NewBenchText()
	for i, a := range revs[:*nRev] {
		vt := newVerdictText(text, i)
		var browser *http.Client
		if *comments {
			if browser, err = signIn(*base, a.email, *password); err != nil {
				return err
			}
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			n := 0
			for ctx.Err() == nil {
				var cl apiClaim
				if !timed("take", func() (int, error) {
					return call(ctx, c, "POST", *base+"/api/v1/queue/next", a.token, nil, &cl)
				}, 200) || cl.Verdict == nil {
					continue
				}
				acks.log("taken", cl.ID, a.email)
				n++
				conclusion, verdict := vt.verdict(n, cl.Verdict.Version)
				if !timed("save", func() (int, error) {
					return call(ctx, c, "PUT", *base+"/api/v1/claims/"+strconv.FormatInt(cl.ID, 10)+"/verdict", a.token, verdict, nil)
				}, 200) {
					continue
				}
				acks.log("saved", cl.ID, conclusion)
				if browser != nil {
					body := fmt.Sprintf("Note %d from %s", n, a.email)
					if timed("comment", func() (int, error) {
						req, _ := http.NewRequestWithContext(ctx, "POST", *base+"/claims/"+strconv.FormatInt(cl.ID, 10)+"/comments",
							strings.NewReader(url.Values{"body": {body}}.Encode()))
						req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
						resp, err := browser.Do(req)
						if err != nil {
							return 0, err
						}
						io.Copy(io.Discard, resp.Body)
						resp.Body.Close()
						return resp.StatusCode, nil
					}, http.StatusSeeOther) {
						acks.log("commented", cl.ID, body)
					}
				}
				if timed("submit", func() (int, error) {
					return call(ctx, c, "POST", *base+"/api/v1/claims/"+strconv.FormatInt(cl.ID, 10)+"/submit", a.token, nil, nil)
				}, 200) {
					acks.log("submitted", cl.ID, a.email)
				}
			}
		}()
	}
	for e, a := range eds[:*nEd] {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				var list struct {
					Claims []apiClaim `json:"claims"`
				}
				if !timed("list", func() (int, error) {
					return call(ctx, c, "GET", *base+"/api/v1/claims?state=submitted&limit=100", a.token, nil, &list)
				}, 200) {
					continue
				}
				mine := 0
				for _, cl := range list.Claims {
					if cl.ID%int64(*nEd) != int64(e) || ctx.Err() != nil {
						continue
					}
					mine++
					if timed("approve", func() (int, error) {
						return call(ctx, c, "POST", *base+"/api/v1/claims/"+strconv.FormatInt(cl.ID, 10)+"/approve", a.token, nil, nil)
					}, 200) {
						acks.log("approved", cl.ID, a.email)
					}
				}
				if mine == 0 {
					time.Sleep(20 * time.Millisecond)
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	fmt.Printf("desk: %d reviewers, %d editors, %s:\n", *nRev, *nEd, elapsed.Round(time.Millisecond))
	lat.report(os.Stdout, elapsed, "take", "save", "comment", "submit", "list", "approve")
	var changes []time.Duration
	for _, op := range []string{"save", "submit", "approve"} {
		changes = append(changes, lat.byOp[op]...)
	}
	fmt.Printf("RESULT desk changes_per_s=%.1f p99_ms=%s takes_per_s=%.1f take_p99_ms=%s errors=%d\n",
		float64(len(changes))/elapsed.Seconds(), ms(pct(changes, 0.99)),
		float64(len(lat.byOp["take"]))/elapsed.Seconds(), ms(pct(lat.byOp["take"], 0.99)),
		lat.errs["save"]+lat.errs["submit"]+lat.errs["approve"])
	return nil
}

// cmdCrash kills the server again and again under a working desk
// (package crashtest) and checks the database after each kill.
func cmdCrash(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("crash", flag.ExitOnError)
	bin := fs.String("bin", "claimtrail", "the claimtrail `binary`")
	db := fs.String("db", "", "seeded database")
	tokens := fs.String("tokens", "", "tokens `file`")
	rounds := fs.Int("rounds", 20, "kills")
	reviewers := fs.Int("reviewers", 12, "reviewers at once")
	editors := fs.Int("editors", 3, "editors at once")
	password := fs.String("password", "bench-password", "password, for the reviewers who comment")
	minRun := fs.Duration("min", 500*time.Millisecond, "shortest time before a kill")
	maxRun := fs.Duration("max", 3*time.Second, "longest time before a kill")
	mnt := fs.String("powercut", "", "cut the power with each kill: mount the database's directory at this empty `directory` (FUSE, root) and run the server there")
	durability := fs.String("durability", "", "the server's -durability (with -powercut: acknowledged changes lost are counted, not failed, for normal)")
	fs.Parse(args)
	accounts, err := readTokens(*tokens)
	if err != nil {
		return err
	}
	revs, eds := byRole(accounts, "reviewer"), byRole(accounts, "editor")
	if len(revs) < *reviewers || len(eds) < *editors {
		return fmt.Errorf("need %d reviewer and %d editor tokens", *reviewers, *editors)
	}
	serveDB := *db
	cfg := crashtest.Config{DB: *db, Password: *password, Rounds: *rounds, MinRun: *minRun, MaxRun: *maxRun,
		RestartLimit: time.Second, BackupRound: 2, Log: os.Stdout,
		Start: func(addr string) *exec.Cmd {
			args := []string{"serve", "-db", serveDB, "-addr", addr, "-api-rate", "0"}
			if *durability != "" {
				args = append(args, "-durability", *durability)
			}
			return exec.Command(*bin, args...)
		},
		Verify: func(path string) error {
			out, err := exec.CommandContext(ctx, *bin, "audit", "verify", "-db", path).CombinedOutput()
			if err != nil {
				return fmt.Errorf("%w: %s", err, out)
			}
			return nil
		},
		Backup: func(out string) error {
			b, err := exec.CommandContext(ctx, *bin, "backup", "-db", *db, "-o", out).CombinedOutput()
			if err != nil {
				return fmt.Errorf("%w: %s", err, b)
			}
			return nil
		},
	}
	if *mnt != "" {
		// The server runs on the mount; the checks read the directory
		// underneath. Starting through FUSE is slower, so no 1 s limit.
		serveDB = filepath.Join(*mnt, filepath.Base(*db))
		cfg.PowerCut = crashtest.MountedPowerCut(filepath.Dir(*db), *mnt, *durability == "normal")
		cfg.BackupRound, cfg.RestartLimit = 0, 0
	}
	for _, a := range revs[:*reviewers] {
		cfg.Reviewers = append(cfg.Reviewers, crashtest.Account{Email: a.email, Token: a.token})
	}
	for _, a := range eds[:*editors] {
		cfg.Editors = append(cfg.Editors, crashtest.Account{Email: a.email, Token: a.token})
	}
	rep, err := crashtest.Run(ctx, cfg)
	if rep != nil && *mnt != "" {
		fmt.Printf("RESULT powercut durability=%s cuts=%d acknowledged=%d found=%d lost=%d lost_kinds=%v kinds=%v slowest_restart_ms=%d\n",
			cmp.Or(*durability, "full"), rep.Rounds, rep.Acknowledged+rep.Lost, rep.Acknowledged, rep.Lost, rep.LostKinds, rep.Kinds, rep.SlowestRestart.Milliseconds())
	} else if rep != nil {
		fmt.Printf("RESULT crash rounds=%d acknowledged=%d kinds=%v backup_checked=%d slowest_restart_ms=%d\n",
			rep.Rounds, rep.Acknowledged, rep.Kinds, rep.BackupChecked, rep.SlowestRestart.Milliseconds())
	}
	return err
}
