-- Files that came with a customer's email, kept in the database so that every instance
-- on one database serves them and a backup holds them.
CREATE TABLE ticket_attachments (
    id                INTEGER PRIMARY KEY,
    ticket_id         INTEGER NOT NULL REFERENCES tickets(id),
    ticket_message_id INTEGER NOT NULL REFERENCES ticket_messages(id),
    file_name         TEXT    NOT NULL,
    content_type      TEXT    NOT NULL,
    size_bytes        INTEGER NOT NULL,
    content           BLOB   NOT NULL,
    created_at        INTEGER NOT NULL
);
CREATE INDEX ticket_attachments_ticket ON ticket_attachments(ticket_id, ticket_message_id);
-- An email is taken in once: the same message read again (from the mailbox after a crash,
-- or by two doors) is known by its Message-ID.
CREATE UNIQUE INDEX ticket_messages_email_message_id ON ticket_messages(email_message_id);
