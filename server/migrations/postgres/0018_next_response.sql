-- The next-response clock: since when a customer who wrote after the desk had answered
-- waits for the next answer, and when it is due (indexed for the alert rules).
ALTER TABLE tickets ADD COLUMN awaiting_reply_since BIGINT;
ALTER TABLE tickets ADD COLUMN next_response_due_at BIGINT;
CREATE INDEX tickets_next_response_due ON tickets(status, next_response_due_at);
-- Breaches of the next-response clock are recorded like the others.
ALTER TABLE sla_breaches DROP CONSTRAINT IF EXISTS sla_breaches_clock_check;
ALTER TABLE sla_breaches ADD CONSTRAINT sla_breaches_clock_check
    CHECK (clock IN ('first_response', 'resolution', 'next_response'));
-- A duplicate merged into another ticket is closed and names it; a reply to it joins that one.
ALTER TABLE tickets ADD COLUMN merged_into_id BIGINT REFERENCES tickets(id);
