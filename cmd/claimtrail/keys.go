package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"claimtrail/storage"
	"claimtrail/storage/keyfile"
)

// setUpKeys gives db its audit key from the key file beside the database,
// making the file on first use. A database from before the key file still
// holds its session keys: they move into the new file (so nobody is signed
// out) and are then deleted from the database.
func setUpKeys(ctx context.Context, db *storage.DB, dbPath string) (*keyfile.Keys, error) {
	path := keyfile.PathFor(dbPath)
	k, err := keyfile.Load(path)
	if keyfile.IsNotExist(err) {
		// A copy of a database whose log is keyed needs its own key file:
		// new keys could not check the events written with the old.
		if from, ferr := db.KeyedAuditFrom(ctx); ferr != nil {
			return nil, ferr
		} else if from > 0 {
			return nil, fmt.Errorf("there is no key file %s for this database, whose audit log is keyed: copy the key file of the database it was backed up from to that name", path)
		}
		k, err = newKeys(ctx, db)
		if err == nil {
			err = keyfile.Create(path, k)
		}
	}
	if err != nil {
		return nil, err
	}
	if k.Audit == nil {
		return nil, fmt.Errorf("the key file %s has no audit key", path)
	}
	db.SetAuditKey(k.Audit, k.AuditFrom)
	db.SetTwoFactorKey(k.TwoFactorKey())
	// A webhook address stored before secret settings were sealed.
	if err := db.SealSecretSettings(ctx); err != nil {
		return nil, err
	}
	if err := db.StartKeyedAudit(ctx, k.AuditFrom); err != nil {
		return nil, err
	}
	// Only once the keys are safely in the file.
	if err := db.DropLegacySessionKeys(ctx); err != nil {
		return nil, err
	}
	return k, nil
}

func newKeys(ctx context.Context, db *storage.DB) (*keyfile.Keys, error) {
	k := &keyfile.Keys{Audit: keyfile.NewAuditKey()}
	legacy, err := db.LegacySessionKeys(ctx)
	if err != nil {
		return nil, err
	}
	if legacy == nil {
		legacy = keyfile.NewSessionKey()
	}
	k.Session = [][]byte{legacy}
	// Events already written keep their plain hashes; keyed ones start here.
	if k.AuditFrom, err = db.NextAuditID(ctx); err != nil {
		return nil, err
	}
	return k, nil
}

// sessionKeys are the keys serve signs cookies with: CLAIMTRAIL_SESSION_KEYS
// when set (base64, current first, separated by commas), else the key file's.
func sessionKeys(env *environment, k *keyfile.Keys) ([][]byte, error) {
	if v := env.getenv("CLAIMTRAIL_SESSION_KEYS"); v != "" {
		keys, err := keyfile.ParseSessionKeys(v)
		if err != nil {
			return nil, fmt.Errorf("CLAIMTRAIL_SESSION_KEYS: %w", err)
		}
		return keys, nil
	}
	return k.Session, nil
}

// cmdKeys: claimtrail keys rotate — a new session key; the one before is
// still accepted, so nobody is signed out by a single rotation.
func cmdKeys(ctx context.Context, env *environment, args []string) error {
	if len(args) == 0 || args[0] != "rotate" {
		fmt.Fprint(env.stderr, "usage: claimtrail keys rotate [-db FILE]\n")
		return &usageError{}
	}
	fs, dbPath := newFlags(env, "keys rotate")
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	db, _, err := openExistingDB(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	path := keyfile.PathFor(*dbPath)
	k, err := keyfile.Load(path)
	if err != nil {
		return err
	}
	k.Rotate()
	if err := keyfile.Replace(path, k); err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "new session key written to %s; the previous key is still accepted. Restart the server to use it.\n", path)
	return nil
}

// appendCheckpoint appends the audit chain's signed head to file (0600).
func appendCheckpoint(ctx context.Context, db *storage.DB, file string) (storage.Checkpoint, error) {
	cp, err := db.AuditCheckpoint(ctx)
	if err != nil {
		return cp, err
	}
	f, err := os.OpenFile(file, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return cp, err
	}
	_, err = fmt.Fprintln(f, cp.Line())
	return cp, errors.Join(err, f.Sync(), f.Close())
}

// readCheckpoints reads a checkpoint file, naming the first line it cannot read.
func readCheckpoints(file string) ([]storage.Checkpoint, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var cps []storage.Checkpoint
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		cp, err := storage.ParseCheckpoint(line)
		if err != nil {
			return nil, fmt.Errorf("%s line %d: %w", file, n, err)
		}
		cps = append(cps, cp)
	}
	return cps, sc.Err()
}
