package web

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"claimtrail/components"
	"claimtrail/domain"
	"claimtrail/domain/claimreview"
	"claimtrail/storage"
	"claimtrail/storage/storagetest"
	"claimtrail/web/csvexport"
)

// nastyClaim seeds one approved claim whose every text field is something a
// CSV or a spreadsheet could trip over, and returns its id.
func nastyClaim(t *testing.T, s *storagetest.Seeder) int64 {
	reviewer := s.User("rita@newsroom.example", "=cmd|' /C calc'!A0", domain.RoleReviewer)
	editor := s.User("eddie@newsroom.example", "Eddie \"Ed\" Editor, Jr.", domain.RoleEditor)
	rating := s.Rating("-Mostly, \"false\"", 2, 4)
	article := s.Article(storagetest.Article{Title: "@Budget, day\nsecond line", Outlet: "\tThe Herald",
		URL: "https://herald.example/a?b=1,2", PublishedAt: time.Date(2025, 2, 1, 6, 30, 0, 0, time.UTC)})
	return s.Claim(storagetest.Claim{ArticleID: article,
		Text:     "=HYPERLINK(\"https://evil.example\",\"click\"), with \"quotes\"\nand a newline",
		Claimant: "+44 Minister — for Ünïcödé 🙂", Figures: []string{"-3%", "£5bn"},
		RatingID: rating, Conclusion: "\rStarts with a carriage return", Explanation: "Plain, with a comma; a \"quote\"\nand – dashes — everywhere\r mid-line CR",
		AuthorID: reviewer, EditorID: editor,
		SubmittedAt: time.Date(2025, 2, 9, 10, 0, 0, 0, time.UTC), ApprovedAt: time.Date(2025, 2, 10, 12, 0, 0, 0, time.UTC),
		Sources: []storagetest.Source{{Title: "=ONS table", URL: "https://ons.example/t"}, {Title: "Budget, \"red book\"", URL: "https://gov.example/rb"}}})
}

func readCSV(t *testing.T, body string) [][]string {
	t.Helper()
	r := csv.NewReader(strings.NewReader(body))
	r.FieldsPerRecord = len(csvexport.Columns)
	records, err := r.ReadAll()
	if err != nil {
		t.Fatalf("reading the export as CSV: %v\n%s", err, snippet(body))
	}
	return records
}

func TestExportCSVRoundTripsNastyValues(t *testing.T) {
	env := newTestEnv(t)
	c, _ := env.signedIn("reader@newsroom.example", domain.RoleReviewer)
	id := nastyClaim(t, storagetest.New(t, env.db.Path))

	for _, bom := range []bool{false, true} {
		path := "/export.csv"
		if bom {
			path += "?bom=on"
		}
		res := c.get(path)
		wantStatus(t, res, http.StatusOK)
		if ct := res.Header.Get("Content-Type"); ct != "text/csv; charset=utf-8" {
			t.Errorf("Content-Type %q", ct)
		}
		if !strings.HasPrefix(res.Header.Get("Content-Disposition"), "attachment;") {
			t.Errorf("Content-Disposition %q", res.Header.Get("Content-Disposition"))
		}
		body, hasBOM := strings.CutPrefix(res.Body, "\uFEFF")
		if hasBOM != bom {
			t.Fatalf("bom=%v: body starts with a byte-order mark: %v", bom, hasBOM)
		}
		records := readCSV(t, body)
		if len(records) != 2 {
			t.Fatalf("%d records, want header and one row", len(records))
		}
		if strings.Join(records[0], ",") != "claim_id,claim,claimant,claim_type,figures,article_title,article_url,outlet,article_published_at,rating,rating_value,conclusion,explanation,sources,reviewer,editor,submitted_at,approved_at,state,claim_url" {
			t.Errorf("header = %q", records[0])
		}
		want := []string{
			itoa(id),
			"'=HYPERLINK(\"https://evil.example\",\"click\"), with \"quotes\"\nand a newline",
			"'+44 Minister — for Ünïcödé 🙂",
			"quantity",
			"'-3%\n£5bn",
			"'@Budget, day\nsecond line",
			"https://herald.example/a?b=1,2",
			"'\tThe Herald",
			"2025-02-01T06:30:00Z",
			"'-Mostly, \"false\"",
			"2", // a number, not text: never prefixed
			"'\rStarts with a carriage return",
			"Plain, with a comma; a \"quote\"\nand – dashes — everywhere\r mid-line CR",
			"'=ONS table — https://ons.example/t\nBudget, \"red book\" — https://gov.example/rb",
			"'=cmd|' /C calc'!A0",
			"Eddie \"Ed\" Editor, Jr.",
			"2025-02-09T10:00:00Z",
			"2025-02-10T12:00:00Z",
			"approved",
			// No public address is set, and the request's Host is not
			// trusted for one: the link is a path.
			"/checks/" + itoa(id),
		}
		for i, col := range csvexport.Columns {
			if records[1][i] != want[i] {
				t.Errorf("bom=%v: %s = %q, want %q", bom, col, records[1][i], want[i])
			}
		}
	}
}

