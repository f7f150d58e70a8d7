package storage

import (
	"context"
	"fmt"
)

// integrityChecks are invariants no finished change can break: each query
// returns the ids of claims that break one, so a change left half done (a
// state without the verdict fields that go with it, a state the audit log
// does not explain) is found after a crash.
var integrityChecks = []struct{ what, query string }{
	{"submitted without a submission time", `SELECT c.id FROM claims c LEFT JOIN verdicts v ON v.claim_id = c.id
		WHERE c.state = 'submitted' AND v.submitted_at IS NULL LIMIT 10`},
	{"approved without an approval", `SELECT c.id FROM claims c LEFT JOIN verdicts v ON v.claim_id = c.id
		WHERE c.state = 'approved' AND (v.approved_at IS NULL OR v.approved_by IS NULL) LIMIT 10`},
	{"in review without a verdict or an assignee", `SELECT c.id FROM claims c LEFT JOIN verdicts v ON v.claim_id = c.id
		WHERE c.state = 'in_review' AND (v.claim_id IS NULL OR c.assignee_id IS NULL) LIMIT 10`},
	{"state not the one its last audit event records", `SELECT c.id FROM claims c
		JOIN audit_events e ON e.id = (SELECT max(x.id) FROM audit_events x WHERE x.entity = 'claim' AND x.entity_id = c.id
			AND json_extract(x.after_json, '$.state') IS NOT NULL)
		WHERE json_extract(e.after_json, '$.state') <> c.state LIMIT 10`},
}

// deskChecks are invariants of the dashboard's counters (migrations 140 and
// 500) that no finished change can break, each query naming up to ten
// counters that break it: a count lost or counted twice, by a change or by
// a fold of desk_pending into desk_counts, shows.
var deskChecks = []struct{ what, query string }{
	{"claims in a state not as counted (outlet/state)", `SELECT outlet || '/' || state FROM (
		SELECT outlet, state, n FROM desk_states
		UNION ALL SELECT a.outlet, c.state, -count(*) FROM claims c JOIN articles a ON a.id = c.article_id GROUP BY a.outlet, c.state
		UNION ALL SELECT ' ', state, -count(*) FROM claims GROUP BY state
	) GROUP BY outlet, state HAVING sum(n) <> 0 LIMIT 10`},
	{"a month's count not the sum of its days' (outlet/metric/month/key)", `SELECT outlet || '/' || metric || '/' || month || '/' || key FROM (
		SELECT outlet, metric, 'M' || substr(period, 1, 7) AS month, key, n FROM desk_counted WHERE period < 'M'
		UNION ALL SELECT outlet, metric, period, key, -n FROM desk_counted WHERE period >= 'M'
	) GROUP BY outlet, metric, month, key HAVING sum(n) <> 0 LIMIT 10`},
	{"all outlets' count not the sum of each outlet's (metric/period/key)", `SELECT metric || '/' || period || '/' || key FROM (
		SELECT metric, period, key, CASE outlet WHEN ' ' THEN -n ELSE n END AS n FROM desk_counted
	) GROUP BY metric, period, key HAVING sum(n) <> 0 LIMIT 10`},
}

// CheckIntegrity runs SQLite's quick check and the invariants above and
// returns every problem found, in words; none means the database is whole.
// It reads every claim: minutes at a million, for after a crash or a restore.
func (db *DB) CheckIntegrity(ctx context.Context) ([]string, error) {
	tx, err := db.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	var problems []string
	quick, err := queryAll(ctx, tx, scanValue[string], `PRAGMA quick_check`)
	if err != nil {
		return nil, err
	}
	if len(quick) != 1 || quick[0] != "ok" {
		problems = append(problems, fmt.Sprintf("quick check: %v", quick))
	}
	for _, c := range integrityChecks {
		ids, err := queryAll(ctx, tx, scanValue[int64], c.query)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", c.what, err)
		}
		if len(ids) > 0 {
			problems = append(problems, fmt.Sprintf("claims %v: %s", ids, c.what))
		}
	}
	desk, err := checkDeskCounters(ctx, tx)
	return append(problems, desk...), err
}

// CheckDeskCounters returns, in words, every invariant of the dashboard's
// counters found broken (deskChecks); none means they agree with the claims
// and with each other. It reads every claim and counter.
func (db *DB) CheckDeskCounters(ctx context.Context) ([]string, error) {
	tx, err := db.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	return checkDeskCounters(ctx, tx)
}

func checkDeskCounters(ctx context.Context, tx *Tx) ([]string, error) {
	var problems []string
	for _, c := range deskChecks {
		counters, err := queryAll(ctx, tx, scanValue[string], c.query)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", c.what, err)
		}
		if len(counters) > 0 {
			problems = append(problems, fmt.Sprintf("dashboard counters %q: %s", counters, c.what))
		}
	}
	return problems, nil
}
