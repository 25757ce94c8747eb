-- The KPIs read a period's records by the time they count from: leads by creation and by
-- becoming MQL, tickets by creation, first response and resolution, survey answers by
-- when they were given. Without these a period's read became every record's (or every
-- owner's whole history).
CREATE INDEX leads_created ON leads(created_at);
CREATE INDEX leads_mql ON leads(mql_at);
CREATE INDEX tickets_created ON tickets(created_at);
CREATE INDEX tickets_first_responded ON tickets(first_responded_at);
CREATE INDEX tickets_resolved_at ON tickets(resolved_at);
CREATE INDEX surveys_answered ON surveys(answered_at);
