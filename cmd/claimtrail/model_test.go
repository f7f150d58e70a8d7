package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"claimtrail/domain"
	"claimtrail/domain/extract"
	"claimtrail/storage"
	"claimtrail/web"
	"claimtrail/web/ingest"
)

// newsroomLabels are labelled sentences in a newsroom's voice, written for
// these tests.
const newsroomLabels = `text	label
Unemployment fell to 4.1% in the three months to June.	Yes
The council spent £3 million on consultants last year.	Yes
Hospital waiting lists reached 7.6 million in September.	Yes
We cut the deficit by half since 2010.	Yes
Crime in the city rose by 12% over the past decade.	Yes
Only one in five bus routes runs after 10pm.	Yes
Food prices went up faster than wages for two years.	Yes
The school budget was cut by £200 per pupil.	Yes
Net migration was 685,000 in the year to December.	Yes
The river has flooded four times since 2015.	Yes
Thank you all for coming tonight.	No
I think we can do better than this.	No
What would you do about it?	No
Let me finish my point.	No
We should be proud of our town.	No
That is a question for another day.	No
Good evening and welcome.	No
I hope everyone has a lovely weekend.	No
You know what I mean.	No
It was a pleasure to be here.	No
`

// triagedNewsroom makes a database with one article, one claim accepted and
// one dismissed as not check-worthy: two triage labels.
func triagedNewsroom(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "c.db")
	ctx := domain.WithActor(context.Background(), domain.Actor{Label: "rita@newsroom.example"})
	db, err := storage.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	a, cands, err := web.PrepareArticle(ingest.Article{Title: "Harbour council",
		Text: "Harbour council spent £4 million on new buses in 2024, the council said. " +
			"Thank you all for reading this far, and have a lovely evening."}, domain.OriginPaste)
	if err == nil {
		err = db.CreateArticle(ctx, a, cands)
	}
	if err != nil {
		t.Fatal(err)
	}
	if len(cands) < 1 {
		t.Fatalf("candidates: %d", len(cands))
	}
	if _, err := db.AcceptClaim(ctx, cands[0].ID, "", 0); err != nil {
		t.Fatal(err)
	}
	manual, err := db.AddManualClaim(ctx, a.ID, "Thank you all for reading this far", 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.DismissClaim(ctx, manual.ID, domain.Dismissal{Reason: domain.DismissNotCheckWorthy}); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestModelAdaptListUse(t *testing.T) {
	path := triagedNewsroom(t)

	// Two triage labels are too few, and the refusal says so.
	stdout, stderr, code := runCLI(t, "", "model", "adapt", "-db", path)
	if code != 1 || stdout != "" || !strings.Contains(stderr, "Too few labels to learn from: 2 (1 check-worthy, 1 not)") {
		t.Fatalf("adapt on 2 labels: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	// A malformed labels file is refused naming the line.
	bad := filepath.Join(t.TempDir(), "bad.tsv")
	os.WriteFile(bad, []byte("text\tlabel\nfine\tYes\nno label here\n"), 0o644)
	if _, stderr, code := runCLI(t, "", "model", "adapt", "-db", path, "-labels", bad); code != 1 || !strings.Contains(stderr, "line 3") {
		t.Fatalf("bad labels file: exit %d, %q", code, stderr)
	}

	labels := filepath.Join(t.TempDir(), "labels.tsv")
	if err := os.WriteFile(labels, []byte(newsroomLabels), 0o644); err != nil {
		t.Fatal(err)
	}
	var first string
	for run := 1; run <= 2; run++ {
		stdout, stderr, code = runCLI(t, "", "model", "adapt", "-db", path, "-labels", labels)
		if code != 0 {
			t.Fatalf("adapt: exit %d, %s", code, stderr)
		}
		if strings.Count(stdout, "\n") != 1 {
			t.Fatalf("adapt printed %q, want one line", stdout)
		}
		var got map[string]any
		if err := json.Unmarshal([]byte(stdout), &got); err != nil {
			t.Fatal(err)
		}
		var keys []string
		for k := range got {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		if strings.Join(keys, ",") != "f1_after,f1_before,file_labels,threshold,triage_labels,version" {
			t.Errorf("keys %v", keys)
		}
		if got["version"] != float64(run) || got["triage_labels"] != 2.0 || got["file_labels"] != 20.0 {
			t.Errorf("adapt %d: %s", run, stdout)
		}
		// The same labels give the same figures.
		figures := strings.SplitN(stdout, ",", 2)[1]
		if run == 1 {
			first = figures
		} else if figures != first {
			t.Errorf("second adapt %q, first %q", figures, first)
		}
	}

	stdout, _, code = runCLI(t, "", "model", "list", "-db", path)
	if code != 0 || !regexpMatch(`(?m)^2\s+yes\s`, stdout) || !regexpMatch(`(?m)^base\s+built in`, stdout) ||
		!strings.Contains(stdout, "2 triage labels so far (1 check-worthy)") {
		t.Errorf("list:\n%s", stdout)
	}

	if _, stderr, code := runCLI(t, "", "model", "use", "9", "-db", path); code != 1 || !strings.Contains(stderr, "no claim scorer version 9") {
		t.Errorf("use 9: exit %d, %q", code, stderr)
	}
	if _, _, code := runCLI(t, "", "model", "use", "-db", path); code != 2 {
		t.Errorf("use without a version: exit %d, want 2", code)
	}
	if stdout, _, code := runCLI(t, "", "model", "use", "base", "-db", path); code != 0 || !strings.Contains(stdout, "base") {
		t.Errorf("use base: exit %d, %q", code, stdout)
	}
	stdout, _, _ = runCLI(t, "", "model", "list", "-db", path)
	if !regexpMatch(`(?m)^base\s+yes`, stdout) {
		t.Errorf("list after rollback:\n%s", stdout)
	}

	// Every change is in the audit log, with the CLI as the actor.
	db, err := storage.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	events, err := db.ListAuditEvents(context.Background(), domain.AuditFilter{Action: "scorer.", Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, e := range events {
		actions = append(actions, e.Action)
	}
	slices.Sort(actions)
	if strings.Join(actions, ",") != "scorer.adapted,scorer.adapted,scorer.used" {
		t.Errorf("audit: %v", actions)
	}
}

// TestExtractWithDB: extract -db scores with the newsroom's model in use,
// and without -db with the base model.
func TestExtractWithDB(t *testing.T) {
	path := triagedNewsroom(t)
	db, err := storage.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	// A model that finds everything check-worthy, to tell it apart.
	eager := &extract.Model{Weights: make([]float32, extract.NumSlots), Bias: 8, Threshold: 0.9}
	var file bytes.Buffer
	if err := extract.WriteModel(&file, eager); err != nil {
		t.Fatal(err)
	}
	if err := db.SaveScorerModel(context.Background(), &domain.ScorerModel{Threshold: 0.9}, file.Bytes()); err != nil {
		t.Fatal(err)
	}
	db.Close()

	const text = "Good evening and welcome to the show."
	score := func(args ...string) (float64, bool) {
		stdout, stderr, code := runCLI(t, text, append([]string{"extract"}, args...)...)
		if code != 0 {
			t.Fatalf("extract %v: exit %d, %s", args, code, stderr)
		}
		var s struct {
			Score       float64 `json:"score"`
			CheckWorthy bool    `json:"checkworthy"`
		}
		if err := json.Unmarshal([]byte(strings.SplitN(stdout, "\n", 2)[0]), &s); err != nil {
			t.Fatal(err)
		}
		return s.Score, s.CheckWorthy
	}
	if s, _ := score(); s > 0.5 {
		t.Errorf("base model scores a greeting %.3f", s)
	}
	if s, _ := score("-db", path); s < 0.99 {
		t.Errorf("with -db the newsroom model should score %.3f ≥ 0.99", s)
	}
	if _, _, code := runCLI(t, text, "extract", "-db", filepath.Join(t.TempDir(), "none.db")); code != 1 {
		t.Errorf("extract -db with no database: exit %d, want 1", code)
	}
}

func regexpMatch(pattern, s string) bool { return regexp.MustCompile(pattern).MatchString(s) }
