-- A byline request's owner hears when an editor approves or refuses it
-- (migration 380): a notification about a person's byline, not a claim, so
-- claim_id may be NULL, and 'byline' is an event one can turn off.
CREATE TABLE notifications_new (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id),
    event      TEXT    NOT NULL CHECK (event IN ('returned', 'waiting', 'assigned', 'overdue', 'byline')),
    claim_id   INTEGER REFERENCES claims (id),
    body       TEXT    NOT NULL,
    created_at TEXT    NOT NULL,
    read_at    TEXT,
    CHECK ((claim_id IS NULL) = (event = 'byline'))
) STRICT;
INSERT INTO notifications_new (id, user_id, event, claim_id, body, created_at, read_at)
    SELECT id, user_id, event, claim_id, body, created_at, read_at FROM notifications;
DROP TABLE notifications;
ALTER TABLE notifications_new RENAME TO notifications;
CREATE INDEX notifications_user ON notifications (user_id, id);
CREATE INDEX notifications_unread ON notifications (user_id) WHERE read_at IS NULL;
CREATE UNIQUE INDEX notifications_overdue_once ON notifications (user_id, claim_id) WHERE event = 'overdue';

CREATE TABLE notification_prefs_new (
    user_id INTEGER NOT NULL REFERENCES users (id),
    event   TEXT    NOT NULL CHECK (event IN ('returned', 'waiting', 'assigned', 'overdue', 'byline')),
    enabled INTEGER NOT NULL CHECK (enabled IN (0, 1)),
    PRIMARY KEY (user_id, event)
) STRICT, WITHOUT ROWID;
INSERT INTO notification_prefs_new (user_id, event, enabled) SELECT user_id, event, enabled FROM notification_prefs;
DROP TABLE notification_prefs;
ALTER TABLE notification_prefs_new RENAME TO notification_prefs;
