-- Claim tracking: fact checks imported from other publishers (schema.org
-- ClaimReview), and the matcher's index over accepted claims and imported
-- checks.

CREATE TABLE imported_checks (
    id             INTEGER PRIMARY KEY,
    url            TEXT    NOT NULL UNIQUE, -- the fact check's own address; a re-import updates
    claim          TEXT    NOT NULL,        -- claimReviewed
    headline       TEXT    NOT NULL DEFAULT '',
    publisher      TEXT    NOT NULL DEFAULT '',
    rating         TEXT    NOT NULL DEFAULT '',
    rating_value   REAL,
    published_on   TEXT    NOT NULL DEFAULT '', -- yyyy-mm-dd when given
    claimant       TEXT    NOT NULL DEFAULT '',
    appearance_url TEXT    NOT NULL DEFAULT '',
    source         TEXT    NOT NULL DEFAULT '', -- the file or feed it came from
    imported_at    TEXT    NOT NULL,
    updated_at     TEXT    NOT NULL
) STRICT;

-- The matcher's index. A document is an accepted claim (doc = claim id) or
-- an imported check (doc = minus its id). data holds the analysed text
-- (domain/match.Text as JSON) for reranking in Go; postings list the
-- documents of each term; match_terms counts them (df); match_stats.docs is
-- how many documents there are. Terms are computed in Go (stemming, figures),
-- so triggers only note which claims changed (match_pending) and the same
-- transaction indexes them before it commits.
CREATE TABLE match_docs (
    doc  INTEGER PRIMARY KEY,
    data TEXT NOT NULL
) STRICT;

CREATE TABLE match_postings (
    term TEXT    NOT NULL,
    doc  INTEGER NOT NULL,
    PRIMARY KEY (term, doc)
) STRICT, WITHOUT ROWID;

CREATE TABLE match_terms (
    term TEXT PRIMARY KEY,
    df   INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

CREATE TABLE match_stats (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    docs INTEGER NOT NULL
) STRICT;
INSERT INTO match_stats (id, docs) VALUES (1, 0);

CREATE TABLE match_pending (
    claim_id INTEGER PRIMARY KEY
) STRICT;

-- Every accepted claim is indexed by the first write transaction after this
-- migration (pending rows are processed at commit).
INSERT INTO match_pending (claim_id)
SELECT id FROM claims WHERE state IN ('queued', 'in_review', 'submitted', 'approved');

CREATE TRIGGER match_claim_added AFTER INSERT ON claims
WHEN NEW.state IN ('queued', 'in_review', 'submitted', 'approved')
BEGIN
    INSERT OR IGNORE INTO match_pending (claim_id) VALUES (NEW.id);
END;

CREATE TRIGGER match_claim_changed AFTER UPDATE OF state, text, claimant ON claims
WHEN (OLD.state IN ('queued', 'in_review', 'submitted', 'approved')
   OR NEW.state IN ('queued', 'in_review', 'submitted', 'approved'))
 AND (OLD.state IS NOT NEW.state OR OLD.text IS NOT NEW.text OR OLD.claimant IS NOT NEW.claimant)
BEGIN
    INSERT OR IGNORE INTO match_pending (claim_id) VALUES (NEW.id);
END;

CREATE TRIGGER match_claim_deleted AFTER DELETE ON claims
BEGIN
    INSERT OR IGNORE INTO match_pending (claim_id) VALUES (OLD.id);
END;

-- Where a claim has appeared: the claim's own article first, then every new
-- appearance recorded for it (an article claim found to be the same claim, or
-- one added by hand).
CREATE TABLE claim_appearances (
    id          INTEGER PRIMARY KEY,
    claim_id    INTEGER NOT NULL REFERENCES claims (id),
    article_id  INTEGER REFERENCES articles (id),
    source_claim_id INTEGER REFERENCES claims (id), -- the candidate that was the same claim
    text        TEXT    NOT NULL,
    claimant    TEXT    NOT NULL DEFAULT '',
    seen_at     TEXT    NOT NULL,
    created_by  INTEGER REFERENCES users (id),
    created_at  TEXT    NOT NULL,
    UNIQUE (claim_id, source_claim_id)
) STRICT;

CREATE INDEX claim_appearances_seen ON claim_appearances (seen_at, claim_id);
CREATE INDEX claim_appearances_claim ON claim_appearances (claim_id, seen_at);
