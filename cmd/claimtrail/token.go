package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"text/tabwriter"

	"claimtrail/domain"
	"claimtrail/web/auth"
)

const tokenUsage = "usage: claimtrail token create -user EMAIL [-name NAME] | list -user EMAIL | revoke -user EMAIL -id N [-db FILE]\n"

// cmdToken makes, lists and revokes a user's API tokens. The token itself is
// printed once, on creation; only its hash is stored.
func cmdToken(ctx context.Context, env *environment, args []string) error {
	if len(args) == 0 {
		fmt.Fprint(env.stderr, tokenUsage)
		return &usageError{}
	}
	sub, args := args[0], args[1:]
	fs, dbPath := newFlags(env, "token "+sub)
	email := fs.String("user", "", "the token owner's email `address`")
	var name *string
	var id *int64
	switch sub {
	case "create":
		name = fs.String("name", "cli", "what the token is for, recorded in the audit log")
	case "revoke":
		id = fs.Int64("id", 0, "the token's `id` (see token list)")
	case "list":
	default:
		fmt.Fprint(env.stderr, tokenUsage)
		return &usageError{msg: fmt.Sprintf("unknown token command %q", sub)}
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *email == "" {
		fs.Usage()
		return &usageError{msg: "-user is required"}
	}
	if id != nil && *id <= 0 {
		fs.Usage()
		return &usageError{msg: "-id must be the number of a token, as `claimtrail token list` shows it"}
	}
	db, ctx, err := openExistingDB(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	u, err := db.UserByEmail(ctx, strings.ToLower(strings.TrimSpace(*email)))
	if err != nil {
		return fmt.Errorf("no account with email %s", *email)
	}

	switch sub {
	case "create":
		token, hash := auth.NewToken()
		t, err := db.CreateAPIToken(ctx, u.ID, *name, hash)
		if err != nil {
			return errors.New(domain.ErrorMessage(err))
		}
		fmt.Fprintf(env.stderr, "made token %d %q for %s (%s); it is shown only now:\n", t.ID, t.Name, u.Email, u.Role)
		fmt.Fprintln(env.stdout, token)
	case "list":
		tokens, err := db.ListAPITokens(ctx, u.ID)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(env.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tNAME\tCREATED\tLAST USED\tSTATUS")
		for _, t := range tokens {
			used, status := "never", "active"
			if !t.LastUsedAt.IsZero() {
				used = t.LastUsedAt.UTC().Format("2006-01-02 15:04")
			}
			if t.Revoked() {
				status = "revoked " + t.RevokedAt.UTC().Format("2006-01-02")
			}
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\n", t.ID, t.Name, t.CreatedAt.UTC().Format("2006-01-02 15:04"), used, status)
		}
		return tw.Flush()
	case "revoke":
		t, err := db.RevokeAPIToken(ctx, u.ID, *id)
		if err != nil {
			return errors.New(domain.ErrorMessage(err))
		}
		fmt.Fprintf(env.stdout, "revoked token %d %q of %s\n", t.ID, t.Name, u.Email)
	}
	return nil
}
