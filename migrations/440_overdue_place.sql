-- The notifier's place in the claims' due dates: claims due up to
-- (overdue_due, overdue_id), in that order, have been looked at for an
-- overdue notice, so each minute's look reads only the claims that came due
-- since. NULL: never looked, so the first look reads them all once.
ALTER TABLE notifier_state ADD COLUMN overdue_due TEXT;
ALTER TABLE notifier_state ADD COLUMN overdue_id INTEGER NOT NULL DEFAULT 0;
