package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"claimtrail/domain"
	"claimtrail/storage"
	"claimtrail/storage/keyfile"
)

func fileMode(t *testing.T, path string) os.FileMode {
	t.Helper()
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return st.Mode().Perm()
}

// A database made before the key file keeps its session keys in the table
// secrets: the first command moves them into a 0600 key file beside it (so
// nobody is signed out) and deletes them, so that neither the database nor
// its backups can forge a session. Database and backups are 0600.
func TestSessionKeysMoveOutOfTheDatabase(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "c.db")
	db, err := storage.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	legacy, err := db.LegacySessionKeys(context.Background())
	db.Close()
	if err != nil || len(legacy) != keyfile.SessionKeySize {
		t.Fatalf("a new database's legacy keys: %v %v", legacy, err)
	}
	if out, stderr, code := runCLI(t, "", "migrate", "-db", path); code != 0 {
		t.Fatalf("migrate: %d %s %s", code, out, stderr)
	}
	k, err := keyfile.Load(path + ".keys")
	if err != nil {
		t.Fatal(err)
	}
	if len(k.Session) != 1 || !bytes.Equal(k.Session[0], legacy) {
		t.Error("the key file's session key is not the one the database held: everyone would be signed out")
	}
	if len(k.Audit) != keyfile.AuditKeySize || k.AuditFrom != 1 {
		t.Errorf("audit key %d bytes from %d", len(k.Audit), k.AuditFrom)
	}
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var left int
	if err := raw.QueryRow(`SELECT count(*) FROM secrets`).Scan(&left); err != nil || left != 0 {
		t.Errorf("secrets left in the database: %d %v", left, err)
	}
	backup := filepath.Join(dir, "copy.db")
	if _, stderr, code := runCLI(t, "", "backup", "-db", path, "-o", backup); code != 0 {
		t.Fatal(stderr)
	}
	for _, f := range []string{path, path + ".keys", path + "-wal", backup} {
		if m := fileMode(t, f); m != 0o600 {
			t.Errorf("%s has mode %v, want 0600", filepath.Base(f), m)
		}
	}
	// A key file others can read is refused.
	os.Chmod(path+".keys", 0o644)
	if _, stderr, code := runCLI(t, "", "user", "list", "-db", path); code != 1 || !strings.Contains(stderr, "chmod 600") {
		t.Errorf("world-readable key file: %d %q", code, stderr)
	}
	os.Chmod(path+".keys", 0o600)

	// Rotation: a new current key, the previous one still accepted.
	if out, stderr, code := runCLI(t, "", "keys", "rotate", "-db", path); code != 0 || !strings.Contains(out, "previous key is still accepted") {
		t.Fatalf("rotate: %d %q %q", code, out, stderr)
	}
	rotated, err := keyfile.Load(path + ".keys")
	if err != nil || len(rotated.Session) != 2 || !bytes.Equal(rotated.Session[1], legacy) || bytes.Equal(rotated.Session[0], legacy) ||
		!bytes.Equal(rotated.Audit, k.Audit) {
		t.Fatalf("after rotate: %v", err)
	}
	runCLI(t, "", "keys", "rotate", "-db", path)
	if again, _ := keyfile.Load(path + ".keys"); len(again.Session) != 2 || !bytes.Equal(again.Session[1], rotated.Session[0]) {
		t.Error("a second rotation does not keep exactly the key before it")
	}
	if m := fileMode(t, path+".keys"); m != 0o600 {
		t.Errorf("rotated key file mode %v", m)
	}
}

