-- A rating's name is a search filter ("~r:…") on the verdicts that carry it
-- and on their claims and sources. Renaming it queues those documents, so
-- the next commit indexes them under the new name. An approved verdict keeps
-- the name it was approved under (approved_rating_name), so it stays put.
CREATE TRIGGER search_rating_renamed AFTER UPDATE OF name ON ratings
WHEN OLD.name IS NOT NEW.name
BEGIN
    INSERT OR IGNORE INTO search_pending (doc)
        SELECT v.claim_id * 8 + k.kind
        FROM verdicts v JOIN claims c ON c.id = v.claim_id, (SELECT 1 AS kind UNION ALL SELECT 3) k
        WHERE v.rating_id = NEW.id AND (c.state <> 'approved' OR v.approved_rating_name IS NULL);
    INSERT OR IGNORE INTO search_pending (doc)
        SELECT s.id * 8 + 4
        FROM sources s JOIN verdicts v ON v.claim_id = s.claim_id JOIN claims c ON c.id = v.claim_id
        WHERE v.rating_id = NEW.id AND (c.state <> 'approved' OR v.approved_rating_name IS NULL);
END;
