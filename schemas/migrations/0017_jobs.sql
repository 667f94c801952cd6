-- Background jobs. A job is an inbox row (so it is durable, answered exactly once, and resumed
-- after a restart like any message) whose external id is `job:ORIGIN:KEY` — the message that
-- started it, and its request — so a message answered twice (after a crash) starts it once.
-- This table holds what only a job has: the project it runs in.
CREATE TABLE jobs (
    inbox_id    INTEGER PRIMARY KEY REFERENCES inbox (id) ON DELETE CASCADE,
    project     TEXT    NOT NULL DEFAULT '',
    -- The message that started it (NULL: a command, or that message is gone).
    origin      INTEGER
);
-- Pending jobs are found at start-up without scanning the inbox.
CREATE INDEX inbox_pending_jobs ON inbox (id) WHERE status = 'pending' AND external_id LIKE 'job:%';
