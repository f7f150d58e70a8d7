-- A document's words reach the blocks (search_blocks, migration 260) through
-- a log. Indexing a verdict in a newsroom's own words changed about a
-- hundred words' blocks, each a row of its own scattered over millions:
-- a hundred pages written for one document, 1.4 MB of writes a desk change
-- at a million claims. Now the indexer appends one row per document to
-- search_fresh, the words it gained and lost; searches read the log's
-- rows (kept in memory by each process, storage/search_fresh.go) over the
-- blocks. Every so often the log is folded into the blocks, a range of
-- words a transaction in word order, so that each block page is written
-- once for thousands of documents; the rows folded are then deleted.
CREATE TABLE search_fresh (
    seq    INTEGER PRIMARY KEY AUTOINCREMENT, -- never given twice
    doc    INTEGER NOT NULL,
    gained TEXT    NOT NULL, -- words the document gained, one a line
    lost   TEXT    NOT NULL  -- words it lost
) STRICT;

-- How far the log is in the blocks: every row up to folded is (and is
-- gone); a fold under way takes the rows up to folding, a range of words at
-- a time, and has done the words before upto.
CREATE TABLE search_fresh_state (
    one     INTEGER PRIMARY KEY CHECK (one = 1),
    folded  INTEGER NOT NULL,
    folding INTEGER NOT NULL,
    upto    TEXT    NOT NULL
) STRICT;
INSERT INTO search_fresh_state (one, folded, folding, upto) VALUES (1, 0, 0, '');
