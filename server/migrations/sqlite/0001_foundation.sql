-- Tandem schema for SQLite. Times are epoch milliseconds (UTC) in INTEGER columns, booleans
-- are 0/1 integers, money is integer minor units plus an ISO 4217 code: the same
-- representation as the PostgreSQL schema, so one code path serves both databases.
-- Every business record carries created/updated times and authors, a version for optimistic
-- concurrency (stale version → 409) and deleted_at for soft deletion.

CREATE TABLE teams (
    id          INTEGER PRIMARY KEY,
    name        TEXT    NOT NULL,
    parent_id   INTEGER REFERENCES teams(id),
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    version     INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX teams_parent ON teams(parent_id);

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    email         TEXT    NOT NULL UNIQUE,       -- stored lower-cased
    name          TEXT    NOT NULL,
    role          TEXT    NOT NULL CHECK (role IN ('rep','agent','manager','admin')),
    team_id       INTEGER REFERENCES teams(id),
    password_hash TEXT    NOT NULL,              -- argon2id PHC string
    active        INTEGER NOT NULL DEFAULT 1,
    locale        TEXT    NOT NULL DEFAULT 'zh-CN',
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    version       INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX users_team ON users(team_id);

-- Server-side sessions; the cookie carries a random token, the table its SHA-256.
CREATE TABLE sessions (
    token_hash   TEXT    PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users(id),
    created_at   INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    ip           TEXT,
    user_agent   TEXT
);
CREATE INDEX sessions_user ON sessions(user_id);
CREATE INDEX sessions_expiry ON sessions(expires_at);

CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY,
    name         TEXT    NOT NULL,
    token_hash   TEXT    NOT NULL UNIQUE,
    user_id      INTEGER NOT NULL REFERENCES users(id),
    created_by   INTEGER NOT NULL REFERENCES users(id),
    created_at   INTEGER NOT NULL,
    last_used_at INTEGER,
    revoked_at   INTEGER
);

-- Failed sign-ins, counted per account and per address over a sliding window.
CREATE TABLE login_failures (
    id    INTEGER PRIMARY KEY,
    email TEXT    NOT NULL,
    ip    TEXT    NOT NULL,
    at    INTEGER NOT NULL
);
CREATE INDEX login_failures_email ON login_failures(email, at);
CREATE INDEX login_failures_ip ON login_failures(ip, at);

-- Admin-editable settings (rule thresholds, SLA targets...), JSON values by key.
CREATE TABLE settings (
    key        TEXT    PRIMARY KEY,
    value      TEXT    NOT NULL,
    updated_at INTEGER NOT NULL,
    updated_by INTEGER REFERENCES users(id)
);

