package web

import (
	"bytes"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"claimtrail/domain"
)

// TestLongNamesKeepTheSummary: an upload whose file name, or a feed whose
// address, is thousands of characters long is saved, and the summary of
// what was done still reaches the next page, the name cut in the middle,
// instead of vanishing with a session cookie too large to be sent.
func TestLongNamesKeepTheSummary(t *testing.T) {
	env := feedEnv(t, true)
	feeds := feedServer(t)
	eddie, _ := env.signedIn("eddie@newsroom.example", domain.RoleEditor)

	name := "budget-" + strings.Repeat("checks-", 428) + "end.jsonld" // 3,013 characters
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write([]byte(`[{"@type":"ClaimReview","url":"https://checks.example/long","claimReviewed":"Rail fares fell by 3% this spring.",
		"author":{"@type":"Organization","name":"Example Checks"},"reviewRating":{"@type":"Rating","alternateName":"False"}}]`))
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, env.srv.URL+"/import/checks", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	wantStatus(t, eddie.do(req), http.StatusSeeOther)
	flash := eddie.get("/import/checks").Doc(t).Find(".flash").Text()
	if !strings.Contains(flash, "1 added, 0 updated, 0 unchanged, 0 skipped") || !strings.Contains(flash, "budget-checks-") ||
		!strings.Contains(flash, "end.jsonld") || !strings.Contains(flash, "…") {
		t.Errorf("after importing a file with a %d-character name the page says %q", len(name), flash)
	}

	// The longest address a feed may have (a longer one is refused
	// beside the field, and nothing is saved).
	long := feeds.URL + "/good.json?from=" + strings.Repeat("x", 1990-len(feeds.URL+"/good.json?from=")) + "&end=1"
	res := eddie.postForm("/import/feeds", url.Values{"url": {long}, "every": {"60"}})
	wantStatus(t, res, http.StatusSeeOther)
	flash = eddie.get("/import/feeds").Doc(t).Find(".flash").Text()
	if !strings.Contains(flash, "Subscribed to "+feeds.URL) || !strings.Contains(flash, "&end=1") ||
		!strings.Contains(flash, "it is being fetched now") {
		t.Errorf("after subscribing to a %d-character address the page says %q", len(long), flash)
	}
	tooLong := long + strings.Repeat("y", 1000)
	if res := eddie.postForm("/import/feeds", url.Values{"url": {tooLong}, "every": {"60"}}); res.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("a %d-character address: %d, want 422", len(tooLong), res.StatusCode)
	}
}

// TestManyQueuedSummariesKeepTheNewest: summaries queued for pages never
// opened (uploads made one after another without looking) outgrow the
// session cookie; the newest still reaches the next page, the older give
// way, and that is logged rather than ignored.
func TestManyQueuedSummariesKeepTheNewest(t *testing.T) {
	var logged lockedBuffer
	env := newTestEnv(t, func(c *Config) { c.Logger = slog.New(slog.NewTextHandler(&logged, nil)) })
	eddie, _ := env.signedIn("eddie@newsroom.example", domain.RoleEditor)
	upload := func(name string) {
		t.Helper()
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		fw, _ := mw.CreateFormFile("file", name)
		// Five items without a claim: five reasons in the summary.
		fw.Write([]byte(`[{"url":"https://checks.example/1"},{"url":"https://checks.example/2"},{"url":"https://checks.example/3"},
			{"url":"https://checks.example/4"},{"url":"https://checks.example/5"},
			{"@type":"ClaimReview","url":"https://checks.example/` + name + `","claimReviewed":"Ferry fares doubled in ` + name + `.","reviewRating":{"alternateName":"False"}}]`))
		mw.Close()
		req, _ := http.NewRequest(http.MethodPost, env.srv.URL+"/import/checks", &body)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		wantStatus(t, eddie.do(req), http.StatusSeeOther)
	}
	for i := range 8 {
		upload("batch-" + itoa(int64(i)) + "-" + strings.Repeat("q", 100) + ".jsonld")
	}
	flash := eddie.get("/import/checks").Doc(t).Find(".flash").Text()
	if !strings.Contains(flash, "batch-7-") || !strings.Contains(flash, "1 added") {
		t.Errorf("after eight uploads the page says %q", flash)
	}
	if !strings.Contains(logged.String(), "flash not saved") {
		t.Error("older summaries gave way without a word in the log")
	}
}