func TestExportFiltersAndValidation(t *testing.T) {
	env := newTestEnv(t)
	c, _ := env.signedIn("reader@newsroom.example", domain.RoleEditor)
	s := storagetest.New(t, env.db.Path)
	ed := s.User("ed@newsroom.example", "Ed", domain.RoleEditor)
	truth := s.Rating("True", 5, 1)
	herald := s.Article(storagetest.Article{Outlet: "The Herald"})
	feb := s.Claim(storagetest.Claim{ArticleID: herald, Text: "Feb", RatingID: truth, EditorID: ed, ApprovedAt: time.Date(2025, 2, 28, 23, 0, 0, 0, time.UTC)})
	mar := s.Claim(storagetest.Claim{ArticleID: herald, Text: "Mar", RatingID: truth, ApprovedAt: time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)})
	queued := s.Claim(storagetest.Claim{ArticleID: herald, Text: "Queued", State: domain.StateQueued})

	ids := func(query string) []string {
		t.Helper()
		res := c.get("/export.csv?" + query)
		wantStatus(t, res, http.StatusOK)
		var out []string
		for _, rec := range readCSV(t, res.Body)[1:] {
			out = append(out, rec[0])
		}
		return out
	}
	tests := []struct {
		query string
		want  []string
	}{
		{"", []string{itoa(feb), itoa(mar)}},
		{"since=2025-03-01", []string{itoa(mar)}},
		{"until=2025-02-28", []string{itoa(feb)}}, // until includes the whole day
		{"since=2025-02-28&until=2025-03-01", []string{itoa(feb), itoa(mar)}},
		{"editor=ed@newsroom.example", []string{itoa(feb)}},
		{"rating=True&outlet=The+Herald", []string{itoa(feb), itoa(mar)}},
		{"rating=Nonsense", nil},
		{"outlet=Nobody", nil},
		{"state=queued", []string{itoa(queued)}},
		{"state=all", []string{itoa(feb), itoa(mar), itoa(queued)}},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			if got := ids(tt.query); strings.Join(got, ",") != strings.Join(tt.want, ",") {
				t.Errorf("ids = %v, want %v", got, tt.want)
			}
		})
	}

	// Malformed filters re-render the page with the message beside the field
	// and keep what was typed.
	res := c.get("/export.csv?since=1%2F3%2F2025&claim_type=gossip&outlet=The+Herald")
	wantStatus(t, res, http.StatusUnprocessableEntity)
	if res.TestID(t, "error-since") == "" || res.TestID(t, "error-claim_type") == "" {
		t.Errorf("no field errors:\n%s", snippet(res.Body))
	}
	if v, _ := res.Doc(t).Find(`#since`).Attr("value"); v != "1/3/2025" {
		t.Errorf("since not kept: %q", v)
	}
	wantStatus(t, c.get("/export.csv?since=2025-03-02&until=2025-03-01"), http.StatusUnprocessableEntity)
}

