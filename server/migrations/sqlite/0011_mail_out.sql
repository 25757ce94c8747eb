-- Mail Tandem sends (answers to customers, satisfaction surveys). A row is written in the
-- same transaction as what it tells, and kept: a send that fails is tried again later
-- with a growing pause, never dropped, and the ticket shows it as not delivered yet.
CREATE TABLE mail_out (
    id                INTEGER PRIMARY KEY,
    ticket_id         INTEGER REFERENCES tickets(id),
    ticket_message_id INTEGER REFERENCES ticket_messages(id),
    message_id        TEXT    NOT NULL UNIQUE,
    in_reply_to       TEXT,
    to_email          TEXT    NOT NULL,
    to_name           TEXT,
    subject           TEXT    NOT NULL,
    body              TEXT    NOT NULL,
    attempts          INTEGER NOT NULL DEFAULT 0,
    -- When to try (again); NULL once a mail server took it.
    next_attempt_at   INTEGER,
    last_error        TEXT,
    sent_at           INTEGER,
    created_at        INTEGER NOT NULL
);
CREATE INDEX mail_out_due ON mail_out(next_attempt_at);
CREATE INDEX mail_out_ticket_message ON mail_out(ticket_message_id);
-- The Message-ID of a customer's email, so that Tandem's answer threads under it.
ALTER TABLE ticket_messages ADD COLUMN email_message_id TEXT;
