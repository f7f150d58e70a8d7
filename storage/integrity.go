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
	return problems, nil
}
