-- Claimants are ranked by their approved verdicts in a period. Counting
-- them by name alone, beside the counts by name and rating, makes the
-- ranking read one row per claimant a month instead of one per claimant
-- and rating; the rating mix is then read for the top ten only.
CREATE TRIGGER desk_verdict_approved_claimant AFTER UPDATE OF approved_at ON verdicts
WHEN NEW.approved_at IS NOT NULL AND NEW.approved_at IS NOT OLD.approved_at
BEGIN
    INSERT INTO desk_event (day, outlet, metric, key, n)
        SELECT substr(NEW.approved_at, 1, 10), a.outlet, 'claimant', c.claimant, 1
        FROM claims c JOIN articles a ON a.id = c.article_id WHERE c.id = NEW.claim_id AND c.claimant <> '';
END;

-- The backfill: storage.RebuildDesk runs the statements below this line
-- again, after the backfill of migration 140 has counted claimant_rating.
INSERT INTO desk_counts (outlet, metric, period, key, n)
    SELECT outlet, 'claimant', period, substr(key, 1, instr(key, char(31)) - 1), sum(n)
    FROM desk_counts WHERE metric = 'claimant_rating'
    GROUP BY outlet, period, substr(key, 1, instr(key, char(31)) - 1);
