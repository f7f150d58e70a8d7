package main

import (
	"bytes"
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// writeFiles writes name → content under dir, making folders as needed.
func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func countRows(t *testing.T, db, query string) int {
	t.Helper()
	raw, err := sql.Open("sqlite", db)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var n int
	if err := raw.QueryRow(query).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

const (
	importText = "Harbour council says bus fares rose 14% last year\n\nThe harbour council said bus fares in the town rose by 14% last year, the largest rise since 2009.\n\nCouncillor Mara Quill said 3,000 fewer people now take the bus each week."
	importMD   = "# Water bills to climb, regulator says\n\nThe regulator said average water bills will rise by £86 a year from April.\n\nIt added that 12 of the 14 companies had missed their leakage targets."
	importHTML = `<!doctype html><html><head><title>Clinic waits</title><meta property="og:site_name" content="Valley Courier"></head>
<body><article><h1>Clinic waiting lists fall for a third month</h1>
<p>The health board said the number of people waiting more than a year for treatment fell to 4,210 in March.</p>
<p>The board's chair said staffing had risen by 8% since the winter.</p></article></body></html>`
)

func importLines() string {
	return strings.Join([]string{
		`{"title":"Rail line reopens after two years","url":"https://valley.example/rail","outlet":"Valley Courier","published_at":"2025-04-02","body":"The rail line reopened on Monday after two years of work costing £140 million.\n\nThe operator said 9,000 passengers a day used the line before it closed."}`,
		`{"title": broken`,
		``,
		`{"title":"No text here","body":"   "}`,
		`{"title":"Dated badly","published_at":"next Tuesday","body":"Unemployment fell to 4.1% in the region."}`,
		// The same article as the .txt file, offered again: recognised, not added twice.
		`{"title":"Fares again","body":` + jsonString(importText) + `}`,
	}, "\n") + "\n"
}

func jsonString(s string) string {
	var b bytes.Buffer
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '\n':
			b.WriteString(`\n`)
		case '"', '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

func TestImportArticlesFromFilesAndLines(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "c.db")
	if _, stderr, code := runCLI(t, "", "migrate", "-db", db); code != 0 {
		t.Fatal(stderr)
	}
	in := filepath.Join(dir, "in")
	writeFiles(t, in, map[string]string{
		"fares.txt":          importText,
		"sub/water.md":       importMD,
		"sub/clinic.html":    importHTML,
		"report.pdf":         "%PDF-1.4 not an article",
		".hidden/ignored.md": importMD + " hidden",
		"feed.jsonl":         importLines(),
	})

	out, stderr, code := runCLI(t, "", "import", "-format", "articles", "-db", db, in)
	if code != 1 {
		t.Fatalf("exit %d, want 1 (some inputs skipped)\n%s\n%s", code, out, stderr)
	}
	for _, want := range []string{
		"Imported 4 articles with ",
		"1 article was already in claimtrail",
		"Skipped 3:",
		"Left out 1 file in the folders, not being .txt, .md, .html or .jsonl:\n  " + filepath.Join(in, "report.pdf"),
		"feed.jsonl line 2: not a JSON object",
		"feed.jsonl line 4: ",
		`feed.jsonl line 5: published_at "next Tuesday" is not a date`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("summary lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "hidden") || strings.Contains(out, "line 3") {
		t.Errorf("hidden files and blank lines are not inputs:\n%s", out)
	}
	if n := countRows(t, db, `SELECT count(*) FROM articles`); n != 4 {
		t.Errorf("%d articles stored, want 4", n)
	}
	// Claims were extracted on the way in, as in the browser, and the JSON
	// line's metadata was kept.
	if n := countRows(t, db, `SELECT count(*) FROM claims c JOIN articles a ON a.id = c.article_id WHERE a.outlet = 'Valley Courier' AND a.url = 'https://valley.example/rail' AND a.published_at LIKE '2025-04-02%'`); n < 1 {
		t.Errorf("the rail article has %d claims", n)
	}
	if n := countRows(t, db, `SELECT count(*) FROM audit_events WHERE action = 'article.created'`); n != 4 {
		t.Errorf("%d article.created events, want 4", n)
	}

	// Running it again adds nothing and says so.
	out, _, code = runCLI(t, "", "import", "-db", db, in, "-format=articles")
	if code != 1 || !strings.Contains(out, "Imported 0 articles") || !strings.Contains(out, "5 articles were already in claimtrail") {
		t.Errorf("second run: exit %d\n%s", code, out)
	}
	if n := countRows(t, db, `SELECT count(*) FROM articles`); n != 4 {
		t.Errorf("%d articles after the second run, want 4", n)
	}
}

func TestImportArticlesInterruptedThenRerun(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "c.db")
	runCLI(t, "", "migrate", "-db", db)
	in := filepath.Join(dir, "in")
	writeFiles(t, in, map[string]string{"a.txt": importText, "b.md": importMD, "c.html": importHTML})

	var out, errb bytes.Buffer
	// Ctrl-C pressed while the first article is stored.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	afterImportedArticle = cancel
	defer func() { afterImportedArticle = nil }()
	err := run(ctx, []string{"import", "-format", "articles", "-db", db, in}, strings.NewReader(""), &out, &errb, func(string) string { return "" })
	if code := exitCode(err, &errb); code != 130 || !strings.Contains(errb.String(), "interrupted after 1 of 3") {
		t.Fatalf("interrupted run: exit %d %q", code, errb.String())
	}
	if n := countRows(t, db, `SELECT count(*) FROM articles`); n != 1 {
		t.Fatalf("%d articles after the interruption, want 1", n)
	}
	stdout, stderr, code := runCLI(t, "", "import", "-format", "articles", "-db", db, in)
	if code != 0 || !strings.Contains(stdout, "Imported 2 articles") || !strings.Contains(stdout, "1 article was already") {
		t.Errorf("rerun: exit %d\n%s%s", code, stdout, stderr)
	}
	if n := countRows(t, db, `SELECT count(*) FROM articles`); n != 3 {
		t.Errorf("%d articles after the rerun, want 3", n)
	}
}

func TestImportUsage(t *testing.T) {
	db := filepath.Join(t.TempDir(), "c.db")
	runCLI(t, "", "migrate", "-db", db)
	for _, args := range [][]string{
		{"import", "-db", db, "x.txt"},
		{"import", "-format", "spreadsheets", "-db", db, "x.txt"},
		{"import", "-format", "articles", "-db", db},
		{"import", "-format"},
		{"import", "-format", "articles", "-max-mb", "0", "-db", db, "x.txt"},
	} {
		if _, stderr, code := runCLI(t, "", args...); code != 2 {
			t.Errorf("claimtrail %v: exit %d, want 2 (%q)", args, code, stderr)
		}
	}
	// A missing file is reported, not fatal.
	out, _, code := runCLI(t, "", "import", "-format", "articles", "-db", db, filepath.Join(t.TempDir(), "gone.txt"))
	if code != 1 || !strings.Contains(out, "gone.txt: there is no such file or folder") {
		t.Errorf("missing file: exit %d %q", code, out)
	}
}

func TestProgressPlainLines(t *testing.T) {
	var b bytes.Buffer
	clock := time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)
	p := newProgress(&b, "articles", 100)
	p.now = func() time.Time { return clock }
	p.start, p.last = clock, clock
	for i := 0; i < 100; i++ {
		clock = clock.Add(200 * time.Millisecond) // 5 a second
		p.Add(1)
	}
	p.Finish()
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	// 20 s of work, a line every 5 s, and a last one at the end.
	if len(lines) != 5 {
		t.Fatalf("%d lines, want 5:\n%s", len(lines), b.String())
	}
	if lines[0] != "25 of 100 articles (25%), 5.0 a second, about 0:15 left" {
		t.Errorf("first line %q", lines[0])
	}
	if lines[4] != "100 of 100 articles (100%), 5.0 a second" {
		t.Errorf("last line %q", lines[4])
	}
	if strings.Contains(b.String(), "\r") {
		t.Error("plain output redraws like a terminal")
	}
}

func TestProgressBar(t *testing.T) {
	p := &progress{unit: "articles", total: 200, done: 50}
	got := p.barLine(10, formatDuration(15*time.Second))
	want := "[#######.......................]  25%  50/200 articles  10.0/s  0:15 left"
	if got != want {
		t.Errorf("bar\n got %q\nwant %q", got, want)
	}
	p = &progress{unit: "claims", done: 1234}
	if got := p.barLine(1500, ""); got != "1234 claims  1500/s" {
		t.Errorf("bar without a total: %q", got)
	}
	if got := formatDuration(3*time.Hour + 4*time.Minute + 5*time.Second); got != "3:04:05" {
		t.Errorf("formatDuration = %q", got)
	}
}