CREATE TABLE customers (
    id                INTEGER PRIMARY KEY,
    name              TEXT    NOT NULL,
    name_norm         TEXT    NOT NULL,          -- for duplicate detection
    industry          TEXT,
    region            TEXT,
    size              TEXT,
    source            TEXT,
    level             TEXT    NOT NULL DEFAULT 'C' CHECK (level IN ('A','B','C')),
    status            TEXT    NOT NULL DEFAULT 'prospect',
    tags              TEXT    NOT NULL DEFAULT '[]', -- JSON array of strings
    owner_id          INTEGER REFERENCES users(id),  -- NULL = public pool
    claimed_at        INTEGER,
    pool_entered_at   INTEGER,
    last_contact_at   INTEGER,
    next_follow_up_at INTEGER,
    health_score      INTEGER,
    locked            INTEGER NOT NULL DEFAULT 0,
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL,
    created_by        INTEGER REFERENCES users(id),
    updated_by        INTEGER REFERENCES users(id),
    deleted_at        INTEGER,
    version           INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX customers_owner_id ON customers(owner_id, id);
CREATE INDEX customers_owner_follow_up ON customers(owner_id, next_follow_up_at);
CREATE INDEX customers_follow_up ON customers(next_follow_up_at);
CREATE INDEX customers_last_contact ON customers(last_contact_at);
CREATE INDEX customers_name_norm ON customers(name_norm);

CREATE TABLE contacts (
    id             INTEGER PRIMARY KEY,
    customer_id    INTEGER NOT NULL REFERENCES customers(id),
    name           TEXT    NOT NULL,
    title          TEXT,
    phone          TEXT,                         -- E.164
    email          TEXT,                         -- lower-cased
    wechat         TEXT,
    decision_maker INTEGER NOT NULL DEFAULT 0,
    consent        INTEGER NOT NULL DEFAULT 0,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,
    created_by     INTEGER REFERENCES users(id),
    updated_by     INTEGER REFERENCES users(id),
    deleted_at     INTEGER,
    version        INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX contacts_customer ON contacts(customer_id, id);
CREATE INDEX contacts_phone ON contacts(phone);
CREATE INDEX contacts_email ON contacts(email);

CREATE TABLE leads (
    id                    INTEGER PRIMARY KEY,
    name                  TEXT    NOT NULL,
    company               TEXT,
    phone                 TEXT,
    email                 TEXT,
    source                TEXT    NOT NULL,      -- web_form | event | referral | import | api | trial | demo
    region                TEXT,
    industry              TEXT,
    product_line          TEXT,
    status                TEXT    NOT NULL DEFAULT 'new' CHECK (status IN ('new','mql','sql','converted','disqualified')),
    owner_id              INTEGER REFERENCES users(id),
    assigned_at           INTEGER,
    first_contact_due_at  INTEGER,
    first_contacted_at    INTEGER,
    mql_at                INTEGER,
    sql_at                INTEGER,
    disqualify_reason     TEXT,
    converted_customer_id INTEGER REFERENCES customers(id),
    converted_at          INTEGER,
    created_at            INTEGER NOT NULL,
    updated_at            INTEGER NOT NULL,
    created_by            INTEGER REFERENCES users(id),
    updated_by            INTEGER REFERENCES users(id),
    deleted_at            INTEGER,
    version               INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX leads_owner_status ON leads(owner_id, status);
CREATE INDEX leads_first_contact_due ON leads(first_contact_due_at);

CREATE TABLE opportunities (
    id               INTEGER PRIMARY KEY,
    customer_id      INTEGER NOT NULL REFERENCES customers(id),
    name             TEXT    NOT NULL,
    amount_minor     INTEGER,
    currency         TEXT    NOT NULL DEFAULT 'CNY',
    stage            TEXT    NOT NULL DEFAULT 'initial' CHECK (stage IN ('initial','needs','proposal','negotiation','won','lost')),
    probability      INTEGER NOT NULL DEFAULT 10,
    expected_close   TEXT,                       -- YYYY-MM-DD
    owner_id         INTEGER REFERENCES users(id),
    stage_entered_at INTEGER NOT NULL,
    pain_points      TEXT,
    decision_maker   TEXT,
    budget_range     TEXT,
    competitors      TEXT,
    lost_reason      TEXT,
    won_at           INTEGER,
    next_follow_up_at INTEGER,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL,
    created_by       INTEGER REFERENCES users(id),
    updated_by       INTEGER REFERENCES users(id),
    deleted_at       INTEGER,
    version          INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX opportunities_owner_stage ON opportunities(owner_id, stage);
CREATE INDEX opportunities_customer ON opportunities(customer_id);
CREATE INDEX opportunities_stage_entered ON opportunities(stage, stage_entered_at);

CREATE TABLE opportunity_stage_history (
    id             INTEGER PRIMARY KEY,
    opportunity_id INTEGER NOT NULL REFERENCES opportunities(id),
    stage          TEXT    NOT NULL,
    entered_at     INTEGER NOT NULL,
    entered_by     INTEGER REFERENCES users(id)
);
CREATE INDEX stage_history_opportunity ON opportunity_stage_history(opportunity_id, entered_at);

CREATE TABLE activities (
    id                INTEGER PRIMARY KEY,
    customer_id       INTEGER REFERENCES customers(id),
    contact_id        INTEGER REFERENCES contacts(id),
    opportunity_id    INTEGER REFERENCES opportunities(id),
    lead_id           INTEGER REFERENCES leads(id),
    ticket_id         INTEGER,
    kind              TEXT    NOT NULL CHECK (kind IN ('call','visit','email','meeting','wechat','note')),
    summary           TEXT    NOT NULL,
    occurred_at       INTEGER NOT NULL,
    next_follow_up_at INTEGER,
    latitude          REAL,
    longitude         REAL,
    user_id           INTEGER NOT NULL REFERENCES users(id),
    created_at        INTEGER NOT NULL,
    deleted_at        INTEGER
);
CREATE INDEX activities_customer_time ON activities(customer_id, occurred_at);
CREATE INDEX activities_user_time ON activities(user_id, occurred_at);
CREATE INDEX activities_lead ON activities(lead_id);

CREATE TABLE tasks (
    id          INTEGER PRIMARY KEY,
    title       TEXT    NOT NULL,
    due_at      INTEGER,
    assignee_id INTEGER NOT NULL REFERENCES users(id),
    creator_id  INTEGER REFERENCES users(id),
    customer_id INTEGER REFERENCES customers(id),
    opportunity_id INTEGER REFERENCES opportunities(id),
    done_at     INTEGER,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    deleted_at  INTEGER,
    version     INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX tasks_assignee_due ON tasks(assignee_id, due_at);

CREATE TABLE tickets (
    id                    INTEGER PRIMARY KEY,
    customer_id           INTEGER REFERENCES customers(id),
    contact_id            INTEGER REFERENCES contacts(id),
    subject               TEXT    NOT NULL,
    channel               TEXT    NOT NULL DEFAULT 'phone' CHECK (channel IN ('phone','email','web','chat')),
    category              TEXT    NOT NULL DEFAULT 'inquiry' CHECK (category IN ('technical','billing','inquiry','complaint')),
    priority              TEXT    NOT NULL DEFAULT 'normal' CHECK (priority IN ('urgent','high','normal','low')),
    status                TEXT    NOT NULL DEFAULT 'new' CHECK (status IN ('new','open','pending','resolved','closed')),
    assignee_id           INTEGER REFERENCES users(id),
    first_response_due_at INTEGER,
    resolution_due_at     INTEGER,
    first_responded_at    INTEGER,
    resolved_at           INTEGER,
    closed_at             INTEGER,
    csat                  INTEGER,
    created_at            INTEGER NOT NULL,
    updated_at            INTEGER NOT NULL,
    created_by            INTEGER REFERENCES users(id),
    deleted_at            INTEGER,
    version               INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX tickets_assignee_status ON tickets(assignee_id, status);
CREATE INDEX tickets_first_response_due ON tickets(first_response_due_at);
CREATE INDEX tickets_resolution_due ON tickets(resolution_due_at);
CREATE INDEX tickets_customer ON tickets(customer_id);

CREATE TABLE ticket_messages (
    id         INTEGER PRIMARY KEY,
    ticket_id  INTEGER NOT NULL REFERENCES tickets(id),
    author_id  INTEGER REFERENCES users(id),
    body       TEXT    NOT NULL,
    internal   INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL
);
CREATE INDEX ticket_messages_ticket ON ticket_messages(ticket_id, id);

CREATE TABLE articles (
    id               INTEGER PRIMARY KEY,
    title            TEXT    NOT NULL,
    body             TEXT    NOT NULL,
    category         TEXT,
    tags             TEXT    NOT NULL DEFAULT '[]',
    source_ticket_id INTEGER REFERENCES tickets(id),
    author_id        INTEGER REFERENCES users(id),
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL,
    deleted_at       INTEGER,
    version          INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE contracts (
    id              INTEGER PRIMARY KEY,
    customer_id     INTEGER NOT NULL REFERENCES customers(id),
    opportunity_id  INTEGER REFERENCES opportunities(id),
    amount_minor    INTEGER NOT NULL,
    currency        TEXT    NOT NULL DEFAULT 'CNY',
    start_date      TEXT    NOT NULL,            -- YYYY-MM-DD
    end_date        TEXT    NOT NULL,
    approval_status TEXT    NOT NULL DEFAULT 'pending' CHECK (approval_status IN ('pending','approved','rejected')),
    approved_by     INTEGER REFERENCES users(id),
    approved_at     INTEGER,
    owner_id        INTEGER REFERENCES users(id),
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    created_by      INTEGER REFERENCES users(id),
    deleted_at      INTEGER,
    version         INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX contracts_customer ON contracts(customer_id);
CREATE INDEX contracts_end ON contracts(end_date);

CREATE TABLE payments (
    id                    INTEGER PRIMARY KEY,
    contract_id           INTEGER NOT NULL REFERENCES contracts(id),
    planned_date          TEXT    NOT NULL,
    amount_minor          INTEGER NOT NULL,
    currency              TEXT    NOT NULL DEFAULT 'CNY',
    received_at           INTEGER,
    received_amount_minor INTEGER,
    created_at            INTEGER NOT NULL,
    updated_at            INTEGER NOT NULL,
    version               INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX payments_contract ON payments(contract_id);

CREATE TABLE alerts (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users(id),
    kind         TEXT    NOT NULL,
    entity_type  TEXT    NOT NULL,
    entity_id    INTEGER NOT NULL,
    title        TEXT    NOT NULL,
    body         TEXT    NOT NULL,
    due_at       INTEGER,
    created_at   INTEGER NOT NULL,
    delivered_at INTEGER,
    read_at      INTEGER,
    dedupe_key   TEXT    NOT NULL UNIQUE   -- a rule firing twice makes one alert
);
CREATE INDEX alerts_user ON alerts(user_id, id);

CREATE TABLE audit_entries (
    id          INTEGER PRIMARY KEY,
    actor_id    INTEGER REFERENCES users(id),
    action      TEXT    NOT NULL,
    entity_type TEXT    NOT NULL,
    entity_id   INTEGER NOT NULL,
    before      TEXT,                          -- JSON
    after       TEXT,                          -- JSON
    at          INTEGER NOT NULL,
    ip          TEXT
);
CREATE INDEX audit_entity ON audit_entries(entity_type, entity_id, at);
CREATE INDEX audit_actor ON audit_entries(actor_id, at);

-- Events written in the same transaction as the change that caused them.
CREATE TABLE outbox (
    id           INTEGER PRIMARY KEY,
    kind         TEXT    NOT NULL,
    entity_type  TEXT    NOT NULL,
    entity_id    INTEGER NOT NULL,
    payload      TEXT    NOT NULL,             -- JSON
    created_at   INTEGER NOT NULL,
    processed_at INTEGER
);
CREATE INDEX outbox_unprocessed ON outbox(processed_at, id);
