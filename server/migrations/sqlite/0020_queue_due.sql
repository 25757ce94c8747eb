-- The queue's order kept on the row: the next deadline an open ticket is worked by (the
-- first response until given, then the sooner of the next response and the resolution;
-- far in the future when none runs), NULL once it is resolved or closed. Each queue view
-- reads its first page from an index in this order instead of sorting every open ticket.
ALTER TABLE tickets ADD COLUMN next_due_at INTEGER;
UPDATE tickets SET next_due_at = COALESCE(CASE WHEN first_responded_at IS NULL THEN first_response_due_at
    WHEN next_response_due_at IS NOT NULL AND (resolution_due_at IS NULL
    OR next_response_due_at < resolution_due_at) THEN next_response_due_at
    ELSE resolution_due_at END, 9000000000000000)
WHERE status IN ('new', 'open', 'pending');
CREATE INDEX tickets_queue_due ON tickets(next_due_at, id);
CREATE INDEX tickets_assignee_due ON tickets(assignee_id, next_due_at, id);
CREATE INDEX tickets_team_due ON tickets(team_id, next_due_at, id);
CREATE INDEX tickets_status_due ON tickets(status, next_due_at, id);
DROP INDEX tickets_team_status;
