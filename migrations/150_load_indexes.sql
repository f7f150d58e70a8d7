-- At a million claims: each reviewer's claims in queue order (home page),
-- and the verdicts waiting for an editor in submission order (home and
-- review pages), each a short index walk instead of a scan and a sort.
CREATE INDEX claims_assignee_queue ON claims (assignee_id, state, queue_key);
CREATE INDEX verdicts_waiting ON verdicts (submitted_at, claim_id) WHERE approved_at IS NULL AND submitted_at IS NOT NULL;
