-- The public check: each person may set the name their byline shows, and a
-- verdict remembers when it was first published and with which rating, so a
-- check reopened and approved again says "Updated" (or "Corrected" when the
-- rating changed) with its date.
ALTER TABLE users ADD COLUMN public_name TEXT NOT NULL DEFAULT '';

ALTER TABLE verdicts ADD COLUMN first_approved_at TEXT;
ALTER TABLE verdicts ADD COLUMN first_rating TEXT NOT NULL DEFAULT '';

UPDATE verdicts SET first_approved_at = approved_at,
    first_rating = coalesce((SELECT name FROM ratings WHERE id = verdicts.rating_id), '')
WHERE approved_at IS NOT NULL;

-- Set once, at the first approval, inside the approving transaction.
CREATE TRIGGER verdict_first_approval AFTER UPDATE OF approved_at ON verdicts
WHEN NEW.approved_at IS NOT NULL AND NEW.first_approved_at IS NULL
BEGIN
    UPDATE verdicts SET first_approved_at = NEW.approved_at,
        first_rating = coalesce((SELECT name FROM ratings WHERE id = NEW.rating_id), '')
    WHERE claim_id = NEW.claim_id;
END;
