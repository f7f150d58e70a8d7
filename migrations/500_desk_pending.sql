-- The dashboard's counters are first added up in desk_pending, a small table
-- of desk_counts' shape, in the change's own transaction as before; the
-- writer folds them into desk_counts a slice at a time as it commits
-- (storage/deskfold.go), each slice's rows added there and taken from here
-- in one savepoint. A change then rewrites a few pages of a small table
-- instead of four counter rows an event, each on a page of its own among
-- years of counts, and the counters of today and this month, which every
-- change bumps, reach desk_counts once every few seconds rather than at every
-- commit. Readers read desk_counted, both tables summed: the figures are
-- exact at every commit, folded or not.
CREATE TABLE desk_pending (
    outlet TEXT    NOT NULL,
    metric TEXT    NOT NULL,
    period TEXT    NOT NULL,
    key    TEXT    NOT NULL DEFAULT '',
    n      INTEGER NOT NULL,
    PRIMARY KEY (outlet, metric, period, key)
) STRICT, WITHOUT ROWID;

-- A counter's rows: its folded count and what is pending, at most one each.
CREATE VIEW desk_counted (outlet, metric, period, key, n) AS
    SELECT outlet, metric, period, key, n FROM desk_counts
    UNION ALL
    SELECT outlet, metric, period, key, n FROM desk_pending;

DROP TRIGGER desk_event_count;

CREATE TRIGGER desk_event_count INSTEAD OF INSERT ON desk_event
BEGIN
    INSERT INTO desk_pending (period, outlet, metric, key, n) VALUES
        (NEW.day, ' ', NEW.metric, NEW.key, NEW.n),
        ('M' || substr(NEW.day, 1, 7), ' ', NEW.metric, NEW.key, NEW.n)
        ON CONFLICT (outlet, metric, period, key) DO UPDATE SET n = n + excluded.n;
    INSERT INTO desk_pending (period, outlet, metric, key, n) VALUES
        (NEW.day, NEW.outlet, NEW.metric, NEW.key, NEW.n),
        ('M' || substr(NEW.day, 1, 7), NEW.outlet, NEW.metric, NEW.key, NEW.n)
        ON CONFLICT (outlet, metric, period, key) DO UPDATE SET n = n + excluded.n;
END;
