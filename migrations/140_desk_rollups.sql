-- The dashboard's numbers, kept in step with the claims by triggers in the
-- same transaction as each change, so that the dashboard reads a few
-- hundred small rows instead of scanning a million claims.
--
-- desk_counts holds how many times something happened, per day and per
-- month, for every outlet and for all outlets together (outlet ' ', a name
-- no article can have: outlets are stored trimmed). Events
-- count under the outlet their article had at the time.
--
--   metric       key                       counted when
--   added        ''                        a claim is extracted or added by hand
--   accepted     ''                        a candidate is accepted into the queue
--   dismissed    ''                        a candidate is dismissed
--   submitted    reviewer's user id        a verdict is submitted
--   returned     editor's user id          a verdict is returned
--   returned_to  reviewer's user id        a verdict is returned
--   approved     ''                        a verdict is approved
--   approved_by  editor's user id          a verdict is approved
--   approved_for reviewer's user id        a verdict is approved
--   rating       rating id                 a verdict is approved
--   claimant_rating  name, x'1f', rating   a verdict is approved
--   returns      0, 1, 2 or 3+             a verdict is approved: returns it had
--   queued_to_approved     time bucket     a verdict is approved
--   submitted_to_approved  time bucket     a verdict is approved
--   reopened     ''                        an approved verdict is reopened
--
-- A time bucket b holds durations of about exp(b/10) - 1 minutes (each
-- bucket about 10% wide), so medians and percentiles need no raw rows.
CREATE TABLE desk_counts (
    outlet TEXT    NOT NULL, -- ' ' for all outlets
    metric TEXT    NOT NULL,
    period TEXT    NOT NULL, -- YYYY-MM-DD for a day, MYYYY-MM for a month (UTC): months sort after days
    key    TEXT    NOT NULL DEFAULT '',
    n      INTEGER NOT NULL,
    PRIMARY KEY (outlet, metric, period, key)
) STRICT, WITHOUT ROWID;

-- How many claims are in each state now, per outlet and in all (' ').
CREATE TABLE desk_states (
    outlet TEXT    NOT NULL,
    state  TEXT    NOT NULL,
    n      INTEGER NOT NULL,
    PRIMARY KEY (outlet, state)
) STRICT, WITHOUT ROWID;

-- Triggers write through this view: one row in, four counters bumped (the
-- day and the month, the outlet and all outlets).
CREATE VIEW desk_event (day, outlet, metric, key, n) AS
    SELECT period, outlet, metric, key, n FROM desk_counts WHERE 0;

CREATE TRIGGER desk_event_count INSTEAD OF INSERT ON desk_event
BEGIN
    INSERT INTO desk_counts (period, outlet, metric, key, n) VALUES
        (NEW.day, ' ', NEW.metric, NEW.key, NEW.n),
        ('M' || substr(NEW.day, 1, 7), ' ', NEW.metric, NEW.key, NEW.n)
        ON CONFLICT (outlet, metric, period, key) DO UPDATE SET n = n + excluded.n;
    INSERT INTO desk_counts (period, outlet, metric, key, n) VALUES
        (NEW.day, NEW.outlet, NEW.metric, NEW.key, NEW.n),
        ('M' || substr(NEW.day, 1, 7), NEW.outlet, NEW.metric, NEW.key, NEW.n)
        ON CONFLICT (outlet, metric, period, key) DO UPDATE SET n = n + excluded.n;
END;

CREATE VIEW desk_state_change (outlet, state, n) AS
    SELECT outlet, state, n FROM desk_states WHERE 0;

CREATE TRIGGER desk_state_count INSTEAD OF INSERT ON desk_state_change
BEGIN
    INSERT INTO desk_states (outlet, state, n) VALUES (' ', NEW.state, NEW.n), (NEW.outlet, NEW.state, NEW.n)
        ON CONFLICT (outlet, state) DO UPDATE SET n = n + excluded.n;
END;

