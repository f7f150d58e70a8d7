-- Search over everything the desk keeps: accepted claims, articles, verdicts
-- (conclusion and explanation), sources and imported checks. A document's
-- number is its row's id times 8 plus its kind (1 claim, 2 article, 3
-- verdict, 4 source, 5 imported check), so one postings table serves all.
-- Terms are computed in Go (stemming, figures written any way), so triggers
-- only note which documents changed (search_pending) and the same
-- transaction indexes them before it commits. Filters (state, rating, claim
-- type, outlet, claimant, kind) are terms too ("~s:approved"), so a filter is
-- found through its postings like a word, rarest first.
CREATE TABLE search_docs (
    doc        INTEGER PRIMARY KEY,
    claim_id   INTEGER NOT NULL DEFAULT 0, -- the claim it belongs to (claims, verdicts, sources)
    article_id INTEGER NOT NULL DEFAULT 0,
    text       TEXT    NOT NULL,           -- what is shown and highlighted; an article's is read from articles
    context    TEXT    NOT NULL DEFAULT '', -- a line of where it belongs (the article's title, the claim)
    state      TEXT    NOT NULL DEFAULT '',
    rating     TEXT    NOT NULL DEFAULT '',
    url        TEXT    NOT NULL DEFAULT '',
    day        TEXT    NOT NULL DEFAULT '', -- yyyy-mm-dd the date filter compares
    words      INTEGER NOT NULL,           -- how many word and figure terms (shorter texts rank higher)
    analysed   TEXT    NOT NULL,           -- a digest of the analysed text: unchanged text is not analysed again
    terms      TEXT    NOT NULL            -- every term, one a line, sorted
) STRICT;

CREATE TABLE search_postings (
    term TEXT    NOT NULL,
    doc  INTEGER NOT NULL,
    PRIMARY KEY (term, doc)
) STRICT, WITHOUT ROWID;

CREATE TABLE search_terms (
    term TEXT PRIMARY KEY,
    df   INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

CREATE TABLE search_pending (
    doc INTEGER PRIMARY KEY
) STRICT;

-- Everything there already is waits for indexing: the first write
-- transactions catch up a slice each, or claimtrail reindex does it at once.
INSERT INTO search_pending (doc) SELECT id * 8 + 1 FROM claims WHERE state IN ('queued', 'in_review', 'submitted', 'approved');
INSERT INTO search_pending (doc) SELECT id * 8 + 2 FROM articles;
INSERT INTO search_pending (doc) SELECT claim_id * 8 + 3 FROM verdicts;
INSERT INTO search_pending (doc) SELECT id * 8 + 4 FROM sources;
INSERT INTO search_pending (doc) SELECT id * 8 + 5 FROM imported_checks;

-- A claim's change reaches its verdict and sources too (they carry its
-- state, type, claimant and rating as filters).
CREATE TRIGGER search_claim_added AFTER INSERT ON claims
WHEN NEW.state IN ('queued', 'in_review', 'submitted', 'approved')
BEGIN
    INSERT OR IGNORE INTO search_pending (doc) VALUES (NEW.id * 8 + 1);
END;

CREATE TRIGGER search_claim_changed AFTER UPDATE OF state, text, claimant, type, article_id ON claims
WHEN (OLD.state IN ('queued', 'in_review', 'submitted', 'approved')
   OR NEW.state IN ('queued', 'in_review', 'submitted', 'approved'))
 AND (OLD.state IS NOT NEW.state OR OLD.text IS NOT NEW.text OR OLD.claimant IS NOT NEW.claimant
   OR OLD.type IS NOT NEW.type OR OLD.article_id IS NOT NEW.article_id)
BEGIN
    INSERT OR IGNORE INTO search_pending (doc) VALUES (NEW.id * 8 + 1);
    INSERT OR IGNORE INTO search_pending (doc) SELECT claim_id * 8 + 3 FROM verdicts WHERE claim_id = NEW.id;
    INSERT OR IGNORE INTO search_pending (doc) SELECT id * 8 + 4 FROM sources WHERE claim_id = NEW.id;
END;

CREATE TRIGGER search_claim_deleted AFTER DELETE ON claims
BEGIN
    INSERT OR IGNORE INTO search_pending (doc) VALUES (OLD.id * 8 + 1), (OLD.id * 8 + 3);
END;

CREATE TRIGGER search_article_added AFTER INSERT ON articles
BEGIN
    INSERT OR IGNORE INTO search_pending (doc) VALUES (NEW.id * 8 + 2);
END;

CREATE TRIGGER search_article_changed AFTER UPDATE OF title, body, outlet, author, published_at ON articles
WHEN OLD.title IS NOT NEW.title OR OLD.body IS NOT NEW.body OR OLD.outlet IS NOT NEW.outlet
  OR OLD.author IS NOT NEW.author OR OLD.published_at IS NOT NEW.published_at
BEGIN
    INSERT OR IGNORE INTO search_pending (doc) VALUES (NEW.id * 8 + 2);
    INSERT OR IGNORE INTO search_pending (doc) SELECT id * 8 + 1 FROM claims
        WHERE article_id = NEW.id AND state IN ('queued', 'in_review', 'submitted', 'approved');
END;

CREATE TRIGGER search_article_deleted AFTER DELETE ON articles
BEGIN
    INSERT OR IGNORE INTO search_pending (doc) VALUES (OLD.id * 8 + 2);
END;

CREATE TRIGGER search_verdict_added AFTER INSERT ON verdicts
BEGIN
    INSERT OR IGNORE INTO search_pending (doc) VALUES (NEW.claim_id * 8 + 3), (NEW.claim_id * 8 + 1);
END;

CREATE TRIGGER search_verdict_changed AFTER UPDATE ON verdicts
WHEN OLD.conclusion IS NOT NEW.conclusion OR OLD.explanation IS NOT NEW.explanation
  OR OLD.rating_id IS NOT NEW.rating_id OR OLD.approved_at IS NOT NEW.approved_at
  OR OLD.approved_rating_name IS NOT NEW.approved_rating_name
BEGIN
    INSERT OR IGNORE INTO search_pending (doc) VALUES (NEW.claim_id * 8 + 3);
    -- The claim and its sources carry the rating as a filter.
    INSERT OR IGNORE INTO search_pending (doc) SELECT NEW.claim_id * 8 + 1
        WHERE OLD.rating_id IS NOT NEW.rating_id OR OLD.approved_rating_name IS NOT NEW.approved_rating_name;
    INSERT OR IGNORE INTO search_pending (doc) SELECT id * 8 + 4 FROM sources
        WHERE claim_id = NEW.claim_id AND (OLD.rating_id IS NOT NEW.rating_id OR OLD.approved_rating_name IS NOT NEW.approved_rating_name);
END;

CREATE TRIGGER search_verdict_deleted AFTER DELETE ON verdicts
BEGIN
    INSERT OR IGNORE INTO search_pending (doc) VALUES (OLD.claim_id * 8 + 3), (OLD.claim_id * 8 + 1);
END;

CREATE TRIGGER search_source_added AFTER INSERT ON sources
BEGIN
    INSERT OR IGNORE INTO search_pending (doc) VALUES (NEW.id * 8 + 4);
END;

CREATE TRIGGER search_source_changed AFTER UPDATE OF title, publisher, quote, url, published_at, created_at, claim_id ON sources
BEGIN
    INSERT OR IGNORE INTO search_pending (doc) VALUES (NEW.id * 8 + 4);
END;

CREATE TRIGGER search_source_deleted AFTER DELETE ON sources
BEGIN
    INSERT OR IGNORE INTO search_pending (doc) VALUES (OLD.id * 8 + 4);
END;

CREATE TRIGGER search_imported_added AFTER INSERT ON imported_checks
BEGIN
    INSERT OR IGNORE INTO search_pending (doc) VALUES (NEW.id * 8 + 5);
END;

CREATE TRIGGER search_imported_changed AFTER UPDATE ON imported_checks
BEGIN
    INSERT OR IGNORE INTO search_pending (doc) VALUES (NEW.id * 8 + 5);
END;

CREATE TRIGGER search_imported_deleted AFTER DELETE ON imported_checks
BEGIN
    INSERT OR IGNORE INTO search_pending (doc) VALUES (OLD.id * 8 + 5);
END;
