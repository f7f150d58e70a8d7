-- Which documents' ranks (their number of words, their day) changed, in
-- order, so a server that keeps every document's rank in memory
-- (storage/search_ranks.go) brings it up to date by reading what was
-- written since, whoever wrote it: this process, the command line, a
-- migration. A document added is not listed: one the memory lacks is read
-- from search_docs. The log keeps its newest rows (indexSearchPending cuts
-- it), is never emptied, and its numbers follow each other without gaps, so
-- a reader that finds a gap after what it knows has fallen behind and
-- rebuilds. The first row gives a reader something to start from.
CREATE TABLE search_rank_log (
    seq INTEGER PRIMARY KEY,
    doc INTEGER NOT NULL -- the document whose rank changed
);
INSERT INTO search_rank_log (seq, doc) VALUES (1, -1);

CREATE TRIGGER search_rank_log_update AFTER UPDATE OF doc, words, day ON search_docs
WHEN OLD.doc IS NOT NEW.doc OR OLD.words IS NOT NEW.words OR OLD.day IS NOT NEW.day
BEGIN
    INSERT INTO search_rank_log (doc) VALUES (OLD.doc);
    INSERT INTO search_rank_log (doc) SELECT NEW.doc WHERE NEW.doc IS NOT OLD.doc;
END;

CREATE TRIGGER search_rank_log_delete AFTER DELETE ON search_docs
BEGIN
    INSERT INTO search_rank_log (doc) VALUES (OLD.doc);
END;