// The chain is keyed: an event edited with its hash and every later hash
// recomputed (as plain SHA-256 could be) no longer passes. Events deleted
// from the end, with the counter fixed, pass the chain, but not the signed
// checkpoints kept outside the database; nor does an edited checkpoint.
func TestAuditKeyedChainAndCheckpoints(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "c.db")
	for _, e := range []string{"a@newsroom.example", "b@newsroom.example", "c@newsroom.example", "d@newsroom.example"} {
		if _, stderr, code := runCLI(t, "", "user", "add", "-db", path, "-email", e, "-name", "N", "-role", "admin"); code != 0 {
			t.Fatal(stderr)
		}
	}
	cpFile := filepath.Join(dir, "checkpoints")
	out, stderr, code := runCLI(t, "", "audit", "checkpoint", "-db", path, "-o", cpFile)
	if code != 0 || !strings.Contains(out, "event 6") {
		t.Fatalf("checkpoint: %d %q %q", code, out, stderr)
	}
	if out, _, code := runCLI(t, "", "audit", "verify", "-db", path, "-checkpoints", cpFile); code != 0 || !strings.Contains(out, "1 checkpoints hold") {
		t.Fatalf("verify with checkpoints: %d %q", code, out)
	}
	if m := fileMode(t, cpFile); m != 0o600 {
		t.Errorf("checkpoint file mode %v", m)
	}

	tamper := func(t *testing.T, queries ...string) string {
		t.Helper()
		copyPath := filepath.Join(t.TempDir(), "t.db")
		if _, stderr, code := runCLI(t, "", "backup", "-db", path, "-o", copyPath); code != 0 {
			t.Fatal(stderr)
		}
		keys, _ := os.ReadFile(path + ".keys")
		os.WriteFile(copyPath+".keys", keys, 0o600)
		raw, err := sql.Open("sqlite", copyPath)
		if err != nil {
			t.Fatal(err)
		}
		defer raw.Close()
		for _, q := range append([]string{`DROP TRIGGER audit_events_no_update`, `DROP TRIGGER audit_events_no_delete`}, queries...) {
			if _, err := raw.Exec(q); err != nil {
				t.Fatal(err)
			}
		}
		return copyPath
	}

	t.Run("rehashing fools an unkeyed chain", func(t *testing.T) {
		// What the key is for: without it, the same rewrite passes.
		plain := filepath.Join(t.TempDir(), "plain.db")
		db, err := storage.Open(context.Background(), plain)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		for _, e := range []string{"a@newsroom.example", "b@newsroom.example"} {
			if err := db.CreateUser(context.Background(), &domain.User{Email: e, Name: "N", Role: domain.RoleAdmin}, "x"); err != nil {
				t.Fatal(err)
			}
		}
		raw, _ := sql.Open("sqlite", plain)
		defer raw.Close()
		raw.Exec(`DROP TRIGGER audit_events_no_update`)
		if _, err := raw.Exec(`UPDATE audit_events SET actor_label = 'intruder' WHERE id = 1`); err != nil {
			t.Fatal(err)
		}
		if _, err := db.VerifyAudit(context.Background()); err == nil {
			t.Fatal("edit not seen before rehashing")
		}
		rehashPlain(t, plain)
		if n, err := db.VerifyAudit(context.Background()); err != nil || n != 2 {
			t.Errorf("rehashed unkeyed chain: %d %v", n, err)
		}
	})
	t.Run("edited and rehashed", func(t *testing.T) {
		copyPath := tamper(t, `UPDATE audit_events SET actor_label = 'intruder' WHERE id = 3`)
		rehashPlain(t, copyPath)
		out, _, code := runCLI(t, "", "audit", "verify", "-db", copyPath)
		if code != 1 || !strings.Contains(out, "BROKEN at event") {
			t.Errorf("rehashed log: %d %q", code, out)
		}
	})
	t.Run("deleted from the end", func(t *testing.T) {
		copyPath := tamper(t, `DELETE FROM audit_events WHERE id >= 5`, `UPDATE sqlite_sequence SET seq = 4 WHERE name = 'audit_events'`)
		if out, _, code := runCLI(t, "", "audit", "verify", "-db", copyPath); code != 0 {
			t.Fatalf("the chain alone cannot see this; got %d %q", code, out)
		}
		out, _, code := runCLI(t, "", "audit", "verify", "-db", copyPath, "-checkpoints", cpFile)
		if code != 1 || !strings.Contains(out, "BROKEN at event 6") || !strings.Contains(out, "deleted from the end") {
			t.Errorf("with checkpoints: %d %q", code, out)
		}
	})
	t.Run("checkpoint edited", func(t *testing.T) {
		b, _ := os.ReadFile(cpFile)
		edited := filepath.Join(t.TempDir(), "cp")
		os.WriteFile(edited, bytes.Replace(b, []byte(" 6 "), []byte(" 4 "), 1), 0o600)
		out, _, code := runCLI(t, "", "audit", "verify", "-db", path, "-checkpoints", edited)
		if code != 1 || !strings.Contains(out, "not signed with this database's audit key") {
			t.Errorf("edited checkpoint: %d %q", code, out)
		}
	})
}

