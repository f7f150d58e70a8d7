package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"claimtrail/domain"
	"claimtrail/storage"
	"claimtrail/web/auth"
)

func cmdMigrate(ctx context.Context, env *environment, args []string) error {
	fs, dbPath := newFlags(env, "migrate")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	db, _, err := openDB(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	fmt.Fprintf(env.stdout, "database %s is up to date\n", *dbPath)
	return nil
}

func cmdBackup(ctx context.Context, env *environment, args []string) error {
	fs, dbPath := newFlags(env, "backup")
	out := fs.String("o", "", "write the copy to `file` (must not exist)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *out == "" {
		fs.Usage()
		return &usageError{msg: "backup needs -o FILE"}
	}
	if _, err := os.Stat(*out); err == nil {
		return fmt.Errorf("%s already exists; choose a new file name", *out)
	}
	if err := folderOf(*out); err != nil {
		return err
	}
	db, ctx, err := openExistingDB(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.Backup(ctx, *out); err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "backed up %s to %s\n", *dbPath, *out)
	return nil
}

func cmdAudit(ctx context.Context, env *environment, args []string) error {
	if len(args) == 0 || (args[0] != "verify" && args[0] != "checkpoint") {
		fmt.Fprint(env.stderr, "usage: claimtrail audit verify [-checkpoints FILE] [-db FILE]\n       claimtrail audit checkpoint -o FILE [-db FILE]\n")
		return &usageError{}
	}
	fs, dbPath := newFlags(env, "audit "+args[0])
	var checkpoints, out *string
	if args[0] == "verify" {
		checkpoints = fs.String("checkpoints", "", "also check the log against the signed checkpoints in `file`")
	} else {
		out = fs.String("o", "", "append a signed checkpoint line to `file`")
	}
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	if out != nil && *out == "" {
		fs.Usage()
		return &usageError{msg: "audit checkpoint needs -o FILE"}
	}
	var cps []storage.Checkpoint
	if checkpoints != nil && *checkpoints != "" {
		var err error
		if cps, err = readCheckpoints(*checkpoints); err != nil {
			return err
		}
	}
	db, ctx, err := openExistingDB(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	if out != nil {
		cp, err := appendCheckpoint(ctx, db, *out)
		if err != nil {
			return err
		}
		fmt.Fprintf(env.stdout, "checkpoint written to %s: event %d\n", *out, cp.Seq)
		return nil
	}
	n, err := db.VerifyAudit(ctx)
	if err == nil && cps != nil {
		err = db.VerifyCheckpoints(ctx, cps)
	}
	var br *storage.AuditBreak
	if errors.As(err, &br) {
		fmt.Fprintf(env.stdout, "audit log BROKEN at event %d: %s\n%d events verified before it\n", br.EventID, br.Reason, br.Verified)
		return &exitError{code: 1}
	} else if err != nil {
		return err
	}
	if cps != nil {
		fmt.Fprintf(env.stdout, "audit log intact: %d events verified, and %d checkpoints hold\n", n, len(cps))
		return nil
	}
	fmt.Fprintf(env.stdout, "audit log intact: %d events verified\n", n)
	return nil
}

func cmdUser(ctx context.Context, env *environment, args []string) error {
	if len(args) == 0 {
		fmt.Fprint(env.stderr, "usage: claimtrail user add|list|set-role|disable|enable [flags]\n")
		return &usageError{}
	}
	sub, args := args[0], args[1:]
	fs, dbPath := newFlags(env, "user "+sub)
	var email, name, role *string
	switch sub {
	case "add":
		email = fs.String("email", "", "email `address`")
		name = fs.String("name", "", "full `name`")
		role = fs.String("role", "", "reviewer, editor or admin")
	case "set-role":
		email = fs.String("email", "", "email `address`")
		role = fs.String("role", "", "reviewer, editor or admin")
	case "disable", "enable":
		email = fs.String("email", "", "email `address`")
	case "list":
	default:
		fmt.Fprint(env.stderr, "usage: claimtrail user add|list|set-role|disable|enable [flags]\n")
		return &usageError{msg: fmt.Sprintf("unknown user command %q", sub)}
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if email != nil && *email == "" {
		fs.Usage()
		return &usageError{msg: "-email is required"}
	}
	if name != nil && strings.TrimSpace(*name) == "" {
		fs.Usage()
		return &usageError{msg: "-name is required"}
	}
	open := openExistingDB
	if sub == "add" {
		open = openDB // the first admin of a new newsroom is added before the first start
	}
	db, ctx, err := open(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer db.Close()

	switch sub {
	case "add":
		r, err := domain.ParseRole(*role)
		if err != nil {
			return &usageError{msg: "-role must be reviewer, editor or admin"}
		}
		password, generated, err := readPassword(env.stdin)
		if err != nil {
			return err
		}
		if err := domain.CheckPassword(password); err != nil {
			return errors.New(domain.ErrorMessage(err))
		}
		hash, err := auth.HashPassword(password)
		if err != nil {
			return err
		}
		// A generated password is the CLI issuing one, like an admin; a
		// password typed in is the person's own choice.
		u := &domain.User{Email: *email, Name: *name, Role: r, MustChangePassword: generated && domain.IssuedPasswordMustChange(false)}
		if err := db.CreateUser(ctx, u, hash); err != nil {
			return errors.New(domain.ErrorMessage(err))
		}
		fmt.Fprintf(env.stdout, "added %s (%s) as %s\n", u.Email, u.Name, u.Role)
		if generated {
			fmt.Fprintf(env.stdout, "one-time password: %s\n", password)
		}
	case "list":
		users, err := db.ListUsers(ctx)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(env.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tEMAIL\tNAME\tROLE\tSTATUS")
		for _, u := range users {
			status := "active"
			if !u.Active {
				status = "disabled"
			}
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\n", u.ID, u.Email, u.Name, u.Role, status)
		}
		return tw.Flush()
	case "set-role", "disable", "enable":
		u, err := db.UserByEmail(ctx, strings.ToLower(strings.TrimSpace(*email)))
		if err != nil {
			return fmt.Errorf("no account with email %s", *email)
		}
		switch sub {
		case "set-role":
			r, perr := domain.ParseRole(*role)
			if perr != nil {
				return &usageError{msg: "-role must be reviewer, editor or admin"}
			}
			u, err = db.SetUserRole(ctx, u.ID, r)
		case "disable":
			u, err = db.SetUserActive(ctx, u.ID, false)
		case "enable":
			u, err = db.SetUserActive(ctx, u.ID, true)
		}
		if err != nil {
			return errors.New(domain.ErrorMessage(err))
		}
		fmt.Fprintf(env.stdout, "%s: role %s, active %v\n", u.Email, u.Role, u.Active)
	}
	return nil
}

// readPassword reads a password from the first line of stdin. When stdin is
// a terminal or empty, it generates one instead (and says so).
func readPassword(stdin io.Reader) (password string, generated bool, err error) {
	if f, ok := stdin.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			return auth.GeneratePassword(), true, nil
		}
	}
	if stdin != nil {
		line, err := bufio.NewReader(io.LimitReader(stdin, 4096)).ReadString('\n')
		if err != nil && err != io.EOF {
			return "", false, err
		}
		if line = strings.TrimRight(line, "\r\n"); line != "" {
			return line, false, nil
		}
	}
	return auth.GeneratePassword(), true, nil
}
