-- Accepted claims (queued, in review, submitted, approved) are searchable by
-- their wording, so a reviewer sees when a claim has been checked before or
-- is being checked now. Candidates and dismissed sentences are left out: they
-- are most of the table and nobody is working on them. rowid is the claim id.
CREATE VIRTUAL TABLE claim_search USING fts5(text, tokenize = 'unicode61 remove_diacritics 2');

INSERT INTO claim_search (rowid, text)
SELECT id, text FROM claims WHERE state IN ('queued', 'in_review', 'submitted', 'approved');

CREATE TRIGGER claim_search_enter AFTER UPDATE OF state ON claims
WHEN OLD.state NOT IN ('queued', 'in_review', 'submitted', 'approved')
 AND NEW.state IN ('queued', 'in_review', 'submitted', 'approved')
BEGIN
    INSERT INTO claim_search (rowid, text) VALUES (NEW.id, NEW.text);
END;

CREATE TRIGGER claim_search_leave AFTER UPDATE OF state ON claims
WHEN OLD.state IN ('queued', 'in_review', 'submitted', 'approved')
 AND NEW.state NOT IN ('queued', 'in_review', 'submitted', 'approved')
BEGIN
    DELETE FROM claim_search WHERE rowid = OLD.id;
END;

CREATE TRIGGER claim_search_reworded AFTER UPDATE OF text ON claims
WHEN NEW.text <> OLD.text
 AND OLD.state IN ('queued', 'in_review', 'submitted', 'approved')
 AND NEW.state IN ('queued', 'in_review', 'submitted', 'approved')
BEGIN
    DELETE FROM claim_search WHERE rowid = OLD.id;
    INSERT INTO claim_search (rowid, text) VALUES (NEW.id, NEW.text);
END;

CREATE TRIGGER claim_search_deleted AFTER DELETE ON claims
BEGIN
    DELETE FROM claim_search WHERE rowid = OLD.id;
END;
