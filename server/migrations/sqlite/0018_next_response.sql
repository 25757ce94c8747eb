-- The next-response clock: since when a customer who wrote after the desk had answered
-- waits for the next answer, and when it is due (indexed for the alert rules).
ALTER TABLE tickets ADD COLUMN awaiting_reply_since INTEGER;
ALTER TABLE tickets ADD COLUMN next_response_due_at INTEGER;
CREATE INDEX tickets_next_response_due ON tickets(status, next_response_due_at);
-- Breaches of the next-response clock are recorded like the others (SQLite changes a
-- CHECK by making the table again).
CREATE TABLE sla_breaches_new (
    id        INTEGER PRIMARY KEY,
    ticket_id INTEGER NOT NULL REFERENCES tickets(id),
    clock     TEXT    NOT NULL CHECK (clock IN ('first_response', 'resolution', 'next_response')),
    due_at    INTEGER NOT NULL,
    met_at    INTEGER,
    UNIQUE (ticket_id, clock, due_at)
);
INSERT INTO sla_breaches_new (id, ticket_id, clock, due_at, met_at)
    SELECT id, ticket_id, clock, due_at, met_at FROM sla_breaches;
DROP TABLE sla_breaches;
ALTER TABLE sla_breaches_new RENAME TO sla_breaches;
CREATE INDEX sla_breaches_due ON sla_breaches(due_at);
-- A duplicate merged into another ticket is closed and names it; a reply to it joins that one.
ALTER TABLE tickets ADD COLUMN merged_into_id INTEGER REFERENCES tickets(id);
