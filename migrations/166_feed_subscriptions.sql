-- ClaimReview feeds the newsroom subscribes to by address: a background
-- worker fetches each when next_fetch_at is past, through the article
-- fetcher's address guard, imports its checks (idempotent by url) and keeps
-- what the last fetch did here.
CREATE TABLE feed_subscriptions (
    id              INTEGER PRIMARY KEY,
    url             TEXT    NOT NULL UNIQUE,
    every_minutes   INTEGER NOT NULL CHECK (every_minutes BETWEEN 15 AND 10080),
    created_by      TEXT    NOT NULL,
    created_at      TEXT    NOT NULL,
    next_fetch_at   TEXT    NOT NULL,
    fetched_at      TEXT,
    added           INTEGER NOT NULL DEFAULT 0,
    updated         INTEGER NOT NULL DEFAULT 0,
    unchanged       INTEGER NOT NULL DEFAULT 0,
    skipped         INTEGER NOT NULL DEFAULT 0,
    skip_note       TEXT    NOT NULL DEFAULT '',
    error           TEXT    NOT NULL DEFAULT ''
) STRICT;

CREATE INDEX feed_subscriptions_due ON feed_subscriptions (next_fetch_at);
