-- A number that moves with every change to the matcher's index (a document
-- added or removed, the index rebuilt), in the same transaction. A process
-- keeps the index entries, term counts and heads it has read while the
-- number it read them under stands (storage/match_kept.go): the
-- newsroom's everyday changes (take, save, submit, approve, comment) leave
-- the index alone, so they do not empty what is kept.
ALTER TABLE match_stats ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
