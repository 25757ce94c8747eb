-- Lead capture forms (a public web form posts with its key) and lead routing state.
CREATE TABLE lead_forms (
    id         INTEGER PRIMARY KEY,
    name       TEXT    NOT NULL,
    key_hash   TEXT    NOT NULL UNIQUE,   -- SHA-256 of the form key
    source     TEXT    NOT NULL DEFAULT 'web_form',
    active     INTEGER NOT NULL DEFAULT 1,
    created_at INTEGER NOT NULL
);
-- Which assignment rule routed the lead (for round robin), and where the public form
-- submission came from (rate limit per address).
ALTER TABLE leads ADD COLUMN assignment_rule INTEGER;
ALTER TABLE leads ADD COLUMN client_ip TEXT;
CREATE INDEX leads_rule_assigned ON leads(assignment_rule, assigned_at);
CREATE INDEX leads_status_mql ON leads(status, mql_at);
CREATE INDEX leads_ip_created ON leads(client_ip, created_at);
