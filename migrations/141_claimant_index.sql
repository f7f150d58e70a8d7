-- A claimant's page lists every claim attributed to them, newest first.
CREATE INDEX claims_claimant ON claims (claimant, id) WHERE claimant <> '';
