package storage

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"claimtrail/domain"
)

// A sort would hold the whole export in memory, so the plan must stream the
// claims table in id order whatever the filters.
func TestExportQueryNeedsNoSort(t *testing.T) {
	db, err := Open(context.Background(), filepath.Join(t.TempDir(), "plan.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	day := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, f := range []ExportFilter{
		{},
		{State: ExportAllStates},
		{ApprovedSince: day, ApprovedUntil: day.AddDate(0, 1, 0), Rating: "False", Outlet: "The Herald",
			Reviewer: "r@x.example", Editor: "e@x.example", ClaimType: domain.TypeQuantity},
	} {
		where, args := exportWhere(f)
		rows, err := db.read.Query(`EXPLAIN QUERY PLAN `+ExportQuery+where+` ORDER BY c.id`, args...)
		if err != nil {
			t.Fatal(err)
		}
		var steps []string
		for rows.Next() {
			var id, parent, notused int
			var detail string
			rows.Scan(&id, &parent, &notused, &detail)
			if parent == 0 {
				steps = append(steps, detail)
			}
			if strings.Contains(detail, "TEMP B-TREE") {
				t.Errorf("filter %+v: plan sorts: %q", f, detail)
			}
		}
		rows.Close()
		if len(steps) == 0 || steps[0] != "SCAN c" {
			t.Errorf("filter %+v: plan does not start by scanning claims: %q", f, steps)
		}
	}
}
