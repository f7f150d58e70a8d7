package storage

import (
	"context"
	"strings"
	"testing"
)

// Statistics taken while the log of changed ranks was nearly empty say it
// holds one row; SQLite then scanned the whole log (up to 65,536 rows) for a
// range of its numbers, in every commit that trimmed it and every search
// catching up. Its statements find their rows through the key whatever the
// statistics say, and trimming and catching up still do their work.
func TestSearchRankLogIsReadThroughItsKeyWhateverTheStatistics(t *testing.T) {
	db := openWriterTestDB(t)
	ctx := context.Background()
	for _, stmt := range []string{
		`ANALYZE`,
		`DELETE FROM sqlite_stat1 WHERE tbl = 'search_rank_log'`,
		`INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES ('search_rank_log', NULL, '1')`,
		`ANALYZE sqlite_schema`, // load the statistics just written
	} {
		if _, err := db.write.Exec(stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	plan := func(q string, args ...any) string {
		t.Helper()
		rows, err := db.write.Query(`EXPLAIN QUERY PLAN `+q, args...)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var out []string
		for rows.Next() {
			var id, parent, unused int
			var detail string
			if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
				t.Fatal(err)
			}
			out = append(out, detail)
		}
		return strings.Join(out, "; ")
	}
	// The statistics mislead as they did: a range of numbers is scanned.
	if p := plan(`SELECT seq, doc FROM search_rank_log WHERE seq > ? AND seq <= ? ORDER BY seq`, 1, 9); !strings.HasPrefix(p, "SCAN") {
		t.Fatalf("with the log said to hold one row, a range of it is read by %q, not a scan: the test proves nothing", p)
	}
	for _, q := range []string{searchRankLogRowSQL, searchRankLogDeleteSQL, searchRankLogFirstSQL, searchRankLogLastSQL} {
		if p := plan(q, 5); !strings.HasPrefix(p, "SEARCH") || strings.Contains(p, "SCAN") {
			t.Errorf("%s: planned as %q, not a search through the key", q, p)
		}
	}

	// The log grows past its bound and is trimmed to it; a reader catching
	// up finds every row it has not seen, and a cut one as cut.
	tx, err := db.begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.ExecContext(ctx, `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
		INSERT INTO search_rank_log (doc) SELECT i FROM n`, searchRankLogKeep+40); err != nil {
		t.Fatal(err)
	}
	if err := trimSearchRankLog(ctx, tx); err != nil {
		t.Fatal(err)
	}
	var first, last, n int64
	if err := tx.QueryRowContext(ctx, `SELECT min(seq), max(seq), count(*) FROM search_rank_log`).Scan(&first, &last, &n); err != nil {
		t.Fatal(err)
	}
	if n != searchRankLogKeep || last-first+1 != n {
		t.Errorf("after trimming: rows %d to %d, %d in all; want the newest %d without gaps", first, last, n, searchRankLogKeep)
	}
	log, err := readSearchRankLog(ctx, tx, last-3, last)
	if err != nil {
		t.Fatal(err)
	}
	if len(log) != 3 || log[0].seq != last-2 || log[2].seq != last || log[2].doc != searchRankLogKeep+40 {
		t.Errorf("catching up from %d to %d read %+v", last-3, last, log)
	}
	if log, err := readSearchRankLog(ctx, tx, first-2, first+1); err != nil || log != nil {
		t.Errorf("catching up from before the log's first row: %+v, %v; want nothing (cut)", log, err)
	}
	if err := tx.Rollback(); err != nil {
		t.Fatal(err)
	}
}
