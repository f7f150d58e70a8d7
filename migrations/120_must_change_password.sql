-- A password an admin issued (a new account, a reset) must be replaced by
-- the person's own at their first sign-in.
ALTER TABLE users ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0 CHECK (must_change_password IN (0, 1));
