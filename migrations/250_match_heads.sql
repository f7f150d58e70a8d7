-- Each term's newest documents in the matcher's index, newest first, as one
-- row: the most the matcher ever reads of one term (wholeList, 300), so a
-- match reads one row per seed term instead of up to 300 postings each.
-- docs is a comma-separated list of document numbers (a claim's id, minus
-- an imported check's id), largest first. The same write that adds or
-- removes a posting keeps its term's row in step (storage/match_heads.go);
-- a term whose row is missing or shorter than its count says is read from
-- match_postings instead.
CREATE TABLE match_heads (
    term TEXT PRIMARY KEY,
    docs TEXT NOT NULL
) STRICT, WITHOUT ROWID;

INSERT INTO match_heads (term, docs)
SELECT t.term, (SELECT group_concat(doc, ',' ORDER BY doc DESC) FROM (SELECT doc FROM match_postings p WHERE p.term = t.term ORDER BY doc DESC LIMIT 300))
FROM match_terms t
WHERE t.df > 0 AND EXISTS (SELECT 1 FROM match_postings p WHERE p.term = t.term);
