-- Every SLA breach as it happened, for the managers' KPIs: which ticket and clock, when it
-- was due, and when the clock was met after all (late by met_at - due_at; NULL: not yet).
CREATE TABLE sla_breaches (
    id        INTEGER PRIMARY KEY,
    ticket_id INTEGER NOT NULL REFERENCES tickets(id),
    clock     TEXT    NOT NULL CHECK (clock IN ('first_response', 'resolution')),
    due_at    INTEGER NOT NULL,
    met_at    INTEGER,
    UNIQUE (ticket_id, clock, due_at)
);
CREATE INDEX sla_breaches_due ON sla_breaches(due_at);
