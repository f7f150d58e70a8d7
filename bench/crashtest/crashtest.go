// Package crashtest kills a claimtrail server with SIGKILL while a desk
// works against it as fast as it can, again and again, and checks after each
// restart that every change the server acknowledged is in the database,
// that nothing is left half done, that the audit log verifies and that the
// server answers again within a second. One round also takes a backup under
// that load and checks it holds every change acknowledged before it began.
// bench/crash.sh runs it at length; a short run is part of the test suite.
//
// With a PowerCut the power goes too: the server runs on a FUSE mount of the
// database's directory (package powercut), and each SIGKILL comes with a cut
// that drops every write the server had not synced. The checks then read the
// directory underneath, which holds only what was synced.
// bench/powercut.sh runs it at length for each durability setting.
package crashtest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"claimtrail/bench/powercut"
	"claimtrail/domain"
	"claimtrail/storage"
)

// Account is a seeded account and its API token.
type Account struct{ Email, Token string }

// Config says what to crash and how often.
type Config struct {
	DB        string
	Reviewers []Account // take, save, submit (and comment through the browser)
	Editors   []Account // approve
	Password  string    // for the browser sign-ins that comment
	// Start returns the server command listening on addr (not yet started).
	Start func(addr string) *exec.Cmd
	// Verify runs `claimtrail audit verify` on a database file.
	Verify func(db string) error
	// Backup runs `claimtrail backup` of the live database to out.
	Backup      func(out string) error
	BackupRound int // the round that takes a backup (0: none)

	Rounds         int
	MinRun, MaxRun time.Duration // the kill comes at a random moment between
	// RestartLimit is how soon the server must answer after each start
	// (bench/crash.sh: 1 s; the test suite only needs it back).
	RestartLimit time.Duration
	Log          io.Writer
	// PowerCut, when set, cuts the power with every kill (Start must run
	// the server on the mounted copy of DB).
	PowerCut *PowerCut
}

// PowerCut plays a power cut with each kill.
type PowerCut struct {
	// Mount is called before each round's server starts.
	Mount func() error
	// Cut drops every write not yet synced and unmounts; it says what it
	// dropped, for the log.
	Cut func() (string, error)
	// MayLose counts acknowledged changes the cut took back (Report.Lost)
	// instead of failing: for durability settings documented to lose
	// them. Nothing may be half done and the audit log must verify all
	// the same. The check of every round's changes once more at the end
	// is left out then: a change lost may be redone differently later.
	MayLose bool
}

// MountedPowerCut plays the cut on a FUSE mount of dir (the database's
// directory) at mnt, with package powercut; the server must run on the
// database under mnt.
func MountedPowerCut(dir, mnt string, mayLose bool) *PowerCut {
	var mounted *powercut.FS
	return &PowerCut{MayLose: mayLose,
		Mount: func() error {
			f, err := powercut.Mount(dir, mnt)
			mounted = f
			return err
		},
		Cut: func() (string, error) {
			if mounted == nil {
				return "not mounted", nil
			}
			d, err := mounted.Cut()
			mounted = nil
			return fmt.Sprintf("%d KB unsynced in %d files dropped", d.Bytes/1024, d.Files), err
		},
	}
}

// Report is what the rounds found.
type Report struct {
	Rounds, Acknowledged, BackupChecked int
	Kinds                               map[string]int
	SlowestRestart                      time.Duration
	// Lost and LostKinds count acknowledged changes a power cut took back
	// (PowerCut.MayLose only; otherwise the run fails on the first).
	Lost      int
	LostKinds map[string]int
}

type ack struct {
	kind  string
	claim int64
	value string
}

// acks is the log of changes the server acknowledged.
type acks struct {
	mu   sync.Mutex
	list []ack
}

func (a *acks) add(kind string, claim int64, value string) {
	a.mu.Lock()
	a.list = append(a.list, ack{kind, claim, value})
	a.mu.Unlock()
}

func (a *acks) snapshot() []ack {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]ack(nil), a.list...)
}

