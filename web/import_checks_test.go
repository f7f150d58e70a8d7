package web

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"claimtrail/domain"
)

func uploadChecks(c *client, content string) *response {
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("file", "feed.jsonld")
	fw.Write([]byte(content))
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, c.env.srv.URL+"/import/checks", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return c.do(req)
}

func TestEditorsImportClaimReviewInTheBrowser(t *testing.T) {
	env := newTestEnv(t)
	rita, _ := env.signedIn("rita@newsroom.example", domain.RoleReviewer)
	eddie, _ := env.signedIn("eddie@newsroom.example", domain.RoleEditor)
	feed := `[{"@type":"ClaimReview","url":"https://checks.example/1","claimReviewed":"Bus fares rose by 14% last year.",
		"author":{"@type":"Organization","name":"Example Checks"},"reviewRating":{"@type":"Rating","alternateName":"True"}},
		{"@type":"ClaimReview","url":"https://checks.example/2","reviewRating":{"alternateName":"False"}}]`

	if res := uploadChecks(rita, feed); res.StatusCode != http.StatusForbidden {
		t.Errorf("a reviewer's upload: status %d, want 403", res.StatusCode)
	}
	res := uploadChecks(eddie, feed)
	wantStatus(t, res, http.StatusSeeOther)
	page := eddie.get("/import/checks")
	flash := page.Doc(t).Find(".flash").Text()
	if !strings.Contains(flash, "1 added") || !strings.Contains(flash, "1 skipped") || !strings.Contains(flash, "item 2: it has no claimReviewed") {
		t.Errorf("flash %q", flash)
	}
	if n := eddie.get("/import/checks").Doc(t).Find(`[data-testid="imported-count"]`).Text(); !strings.HasPrefix(n, "1 ") {
		t.Errorf("count %q", n)
	}
	// Again: nothing new.
	wantStatus(t, uploadChecks(eddie, feed), http.StatusSeeOther)
	if flash := eddie.get("/import/checks").Doc(t).Find(".flash").Text(); !strings.Contains(flash, "0 added, 0 updated, 1 unchanged") {
		t.Errorf("second upload: %q", flash)
	}
	// Not JSON: the form again with the reason, 422.
	res = uploadChecks(eddie, "this is not json")
	wantStatus(t, res, http.StatusUnprocessableEntity)
	if msg := res.Doc(t).Find(`[data-testid="error-file"]`).Text(); !strings.Contains(msg, "not ClaimReview JSON") {
		t.Errorf("message %q", msg)
	}
}