CREATE TRIGGER desk_claim_added AFTER INSERT ON claims
BEGIN
    INSERT INTO desk_event (day, outlet, metric, key, n)
        SELECT substr(NEW.created_at, 1, 10), outlet, 'added', '', 1 FROM articles WHERE id = NEW.article_id;
    INSERT INTO desk_state_change (outlet, state, n)
        SELECT outlet, NEW.state, 1 FROM articles WHERE id = NEW.article_id;
END;

CREATE TRIGGER desk_claim_moved AFTER UPDATE OF state ON claims
WHEN NEW.state <> OLD.state
BEGIN
    INSERT INTO desk_state_change (outlet, state, n)
        SELECT outlet, OLD.state, -1 FROM articles WHERE id = NEW.article_id
        UNION ALL
        SELECT outlet, NEW.state, 1 FROM articles WHERE id = NEW.article_id;
    INSERT INTO desk_event (day, outlet, metric, key, n)
        SELECT substr(NEW.updated_at, 1, 10), outlet, CASE NEW.state WHEN 'queued' THEN 'accepted' ELSE 'dismissed' END, '', 1
        FROM articles WHERE id = NEW.article_id AND OLD.state = 'candidate' AND NEW.state IN ('queued', 'dismissed');
END;

CREATE TRIGGER desk_claim_deleted AFTER DELETE ON claims
BEGIN
    INSERT INTO desk_state_change (outlet, state, n)
        SELECT outlet, OLD.state, -1 FROM articles WHERE id = OLD.article_id;
END;

-- An article moved to another outlet takes its claims' states with it.
CREATE TRIGGER desk_article_outlet AFTER UPDATE OF outlet ON articles
WHEN NEW.outlet <> OLD.outlet
BEGIN
    INSERT INTO desk_states (outlet, state, n)
        SELECT OLD.outlet, state, -count(*) FROM claims WHERE article_id = NEW.id GROUP BY state
        UNION ALL
        SELECT NEW.outlet, state, count(*) FROM claims WHERE article_id = NEW.id GROUP BY state
        ON CONFLICT (outlet, state) DO UPDATE SET n = n + excluded.n;
END;

CREATE TRIGGER desk_verdict_submitted AFTER UPDATE OF submitted_at ON verdicts
WHEN NEW.submitted_at IS NOT NULL AND NEW.submitted_at IS NOT OLD.submitted_at
BEGIN
    INSERT INTO desk_event (day, outlet, metric, key, n)
        SELECT substr(NEW.submitted_at, 1, 10), a.outlet, 'submitted', coalesce(NEW.submitted_by, ''), 1
        FROM claims c JOIN articles a ON a.id = c.article_id WHERE c.id = NEW.claim_id;
END;

CREATE TRIGGER desk_verdict_submitted_new AFTER INSERT ON verdicts
WHEN NEW.submitted_at IS NOT NULL
BEGIN
    INSERT INTO desk_event (day, outlet, metric, key, n)
        SELECT substr(NEW.submitted_at, 1, 10), a.outlet, 'submitted', coalesce(NEW.submitted_by, ''), 1
        FROM claims c JOIN articles a ON a.id = c.article_id WHERE c.id = NEW.claim_id;
END;