// Run runs the rounds.
func Run(ctx context.Context, cfg Config) (*Report, error) {
	rep := &Report{Kinds: map[string]int{}, LostKinds: map[string]int{}}
	log := cfg.Log
	if log == nil {
		log = io.Discard
	}
	pc := cfg.PowerCut
	if pc != nil {
		// Whatever goes wrong, the mount does not outlive the run.
		defer pc.Cut()
	}
	var done []ack
	for round := 1; round <= cfg.Rounds; round++ {
		addr, err := FreeAddr()
		if err != nil {
			return rep, err
		}
		base := "http://" + addr
		if pc != nil {
			if err := pc.Mount(); err != nil {
				return rep, fmt.Errorf("round %d: %w", round, err)
			}
		}
		cmd := cfg.Start(addr)
		cmd.Stdout, cmd.Stderr = io.Discard, io.Discard
		t0 := time.Now()
		if err := cmd.Start(); err != nil {
			return rep, err
		}
		if err := WaitUp(ctx, base, 30*time.Second); err != nil {
			cmd.Process.Kill()
			cmd.Wait()
			return rep, fmt.Errorf("round %d: %w", round, err)
		}
		up := time.Since(t0)
		if round > 1 {
			rep.SlowestRestart = max(rep.SlowestRestart, up)
		}
		// The first start makes the key file; the limit is for restarts after a kill.
		if round > 1 && cfg.RestartLimit > 0 && up > cfg.RestartLimit {
			cmd.Process.Kill()
			cmd.Wait()
			return rep, fmt.Errorf("round %d: the server took %s to answer after the restart (limit %s)", round, up.Round(time.Millisecond), cfg.RestartLimit)
		}

		var log2 acks
		clientCtx, stopClients := context.WithCancel(ctx)
		var wg sync.WaitGroup
		if err := startDesk(clientCtx, &wg, base, cfg, &log2); err != nil {
			stopClients()
			cmd.Process.Kill()
			cmd.Wait()
			return rep, err
		}
		run := cfg.MinRun + time.Duration(rand.Int64N(int64(cfg.MaxRun-cfg.MinRun)+1))
		var backupFile string
		var beforeBackup []ack
		if round == cfg.BackupRound && cfg.Backup != nil {
			time.Sleep(run / 2)
			beforeBackup = log2.snapshot()
			backupFile = cfg.DB + ".crash-backup-" + strconv.Itoa(round)
			os.Remove(backupFile)
			if err := cfg.Backup(backupFile); err != nil {
				stopClients()
				cmd.Process.Kill()
				cmd.Wait()
				return rep, fmt.Errorf("round %d: backup under load: %w", round, err)
			}
			// A restore needs the key file beside the copy (README, backups).
			if err := copyIfMissing(cfg.DB+".keys", backupFile+".keys"); err != nil {
				stopClients()
				cmd.Process.Kill()
				cmd.Wait()
				return rep, err
			}
			time.Sleep(run / 2)
		} else {
			time.Sleep(run)
		}
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
		stopClients()
		wg.Wait()
		what := "killed"
		if pc != nil {
			dropped, err := pc.Cut()
			if err != nil {
				return rep, fmt.Errorf("round %d: power cut: %w", round, err)
			}
			what = "killed and the power cut (" + dropped + ")"
		}

		got := log2.snapshot()
		if len(got) == 0 && run >= time.Second {
			// A round in which nothing was acknowledged proves nothing: the
			// desk ran out of queued claims, or the server never worked.
			return rep, fmt.Errorf("round %d: no change was acknowledged in %s of work: the queue ran dry (seed more claims) or the server did not answer", round, run.Round(time.Millisecond))
		}
		lost, err := missing(ctx, cfg.DB, got)
		if err == nil && len(lost) > 0 && (pc == nil || !pc.MayLose) {
			a := lost[0]
			err = fmt.Errorf("%d acknowledged changes are not in the database, the first the %s of claim %d (%q)", len(lost), a.kind, a.claim, a.value)
		}
		if err != nil {
			return rep, fmt.Errorf("round %d (%s after %s): %w", round, what, run.Round(time.Millisecond), err)
		}
		if len(lost) > 0 {
			rep.Lost += len(lost)
			gone := map[ack]bool{}
			for _, a := range lost {
				rep.LostKinds[a.kind]++
				gone[a] = true
			}
			kept := got[:0:0]
			for _, a := range got {
				if !gone[a] {
					kept = append(kept, a)
				}
			}
			got = kept
		}
		if err := cfg.Verify(cfg.DB); err != nil {
			return rep, fmt.Errorf("round %d: audit verify: %w", round, err)
		}
		if backupFile != "" {
			if err := cfg.Verify(backupFile); err != nil {
				return rep, fmt.Errorf("round %d: the backup taken under load: audit verify: %w", round, err)
			}
			if err := check(ctx, backupFile, beforeBackup); err != nil {
				return rep, fmt.Errorf("round %d: the backup taken under load: %w", round, err)
			}
			rep.BackupChecked = len(beforeBackup)
			os.Remove(backupFile)
			os.Remove(backupFile + ".keys")
		}
		for _, a := range got {
			rep.Kinds[a.kind]++
		}
		done = append(done, got...)
		rep.Rounds, rep.Acknowledged = round, len(done)
		found := "all there"
		if len(lost) > 0 {
			found = fmt.Sprintf("%d there, %d LOST", len(got), len(lost))
		}
		fmt.Fprintf(log, "round %2d: %s after %4d ms with %4d changes acknowledged; %s, nothing half done, audit verified; back up in %d ms\n",
			round, what, run.Milliseconds(), len(got)+len(lost), found, up.Milliseconds())
	}
	// Every change of every round, once more, after all the kills.
	if pc == nil || !pc.MayLose {
		if err := check(ctx, cfg.DB, done); err != nil {
			return rep, fmt.Errorf("after all rounds: %w", err)
		}
	}
	return rep, nil
}

