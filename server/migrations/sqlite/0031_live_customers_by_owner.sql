-- The manager's team book counts each rep's overdue follow-ups and the public pool's
-- customers among the live ones: an index of the live customers alone answers both
-- without reading a row (the deleted ones were read to be left out).
CREATE INDEX customers_live_owner_follow_up ON customers(owner_id, next_follow_up_at) WHERE deleted_at IS NULL;
