package storage

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// The rating and approval indexes hold rated and approved verdicts only
// (migration 620); the reads that walk them must still be able to, without
// a sort or a scan of every verdict.
func TestVerdictIndexesServeTheirReads(t *testing.T) {
	db, err := Open(context.Background(), filepath.Join(t.TempDir(), "plan.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, c := range []struct {
		query, index string
		args         []any
	}{
		{publishedQuery + ` ORDER BY v.approved_at DESC, v.claim_id DESC LIMIT ?`, "verdicts_approved", []any{50}},
		{publishedQuery + ` AND (v.approved_at, v.claim_id) < (?, ?) ORDER BY v.approved_at DESC, v.claim_id DESC LIMIT ?`, "verdicts_approved", []any{"2026-01-01", 1, 50}},
		{`SELECT c.id` + verdictItemFrom + ` WHERE v.approved_at IS NOT NULL AND c.state = 'approved' ORDER BY v.approved_at DESC, v.claim_id DESC LIMIT 10`, "verdicts_approved", nil},
		{`SELECT rating_id, count(*) FROM verdicts WHERE rating_id IS NOT NULL GROUP BY rating_id`, "verdicts_rating", nil},
		{`SELECT count(*) FROM verdicts WHERE rating_id = ?`, "verdicts_rating", []any{1}},
	} {
		rows, err := db.read.Query(`EXPLAIN QUERY PLAN `+c.query, c.args...)
		if err != nil {
			t.Fatal(err)
		}
		var plan []string
		for rows.Next() {
			var id, parent, notused int
			var detail string
			rows.Scan(&id, &parent, &notused, &detail)
			plan = append(plan, detail)
		}
		rows.Close()
		joined := strings.Join(plan, "; ")
		if !strings.Contains(joined, "USING INDEX "+c.index) && !strings.Contains(joined, "USING COVERING INDEX "+c.index) || strings.Contains(joined, "TEMP B-TREE") {
			t.Errorf("%.60s…: plan %q, want it to walk %s without a sort", c.query, joined, c.index)
		}
	}
}
