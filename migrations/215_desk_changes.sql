-- How many times each day's and each month's counters have changed, so
-- that the dashboard can keep what it read of a day or a month in memory
-- and read it again only once that period's counters have moved: most
-- changes count on today, so the rest of a period stays as it was read.
--
-- Every counted event goes through desk_event (migration 140); this
-- trigger moves the event's day and month in the same transaction. A
-- period never changed has no row (0 changes). storage.RebuildDesk, which
-- writes desk_counts around the view, moves every period it touches.
CREATE TABLE desk_changes (
    period TEXT    PRIMARY KEY, -- as desk_counts.period: YYYY-MM-DD or MYYYY-MM
    n      INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

CREATE TRIGGER desk_changes_event INSTEAD OF INSERT ON desk_event
BEGIN
    INSERT INTO desk_changes (period, n) VALUES (NEW.day, 1), ('M' || substr(NEW.day, 1, 7), 1)
        ON CONFLICT (period) DO UPDATE SET n = n + 1;
END;
