-- The dashboard keeps what it has worked out for a filter for as long as
-- nothing it reads has changed. desk_generation's one number goes up, in
-- the same transaction, with every change to what the dashboard reads: its
-- counters (desk_counts, desk_states, desk_due), the claims' time in the
-- queue, people's names and the rating scale.
CREATE TABLE desk_generation (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    n  INTEGER NOT NULL
) STRICT;

INSERT INTO desk_generation (id, n) VALUES (1, 1);

-- Every counter is written through the desk_event view (migration 140),
-- one event bumping four rows: a second trigger on the view moves the
-- generation once per event rather than once per row.
CREATE TRIGGER desk_generation_event INSTEAD OF INSERT ON desk_event
BEGIN
    UPDATE desk_generation SET n = n + 1;
END;

CREATE TRIGGER desk_generation_states_added AFTER INSERT ON desk_states
BEGIN
    UPDATE desk_generation SET n = n + 1;
END;

CREATE TRIGGER desk_generation_states_changed AFTER UPDATE ON desk_states
BEGIN
    UPDATE desk_generation SET n = n + 1;
END;

CREATE TRIGGER desk_generation_states_removed AFTER DELETE ON desk_states
BEGIN
    UPDATE desk_generation SET n = n + 1;
END;

CREATE TRIGGER desk_generation_due_added AFTER INSERT ON desk_due
BEGIN
    UPDATE desk_generation SET n = n + 1;
END;

CREATE TRIGGER desk_generation_due_changed AFTER UPDATE ON desk_due
BEGIN
    UPDATE desk_generation SET n = n + 1;
END;

CREATE TRIGGER desk_generation_due_removed AFTER DELETE ON desk_due
BEGIN
    UPDATE desk_generation SET n = n + 1;
END;

-- The oldest waiting claim is read from the claims themselves.
CREATE TRIGGER desk_generation_queued_at AFTER UPDATE OF queued_at ON claims
WHEN NEW.queued_at IS NOT OLD.queued_at
BEGIN
    UPDATE desk_generation SET n = n + 1;
END;

CREATE TRIGGER desk_generation_user_name AFTER UPDATE OF name ON users
WHEN NEW.name IS NOT OLD.name
BEGIN
    UPDATE desk_generation SET n = n + 1;
END;

CREATE TRIGGER desk_generation_rating_added AFTER INSERT ON ratings
BEGIN
    UPDATE desk_generation SET n = n + 1;
END;

CREATE TRIGGER desk_generation_rating_changed AFTER UPDATE ON ratings
BEGIN
    UPDATE desk_generation SET n = n + 1;
END;

CREATE TRIGGER desk_generation_rating_removed AFTER DELETE ON ratings
BEGIN
    UPDATE desk_generation SET n = n + 1;
END;
