-- The archive that was there before the search index waits in a backlog that
-- a background worker of the server indexes a slice at a time (or
-- claimtrail reindex at once), instead of in search_pending, which every
-- write transaction drains at commit: a million documents would otherwise
-- slow the desk's own changes until caught up. search_pending keeps only
-- what transactions change from now on.
CREATE TABLE search_backlog (
    doc INTEGER PRIMARY KEY
) STRICT;

INSERT INTO search_backlog (doc) SELECT doc FROM search_pending;
DELETE FROM search_pending;
