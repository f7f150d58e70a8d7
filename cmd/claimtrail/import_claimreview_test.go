package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func runImport(t *testing.T, stdin string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errb bytes.Buffer
	err = run(context.Background(), args, strings.NewReader(stdin), &out, &errb, func(string) string { return "" })
	return out.String(), errb.String(), err
}

func claimReviewJSON(url, claim, rating string) string {
	return fmt.Sprintf(`{"@context":"https://schema.org","@type":"ClaimReview","url":%q,"claimReviewed":%q,
		"name":"Fact check","author":{"@type":"Organization","name":"Example Checks"},"datePublished":"2025-03-04",
		"reviewRating":{"@type":"Rating","alternateName":%q},"itemReviewed":{"@type":"Claim","author":{"@type":"Person","name":"Pat Jones"},
		"appearance":[{"@type":"CreativeWork","url":"https://news.example/a"}]}}`, url, claim, rating)
}

func TestImportClaimReviewFormatsIdempotentWithReasons(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "ct.db")
	if _, _, err := runImport(t, "", "migrate", "-db", db); err != nil {
		t.Fatal(err)
	}
	array := "[" + claimReviewJSON("https://checks.example/1", "Bus fares rose by 14% last year.", "True") + "," +
		claimReviewJSON("https://checks.example/2", "Water bills will rise by £86 a year.", "Misleading") + "," +
		`{"@type":"Article","url":"https://checks.example/x"},` +
		claimReviewJSON("ftp://checks.example/3", "Something.", "False") + "," +
		claimReviewJSON("https://checks.example/4", "", "False") + "]"
	file := filepath.Join(dir, "feed.jsonld")
	if err := os.WriteFile(file, []byte(array), 0o644); err != nil {
		t.Fatal(err)
	}
	out, _, err := runImport(t, "", "import", "-format", "claimreview", "-db", db, file)
	if code := exitCode(err, &bytes.Buffer{}); code != 1 {
		t.Errorf("exit %d (%v), want 1 for skipped items", code, err)
	}
	for _, want := range []string{"2 checks added", "0 checks updated", "3 items skipped", "item 3 (https://checks.example/x): its @type is not ClaimReview",
		"item 4 (ftp://checks.example/3): its url is not an http(s) address", "item 5 (https://checks.example/4): it has no claimReviewed"} {
		if !strings.Contains(out, want) {
			t.Errorf("summary lacks %q:\n%s", want, out)
		}
	}
	if n := countRows(t, db, `SELECT count(*) FROM imported_checks`); n != 2 {
		t.Errorf("%d imported checks, want 2", n)
	}

	// JSON Lines on standard input: one unchanged, one changed, one new.
	lines := claimReviewJSON("https://checks.example/1", "Bus fares rose by 14% last year.", "True") + "\n" +
		claimReviewJSON("https://checks.example/2", "Water bills will rise by £86 a year.", "False") + "\n" +
		claimReviewJSON("https://checks.example/5", "Rail passengers fell by 9,000 a day.", "Mostly true") + "\n"
	out, _, err = runImport(t, lines, "import", "-format", "claimreview", "-db", db, "-")
	if err != nil || !strings.Contains(out, "1 check added, 1 check updated, 1 check unchanged, 0 items skipped") {
		t.Errorf("JSON Lines: %v\n%s", err, out)
	}
	// An @graph.
	graph := `{"@context":"https://schema.org","@graph":[` + claimReviewJSON("https://checks.example/6", "Six claims.", "False") + `]}`
	if out, _, err = runImport(t, graph, "import", "-format", "claimreview", "-db", db, "-"); err != nil || !strings.Contains(out, "1 check added") {
		t.Errorf("@graph: %v\n%s", err, out)
	}
	if n := countRows(t, db, `SELECT count(*) FROM audit_events WHERE action LIKE 'imported_check.%'`); n != 5 {
		t.Errorf("%d audit events, want 5 (4 added, 1 updated)", n)
	}
	if n := countRows(t, db, `SELECT count(*) FROM match_docs WHERE doc < 0`); n != 4 {
		t.Errorf("%d imported checks indexed, want 4", n)
	}
	// Not JSON at all stops with a message, not a panic.
	if _, _, err := runImport(t, "hello", "import", "-format", "claimreview", "-db", db, "-"); err == nil {
		t.Error("plain text accepted")
	}
	// reindex rebuilds the same index.
	if out, _, err := runImport(t, "", "reindex", "-db", db); err != nil || !strings.Contains(out, "match index: 4 documents") {
		t.Errorf("reindex: %v %s", err, out)
	}
}