// check opens db and looks for every acknowledged change and for anything
// half done.
func check(ctx context.Context, path string, list []ack) error {
	lost, err := missing(ctx, path, list)
	if err != nil {
		return err
	}
	if len(lost) > 0 {
		a := lost[0]
		return fmt.Errorf("the acknowledged %s of claim %d (%q) is not in the database", a.kind, a.claim, a.value)
	}
	return nil
}

// missing opens db, fails on anything half done, and returns the
// acknowledged changes it does not hold.
func missing(ctx context.Context, path string, list []ack) ([]ack, error) {
	db, err := storage.Open(ctx, path)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	problems, err := db.CheckIntegrity(ctx)
	if err != nil {
		return nil, err
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("half-done changes: %s", strings.Join(problems, "; "))
	}
	var lost []ack
	for _, a := range list {
		c, v, err := db.ClaimWithVerdict(ctx, a.claim)
		if err != nil {
			return nil, fmt.Errorf("acknowledged %s of claim %d: %w", a.kind, a.claim, err)
		}
		ok := true
		switch a.kind {
		case "taken":
			ok, err = hasEvent(ctx, db, a.claim, "claim.taken", a.value)
		case "saved":
			ok = v != nil && v.Conclusion == a.value
		case "submitted":
			ok = c.State == domain.StateSubmitted || c.State == domain.StateApproved
		case "approved":
			ok = c.State == domain.StateApproved
		case "commented":
			ok, err = hasEvent(ctx, db, a.claim, "comment.added", a.value)
		}
		if err != nil {
			return nil, err
		}
		if !ok {
			lost = append(lost, a)
		}
	}
	return lost, nil
}

// hasEvent reports whether the claim's history has action by actor, or
// (for comments) with the body given.
func hasEvent(ctx context.Context, db *storage.DB, claim int64, action, value string) (bool, error) {
	events, err := db.EntityHistory(ctx, "claim", claim)
	if err != nil {
		return false, err
	}
	for _, e := range events {
		if e.Action == action && (e.ActorLabel == value || bytes.Contains(e.After, []byte(strconv.Quote(value)))) {
			return true, nil
		}
	}
	return false, nil
}

// FreeAddr is a loopback address with a free port.
func FreeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}

// WaitUp waits until the server at base answers /healthz.
func WaitUp(ctx context.Context, base string, limit time.Duration) error {
	c := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		if resp, err := c.Get(base + "/healthz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return nil
			}
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		time.Sleep(5 * time.Millisecond)
	}
	return fmt.Errorf("the server did not answer within %s", limit)
}

