-- A word's blocks (search_blocks) carry a version: search_terms.version,
-- set in the same transaction as every change to any of the word's blocks,
-- to a number no other transaction ever set (search_block_clock, moved once
-- by each change). A server keeps the blocks it has read under the word's
-- version (storage/search_kept_blocks.go) and uses them while a search's
-- own snapshot shows the same version, so a change to one word's blocks
-- leaves every other word's kept. The versions of today's rows are 0: the
-- blocks as they stand; every later change sets a number from 1 on.
ALTER TABLE search_terms ADD COLUMN version INTEGER NOT NULL DEFAULT 0;

CREATE TABLE search_block_clock (
    n INTEGER NOT NULL -- the last version given out
) STRICT;
INSERT INTO search_block_clock (n) VALUES (0);
