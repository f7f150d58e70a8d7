package main

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"claimtrail/storage"
	"claimtrail/web"
)

// TestTokenCommand makes a token on the command line, uses it against the
// API, lists it and revokes it.
func TestTokenCommand(t *testing.T) {
	dbPath := filepath.Join(t.TempDir(), "claimtrail.db")
	if _, msg, code := runCLI(t, "", "user", "add", "-db", dbPath, "-email", "rita@newsroom.example", "-name", "Rita", "-role", "reviewer"); code != 0 {
		t.Fatal(msg)
	}
	token, msg, code := runCLI(t, "", "token", "create", "-db", dbPath, "-user", "Rita@newsroom.example", "-name", "nightly sync")
	if code != 0 {
		t.Fatal(msg)
	}
	token = strings.TrimSpace(token)
	if !strings.HasPrefix(token, "ct_") || strings.Contains(msg, token) || !strings.Contains(msg, "shown only now") {
		t.Fatalf("stdout %q stderr %q", token, msg)
	}

	db, err := storage.Open(context.Background(), dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	app, err := web.New(context.Background(), web.Config{DB: db, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(app.Handler())
	defer srv.Close()
	status := func() int {
		req, _ := http.NewRequest(http.MethodGet, srv.URL+"/api/v1/claims", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	if got := status(); got != http.StatusOK {
		t.Fatalf("fresh token: %d", got)
	}

	list, _, code := runCLI(t, "", "token", "list", "-db", dbPath, "-user", "rita@newsroom.example")
	if code != 0 || !strings.Contains(list, "nightly sync") || strings.Contains(list, token) || strings.Contains(list, "never") {
		t.Fatalf("list (after use) %q exit %d", list, code)
	}
	fields := strings.Fields(strings.Split(list, "\n")[1])
	out, _, code := runCLI(t, "", "token", "revoke", "-db", dbPath, "-user", "rita@newsroom.example", "-id", fields[0])
	if code != 0 || !strings.Contains(out, "revoked") {
		t.Fatalf("revoke %q exit %d", out, code)
	}
	if got := status(); got != http.StatusUnauthorized {
		t.Errorf("revoked token: %d", got)
	}

	// Mistakes are usage errors or plain messages, never a token.
	for _, args := range [][]string{
		{"token", "create", "-db", dbPath},
		{"token", "create", "-db", dbPath, "-user", "nobody@newsroom.example"},
		{"token", "create", "-db", dbPath, "-user", "rita@newsroom.example", "-name", ""},
		{"token", "revoke", "-db", dbPath, "-user", "rita@newsroom.example"},
		{"token", "frobnicate"},
	} {
		if out, _, code := runCLI(t, "", args...); code == 0 || out != "" {
			t.Errorf("%v: out %q exit %d", args, out, code)
		}
	}
}
