-- Satisfaction surveys: a single-use link sent to a contact (its token kept only as a
-- hash), for a ticket's CSAT (1–5, when it is resolved) or the company's NPS (0–10, when
-- an admin sends one). The answer is kept per contact, and a CSAT also on its ticket.
CREATE TABLE surveys (
    id          INTEGER PRIMARY KEY,
    kind        TEXT    NOT NULL CHECK (kind IN ('csat','nps')),
    token_hash  TEXT    NOT NULL UNIQUE,
    ticket_id   INTEGER REFERENCES tickets(id),
    customer_id INTEGER NOT NULL REFERENCES customers(id),
    contact_id  INTEGER REFERENCES contacts(id),
    score       INTEGER,
    comment     TEXT,
    expires_at  INTEGER NOT NULL,
    answered_at INTEGER,
    created_by  INTEGER REFERENCES users(id),
    created_at  INTEGER NOT NULL
);
CREATE INDEX surveys_ticket ON surveys(ticket_id);
CREATE INDEX surveys_customer ON surveys(customer_id, id);