CREATE TRIGGER desk_verdict_approved AFTER UPDATE OF approved_at ON verdicts
WHEN NEW.approved_at IS NOT NULL AND NEW.approved_at IS NOT OLD.approved_at
BEGIN
    INSERT INTO desk_event (day, outlet, metric, key, n)
        SELECT substr(NEW.approved_at, 1, 10), a.outlet, m.metric, m.key, 1
        FROM claims c JOIN articles a ON a.id = c.article_id,
        (SELECT 'approved' AS metric, '' AS key
         UNION ALL SELECT 'approved_by', coalesce(NEW.approved_by, '')
         UNION ALL SELECT 'approved_for', coalesce(NEW.author_id, NEW.submitted_by, '')
         UNION ALL SELECT 'rating', coalesce(NEW.rating_id, '')
         UNION ALL SELECT 'returns', (SELECT CASE WHEN count(*) >= 3 THEN '3+' ELSE count(*) END
                                      FROM comments WHERE claim_id = NEW.claim_id AND kind = 'returned')
         UNION ALL SELECT 'submitted_to_approved',
                          CAST(round(ln(1 + max(0, (julianday(NEW.approved_at) - julianday(NEW.submitted_at)) * 1440)) * 10) AS INTEGER)
                   WHERE NEW.submitted_at IS NOT NULL
        ) m
        WHERE c.id = NEW.claim_id;
    INSERT INTO desk_event (day, outlet, metric, key, n)
        SELECT substr(NEW.approved_at, 1, 10), a.outlet, 'queued_to_approved',
               CAST(round(ln(1 + max(0, (julianday(NEW.approved_at) - julianday(c.queued_at)) * 1440)) * 10) AS INTEGER), 1
        FROM claims c JOIN articles a ON a.id = c.article_id WHERE c.id = NEW.claim_id AND c.queued_at IS NOT NULL;
    INSERT INTO desk_event (day, outlet, metric, key, n)
        SELECT substr(NEW.approved_at, 1, 10), a.outlet, m.metric, m.key, 1
        FROM claims c JOIN articles a ON a.id = c.article_id,
        (SELECT 'claimant_rating' AS metric, (SELECT claimant FROM claims WHERE id = NEW.claim_id) || char(31) || coalesce(NEW.rating_id, '') AS key) m
        WHERE c.id = NEW.claim_id AND c.claimant <> '';
END;

CREATE TRIGGER desk_verdict_reopened AFTER UPDATE OF approved_at ON verdicts
WHEN NEW.approved_at IS NULL AND OLD.approved_at IS NOT NULL
BEGIN
    INSERT INTO desk_event (day, outlet, metric, key, n)
        SELECT substr(NEW.updated_at, 1, 10), a.outlet, 'reopened', '', 1
        FROM claims c JOIN articles a ON a.id = c.article_id WHERE c.id = NEW.claim_id;
END;

CREATE TRIGGER desk_verdict_returned AFTER INSERT ON comments
WHEN NEW.kind = 'returned'
BEGIN
    INSERT INTO desk_event (day, outlet, metric, key, n)
        SELECT substr(NEW.created_at, 1, 10), a.outlet, 'returned', NEW.author_id, 1
        FROM claims c JOIN articles a ON a.id = c.article_id WHERE c.id = NEW.claim_id
        UNION ALL
        SELECT substr(NEW.created_at, 1, 10), a.outlet, 'returned_to', coalesce(v.author_id, v.submitted_by, ''), 1
        FROM claims c JOIN articles a ON a.id = c.article_id JOIN verdicts v ON v.claim_id = c.id WHERE c.id = NEW.claim_id;
END;

-- The queue's oldest waiting claim, and open claims past their due date,
-- each one short index walk.
CREATE INDEX claims_waiting ON claims (queued_at) WHERE state = 'queued';
CREATE INDEX claims_open_due ON claims (due_at) WHERE state IN ('queued', 'in_review', 'submitted') AND due_at IS NOT NULL;

-- The backfill: counters for what is already stored. storage.RebuildDesk
-- runs the statements below this line again after a bulk load that went
-- around the triggers. Only a verdict's latest submission is on record, so
-- earlier submissions of a returned verdict are not counted here.
INSERT INTO desk_state_change (outlet, state, n)
    SELECT a.outlet, c.state, count(*) FROM claims c JOIN articles a ON a.id = c.article_id GROUP BY a.outlet, c.state;

INSERT INTO desk_event (day, outlet, metric, key, n)
    SELECT substr(c.created_at, 1, 10), a.outlet, 'added', '', count(*)
    FROM claims c JOIN articles a ON a.id = c.article_id GROUP BY 1, 2;

