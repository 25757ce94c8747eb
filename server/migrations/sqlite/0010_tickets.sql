-- Working tickets: who last changed one, and the spans its resolution clock stood still
-- (pending on the customer, or resolved before a reopen), which the SLA clocks leave out.
ALTER TABLE tickets ADD COLUMN updated_by INTEGER REFERENCES users(id);
CREATE TABLE ticket_pauses (
    id         INTEGER PRIMARY KEY,
    ticket_id  INTEGER NOT NULL REFERENCES tickets(id),
    paused_at  INTEGER NOT NULL,
    resumed_at INTEGER
);
CREATE INDEX ticket_pauses_ticket ON ticket_pauses(ticket_id, id);
-- The queue reads open tickets by their next deadline.
CREATE INDEX tickets_open_by_due ON tickets(status, first_response_due_at, resolution_due_at);
-- Resolved tickets close themselves some days later.
CREATE INDEX tickets_resolved ON tickets(status, resolved_at);
