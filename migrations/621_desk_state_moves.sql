-- A claim moving between states (every take, submit, return and approval)
-- counted its old and new state, for its outlet and for all outlets, through
-- the desk_state_change view: two runs of the view's trigger, and each of
-- the four rows changed ran desk_generation's trigger again, so one move ran
-- seven triggers and wrote the generation four times. The move now writes
-- its four rows in one statement and moves the generation once; every other
-- writer of desk_states moves it once too, in place of the per-row triggers.
DROP TRIGGER desk_generation_states_added;
DROP TRIGGER desk_generation_states_changed;
DROP TRIGGER desk_generation_states_removed;

DROP TRIGGER desk_state_count;
CREATE TRIGGER desk_state_count INSTEAD OF INSERT ON desk_state_change
BEGIN
    INSERT INTO desk_states (outlet, state, n) VALUES (' ', NEW.state, NEW.n), (NEW.outlet, NEW.state, NEW.n)
        ON CONFLICT (outlet, state) DO UPDATE SET n = n + excluded.n;
    UPDATE desk_generation SET n = n + 1;
END;

DROP TRIGGER desk_claim_moved;
CREATE TRIGGER desk_claim_moved AFTER UPDATE OF state ON claims
WHEN NEW.state <> OLD.state
BEGIN
    INSERT INTO desk_states (outlet, state, n)
        SELECT CASE w.outlets WHEN 'all' THEN ' ' ELSE a.outlet END, m.state, m.n
        FROM articles a, (SELECT 'all' AS outlets UNION ALL SELECT 'its') w,
            (SELECT OLD.state AS state, -1 AS n UNION ALL SELECT NEW.state, 1) m
        WHERE a.id = NEW.article_id
        ON CONFLICT (outlet, state) DO UPDATE SET n = n + excluded.n;
    UPDATE desk_generation SET n = n + 1;
    INSERT INTO desk_event (day, outlet, metric, key, n)
        SELECT substr(NEW.updated_at, 1, 10), outlet, CASE NEW.state WHEN 'queued' THEN 'accepted' ELSE 'dismissed' END, '', 1
        FROM articles WHERE id = NEW.article_id AND OLD.state = 'candidate' AND NEW.state IN ('queued', 'dismissed');
END;

DROP TRIGGER desk_article_outlet;
CREATE TRIGGER desk_article_outlet AFTER UPDATE OF outlet ON articles
WHEN NEW.outlet <> OLD.outlet
BEGIN
    INSERT INTO desk_states (outlet, state, n)
        SELECT OLD.outlet, state, -count(*) FROM claims WHERE article_id = NEW.id GROUP BY state
        UNION ALL
        SELECT NEW.outlet, state, count(*) FROM claims WHERE article_id = NEW.id GROUP BY state
        ON CONFLICT (outlet, state) DO UPDATE SET n = n + excluded.n;
    UPDATE desk_generation SET n = n + 1;
END;
