package web

import (
	"encoding/csv"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"claimtrail/domain"
	"claimtrail/storage/storagetest"
)

// deskSeed adds approved checks from two outlets in February 2025.
func deskSeed(t *testing.T, env *testEnv) {
	s := storagetest.New(t, env.db.Path)
	reviewer := s.User("rhea@newsroom.example", "Rhea Reviewer", domain.RoleReviewer)
	editor := s.User("ed@newsroom.example", "Ed Editor", domain.RoleEditor)
	ledger := s.Article(storagetest.Article{Outlet: "The Daily Ledger"})
	wire := s.Article(storagetest.Article{Outlet: "City Wire"})
	day := time.Date(2025, 2, 10, 9, 0, 0, 0, time.UTC)
	for i, c := range []struct {
		article  int64
		claimant string
		rating   int64
	}{{ledger, "Jo Marsh", 1}, {ledger, "Jo Marsh", 1}, {ledger, "+44 Minister", 6}, {wire, "Jo Marsh", 3}} {
		s.Claim(storagetest.Claim{ArticleID: c.article, Text: "Claim " + itoa(int64(i)), Claimant: c.claimant, RatingID: c.rating,
			AuthorID: reviewer, EditorID: editor, SubmittedAt: day.Add(time.Duration(i) * time.Hour), ApprovedAt: day.Add(time.Duration(i)*time.Hour + 3*time.Hour)})
	}
}

