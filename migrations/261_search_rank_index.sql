-- What a search ranks its candidates by (a document's number of words and
-- its day, which the date filter compares too) in an index of its own: the
-- candidates' rows are read from it, a few megabytes that stay in memory,
-- instead of from search_docs, whose rows carry the text and the terms and
-- at a million claims take gigabytes: there each candidate cost a read of a
-- page of its own.
CREATE INDEX search_docs_rank ON search_docs (doc, words, day);
