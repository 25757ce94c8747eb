-- Settings are edited like records: each save names the version it started from and a
-- stale one is refused (409) instead of overwriting another admin's change. A key with
-- no row is version 0; rows saved before this migration start at 1.
ALTER TABLE settings ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
