-- A claim taken for review gets an empty draft verdict: no rating, not
-- approved. verdicts_rating and verdicts_approved still held an entry for
-- it (NULL first), so every take wrote a page of each for entries no query
-- reads: the rating's uses count rated verdicts, the published checks and
-- the recent approvals read approved ones. Only those are kept now.
DROP INDEX verdicts_rating;
CREATE INDEX verdicts_rating ON verdicts (rating_id) WHERE rating_id IS NOT NULL;
DROP INDEX verdicts_approved;
CREATE INDEX verdicts_approved ON verdicts (approved_at, claim_id) WHERE approved_at IS NOT NULL;
