-- Ticket routing: the team a ticket belongs to (set by a routing rule or by hand), the
-- routing rule that assigned it (its round robin continues after the last ticket it gave),
-- and agents who are away (they keep their tickets but get no new ones).
ALTER TABLE tickets ADD COLUMN team_id INTEGER REFERENCES teams(id);
ALTER TABLE tickets ADD COLUMN assignment_rule INTEGER;
CREATE INDEX tickets_team_status ON tickets(team_id, status);
CREATE INDEX tickets_assignment_rule ON tickets(assignment_rule, id);
ALTER TABLE users ADD COLUMN away INTEGER NOT NULL DEFAULT 0;