INSERT INTO desk_event (day, outlet, metric, key, n)
    SELECT substr(c.queued_at, 1, 10), a.outlet, 'accepted', '', count(*)
    FROM claims c JOIN articles a ON a.id = c.article_id WHERE c.queued_at IS NOT NULL GROUP BY 1, 2;

INSERT INTO desk_event (day, outlet, metric, key, n)
    SELECT substr(c.updated_at, 1, 10), a.outlet, 'dismissed', '', count(*)
    FROM claims c JOIN articles a ON a.id = c.article_id WHERE c.state = 'dismissed' GROUP BY 1, 2;

INSERT INTO desk_event (day, outlet, metric, key, n)
    SELECT substr(v.submitted_at, 1, 10), a.outlet, 'submitted', coalesce(v.submitted_by, ''), count(*)
    FROM verdicts v JOIN claims c ON c.id = v.claim_id JOIN articles a ON a.id = c.article_id
    WHERE v.submitted_at IS NOT NULL GROUP BY 1, 2, 4;

INSERT INTO desk_event (day, outlet, metric, key, n)
    SELECT substr(k.created_at, 1, 10), a.outlet, m.metric, CASE m.metric WHEN 'returned' THEN k.author_id ELSE coalesce(v.author_id, v.submitted_by, '') END, count(*)
    FROM comments k JOIN claims c ON c.id = k.claim_id JOIN articles a ON a.id = c.article_id
    LEFT JOIN verdicts v ON v.claim_id = c.id,
    (SELECT 'returned' AS metric UNION ALL SELECT 'returned_to') m
    WHERE k.kind = 'returned' GROUP BY 1, 2, 3, 4;

INSERT INTO desk_event (day, outlet, metric, key, n)
    SELECT x.day, x.outlet, m.metric, CASE m.metric
            WHEN 'approved' THEN ''
            WHEN 'approved_by' THEN coalesce(x.approved_by, '')
            WHEN 'approved_for' THEN coalesce(x.author_id, x.submitted_by, '')
            WHEN 'rating' THEN coalesce(x.rating_id, '')
            WHEN 'returns' THEN x.returns
            WHEN 'submitted_to_approved' THEN CAST(round(ln(1 + max(0, (julianday(x.approved_at) - julianday(x.submitted_at)) * 1440)) * 10) AS INTEGER)
            WHEN 'queued_to_approved' THEN CAST(round(ln(1 + max(0, (julianday(x.approved_at) - julianday(x.queued_at)) * 1440)) * 10) AS INTEGER)
            ELSE x.claimant || char(31) || coalesce(x.rating_id, '') END, count(*)
    FROM (
        SELECT substr(v.approved_at, 1, 10) AS day, a.outlet AS outlet, v.approved_at, v.approved_by, v.author_id, v.submitted_by,
            v.submitted_at, v.rating_id, c.queued_at, c.claimant,
            (SELECT CASE WHEN count(*) >= 3 THEN '3+' ELSE count(*) END FROM comments WHERE claim_id = v.claim_id AND kind = 'returned') AS returns
        FROM verdicts v JOIN claims c ON c.id = v.claim_id JOIN articles a ON a.id = c.article_id
        WHERE v.approved_at IS NOT NULL
    ) x,
    (SELECT 'approved' AS metric UNION ALL SELECT 'approved_by' UNION ALL SELECT 'approved_for' UNION ALL SELECT 'rating'
     UNION ALL SELECT 'returns' UNION ALL SELECT 'submitted_to_approved' UNION ALL SELECT 'queued_to_approved'
     UNION ALL SELECT 'claimant_rating') m
    WHERE NOT (m.metric = 'submitted_to_approved' AND x.submitted_at IS NULL)
      AND NOT (m.metric = 'queued_to_approved' AND x.queued_at IS NULL)
      AND NOT (m.metric = 'claimant_rating' AND x.claimant = '')
    GROUP BY 1, 2, 3, 4;
