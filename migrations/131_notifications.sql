-- Notifications: what reaches each person in the app (and, when an admin
-- sets a chat webhook, in the newsroom's chat). They are made from the audit
-- log by a background worker, which keeps its place in notifier_state.
CREATE TABLE notifications (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id),
    event      TEXT    NOT NULL CHECK (event IN ('returned', 'waiting', 'assigned', 'overdue')),
    claim_id   INTEGER NOT NULL REFERENCES claims (id),
    body       TEXT    NOT NULL,
    created_at TEXT    NOT NULL,
    read_at    TEXT
) STRICT;

CREATE INDEX notifications_user ON notifications (user_id, id);
CREATE INDEX notifications_unread ON notifications (user_id) WHERE read_at IS NULL;
-- One overdue notice per person and claim.
CREATE UNIQUE INDEX notifications_overdue_once ON notifications (user_id, claim_id) WHERE event = 'overdue';

-- A person's choices; no row means the event reaches them.
CREATE TABLE notification_prefs (
    user_id INTEGER NOT NULL REFERENCES users (id),
    event   TEXT    NOT NULL CHECK (event IN ('returned', 'waiting', 'assigned', 'overdue')),
    enabled INTEGER NOT NULL CHECK (enabled IN (0, 1)),
    PRIMARY KEY (user_id, event)
) STRICT, WITHOUT ROWID;

-- Messages for the chat webhook, delivered with retries.
CREATE TABLE webhook_outbox (
    id           INTEGER PRIMARY KEY,
    text         TEXT    NOT NULL,
    attempts     INTEGER NOT NULL DEFAULT 0,
    next_at      TEXT    NOT NULL,
    delivered_at TEXT,
    gave_up_at   TEXT,
    last_error   TEXT    NOT NULL DEFAULT ''
) STRICT;

CREATE INDEX webhook_outbox_due ON webhook_outbox (next_at) WHERE delivered_at IS NULL AND gave_up_at IS NULL;

CREATE TABLE notifier_state (
    id            INTEGER PRIMARY KEY CHECK (id = 1),
    last_audit_id INTEGER NOT NULL
) STRICT;

-- Start after everything already recorded: old events notify nobody.
INSERT INTO notifier_state (id, last_audit_id) VALUES (1, coalesce((SELECT max(id) FROM audit_events), 0));
