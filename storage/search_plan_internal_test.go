package storage

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"claimtrail/domain"
	"claimtrail/domain/match"
)

// A search's candidates are read from its rarest term outwards whatever the
// statistics say: with a million documents' statistics (a term has a
// handful of postings on average), the planner once chose to walk the
// common word's postings and read the rarest term's again for each one,
// which took 45 s for two words instead of 4 ms.
func TestSearchCandidatesStartFromTheRarestTerm(t *testing.T) {
	db, err := Open(context.Background(), filepath.Join(t.TempDir(), "p.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, stmt := range []string{
		`ANALYZE`,
		`DELETE FROM sqlite_stat1 WHERE tbl IN ('search_postings', 'search_docs', 'search_terms')`,
		`INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES ('search_postings', 'search_postings', '78102647 4 1'),
			('search_docs', NULL, '1156665'), ('search_terms', 'search_terms', '219420 1')`,
		`ANALYZE sqlite_schema`, // load the statistics just written
	} {
		if _, err := db.write.Exec(stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	for _, filter := range []domain.SearchFilter{{}, {State: domain.StateApproved}} {
		query, args := searchCandidates(match.ParseQuery("rare common"), filter, []string{"rare", "common", "~s:approved"})
		rows, err := db.write.Query(`EXPLAIN QUERY PLAN `+query, args...)
		if err != nil {
			t.Fatal(err)
		}
		var plan []string
		for rows.Next() {
			var id, parent, unused int
			var detail string
			if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, detail)
		}
		rows.Close()
		first := -1
		for i, line := range plan {
			if strings.Contains(line, "SCAN p0") {
				first = i
				break
			}
			if strings.Contains(line, " p1 ") || strings.Contains(line, " p2 ") || strings.Contains(line, " d ") {
				break
			}
		}
		if first < 0 {
			t.Errorf("the candidates are not read from the rarest term first:\n%s", strings.Join(plan, "\n"))
		}
	}
}
