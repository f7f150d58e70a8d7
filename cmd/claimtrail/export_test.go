package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"claimtrail/domain"
	"claimtrail/domain/claimreview"
	"claimtrail/storage"
	"claimtrail/storage/storagetest"
)

// exportDB makes a database with three approved claims (1, 2 and 3 March
// 2025) and one that is still in review.
func exportDB(t *testing.T) (string, []int64) {
	path := filepath.Join(t.TempDir(), "claimtrail.db")
	db, err := storage.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	err = db.SetSettings(context.Background(), map[string]string{storage.SettingPublisherName: "Herald Checks",
		storage.SettingSiteBaseURL: "https://checks.herald.example"})
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	s := storagetest.New(t, path)
	truth, unverifiable := s.Rating("True", 5, 1), s.Rating("Unverifiable", 0, 2)
	s.Rating("False", 1, 3)
	a := s.Article(storagetest.Article{Title: "Budget", Outlet: "The Herald", URL: "https://herald.example/b"})
	var ids []int64
	for day := 1; day <= 3; day++ {
		rating := truth
		if day == 2 {
			rating = unverifiable
		}
		ids = append(ids, s.Claim(storagetest.Claim{ArticleID: a, Text: "=Claim " + strconv.Itoa(day), Claimant: "Chancellor",
			RatingID: rating, Conclusion: "Checked.", ApprovedAt: time.Date(2025, 3, day, 12, 0, 0, 0, time.UTC)}))
	}
	s.Claim(storagetest.Claim{ArticleID: a, Text: "Draft", State: domain.StateInReview})
	return path, ids
}

func csvIDs(t *testing.T, s string) []string {
	t.Helper()
	records, err := csv.NewReader(strings.NewReader(s)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, r := range records[1:] {
		ids = append(ids, r[0])
		if !strings.HasPrefix(r[1], "'=Claim") || !strings.HasPrefix(r[19], "https://checks.herald.example/checks/") {
			t.Errorf("row %q", r)
		}
	}
	return ids
}

func TestCLIExportCSV(t *testing.T) {
	path, ids := exportDB(t)
	id := func(i int) string { return strconv.FormatInt(ids[i], 10) }

	stdout, stderr, code := runCLI(t, "", "export", "-db", path, "-format", "csv", "-since", "2025-03-02", "-until", "2025-03-02")
	if code != 0 {
		t.Fatal(stderr)
	}
	if got := csvIDs(t, stdout); strings.Join(got, ",") != id(1) {
		t.Errorf("stdout ids %v, want [%s]", got, id(1))
	}

	out := filepath.Join(t.TempDir(), "out.csv")
	stdout, stderr, code = runCLI(t, "", "export", "-db", path, "-since", "2025-03-02", "-o", out, "-bom", "-stats")
	if code != 0 {
		t.Fatal(stderr)
	}
	if stdout != "" || !strings.Contains(stderr, "exported 2 rows") || !strings.Contains(stderr, "peak RSS") {
		t.Errorf("stdout %q, stderr %q", stdout, stderr)
	}
	b, _ := os.ReadFile(out)
	body, bom := strings.CutPrefix(string(b), "\uFEFF")
	if !bom {
		t.Error("no byte-order mark with -bom")
	}
	if got := csvIDs(t, body); strings.Join(got, ",") != id(1)+","+id(2) {
		t.Errorf("file ids %v", got)
	}

	for _, bad := range [][]string{{"-since", "March"}, {"-format", "xml"}, {"-until", "2025-13-01"},
		{"-rating", "nonsense"}, {"-base-url", "not a url"}, {"-base-url", "https://ct.example/?x=1"}} {
		if _, stderr, code := runCLI(t, "", append([]string{"export", "-db", path}, bad...)...); code != 2 {
			t.Errorf("%v: exit %d (%s), want 2 for a usage error", bad, code, stderr)
		}
	}
	// A rating's name may be typed in any letter case.
	upper, stderr, code := runCLI(t, "", "export", "-db", path, "-rating", "TRUE")
	lower, _, _ := runCLI(t, "", "export", "-db", path, "-rating", "True")
	if code != 0 || upper != lower || len(csvIDs(t, upper)) == 0 {
		t.Errorf("-rating TRUE: exit %d (%s), %d rows, same as True: %v", code, stderr, len(csvIDs(t, upper)), upper == lower)
	}
}

func TestCLIExportClaimReview(t *testing.T) {
	path, ids := exportDB(t)
	stdout, stderr, code := runCLI(t, "", "export", "-db", path, "-format", "claimreview")
	if code != 0 {
		t.Fatal(stderr)
	}
	var all []claimreview.ClaimReview
	if err := json.Unmarshal([]byte(stdout), &all); err != nil {
		t.Fatalf("%v\n%s", err, stdout)
	}
	if len(all) != len(ids) {
		t.Fatalf("%d ClaimReviews, want %d (approved only)", len(all), len(ids))
	}
	for _, cr := range all {
		if problems := claimreview.Validate(cr); len(problems) > 0 {
			t.Errorf("%s: %v", cr.URL, problems)
		}
	}
	// Newest first; the Unverifiable one carries a name and no number.
	if all[1].ReviewRating.RatingValue != nil || all[1].ReviewRating.AlternateName != "Unverifiable" {
		t.Errorf("middle check: %+v", all[1].ReviewRating)
	}
}