func TestExportIsAudited(t *testing.T) {
	env := newTestEnv(t)
	c, u := env.signedIn("reader@newsroom.example", domain.RoleReviewer)
	s := storagetest.New(t, env.db.Path)
	a := s.Article(storagetest.Article{Outlet: "The Herald"})
	s.Claim(storagetest.Claim{ArticleID: a, Text: "One", ApprovedAt: time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)})
	s.Claim(storagetest.Claim{ArticleID: a, Text: "Two", ApprovedAt: time.Date(2025, 3, 2, 0, 0, 0, 0, time.UTC)})

	wantStatus(t, c.get("/export.csv?since=2025-03-01&outlet=The+Herald"), http.StatusOK)
	events, err := env.db.ListAuditEvents(context.Background(), domain.AuditFilter{Action: "export.csv"})
	if err != nil || len(events) != 1 {
		t.Fatalf("events %d, err %v", len(events), err)
	}
	ev := events[0]
	var after struct {
		Filters  map[string]string `json:"filters"`
		Rows     int               `json:"rows"`
		Complete bool              `json:"complete"`
	}
	json.Unmarshal(ev.After, &after)
	if ev.ActorID != u.ID || ev.ActorLabel != "reader@newsroom.example" || ev.RequestID == "" {
		t.Errorf("who: %+v", ev)
	}
	if after.Rows != 2 || !after.Complete || after.Filters["outlet"] != "The Herald" || after.Filters["approved_since"] != "2025-03-01T00:00:00Z" {
		t.Errorf("after = %s", ev.After)
	}
}

func TestExportNeedsSignIn(t *testing.T) {
	env := newTestEnv(t)
	anon := env.newClient()
	for _, path := range []string{"/export", "/export.csv", "/admin/settings"} {
		res := anon.get(path)
		if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/login") {
			t.Errorf("%s: %d %s, want redirect to sign in", path, res.StatusCode, res.Header.Get("Location"))
		}
	}
	// Every role may export; only admins change publishing settings.
	for _, role := range domain.Roles {
		c, _ := env.signedIn(string(role)+"@newsroom.example", role)
		res := c.get("/export")
		wantStatus(t, res, http.StatusOK)
		if res.Doc(t).Find(`[data-testid="export-form"]`).Length() != 1 {
			t.Errorf("%s: no export form", role)
		}
		want := http.StatusForbidden
		if role == domain.RoleAdmin {
			want = http.StatusOK
		}
		wantStatus(t, c.get("/admin/settings"), want)
	}
}

func TestPublishingSettings(t *testing.T) {
	env := newTestEnv(t)
	c, _ := env.signedIn("admin@newsroom.example", domain.RoleAdmin)
	res := c.postForm("/admin/settings", url.Values{"publisher_name": {"Herald Checks"}, "publisher_url": {"javascript:alert(1)"}, "base_url": {"not a url"}})
	wantStatus(t, res, http.StatusUnprocessableEntity)
	if res.TestID(t, "error-publisher_url") == "" || res.TestID(t, "error-base_url") == "" {
		t.Errorf("no field errors:\n%s", snippet(res.Body))
	}
	if v, _ := res.Doc(t).Find("#publisher_name").Attr("value"); v != "Herald Checks" {
		t.Errorf("typed value lost: %q", v)
	}
	// Check addresses are made by adding /checks/{id}: a query, fragment or
	// login in the base would break every one of them.
	for _, base := range []string{"https://ct.example/x?y#z", "https://ct.example/#top", "https://ed:pw@ct.example"} {
		res := c.postForm("/admin/settings", url.Values{"publisher_name": {"Herald Checks"}, "publisher_url": {"https://herald.example"}, "base_url": {base}})
		wantStatus(t, res, http.StatusUnprocessableEntity)
		if res.TestID(t, "error-base_url") == "" {
			t.Errorf("base %q: no message", base)
		}
	}
	res = c.postForm("/admin/settings", url.Values{"publisher_name": {"Herald Checks"}, "publisher_url": {"https://herald.example"},
		"base_url": {"https://checks.herald.example/"}})
	wantStatus(t, res, http.StatusSeeOther)
	pub, _ := env.db.PublishingSettings(context.Background())
	if pub.Publisher.Name != "Herald Checks" || pub.BaseURL != "https://checks.herald.example" {
		t.Errorf("saved %+v", pub)
	}
	// One save is one event, naming every value it set.
	events, _ := env.db.ListAuditEvents(context.Background(), domain.AuditFilter{Action: "setting.changed"})
	if len(events) != 1 || !strings.Contains(string(events[0].After), `"Herald Checks"`) ||
		!strings.Contains(string(events[0].After), `checks.herald.example`) {
		t.Errorf("setting events: %d", len(events))
	}
	// The admin's address wins over the request's for claim links.
	s := storagetest.New(t, env.db.Path)
	id := s.Claim(storagetest.Claim{ArticleID: s.Article(storagetest.Article{}), Text: "x", ApprovedAt: time.Now()})
	records := readCSV(t, c.get("/export.csv").Body)
	if got := records[1][19]; got != "https://checks.herald.example/checks/"+itoa(id) {
		t.Errorf("claim_url = %q", got)
	}
}

