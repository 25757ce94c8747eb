-- The public pool (公海): every claim, release, assignment and reclaim, for the daily claim
-- cap, the previous owner's cooling-off period and the audit of who held a customer.
CREATE TABLE pool_events (
    id          INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers(id),
    user_id     INTEGER REFERENCES users(id),       -- the rep who claimed, released or lost it
    actor_id    INTEGER REFERENCES users(id),       -- who did it (NULL: the reclaim rule)
    action      TEXT    NOT NULL CHECK (action IN ('claim','release','assign','reclaim')),
    reason      TEXT,
    at          INTEGER NOT NULL
);
CREATE INDEX pool_events_user ON pool_events(user_id, action, at);
CREATE INDEX pool_events_customer ON pool_events(customer_id, user_id, at);

-- When an owned customer returns to the pool unless someone acts; kept current on every
-- write that moves it, so the reclaim rule is an indexed range query.
ALTER TABLE customers ADD COLUMN reclaim_at INTEGER;
CREATE INDEX customers_reclaim ON customers(reclaim_at);
ALTER TABLE customers ADD COLUMN reclaim_reason TEXT;  -- no_follow_up | no_won_deal
