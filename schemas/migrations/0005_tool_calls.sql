-- Every tool call the AI made: which tool, with which arguments (secrets redacted), how it
-- ended and how long it took. Kept apart from audit_log (one row per answered message) because
-- one message can run many tools.
CREATE TABLE tool_calls (
    id          INTEGER PRIMARY KEY,
    created_at  INTEGER NOT NULL,
    channel     TEXT    NOT NULL,
    sender_id   TEXT    NOT NULL,
    inbox_id    INTEGER,
    tool        TEXT    NOT NULL,
    arguments   TEXT    NOT NULL,
    ok          INTEGER NOT NULL,
    outcome     TEXT    NOT NULL,
    duration_ms INTEGER NOT NULL
);
CREATE INDEX tool_calls_by_sender ON tool_calls (channel, sender_id, created_at);