func setPublisher(t *testing.T, db *storage.DB) {
	t.Helper()
	err := db.SetSettings(context.Background(), map[string]string{
		storage.SettingPublisherName: "Herald Checks", storage.SettingPublisherURL: "https://herald.example",
		storage.SettingPublisherLogoURL: "https://herald.example/logo.png", storage.SettingSiteBaseURL: "https://checks.herald.example",
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestPublicCheckPages(t *testing.T) {
	env := newTestEnv(t)
	setPublisher(t, env.db)
	s := storagetest.New(t, env.db.Path)
	truth := s.Rating("True", 5, 1)
	s.Rating("False", 1, 5)
	unverifiable := s.Rating("Unverifiable", 0, 6)
	a := s.Article(storagetest.Article{Title: "Budget day", Outlet: "The Herald", URL: "https://herald.example/budget",
		PublishedAt: time.Date(2025, 2, 1, 0, 0, 0, 0, time.UTC)})
	approved := s.Claim(storagetest.Claim{ArticleID: a, Text: "Taxes fell", Claimant: "Chancellor", RatingID: truth,
		Conclusion: "Correct.", ApprovedAt: time.Date(2025, 2, 10, 0, 0, 0, 0, time.UTC),
		Sources: []storagetest.Source{{Title: "Budget tables", URL: "https://gov.example/t"}}})
	unknowable := s.Claim(storagetest.Claim{ArticleID: a, Text: "Aliens voted", Claimant: "Ministry of Truth", RatingID: unverifiable,
		Conclusion: "No evidence either way.", ApprovedAt: time.Date(2025, 2, 11, 0, 0, 0, 0, time.UTC)})
	var hidden []int64
	for _, st := range []domain.ClaimState{domain.StateCandidate, domain.StateDismissed, domain.StateQueued, domain.StateInReview, domain.StateSubmitted} {
		hidden = append(hidden, s.Claim(storagetest.Claim{ArticleID: a, Text: "Secret " + string(st), State: st, RatingID: truth, Conclusion: "Draft"}))
	}
	anon := env.newClient()

	res := anon.get("/checks/" + itoa(approved))
	wantStatus(t, res, http.StatusOK)
	if res.TestID(t, "check-claim") != "Taxes fell" || res.TestID(t, "check-claimant") != "Chancellor" ||
		res.TestID(t, "check-rating") != "True" || res.TestID(t, "check-conclusion") != "Correct." ||
		!strings.Contains(res.TestID(t, "check-sources"), "Budget tables") || !strings.Contains(res.TestID(t, "check-appearance"), "The Herald") {
		t.Errorf("page lacks the check:\n%s", snippet(res.Body))
	}
	cr := onlyClaimReview(t, res)
	if problems := claimreview.Validate(cr); len(problems) > 0 {
		t.Errorf("ClaimReview invalid: %v", problems)
	}
	if cr.URL != "https://checks.herald.example/checks/"+itoa(approved) || *cr.ReviewRating.RatingValue != 5 ||
		*cr.ReviewRating.BestRating != 5 || *cr.ReviewRating.WorstRating != 1 || cr.ReviewRating.AlternateName != "True" ||
		cr.ItemReviewed.Author.Type != "Person" || cr.ItemReviewed.Appearance[0].URL != "https://herald.example/budget" ||
		cr.DatePublished != "2025-02-10T00:00:00Z" || cr.Author.Name != "Herald Checks" {
		t.Errorf("ClaimReview = %+v", cr)
	}

	// Off the numeric scale: a name, no number.
	cr = onlyClaimReview(t, anon.get("/checks/"+itoa(unknowable)))
	if cr.ReviewRating.RatingValue != nil || cr.ReviewRating.AlternateName != "Unverifiable" || cr.ItemReviewed.Author.Type != "Organization" {
		t.Errorf("unverifiable: %+v", cr.ReviewRating)
	}
	if problems := claimreview.Validate(cr); len(problems) > 0 {
		t.Errorf("ClaimReview invalid: %v", problems)
	}

	// A rating added off the scale (the box unticked) does not stretch the
	// scale of every published check.
	editor, _ := env.signedIn("eddie@newsroom.example", domain.RoleEditor)
	wantStatus(t, editor.postForm("/ratings", url.Values{"name": {"Satire"}, "value": {"10"}}), http.StatusSeeOther)
	if cr := onlyClaimReview(t, anon.get("/checks/"+itoa(approved))); cr.ReviewRating.BestRating == nil || *cr.ReviewRating.BestRating != 5 {
		t.Errorf("an off-scale rating changed the best rating: %+v", cr.ReviewRating)
	}

	// Unapproved and unknown claims are not found, never forbidden.
	for _, id := range append(hidden, 99999) {
		wantStatus(t, anon.get("/checks/"+itoa(id)), http.StatusNotFound)
	}
	wantStatus(t, anon.get("/checks/abc"), http.StatusNotFound)
	// One address per check: other spellings of the number are not found.
	for _, alias := range []string{"0" + itoa(approved), "+" + itoa(approved)} {
		wantStatus(t, anon.get("/checks/"+url.PathEscape(alias)), http.StatusNotFound)
	}

	list := anon.get("/checks")
	wantStatus(t, list, http.StatusOK)
	if list.Doc(t).Find(`[data-testid="feed-link"]`).Length() != 1 {
		t.Error("no link to the feed once publishing is set up")
	}
	if n := list.Doc(t).Find(`[data-testid="check-row"]`).Length(); n != 2 {
		t.Errorf("list shows %d checks, want 2", n)
	}
	if strings.Contains(list.Body, "Secret") {
		t.Error("list shows an unapproved claim")
	}

	feed := anon.get("/checks/feed.jsonld")
	wantStatus(t, feed, http.StatusOK)
	var all []claimreview.ClaimReview
	if err := json.Unmarshal([]byte(feed.Body), &all); err != nil || len(all) != 2 {
		t.Fatalf("feed: %d items, %v", len(all), err)
	}
	for _, cr := range all {
		if problems := claimreview.Validate(cr); len(problems) > 0 {
			t.Errorf("feed item %s: %v", cr.URL, problems)
		}
	}
}

func TestChecksListPaginates(t *testing.T) {
	env := newTestEnv(t)
	s := storagetest.New(t, env.db.Path)
	a := s.Article(storagetest.Article{})
	for i := range checksPerPage + 3 {
		s.Claim(storagetest.Claim{ArticleID: a, Text: "Check " + itoa(int64(i)), ApprovedAt: time.Date(2025, 1, 1, i, 0, 0, 0, time.UTC)})
	}
	anon := env.newClient()
	first := anon.get("/checks")
	next, ok := first.Doc(t).Find(`[data-testid="next-page"]`).Attr("href")
	if !ok || first.Doc(t).Find(`[data-testid="check-row"]`).Length() != checksPerPage {
		t.Fatalf("first page: next %q", next)
	}
	// The last check on the first page is withdrawn (reopened) before the
	// reader follows the link: the next page still follows on.
	last := first.Doc(t).Find(`[data-testid="check-row"] a`).Last().AttrOr("href", "")
	lastID := strings.TrimPrefix(last, "/checks/")
	raw := env.raw()
	if _, err := raw.Exec(`UPDATE claims SET state = 'in_review' WHERE id = ?`, lastID); err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec(`UPDATE verdicts SET approved_at = NULL WHERE claim_id = ?`, lastID); err != nil {
		t.Fatal(err)
	}
	second := anon.get(next)
	if n := second.Doc(t).Find(`[data-testid="check-row"]`).Length(); n != 3 {
		t.Errorf("second page has %d checks, want 3", n)
	}
	if !strings.Contains(second.Body, "Check 0") || strings.Contains(second.Body, "Check 22<") {
		t.Errorf("second page should hold the oldest checks")
	}
	// No publisher is set here, so the feed (which needs one) is not offered.
	if first.Doc(t).Find(`[data-testid="feed-link"]`).Length() != 0 {
		t.Error("the list links to a feed that is not set up")
	}
}

// User text on the public page cannot break out of the JSON-LD block or
// into markup.
func TestCheckPageEscapesUserText(t *testing.T) {
	env := newTestEnv(t)
	setPublisher(t, env.db)
	s := storagetest.New(t, env.db.Path)
	claim := `Tax "fell" </script><script>alert(1)</script><!-- <img src=x onerror=alert(2)>`
	claimant := `<img src=y onerror=alert(3)></SCRIPT >`
	conclusion := `False & misleading <!--<script>`
	a := s.Article(storagetest.Article{Title: `</title><img src=z onerror=alert(4)>`, Outlet: "<b>Herald</b>", URL: `javascript:alert(5)`})
	id := s.Claim(storagetest.Claim{ArticleID: a, Text: claim, Claimant: claimant, RatingID: s.Rating("False", 1, 1),
		Conclusion: conclusion, Explanation: `<img src=w onerror=alert(6)>`, ApprovedAt: time.Now(),
		Sources: []storagetest.Source{{Title: `<img src=v onerror=alert(7)>`, URL: `javascript:alert(8)`}}})

	res := env.newClient().get("/checks/" + itoa(id))
	wantStatus(t, res, http.StatusOK)
	doc := res.Doc(t)
	if n := doc.Find(`img:not([data-testid="public-logo"])`).Length(); n != 0 {
		t.Errorf("%d <img> elements on the page besides the newsroom's logo", n)
	}
	if n := doc.Find("script:not([src])").Length(); n != 1 {
		t.Errorf("%d inline script elements, want only the JSON-LD one", n)
	}
	if n := doc.Find(`a[href^="javascript:"]`).Length(); n != 0 {
		t.Errorf("%d javascript: links", n)
	}
	cr := onlyClaimReview(t, res)
	if cr.ClaimReviewed != claim || cr.ItemReviewed.Author.Name != claimant || cr.ReviewBody != conclusion {
		t.Errorf("JSON-LD does not round-trip the text: %q / %q / %q", cr.ClaimReviewed, cr.ItemReviewed.Author.Name, cr.ReviewBody)
	}
	if len(cr.ItemReviewed.Appearance) != 1 || cr.ItemReviewed.Appearance[0].URL != "" {
		t.Errorf("a javascript: article URL reached the JSON-LD: %+v", cr.ItemReviewed.Appearance)
	}
	if doc.Find(`[data-testid="check-claim"]`).Text() != claim {
		t.Errorf("claim shown as %q", doc.Find(`[data-testid="check-claim"]`).Text())
	}
}

// onlyClaimReview asserts the page has exactly one JSON-LD block and decodes it.
func onlyClaimReview(t *testing.T, res *response) claimreview.ClaimReview {
	t.Helper()
	scripts := res.Doc(t).Find(`script[type="application/ld+json"]`)
	if scripts.Length() != 1 {
		t.Fatalf("%d JSON-LD scripts, want 1", scripts.Length())
	}
	var cr claimreview.ClaimReview
	dec := json.NewDecoder(strings.NewReader(scripts.Text()))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&cr); err != nil {
		t.Fatalf("JSON-LD does not decode: %v\n%s", err, scripts.Text())
	}
	if _, err := dec.Token(); err != io.EOF {
		t.Errorf("more than one value in the JSON-LD block")
	}
	return cr
}

// TestPublishedCheckCannotBeReorderedByHiddenCharacters: text stored with a
// bidi override or an invisible character (before the rule, or from an
// article) reaches neither the public page nor its ClaimReview nor the feed.
func TestPublishedCheckCannotBeReorderedByHiddenCharacters(t *testing.T) {
	env := newTestEnv(t)
	setPublisher(t, env.db)
	s := storagetest.New(t, env.db.Path)
	a := s.Article(storagetest.Article{Title: "Harbour \u202espending", Outlet: "The\u2060Gazette", URL: "https://gazette.example/h"})
	id := s.Claim(storagetest.Claim{ArticleID: a, Text: "Spending rose by \u202e%04", Claimant: "Min\u200bister", RatingID: s.Rating("False", 1, 1),
		Conclusion: "It rose from 100\u200f-\u200f200.", Explanation: "See\u2067 table", ApprovedAt: time.Now(),
		Sources: []storagetest.Source{{Title: "Annual\u202d table", URL: "https://stats.example/t"}}})

	res := env.newClient().get("/checks/" + itoa(id))
	wantStatus(t, res, http.StatusOK)
	if domain.HidesOrReorders(string(res.Body)) {
		t.Errorf("the public page holds characters that hide or reorder text")
	}
	cr := onlyClaimReview(t, res)
	if cr.ClaimReviewed != "Spending rose by %04" || cr.ItemReviewed.Author.Name != "Minister" || cr.ReviewBody != "It rose from 100-200." {
		t.Errorf("JSON-LD: %q / %q / %q", cr.ClaimReviewed, cr.ItemReviewed.Author.Name, cr.ReviewBody)
	}
	feed := env.newClient().get("/checks/feed.jsonld")
	wantStatus(t, feed, http.StatusOK)
	if domain.HidesOrReorders(string(feed.Body)) {
		t.Errorf("the feed holds characters that hide or reorder text")
	}
}

// TestChecksListShowsWhatEachCheckSays draws the list of checks from each
// check's full read (the one its own page shows) and compares it with the
// list served, which reads only what the list shows: every row's words,
// rating, dates and "Updated" or "Corrected" must be the same. Among the
// checks: one corrected (approved again with another rating), one updated
// (the same rating), one whose rating was renamed after approval (the list
// shows the name at approval), one without a rating, and one whose words
// hold a right-to-left override (shown without it).
func TestChecksListShowsWhatEachCheckSays(t *testing.T) {
	env := newTestEnv(t)
	s := storagetest.New(t, env.db.Path)
	a := s.Article(storagetest.Article{})
	falseID, _ := strconv.ParseInt(env.ratingID("False"), 10, 64)
	trueID, _ := strconv.ParseInt(env.ratingID("True"), 10, 64)
	day := func(d int) time.Time { return time.Date(2025, 3, d, 9, 0, 0, 0, time.UTC) }
	plain := s.Claim(storagetest.Claim{ArticleID: a, Text: "Plain check", RatingID: falseID, ApprovedAt: day(1)})
	corrected := s.Claim(storagetest.Claim{ArticleID: a, Text: "Corrected check", RatingID: falseID, ApprovedAt: day(5)})
	updated := s.Claim(storagetest.Claim{ArticleID: a, Text: "Updated check", RatingID: trueID, ApprovedAt: day(6)})
	renamed := s.Claim(storagetest.Claim{ArticleID: a, Text: "Renamed rating", RatingID: trueID, ApprovedAt: day(3)})
	unrated := s.Claim(storagetest.Claim{ArticleID: a, Text: "No rating", ApprovedAt: day(2)})
	hidden := s.Claim(storagetest.Claim{ArticleID: a, Text: "Hidden override", RatingID: falseID, ApprovedAt: day(4)})
	raw := env.raw()
	for _, q := range []struct {
		sql  string
		args []any
	}{
		{`UPDATE verdicts SET first_approved_at = ?, first_rating = 'True' WHERE claim_id = ?`, []any{"2025-02-01T09:00:00Z", corrected}},
		{`UPDATE verdicts SET first_approved_at = ?, first_rating = 'True' WHERE claim_id = ?`, []any{"2025-02-02T09:00:00Z", updated}},
		{`UPDATE verdicts SET approved_rating_name = 'Correct' WHERE claim_id = ?`, []any{renamed}},
		{`UPDATE claims SET text = 'Hidden ` + "\u202e" + `override' WHERE id = ?`, []any{hidden}},
	} {
		if _, err := raw.Exec(q.sql, q.args...); err != nil {
			t.Fatal(err)
		}
	}

	served := env.newClient().get("/checks")
	wantStatus(t, served, http.StatusOK)
	rows := served.Doc(t).Find(`[data-testid="check-row"]`)
	if rows.Length() != 6 {
		t.Fatalf("the list shows %d checks, want 6", rows.Length())
	}
	var full []*domain.PublishedCheck
	for _, id := range []int64{updated, corrected, hidden, renamed, unrated, plain} {
		p, err := env.db.PublishedCheck(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		full = append(full, p)
	}
	var drawn strings.Builder
	if err := components.ChecksPage(components.PublicMeta{}, full, "", false).Render(context.Background(), &drawn); err != nil {
		t.Fatal(err)
	}
	want, _ := goquery.NewDocumentFromReader(strings.NewReader(drawn.String()))
	wantHTML, _ := want.Find(`[data-testid="checks"]`).Html()
	gotHTML, _ := served.Doc(t).Find(`[data-testid="checks"]`).Html()
	if gotHTML != wantHTML {
		t.Errorf("the list differs from the checks' own reads:\nserved: %s\nwant:   %s", gotHTML, wantHTML)
	}
	for _, must := range []string{"Corrected", "Updated", "Correct<", "Hidden override"} {
		if !strings.Contains(gotHTML, must) {
			t.Errorf("the list does not show %q", must)
		}
	}
}

// TestPublicPagesFollowPublishingSettings reads the list of checks while its
// publishing settings are kept, then changes them here and from another
// process: each change shows at the next request.
func TestPublicPagesFollowPublishingSettings(t *testing.T) {
	env := newTestEnv(t)
	reader := env.newClient()
	brand := func() string {
		t.Helper()
		res := reader.get("/checks")
		wantStatus(t, res, http.StatusOK)
		return strings.TrimSpace(res.Doc(t).Find(`[data-testid="public-brand"]`).Text())
	}
	before := brand()
	setPublisher(t, env.db)
	if got := brand(); got != "Herald Checks" || got == before {
		t.Errorf("brand %q after the publisher was set (before: %q)", got, before)
	}
	if got := brand(); got != "Herald Checks" {
		t.Errorf("brand %q asked again", got)
	}
	if _, err := env.raw().Exec(`UPDATE settings SET value = 'Gazette Checks' WHERE key = ?`, storage.SettingPublisherName); err != nil {
		t.Fatal(err)
	}
	if got := brand(); got != "Gazette Checks" {
		t.Errorf("brand %q after another process renamed the publisher", got)
	}
}
