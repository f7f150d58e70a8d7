-- A word's postings in blocks. A search read its rarest word's newest 3,000
-- postings and looked each one up in the other words' postings: 3,000
-- look-ups in a table of tens of millions of rows for a pair of words never
-- asked before. Now a word's documents are kept one row per range of 65,536
-- document numbers (block = doc >> 16), as the sorted list of their low 16
-- bits, two bytes each, big-endian. A search reads the rarest word's newest
-- blocks and the other words' blocks over the same range, a few hundred
-- rows at most, and intersects them in Go; the table is a tenth of the
-- postings' size. Filter terms ("~s:approved", "~all") stay in
-- search_postings, one row a posting, where a claim's move between states
-- renames its state posting in SQL (migration 210).
CREATE TABLE search_blocks (
    term  TEXT    NOT NULL,
    block INTEGER NOT NULL, -- doc >> 16
    docs  BLOB    NOT NULL, -- each document's doc & 65535, sorted, two bytes big-endian
    PRIMARY KEY (term, block)
) STRICT, WITHOUT ROWID;

INSERT INTO search_blocks (term, block, docs)
SELECT term, doc >> 16, unhex(group_concat(printf('%04X', doc & 65535), '' ORDER BY doc))
FROM search_postings WHERE term < '~' OR term >= char(127)
GROUP BY term, doc >> 16;

DELETE FROM search_postings WHERE term < '~' OR term >= char(127);
