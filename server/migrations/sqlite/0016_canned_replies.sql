-- Canned replies: answers the desk gives often, with placeholders ({{customer}},
-- {{contact}}, {{ticket}}, {{subject}}, {{agent}}) filled in for the ticket at hand.
CREATE TABLE canned_replies (
    id         INTEGER PRIMARY KEY,
    title      TEXT    NOT NULL,
    body       TEXT    NOT NULL,
    created_by INTEGER REFERENCES users(id),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    deleted_at INTEGER,
    version    INTEGER NOT NULL DEFAULT 1
);
