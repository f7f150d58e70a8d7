-- Dismissals get a structured reason beside the reviewer's note. Only "not
-- check-worthy" teaches the claim scorer; dismissals made before reasons
-- existed keep their note and count as "other".
ALTER TABLE claims ADD COLUMN dismiss_code TEXT NOT NULL DEFAULT ''
    CHECK (dismiss_code IN ('', 'not_checkworthy', 'not_checkable', 'out_of_scope', 'duplicate', 'other'));

UPDATE claims SET dismiss_code = 'other' WHERE state = 'dismissed';