func TestDashboard(t *testing.T) {
	env := newTestEnv(t)
	deskSeed(t, env)
	reviewer, _ := env.signedIn("rita@newsroom.example", domain.RoleReviewer)
	wantStatus(t, reviewer.get("/dashboard"), http.StatusForbidden)
	wantStatus(t, reviewer.get("/dashboard/charts/ratings.csv"), http.StatusForbidden)

	editor, _ := env.signedIn("eddie@newsroom.example", domain.RoleEditor)
	res := editor.get("/dashboard?from=2025-02-01&to=2025-02-28")
	wantStatus(t, res, http.StatusOK)
	doc := res.Doc(t)
	if got := strings.TrimSpace(doc.Find(`[data-testid="figure-approved"] dd`).Text()); got != "4" {
		t.Errorf("approved in February: %q, want 4", got)
	}
	if got := strings.TrimSpace(doc.Find(`[data-testid="figure-s2a-median"] dd`).Text()); got != "about 3 hours" {
		t.Errorf("submitted to approved: %q", got)
	}
	// Every chart has its title and description, a table of its numbers
	// and a CSV link carrying the filter.
	for _, id := range []string{"flow", "ratings", "returns", "reviewers", "editors", "outlets", "claimants"} {
		c := doc.Find(`[data-testid="chart-` + id + `"]`)
		if c.Length() != 1 {
			t.Errorf("chart %s: %d found", id, c.Length())
			continue
		}
		svg := c.Find(`svg[role="img"]`)
		if svg.ChildrenFiltered("title").Length() != 1 || svg.ChildrenFiltered("desc").Length() != 1 {
			t.Errorf("chart %s lacks an SVG with a title and a description", id)
		}
		if c.Find(`details table tbody tr`).Length() == 0 {
			t.Errorf("chart %s has no table of its numbers", id)
		}
		if href, _ := c.Find(`[data-testid="chart-csv"]`).Attr("href"); href != "/dashboard/charts/"+id+".csv?from=2025-02-01&to=2025-02-28" {
			t.Errorf("chart %s CSV link %q", id, href)
		}
	}
	if !strings.Contains(doc.Find(`[data-testid="chart-ratings"] desc`).Text(), "True 2") {
		t.Errorf("ratings description: %q", doc.Find(`[data-testid="chart-ratings"] desc`).Text())
	}
	if href, _ := doc.Find(`[data-testid="chart-claimants"] tbody a`).First().Attr("href"); href != "/claimants?name=Jo+Marsh" {
		t.Errorf("claimant row links to %q", href)
	}

	// The CSV has the same numbers, spreadsheet-safe.
	res = editor.get("/dashboard/charts/claimants.csv?from=2025-02-01&to=2025-02-28")
	wantStatus(t, res, http.StatusOK)
	if !strings.HasPrefix(res.Header.Get("Content-Disposition"), `attachment; filename="claimtrail-claimants-2025-02-01-to-2025-02-28.csv"`) {
		t.Errorf("Content-Disposition %q", res.Header.Get("Content-Disposition"))
	}
	rows, err := csv.NewReader(strings.NewReader(res.Body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 || strings.Join(rows[0][:3], ",") != "Claimant,Checked,True" || strings.Join(rows[1][:3], ",") != "Jo Marsh,3,2" || rows[2][0] != "'+44 Minister" {
		t.Errorf("claimants CSV %q", rows)
	}

	// One outlet only.
	res = editor.get("/dashboard?from=2025-02-01&to=2025-02-28&outlet=City+Wire")
	wantStatus(t, res, http.StatusOK)
	if got := strings.TrimSpace(res.Doc(t).Find(`[data-testid="figure-approved"] dd`).Text()); got != "1" {
		t.Errorf("approved at City Wire: %q, want 1", got)
	}

	// A bad filter is shown back with its message, over the default period.
	res = editor.get("/dashboard?from=sometime&to=2025-02-28")
	wantStatus(t, res, http.StatusUnprocessableEntity)
	doc = res.Doc(t)
	if doc.Find(`[data-testid="error-from"]`).Length() != 1 || doc.Find(`input#from`).AttrOr("value", "") != "sometime" {
		t.Errorf("bad filter: no message or the typed value is lost")
	}
	if doc.Find(`[data-testid="chart-flow"]`).Length() != 1 {
		t.Errorf("bad filter: no dashboard drawn")
	}
	wantStatus(t, editor.get("/dashboard/charts/ratings.csv?to=yesterday"), http.StatusUnprocessableEntity)
	wantStatus(t, editor.get("/dashboard/charts/nothing.csv"), http.StatusNotFound)
	wantStatus(t, editor.get("/dashboard/charts/ratings"), http.StatusNotFound)
}

func TestClaimantAndOutletPages(t *testing.T) {
	env := newTestEnv(t)
	deskSeed(t, env)
	// Enough of one claimant's claims, waiting in the queue, for a second page.
	s := storagetest.New(t, env.db.Path)
	herald := s.Article(storagetest.Article{Outlet: "Harbour Herald"})
	for i := 0; i < 52; i++ {
		s.Claim(storagetest.Claim{ArticleID: herald, Text: "Queued claim " + itoa(int64(i)), Claimant: "Jo Marsh", State: domain.StateQueued})
	}
	c, _ := env.signedIn("rita@newsroom.example", domain.RoleReviewer)

	res := c.get("/claimants?name=Jo+Marsh")
	wantStatus(t, res, http.StatusOK)
	doc := res.Doc(t)
	if got := doc.Find(`[data-testid="profile-name"]`).Text(); got != "Jo Marsh" {
		t.Errorf("name %q", got)
	}
	if got := strings.TrimSpace(doc.Find(`[data-testid="figure-total"] dd`).Text()); got != "55" {
		t.Errorf("total %q, want 55", got)
	}
	if n := doc.Find(`[data-testid="profile-claim"]`).Length(); n != 50 {
		t.Errorf("%d claims on the first page, want 50", n)
	}
	// The rating mix: two True, one Half true, drawn and tabled.
	chart := doc.Find(`[data-testid="chart-ratings"]`)
	if chart.Find(`svg[role="img"]`).Length() != 1 || !strings.Contains(chart.Find("desc").Text(), "True 2") || !strings.Contains(chart.Find("desc").Text(), "Half true 1") {
		t.Errorf("rating chart: %q", chart.Find("desc").Text())
	}
	next, _ := doc.Find(`[data-testid="profile-next"]`).Attr("href")
	res = c.get(next)
	wantStatus(t, res, http.StatusOK)
	doc = res.Doc(t)
	if n := doc.Find(`[data-testid="profile-claim"]`).Length(); n != 5 || doc.Find(`[data-testid="profile-next"]`).Length() != 0 {
		t.Errorf("second page: %d claims, want the last 5 and no further page", n)
	}
	if strings.Count(doc.Find(`[data-testid="profile-rating"]`).Text(), "True") != 2 {
		t.Errorf("the oldest claims carry their verdicts: %q", doc.Find(`[data-testid="profile-rating"]`).Text())
	}
	res = c.get("/claimants/ratings.csv?name=Jo+Marsh")
	wantStatus(t, res, http.StatusOK)
	if !strings.Contains(res.Body, "Rating,Verdicts\nTrue,2\n") {
		t.Errorf("claimant CSV %q", res.Body)
	}

	res = c.get("/outlets?name=The+Daily+Ledger")
	wantStatus(t, res, http.StatusOK)
	doc = res.Doc(t)
	if n := doc.Find(`[data-testid="profile-claim"]`).Length(); n != 3 {
		t.Errorf("%d claims from the Ledger, want 3", n)
	}
	if href, _ := doc.Find(`[data-testid="profile-claims"] [data-testid="claimant-link"]`).First().Attr("href"); href != "/claimants?name=%2B44+Minister" && href != "/claimants?name=Jo+Marsh" {
		t.Errorf("claimant link %q", href)
	}

	wantStatus(t, c.get("/claimants?name=Nobody+Known"), http.StatusNotFound)
	wantStatus(t, c.get("/outlets?name=Nowhere"), http.StatusNotFound)
	wantStatus(t, c.get("/claimants"), http.StatusUnprocessableEntity)
	wantStatus(t, c.get("/claimants?name=Jo+Marsh&before=zzz"), http.StatusUnprocessableEntity)
	wantStatus(t, c.get("/outlets?name=The+Daily+Ledger&before=zzz"), http.StatusUnprocessableEntity)
}

// The dashboard's charts are kept drawn between requests; a change to what
// they show draws them again, and the same page read twice is the same.
func TestDashboardChartsFollowChanges(t *testing.T) {
	env := newTestEnv(t)
	deskSeed(t, env)
	editor, _ := env.signedIn("eddie@newsroom.example", domain.RoleEditor)
	const page = "/dashboard?from=2025-02-01&to=2025-02-28"
	ratingsDesc := func() string {
		res := editor.get(page)
		wantStatus(t, res, http.StatusOK)
		return res.Doc(t).Find(`[data-testid="chart-ratings"] desc`).Text()
	}
	first := ratingsDesc()
	if !strings.Contains(first, "True 2") || ratingsDesc() != first {
		t.Fatalf("ratings chart %q, then %q", first, ratingsDesc())
	}
	// One more check approved as True that month: the chart says 3.
	s := storagetest.New(t, env.db.Path)
	reviewer := s.User("rene@newsroom.example", "Rene Reviewer", domain.RoleReviewer)
	day := time.Date(2025, 2, 20, 9, 0, 0, 0, time.UTC)
	s.Claim(storagetest.Claim{ArticleID: s.Article(storagetest.Article{Outlet: "City Wire"}), Text: "Another claim", RatingID: 1,
		AuthorID: reviewer, EditorID: reviewer, SubmittedAt: day, ApprovedAt: day.Add(time.Hour)})
	if got := ratingsDesc(); !strings.Contains(got, "True 3") {
		t.Errorf("after another approval the ratings chart says %q", got)
	}
	// A reviewer renamed: the reviewers' chart names them anew.
	if _, err := env.raw().Exec(`UPDATE users SET name = 'Rhea Renamed' WHERE email = 'rhea@newsroom.example'`); err != nil {
		t.Fatal(err)
	}
	res := editor.get(page)
	wantStatus(t, res, http.StatusOK)
	if got := res.Doc(t).Find(`[data-testid="chart-reviewers"] table`).Text(); !strings.Contains(got, "Rhea Renamed") {
		t.Errorf("reviewers' table after the rename: %q", got)
	}
}

// TestChartCSVHeaderIsNotAFormula: a chart's columns name the newsroom's
// ratings, which editors name freely; a name a spreadsheet would run as a
// formula is written as text in the header too, as in the rows.
func TestChartCSVHeaderIsNotAFormula(t *testing.T) {
	rec := httptest.NewRecorder()
	writeChartCSV(rec, "claimtrail-outlets.csv", []string{"Outlet", "Checked", "=HYPERLINK(\"https://evil.example\",\"False\")"},
		[][]string{{"@Gazette", "2", "1"}})
	rows, err := csv.NewReader(strings.NewReader(rec.Body.String())).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if got := rows[0][2]; !strings.HasPrefix(got, "'=") {
		t.Errorf("header cell %q would run as a formula", got)
	}
	if got := rows[1][0]; got != "'@Gazette" {
		t.Errorf("row cell %q", got)
	}
}

// TestDashboardRefusedPeriodKeepsBothDates: a period whose end comes before
// its start is refused on the end date, and both dates come back as typed,
// so the editor fixes one of them instead of typing the start again; a date
// left empty is filled with the default period's.
func TestDashboardRefusedPeriodKeepsBothDates(t *testing.T) {
	env := newTestEnv(t)
	editor, _ := env.signedIn("eddie@newsroom.example", domain.RoleEditor)
	tests := []struct {
		query, wantError, wantFrom, wantTo string
	}{
		{"from=2025-03-10&to=2025-03-01", "to", "2025-03-10", "2025-03-01"},
		{"from=1990-01-01&to=2025-03-01", "from", "1990-01-01", "2025-03-01"},
		{"from=sometime", "from", "sometime", ""},
	}
	for _, tc := range tests {
		res := editor.get("/dashboard?" + tc.query)
		wantStatus(t, res, http.StatusUnprocessableEntity)
		doc := res.Doc(t)
		if doc.Find(`[data-testid="error-`+tc.wantError+`"]`).Length() != 1 {
			t.Errorf("%s: no message on %s", tc.query, tc.wantError)
		}
		from, to := doc.Find(`input#from`).AttrOr("value", ""), doc.Find(`input#to`).AttrOr("value", "")
		if from != tc.wantFrom {
			t.Errorf("%s: start shown as %q, want %q", tc.query, from, tc.wantFrom)
		}
		if tc.wantTo != "" && to != tc.wantTo {
			t.Errorf("%s: end shown as %q, want %q", tc.query, to, tc.wantTo)
		}
		if tc.wantTo == "" && to == "" {
			t.Errorf("%s: the end left empty is not filled with the default period's", tc.query)
		}
	}
}
