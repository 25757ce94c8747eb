-- Devices that have signed in: a browser presenting one of these cookies is let through
-- the throttle that other people's failures put on its account or its address, so an
-- attacker guessing passwords slows down themselves, not the person they target.
CREATE TABLE known_devices (
    token_hash   TEXT    PRIMARY KEY,          -- SHA-256 of the device cookie
    user_id      BIGINT  NOT NULL REFERENCES users(id),
    created_at   BIGINT  NOT NULL,
    last_used_at BIGINT  NOT NULL
);
CREATE INDEX known_devices_user ON known_devices(user_id);

-- Failures are throttled per (account, address) pair.
CREATE INDEX login_failures_pair ON login_failures(email, ip, at);

-- API tokens carry scopes (comma-separated "domain:read" / "domain:write", "*:read"...)
-- and an optional expiry. Tokens made before this migration keep their full access.
ALTER TABLE api_tokens ADD COLUMN scopes TEXT NOT NULL DEFAULT '*:read,*:write';
ALTER TABLE api_tokens ADD COLUMN expires_at BIGINT;
