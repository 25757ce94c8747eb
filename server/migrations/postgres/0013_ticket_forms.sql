-- A public web form opens leads or tickets: its purpose decides which endpoint its key
-- works on. Tickets remember the address a public form was posted from (rate limit).
ALTER TABLE lead_forms ADD COLUMN purpose TEXT NOT NULL DEFAULT 'leads';
ALTER TABLE tickets ADD COLUMN client_ip TEXT;
CREATE INDEX tickets_ip_created ON tickets(client_ip, created_at);
