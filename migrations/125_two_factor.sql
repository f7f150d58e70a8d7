-- Two-factor sign-in with a time-based one-time code (TOTP). The secret is
-- stored encrypted under a key derived from the key file beside the
-- database, so a copy of the database alone cannot produce codes.
-- totp_last_step is the last 30-second step whose code was accepted, so no
-- code signs in twice.
ALTER TABLE users ADD COLUMN totp_secret BLOB;
ALTER TABLE users ADD COLUMN totp_last_step INTEGER NOT NULL DEFAULT 0;

-- One-time recovery codes, stored as keyed hashes only; each signs in once.
CREATE TABLE recovery_codes (
    user_id   INTEGER NOT NULL REFERENCES users (id),
    code_hash BLOB NOT NULL,
    used_at   TEXT,
    PRIMARY KEY (user_id, code_hash)
);
