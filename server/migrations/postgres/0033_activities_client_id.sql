-- A follow-up written on a phone without signal waits on the device and is sent when the
-- signal returns, perhaps twice (a retry, a second tab): the id the device gave it (a
-- UUIDv7) is kept, once, so the second sending finds the first instead of logging again.
ALTER TABLE activities ADD COLUMN client_id TEXT;
CREATE UNIQUE INDEX activities_client_id ON activities(client_id);
