-- Appearances of a claim (the table is migration 100's): how each was
-- recorded and with what score, whether an editor applied the approved
-- verdict to it (the published check then names it), and whether it was
-- undone as not the same claim (kept for the history, left out of lists).
ALTER TABLE claim_appearances ADD COLUMN origin TEXT NOT NULL DEFAULT 'matcher';
ALTER TABLE claim_appearances ADD COLUMN score REAL NOT NULL DEFAULT 0;
ALTER TABLE claim_appearances ADD COLUMN applied_at TEXT;
ALTER TABLE claim_appearances ADD COLUMN applied_by INTEGER REFERENCES users (id);
ALTER TABLE claim_appearances ADD COLUMN removed_at TEXT;
ALTER TABLE claim_appearances ADD COLUMN removed_by INTEGER REFERENCES users (id);

-- The candidate an appearance came from, for the article page and triage.
CREATE INDEX claim_appearances_source ON claim_appearances (source_claim_id);

-- What the matcher found for an article's candidates when the article was
-- added: its best matches (doc is a claim id, or minus an imported check's
-- id, as in match_docs), read back by the article page instead of matching
-- again. An article listed in candidate_matches_done was matched at adding;
-- older ones are matched when shown.
CREATE TABLE candidate_matches (
    claim_id INTEGER NOT NULL REFERENCES claims (id) ON DELETE CASCADE,
    doc      INTEGER NOT NULL,
    tier     TEXT    NOT NULL,
    score    REAL    NOT NULL,
    PRIMARY KEY (claim_id, doc)
) STRICT, WITHOUT ROWID;

CREATE TABLE candidate_matches_done (
    article_id INTEGER PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
    matched_at TEXT NOT NULL
) STRICT;
