package main

import (
	"encoding/json"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The server indexes what changes listed for the search index: what was
// listed before it started (an import from the command line, or a server
// killed before its pass) at its start, and what is listed while it runs
// within its next passes, whoever made the change.
func TestServeIndexesWhatChangesListed(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "ct.db")
	if _, msg, code := runCLI(t, "", "user", "add", "-db", db, "-email", "rita@newsroom.example", "-name", "Rita", "-role", "reviewer"); code != 0 {
		t.Fatal(msg)
	}
	token, msg, code := runCLI(t, "", "token", "create", "-db", db, "-user", "rita@newsroom.example", "-name", "test")
	if code != 0 {
		t.Fatal(msg)
	}
	token = strings.TrimSpace(token)
	importCheck := func(url, claim string) {
		t.Helper()
		if _, msg, err := runImport(t, claimReviewJSON(url, claim, "False"), "import", "-format", "claimreview", "-db", db, "-"); err != nil {
			t.Fatalf("import: %v %s", err, msg)
		}
	}
	importCheck("https://checks.example/zeppelin", "A zeppelin landed on the town hall.")
	if n := countRows(t, db, `SELECT count(*) FROM search_pending`); n == 0 {
		t.Fatal("the import indexed its check itself: nothing left for the server")
	}

	s := startServer(t, "-db", db)
	// found polls the API's search until q finds something: a bound on a
	// server that never indexes, not on how fast it does.
	found := func(q string) bool {
		t.Helper()
		deadline := time.Now().Add(time.Minute)
		for time.Now().Before(deadline) {
			req, _ := http.NewRequest(http.MethodGet, s.URL+"/api/v1/search?q="+q, nil)
			req.Header.Set("Authorization", "Bearer "+token)
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			var got struct {
				Results []json.RawMessage `json:"results"`
			}
			err = json.NewDecoder(res.Body).Decode(&got)
			res.Body.Close()
			if res.StatusCode == http.StatusTooManyRequests {
				time.Sleep(time.Second) // 600 requests a minute per token
				continue
			}
			if err != nil || res.StatusCode != http.StatusOK {
				t.Fatalf("search %q: %d, %v", q, res.StatusCode, err)
			}
			if len(got.Results) > 0 {
				return true
			}
			time.Sleep(200 * time.Millisecond)
		}
		return false
	}
	if !found("zeppelin") {
		t.Error("the check imported before the server started is never found")
	}
	importCheck("https://checks.example/airship", "An airship landed on the town hall.")
	if !found("airship") {
		t.Error("the check imported while the server runs is never found")
	}
}
