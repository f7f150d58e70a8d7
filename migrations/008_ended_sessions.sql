-- Sessions live in signed, encrypted cookies. Signing out records the
-- session's random id here, so a copy of the cookie taken before sign-out
-- no longer signs anyone in. Ids older than the session lifetime are pruned
-- at each sign-out: such cookies have expired anyway.
CREATE TABLE ended_sessions (
    sid      TEXT PRIMARY KEY,
    ended_at TEXT NOT NULL
) STRICT, WITHOUT ROWID;

CREATE INDEX ended_sessions_ended_at ON ended_sessions (ended_at);
