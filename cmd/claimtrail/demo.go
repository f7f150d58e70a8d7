package main

import (
	"context"
	"fmt"
	"io"

	"claimtrail/domain"
	"claimtrail/storage"
	"claimtrail/web/auth"
)

// demoAccounts are made by `serve -demo`. Their passwords are new at every
// start and printed once, so a demo never runs on a known password.
var demoAccounts = []domain.User{
	{Email: "admin@newsroom.example", Name: "Ada Admin", Role: domain.RoleAdmin},
	{Email: "editor@newsroom.example", Name: "Eddie Editor", Role: domain.RoleEditor},
	{Email: "reviewer@newsroom.example", Name: "Rita Reviewer", Role: domain.RoleReviewer},
}

func seedDemo(ctx context.Context, db *storage.DB, out io.Writer) error {
	fmt.Fprintln(out, "Demo accounts (one-time passwords, new at every start):")
	for _, acct := range demoAccounts {
		password := auth.GeneratePassword()
		hash, err := auth.HashPassword(password)
		if err != nil {
			return err
		}
		u, err := db.UserByEmail(ctx, acct.Email)
		switch domain.ErrorCode(err) {
		case domain.ENOTFOUND:
			u = &domain.User{Email: acct.Email, Name: acct.Name, Role: acct.Role, MustChangePassword: domain.IssuedPasswordMustChange(true)}
			err = db.CreateUser(ctx, u, hash)
		case "":
			_, err = db.SetUserPassword(ctx, u.ID, hash, domain.IssuedPasswordMustChange(true))
		}
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "  %-9s %-28s %s\n", acct.Role, acct.Email, password)
	}
	articleID, err := seedDemoContent(ctx, db, out)
	if err != nil || articleID == 0 {
		return err
	}
	return demoWorkflow(ctx, db, articleID, out)
}
