-- Each approved verdict keeps its rating as it was at approval (name, value,
-- whether on the numeric scale, and the scale's ends), so that renaming or
-- revaluing a rating later never rewrites a published check. Written by the
-- approving transaction; verdicts approved before this migration get the
-- rating and scale as they stand now.
ALTER TABLE verdicts ADD COLUMN approved_rating_name TEXT;
ALTER TABLE verdicts ADD COLUMN approved_rating_value REAL;
ALTER TABLE verdicts ADD COLUMN approved_rating_on_scale INTEGER;
ALTER TABLE verdicts ADD COLUMN approved_scale_best REAL;
ALTER TABLE verdicts ADD COLUMN approved_scale_worst REAL;

UPDATE verdicts SET
    approved_rating_name = coalesce((SELECT name FROM ratings WHERE id = verdicts.rating_id), ''),
    approved_rating_value = coalesce((SELECT value FROM ratings WHERE id = verdicts.rating_id), 0),
    approved_rating_on_scale = coalesce((SELECT on_scale FROM ratings WHERE id = verdicts.rating_id), 0),
    approved_scale_best = (SELECT max(value) FROM ratings WHERE on_scale = 1 AND value >= 1),
    approved_scale_worst = (SELECT min(value) FROM ratings WHERE on_scale = 1 AND value >= 1)
WHERE approved_at IS NOT NULL;
