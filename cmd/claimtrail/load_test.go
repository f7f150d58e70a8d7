package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"claimtrail/bench/crashtest"
	"claimtrail/domain"
	"claimtrail/storage"
	"claimtrail/web/auth"
)

// TestLoadShort is the short version of bench/load.sh, without wrk: on a
// seeded database, every page answers 200 under concurrent requests, and
// 50 reviewers taking the next claim at once (40 through the API, 10 through
// the browser's form) until the queue runs dry are never handed the same
// claim: each claim taken is assigned, in the database, to the one reviewer
// it was handed to.
func TestLoadShort(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a server")
	}
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "load.db")
	hash, err := auth.HashPassword("bench-password")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := storage.SeedBench(ctx, path, storage.BenchSeed{Claims: 1500, PasswordHash: hash}); err != nil {
		t.Fatal(err)
	}
	var tokens []string
	for i := 1; i <= 40; i++ {
		var out strings.Builder
		if err := run(ctx, []string{"token", "create", "-db", path, "-user", storage.BenchReviewerEmail(i)}, strings.NewReader(""), &out, io.Discard, func(string) string { return "" }); err != nil {
			t.Fatal(err)
		}
		tokens = append(tokens, strings.TrimSpace(out.String()))
	}
	addr, err := crashtest.FreeAddr()
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + addr
	cmd := exec.Command(os.Args[0], "serve", "-db", path, "-addr", addr, "-api-rate", "0")
	cmd.Env = append(os.Environ(), "CLAIMTRAIL_TEST_AS_BINARY=1")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	if err := crashtest.WaitUp(ctx, base, 30*time.Second); err != nil {
		t.Fatal(err)
	}
	signIn := func(email string) *http.Client {
		jar, _ := cookiejar.New(nil)
		c := &http.Client{Jar: jar, Timeout: 10 * time.Second,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		resp, err := c.PostForm(base+"/login", url.Values{"email": {email}, "password": {"bench-password"}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("sign in as %s: %d", email, resp.StatusCode)
		}
		return c
	}

	// Every page, eight at a time.
	editor := signIn(storage.BenchEditorEmail(1))
	pages := []string{"/", "/queue", "/claims/12", "/articles/3", "/review", "/checks", "/dashboard"}
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 3 * len(pages) {
				p := pages[(i+w)%len(pages)]
				resp, err := editor.Get(base + p)
				if err != nil {
					t.Error(err)
					return
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					t.Errorf("GET %s: %d", p, resp.StatusCode)
				}
			}
		}()
	}
	wg.Wait()

	// Take next, 50 at once, until the queue is empty.
	type taken struct {
		claim int64
		by    string
	}
	var mu sync.Mutex
	var got []taken
	take := func(by string, next func() (int64, bool)) {
		defer wg.Done()
		for {
			id, ok := next()
			if !ok {
				return
			}
			mu.Lock()
			got = append(got, taken{id, by})
			mu.Unlock()
		}
	}
	api := &http.Client{Timeout: 10 * time.Second}
	for i, token := range tokens {
		wg.Add(1)
		go take(storage.BenchReviewerEmail(i+1), func() (int64, bool) {
			req, _ := http.NewRequest("POST", base+"/api/v1/queue/next", nil)
			req.Header.Set("Authorization", "Bearer "+token)
			resp, err := api.Do(req)
			if err != nil {
				t.Error(err)
				return 0, false
			}
			defer resp.Body.Close()
			var c struct{ ID int64 }
			if resp.StatusCode != http.StatusOK || json.NewDecoder(resp.Body).Decode(&c) != nil {
				if resp.StatusCode != http.StatusNoContent {
					t.Errorf("take next: %d", resp.StatusCode)
				}
				return 0, false
			}
			return c.ID, true
		})
	}
	for i := 41; i <= 50; i++ {
		email := storage.BenchReviewerEmail(i)
		browser := signIn(email)
		wg.Add(1)
		go take(email, func() (int64, bool) {
			resp, err := browser.Post(base+"/queue/next", "application/x-www-form-urlencoded", nil)
			if err != nil {
				t.Error(err)
				return 0, false
			}
			resp.Body.Close()
			id, err := strconv.ParseInt(strings.TrimPrefix(resp.Header.Get("Location"), "/claims/"), 10, 64)
			if resp.StatusCode != http.StatusSeeOther || err != nil {
				return 0, false // the queue is empty: the form says so on the queue page
			}
			return id, true
		})
	}
	wg.Wait()
	cmd.Process.Kill()
	cmd.Wait()

	db, err := storage.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	seen := map[int64]string{}
	for _, g := range got {
		if other, dup := seen[g.claim]; dup {
			t.Errorf("claim %d was handed to %s and to %s", g.claim, other, g.by)
		}
		seen[g.claim] = g.by
		c, _, err := db.ClaimWithVerdict(ctx, g.claim)
		if err != nil {
			t.Fatal(err)
		}
		u, err := db.UserByEmail(ctx, g.by)
		if err != nil {
			t.Fatal(err)
		}
		if c.State != domain.StateInReview || c.AssigneeID != u.ID {
			t.Errorf("claim %d handed to %s is %s with assignee %d", g.claim, g.by, c.State, c.AssigneeID)
		}
	}
	left, _, err := db.ListQueue(ctx, domain.QueueFilter{Limit: 1, Unassigned: true, States: []domain.ClaimState{domain.StateQueued}})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) < 100 || len(left) != 0 {
		t.Errorf("%d claims taken, %d unassigned left in the queue", len(got), len(left))
	}
	t.Logf("%d claims taken by 50 reviewers at once, each by one", len(got))
}