// startDesk starts reviewers taking, saving, commenting and submitting, and
// editors approving, until ctx ends.
func startDesk(ctx context.Context, wg *sync.WaitGroup, base string, cfg Config, log *acks) error {
	client := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	api := func(method, path, token string, body, out any) (int, error) {
		var rd io.Reader
		if body != nil {
			b, _ := json.Marshal(body)
			rd = bytes.NewReader(b)
		}
		req, err := http.NewRequestWithContext(ctx, method, base+path, rd)
		if err != nil {
			return 0, err
		}
		req.Header.Set("Authorization", "Bearer "+token)
		if body != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		resp, err := client.Do(req)
		if err != nil {
			return 0, err
		}
		defer resp.Body.Close()
		if out != nil && resp.StatusCode < 300 {
			if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
				return 0, err // a cut-off answer is no acknowledgement
			}
			return resp.StatusCode, nil
		}
		if _, err := io.Copy(io.Discard, resp.Body); err != nil {
			return 0, err
		}
		return resp.StatusCode, nil
	}
	pause := func() { time.Sleep(20 * time.Millisecond) }
	for i, a := range cfg.Reviewers {
		var browser *http.Client
		if i < 2 && cfg.Password != "" {
			jar, _ := cookiejar.New(nil)
			browser = &http.Client{Jar: jar, Timeout: 5 * time.Second,
				CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
			resp, err := browser.PostForm(base+"/login", url.Values{"email": {a.Email}, "password": {cfg.Password}})
			if err != nil {
				return err
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusSeeOther {
				return fmt.Errorf("sign in as %s: status %d", a.Email, resp.StatusCode)
			}
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := 0; ctx.Err() == nil; n++ {
				var c struct {
					ID      int64 `json:"id"`
					Verdict *struct {
						Version int64 `json:"version"`
					} `json:"verdict"`
				}
				st, err := api("POST", "/api/v1/queue/next", a.Token, nil, &c)
				if err != nil || st != 200 || c.Verdict == nil {
					pause()
					continue
				}
				log.add("taken", c.ID, a.Email)
				id := strconv.FormatInt(c.ID, 10)
				conclusion := fmt.Sprintf("Checked by %s, pass %d, %d.", a.Email, n, time.Now().UnixNano())
				st, err = api("PUT", "/api/v1/claims/"+id+"/verdict", a.Token, map[string]any{"rating": "Mostly true",
					"conclusion": conclusion, "explanation": "The figure matches the official release, give or take rounding.",
					"sources": []map[string]any{{"url": "https://stats.bench.example/t/" + id, "title": "Official table", "type": "official_statistics"}},
					"version": c.Verdict.Version}, nil)
				if err != nil || st != 200 {
					continue
				}
				log.add("saved", c.ID, conclusion)
				if browser != nil {
					body := fmt.Sprintf("Note on %d from %s at %d", c.ID, a.Email, time.Now().UnixNano())
					req, _ := http.NewRequestWithContext(ctx, "POST", base+"/claims/"+id+"/comments", strings.NewReader(url.Values{"body": {body}}.Encode()))
					req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
					if resp, err := browser.Do(req); err == nil {
						_, cerr := io.Copy(io.Discard, resp.Body)
						resp.Body.Close()
						if cerr == nil && resp.StatusCode == http.StatusSeeOther {
							log.add("commented", c.ID, body)
						}
					}
				}
				if st, err := api("POST", "/api/v1/claims/"+id+"/submit", a.Token, nil, nil); err == nil && st == 200 {
					log.add("submitted", c.ID, a.Email)
				}
			}
		}()
	}
	for e, a := range cfg.Editors {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				var list struct {
					Claims []struct {
						ID int64 `json:"id"`
					} `json:"claims"`
				}
				if st, err := api("GET", "/api/v1/claims?state=submitted&limit=50", a.Token, nil, &list); err != nil || st != 200 {
					pause()
					continue
				}
				mine := 0
				for _, c := range list.Claims {
					if c.ID%int64(len(cfg.Editors)) != int64(e) || ctx.Err() != nil {
						continue
					}
					mine++
					if st, err := api("POST", "/api/v1/claims/"+strconv.FormatInt(c.ID, 10)+"/approve", a.Token, nil, nil); err == nil && st == 200 {
						log.add("approved", c.ID, a.Email)
					}
				}
				if mine == 0 {
					pause()
				}
			}
		}()
	}
	return nil
}

func copyIfMissing(from, to string) error {
	if _, err := os.Stat(to); err == nil {
		return nil
	}
	b, err := os.ReadFile(from)
	if os.IsNotExist(err) {
		return nil
	} else if err != nil {
		return err
	}
	return os.WriteFile(to, b, 0o600)
}
