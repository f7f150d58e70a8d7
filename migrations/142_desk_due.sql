-- Open claims with a due date, by outlet, so that the dashboard counts an
-- outlet's overdue claims with one short index range instead of looking up
-- the article of every overdue claim. Kept in step by triggers.
CREATE TABLE desk_due (
    outlet   TEXT    NOT NULL,
    due_at   TEXT    NOT NULL,
    claim_id INTEGER NOT NULL,
    PRIMARY KEY (outlet, due_at, claim_id)
) STRICT, WITHOUT ROWID;

CREATE INDEX desk_due_claim ON desk_due (claim_id);

CREATE TRIGGER desk_due_changed AFTER UPDATE OF state, due_at ON claims
WHEN NEW.state IS NOT OLD.state OR NEW.due_at IS NOT OLD.due_at
BEGIN
    DELETE FROM desk_due WHERE claim_id = OLD.id;
    INSERT INTO desk_due (outlet, due_at, claim_id)
        SELECT outlet, NEW.due_at, NEW.id FROM articles
        WHERE id = NEW.article_id AND NEW.due_at IS NOT NULL AND NEW.state IN ('queued', 'in_review', 'submitted');
END;

CREATE TRIGGER desk_due_deleted AFTER DELETE ON claims
BEGIN
    DELETE FROM desk_due WHERE claim_id = OLD.id;
END;

CREATE TRIGGER desk_due_outlet AFTER UPDATE OF outlet ON articles
WHEN NEW.outlet <> OLD.outlet
BEGIN
    UPDATE desk_due SET outlet = NEW.outlet WHERE claim_id IN (SELECT id FROM claims WHERE article_id = NEW.id);
END;

-- The backfill: storage.RebuildDesk runs the statements below this line again.
INSERT INTO desk_due (outlet, due_at, claim_id)
    SELECT a.outlet, c.due_at, c.id FROM claims c JOIN articles a ON a.id = c.article_id
    WHERE c.state IN ('queued', 'in_review', 'submitted') AND c.due_at IS NOT NULL;
