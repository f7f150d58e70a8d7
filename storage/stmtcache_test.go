package storage_test

import (
	"context"
	"testing"

	"claimtrail/domain"
	"claimtrail/storage"
)

// assigneeEmails lists the assignees' emails, in order.
func assigneeEmails(t *testing.T, db *storage.DB) []string {
	t.Helper()
	users, err := db.Assignees(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, u := range users {
		out = append(out, u.Email)
	}
	return out
}

// The queue filter's assignee list is kept between pages, yet a new account
// or a deactivated one shows on the very next page.
func TestAssigneesFollowAccountChanges(t *testing.T) {
	db := openTestDB(t)
	ctx := context.Background()
	rita := mustCreateUser(t, db, "rita@example.org", domain.RoleReviewer)
	admin := mustCreateUser(t, db, "ada@example.org", domain.RoleAdmin)
	first := assigneeEmails(t, db)
	if len(first) == 0 {
		t.Fatal("no assignees")
	}
	mustCreateUser(t, db, "sam@example.org", domain.RoleReviewer)
	if got := assigneeEmails(t, db); len(got) != len(first)+1 {
		t.Fatalf("after a new reviewer: %v, was %v", got, first)
	}
	adminCtx := domain.WithActor(ctx, domain.Actor{UserID: admin.ID, Label: admin.Email})
	if _, err := db.SetUserActive(adminCtx, rita.ID, false); err != nil {
		t.Fatal(err)
	}
	for _, e := range assigneeEmails(t, db) {
		if e == rita.Email {
			t.Fatalf("deactivated reviewer still offered")
		}
	}
	// A caller changing its copy does not change the next caller's.
	users, _ := db.Assignees(ctx)
	users[0].Name = "changed"
	again, _ := db.Assignees(ctx)
	if again[0].Name == "changed" {
		t.Fatal("assignee list shared between callers")
	}
}
