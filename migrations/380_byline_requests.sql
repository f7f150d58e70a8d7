-- A new or changed byline (public_name) waits here for an editor's
-- approval before published checks carry it; NULL: none waiting.
-- Withdrawing a byline takes effect at once and needs no approval.
ALTER TABLE users ADD COLUMN public_name_requested TEXT;
ALTER TABLE users ADD COLUMN public_name_requested_at TEXT;
