-- claim_search, the first full-text index over accepted claims (007), has had
-- no reader since search moved to its own index (165): its triggers still
-- wrote an FTS5 index at every accept and rewording for nothing.
DROP TRIGGER claim_search_enter;
DROP TRIGGER claim_search_leave;
DROP TRIGGER claim_search_reworded;
DROP TRIGGER claim_search_deleted;
DROP TABLE claim_search;
