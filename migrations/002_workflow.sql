-- Articles, claims and their state machine, verdicts, sources, ratings and comments.

CREATE TABLE articles (
    id           INTEGER PRIMARY KEY,
    title        TEXT    NOT NULL,
    outlet       TEXT    NOT NULL DEFAULT '',
    author       TEXT    NOT NULL DEFAULT '',
    url          TEXT    NOT NULL DEFAULT '',
    url_key      TEXT,              -- normalised URL for duplicate detection; NULL without a URL
    published_at TEXT,              -- NULL when unknown
    body         TEXT    NOT NULL,
    fingerprint  TEXT    NOT NULL UNIQUE, -- hash of the normalised text
    origin       TEXT    NOT NULL CHECK (origin IN ('paste', 'upload', 'url', 'api', 'demo')),
    added_by     INTEGER REFERENCES users (id),
    created_at   TEXT    NOT NULL,
    updated_at   TEXT    NOT NULL
) STRICT;

CREATE UNIQUE INDEX articles_url_key ON articles (url_key) WHERE url_key IS NOT NULL;
CREATE INDEX articles_created ON articles (created_at DESC, id DESC);

-- The claim state machine; domain.Transitions holds the same rows.
CREATE TABLE claim_transitions (
    from_state TEXT NOT NULL,
    to_state   TEXT NOT NULL,
    PRIMARY KEY (from_state, to_state)
) STRICT, WITHOUT ROWID;

INSERT INTO claim_transitions (from_state, to_state) VALUES
    ('candidate', 'queued'),
    ('candidate', 'dismissed'),
    ('queued', 'in_review'),
    ('in_review', 'submitted'),
    ('in_review', 'queued'),
    ('submitted', 'approved'),
    ('submitted', 'in_review'),
    ('approved', 'in_review');

CREATE TABLE ratings (
    id         INTEGER PRIMARY KEY,
    name       TEXT    NOT NULL UNIQUE,
    value      REAL    NOT NULL,
    position   INTEGER NOT NULL,
    created_at TEXT    NOT NULL,
    updated_at TEXT    NOT NULL
) STRICT;

CREATE TABLE claims (
    id             INTEGER PRIMARY KEY,
    article_id     INTEGER NOT NULL REFERENCES articles (id),
    sentence       TEXT    NOT NULL,
    start_offset   INTEGER NOT NULL,
    end_offset     INTEGER NOT NULL,
    text           TEXT    NOT NULL,
    score          REAL    NOT NULL DEFAULT 0,
    checkworthy    INTEGER NOT NULL DEFAULT 0,
    type           TEXT    NOT NULL DEFAULT 'other',
    figures        TEXT    NOT NULL DEFAULT '[]', -- JSON array of domain.Figure
    claimant       TEXT    NOT NULL DEFAULT '',
    reasons        TEXT    NOT NULL DEFAULT '[]', -- JSON array of strings
    manual         INTEGER NOT NULL DEFAULT 0,
    state          TEXT    NOT NULL DEFAULT 'candidate'
                   CHECK (state IN ('candidate', 'dismissed', 'queued', 'in_review', 'submitted', 'approved')),
    priority       INTEGER NOT NULL DEFAULT 1 CHECK (priority BETWEEN 0 AND 3),
    assignee_id    INTEGER REFERENCES users (id),
    due_at         TEXT,
    dismiss_reason TEXT    NOT NULL DEFAULT '',
    queued_at      TEXT,              -- when accepted; the queue's "age"
    version        INTEGER NOT NULL DEFAULT 1,
    created_at     TEXT    NOT NULL,
    updated_at     TEXT    NOT NULL,
    CHECK (start_offset >= 0 AND end_offset >= start_offset)
) STRICT;

CREATE INDEX claims_article ON claims (article_id, start_offset, id);
CREATE INDEX claims_queue ON claims (state, priority DESC, score DESC, queued_at, id);
CREATE INDEX claims_assignee ON claims (assignee_id, state, id);
CREATE INDEX claims_updated ON claims (state, updated_at DESC, id DESC);

CREATE TRIGGER claims_new_are_candidates BEFORE INSERT ON claims
WHEN NEW.state <> 'candidate'
BEGIN
    SELECT RAISE(ABORT, 'a new claim starts as a candidate');
END;

CREATE TRIGGER claims_state_machine BEFORE UPDATE OF state ON claims
WHEN NEW.state <> OLD.state
 AND NOT EXISTS (SELECT 1 FROM claim_transitions WHERE from_state = OLD.state AND to_state = NEW.state)
BEGIN
    SELECT RAISE(ABORT, 'claim state transition not allowed');
END;

-- Everyone who took, was assigned or edited the verdict of a claim: the
-- four-eyes rule keeps them from approving it.
CREATE TABLE claim_workers (
    claim_id INTEGER NOT NULL REFERENCES claims (id),
    user_id  INTEGER NOT NULL REFERENCES users (id),
    PRIMARY KEY (claim_id, user_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE verdicts (
    claim_id     INTEGER PRIMARY KEY REFERENCES claims (id),
    rating_id    INTEGER REFERENCES ratings (id),
    conclusion   TEXT    NOT NULL DEFAULT '',
    explanation  TEXT    NOT NULL DEFAULT '',
    author_id    INTEGER REFERENCES users (id),
    version      INTEGER NOT NULL DEFAULT 1,
    submitted_at TEXT,
    submitted_by INTEGER REFERENCES users (id),
    approved_at  TEXT,
    approved_by  INTEGER REFERENCES users (id),
    created_at   TEXT    NOT NULL,
    updated_at   TEXT    NOT NULL
) STRICT;

CREATE INDEX verdicts_rating ON verdicts (rating_id);
CREATE INDEX verdicts_approved ON verdicts (approved_at, claim_id);

CREATE TABLE sources (
    id           INTEGER PRIMARY KEY,
    claim_id     INTEGER NOT NULL REFERENCES claims (id),
    position     INTEGER NOT NULL,
    url          TEXT    NOT NULL,
    title        TEXT    NOT NULL,
    publisher    TEXT    NOT NULL DEFAULT '',
    published_at TEXT,
    accessed_at  TEXT,
    type         TEXT    NOT NULL CHECK (type IN ('official_statistics', 'primary_document', 'expert', 'news_report', 'other')),
    quote        TEXT    NOT NULL DEFAULT '',
    created_at   TEXT    NOT NULL,
    updated_at   TEXT    NOT NULL
) STRICT;

CREATE INDEX sources_claim ON sources (claim_id, position);

CREATE TABLE comments (
    id         INTEGER PRIMARY KEY,
    claim_id   INTEGER NOT NULL REFERENCES claims (id),
    author_id  INTEGER NOT NULL REFERENCES users (id),
    kind       TEXT    NOT NULL CHECK (kind IN ('comment', 'returned', 'reopened', 'released')),
    body       TEXT    NOT NULL,
    created_at TEXT    NOT NULL
) STRICT;

CREATE INDEX comments_claim ON comments (claim_id, id);
