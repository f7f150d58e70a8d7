package web

import (
	"net/http"
	"strings"
	"testing"

	"claimtrail/domain"
)

// TestEveryDateFieldSaysTheSame: the date filters of the queue, the
// search, the dashboard, the returning claims and the audit log are all
// date pickers, whose order of day, month and year is the browser's; what
// reaches the server is year-month-day on all of them, and a date that
// cannot be read gets one message wherever it was typed, with no format
// in the labels that a picker would contradict.
func TestEveryDateFieldSaysTheSame(t *testing.T) {
	env := newTestEnv(t)
	admin, _ := env.signedIn("ada@newsroom.example", domain.RoleAdmin)
	for _, bad := range []string{"23/02/2025", "2025-02-30"} {
		for _, page := range []struct{ path, field string }{
			{"/queue?since=", "since"},
			{"/search?q=jobs&from=", "from"},
			{"/dashboard?from=", "from"},
			{"/returning?since=", "since"},
			{"/admin/audit?since=", "since"},
		} {
			res := admin.get(page.path + bad)
			if res.StatusCode >= 500 {
				t.Fatalf("%s%s: status %d", page.path, bad, res.StatusCode)
			}
			if got := res.TestID(t, "error-"+page.field); got != domain.DateMessage {
				t.Errorf("%s%s says %q, want %q", page.path, bad, got, domain.DateMessage)
			}
			doc := res.Doc(t)
			if input := doc.Find(`input[name="` + page.field + `"]`); input.AttrOr("type", "") != "date" {
				t.Errorf("%s: the %s field is not a date picker", page.path, page.field)
			}
			if label := doc.Find(`label[for="` + page.field + `"]`).Text(); strings.Contains(strings.ToUpper(label), "YYYY") {
				t.Errorf("%s: the label %q names a format the picker may not show", page.path, label)
			}
		}
	}
	wantStatus(t, admin.get("/search?q=jobs&from=2025-02-23&to=2025-03-01"), http.StatusOK)
}
