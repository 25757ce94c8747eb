-- The alert engine's progress: how far time-based rules have looked (ms), and the like.
CREATE TABLE engine_state (
    name  TEXT   PRIMARY KEY,
    value BIGINT NOT NULL
);
-- Unread first for each user; the hub reads new alerts by id.
CREATE INDEX alerts_user_unread ON alerts(user_id, read_at, id);
-- Due-time columns the time-based rules range over.
CREATE INDEX opportunities_won ON opportunities(won_at);
CREATE INDEX tasks_due ON tasks(due_at);
