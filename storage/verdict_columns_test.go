package storage_test

import (
	"context"
	"slices"
	"testing"

	"claimtrail/domain"
)

// A verdict's change names only the columns it changes: SQLite rewrites the
// index entries of every column named, changed or not, a page of the log
// each. Triggers on the indexed columns (fired by any UPDATE naming them)
// record what each step named, and the row as stored still holds every
// change.
func TestVerdictChangesNameOnlyTheColumnsTheyChange(t *testing.T) {
	n := newNewsroom(t)
	raw := rawDB(t, n.db)
	ctx := context.Background()
	if _, err := raw.Exec(`CREATE TABLE verdict_columns_named (name TEXT NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	for _, col := range []string{"rating_id", "submitted_at", "approved_at", "conclusion"} {
		if _, err := raw.Exec(`CREATE TRIGGER verdict_named_` + col + ` AFTER UPDATE OF ` + col + ` ON verdicts
			BEGIN INSERT INTO verdict_columns_named (name) VALUES ('` + col + `'); END`); err != nil {
			t.Fatal(err)
		}
	}
	named := func(step string, want ...string) {
		t.Helper()
		got := queryStrings(t, raw, `SELECT name FROM verdict_columns_named ORDER BY name`)
		if !slices.Equal(got, want) {
			t.Errorf("%s named %v, want %v", step, got, want)
		}
		if _, err := raw.Exec(`DELETE FROM verdict_columns_named`); err != nil {
			t.Fatal(err)
		}
	}
	stored := func(step string, rating int64, conclusion string, submitted, approved bool, version int64) {
		t.Helper()
		var r, s, a, v int64
		var c string
		if err := raw.QueryRowContext(ctx, `SELECT coalesce(rating_id, 0), conclusion, submitted_at IS NOT NULL, approved_at IS NOT NULL, version
			FROM verdicts`).Scan(&r, &c, &s, &a, &v); err != nil {
			t.Fatal(err)
		}
		if r != rating || c != conclusion || (s == 1) != submitted || (a == 1) != approved || v != version {
			t.Errorf("after %s the verdict holds rating %d %q submitted %d approved %d version %d, want %d %q %v %v %d",
				step, r, c, s, a, v, rating, conclusion, submitted, approved, version)
		}
	}

	id := n.queued(t, 0.5, domain.PriorityNormal)
	if _, err := n.db.AssignClaim(as(n.eddie), id, n.rita.ID, 0); err != nil {
		t.Fatal(err)
	}
	mostlyFalse := n.ratingID(t, "Mostly false")
	v, err := n.db.SaveVerdict(as(n.rita), id, domain.VerdictInput{RatingID: mostlyFalse, Conclusion: "It fell by 0.3 points."}, 1)
	if err != nil {
		t.Fatal(err)
	}
	named("the first save", "conclusion", "rating_id")
	stored("the first save", mostlyFalse, "It fell by 0.3 points.", false, false, v.Version)

	if v, err = n.db.SaveVerdict(as(n.rita), id, domain.VerdictInput{RatingID: mostlyFalse, Conclusion: "It fell by 0.3 points, not 3%."}, v.Version); err != nil {
		t.Fatal(err)
	}
	named("a save of the conclusion alone", "conclusion")
	if v, err = n.db.AddSource(as(n.rita), id, onsSource, v.Version); err != nil {
		t.Fatal(err)
	}
	named("adding a source")
	if v, err = n.db.SubmitVerdict(as(n.rita), id, nil, v.Version); err != nil {
		t.Fatal(err)
	}
	named("the submit", "submitted_at")
	stored("the submit", mostlyFalse, "It fell by 0.3 points, not 3%.", true, false, v.Version)
	if v, err = n.db.ApproveVerdict(as(n.eddie), id, v.Version); err != nil {
		t.Fatal(err)
	}
	named("the approval", "approved_at")
	stored("the approval", mostlyFalse, "It fell by 0.3 points, not 3%.", true, true, v.Version)

	// A stale version is still refused, and changes nothing.
	if _, err := n.db.SaveVerdict(as(n.rita), id, domain.VerdictInput{RatingID: mostlyFalse, Conclusion: "Stale."}, v.Version-1); domain.ErrorCode(err) != domain.ECONFLICT {
		t.Errorf("a save from a stale version: %v, want a conflict", err)
	}
	named("a stale save")
	stored("a stale save", mostlyFalse, "It fell by 0.3 points, not 3%.", true, true, v.Version)
}
