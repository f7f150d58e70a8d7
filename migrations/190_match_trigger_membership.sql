-- The matcher's index holds a claim's words, not its state: a claim moving
-- between accepted states (taken, submitted, approved, returned) reads the
-- same, so it is queued for indexing only when it enters or leaves the
-- accepted states or its wording or claimant changes while accepted. Before,
-- every take, submit and approval re-indexed the claim's every term inside
-- the single writer's transaction.
DROP TRIGGER match_claim_changed;

CREATE TRIGGER match_claim_changed AFTER UPDATE OF state, text, claimant ON claims
WHEN (OLD.state IN ('queued', 'in_review', 'submitted', 'approved'))
        IS NOT (NEW.state IN ('queued', 'in_review', 'submitted', 'approved'))
  OR (NEW.state IN ('queued', 'in_review', 'submitted', 'approved')
      AND (OLD.text IS NOT NEW.text OR OLD.claimant IS NOT NEW.claimant))
BEGIN
    INSERT OR IGNORE INTO match_pending (claim_id) VALUES (NEW.id);
END;