// rehashPlain recomputes every hash of the chain as plain SHA-256 with the
// published encoding, as someone with the database file but not the key
// file could.
func rehashPlain(t *testing.T, path string) {
	t.Helper()
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	rows, err := raw.Query(`SELECT id, at, coalesce(actor_id, 0), actor_label, token_name, action, entity, entity_id,
		coalesce(before_json, ''), coalesce(after_json, ''), request_id, client_addr FROM audit_events ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	type row struct{ id, hash, prev string }
	var out []row
	prev := strings.Repeat("0", 64)
	for rows.Next() {
		f := make([]string, 12)
		ptrs := make([]any, 12)
		for i := range f {
			ptrs[i] = &f[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		h := sha256.New()
		for _, v := range append([]string{prev}, f...) {
			fmt.Fprintf(h, "%d:%s;", len(v), v)
		}
		sum := hex.EncodeToString(h.Sum(nil))
		out = append(out, row{f[0], sum, prev})
		prev = sum
	}
	rows.Close()
	for _, r := range out {
		if _, err := raw.Exec(`UPDATE audit_events SET prev_hash = ?, hash = ? WHERE id = ?`, r.prev, r.hash, r.id); err != nil {
			t.Fatal(err)
		}
	}
}

// serve -audit-checkpoints writes a signed checkpoint at start.
func TestServeWritesAuditCheckpoints(t *testing.T) {
	cpFile := filepath.Join(t.TempDir(), "checkpoints")
	startServer(t, "-audit-checkpoints", cpFile, "-checkpoint-every", "1s")
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if b, _ := os.ReadFile(cpFile); strings.HasPrefix(string(b), "checkpoint ") {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Error("no checkpoint written by the server")
}

// A chat webhook stored in the clear by an earlier version is sealed with
// the key file at the next start, so a backup made afterwards does not
// carry it.
func TestWebhookStoredInTheClearIsSealedAtStart(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "c.db")
	const hook = "https://chat.example/services/T0SECRET/B0SECRET/xoxpart"
	db, err := storage.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	if _, err := raw.Exec(`INSERT INTO settings (key, value, updated_at) VALUES ('notify.webhook_url', ?, '2026-01-01T00:00:00.000000Z')`, hook); err != nil {
		t.Fatal(err)
	}
	if out, stderr, code := runCLI(t, "", "migrate", "-db", path); code != 0 {
		t.Fatalf("migrate: %d %s %s", code, out, stderr)
	}
	backup := filepath.Join(dir, "copy.db")
	if _, stderr, code := runCLI(t, "", "backup", "-db", path, "-o", backup); code != 0 {
		t.Fatal(stderr)
	}
	copied, err := os.ReadFile(backup)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(copied, []byte("T0SECRET")) {
		t.Fatal("the backup carries the webhook's address")
	}
	var v string
	if err := raw.QueryRow(`SELECT value FROM settings WHERE key = 'notify.webhook_url'`).Scan(&v); err != nil || strings.Contains(v, "SECRET") {
		t.Fatalf("stored as %q, %v", v, err)
	}
}
