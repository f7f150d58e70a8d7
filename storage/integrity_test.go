package storage_test

import (
	"testing"
)

// A database the desk has worked in passes its own integrity check: a claim
// accepted, reworded and dismissed leaves nothing the check calls broken.
func TestIntegrityCheckPassesAfterTheDeskWorks(t *testing.T) {
	db := openTestDB(t)
	ctx := actorCtx("rita@example.org")
	cands := mustCreateArticle(t, db, ctx, newArticle("Report", "", reportText))
	hole := candidateWith(t, cands, "£22 billion")
	if _, err := db.AcceptClaim(ctx, hole.ID, "The previous government left a £22bn shortfall.", hole.Version); err != nil {
		t.Fatal(err)
	}
	for _, c := range cands {
		if c.ID != hole.ID {
			if _, err := db.AcceptClaim(ctx, c.ID, "", c.Version); err != nil {
				t.Fatal(err)
			}
		}
	}
	problems, err := db.CheckIntegrity(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(problems) > 0 {
		t.Errorf("integrity check after accepting claims: %v", problems)
	}
}
