-- The newsroom's own claim scorer: each version learnt from its triage
-- labels, with its provenance and figures, and which one is in use (none:
-- the base model built into the program). Articles record the version that
-- scored them.
CREATE TABLE scorer_models (
    version       INTEGER PRIMARY KEY AUTOINCREMENT,
    model         BLOB    NOT NULL,
    threshold     REAL    NOT NULL,
    triage_labels INTEGER NOT NULL,
    file_labels   INTEGER NOT NULL,
    positive      INTEGER NOT NULL,
    f1_before     REAL    NOT NULL,
    f1_after      REAL    NOT NULL,
    strength      REAL    NOT NULL,
    labels_seen   INTEGER NOT NULL,
    created_by    TEXT    NOT NULL,
    created_at    TEXT    NOT NULL
) STRICT;

CREATE TABLE scorer_state (
    id              INTEGER PRIMARY KEY CHECK (id = 1),
    current_version INTEGER REFERENCES scorer_models (version),
    auto_every      INTEGER NOT NULL DEFAULT 0 CHECK (auto_every >= 0),
    updated_at      TEXT    NOT NULL
) STRICT;

INSERT INTO scorer_state (id, current_version, auto_every, updated_at) VALUES (1, NULL, 0, '');

ALTER TABLE articles ADD COLUMN scorer_version INTEGER REFERENCES scorer_models (version);
