-- Provider-side sessions (the Claude Code CLI's `--resume` ids), one per sender and provider.
-- Dropped when the sender's conversation is closed, so a new conversation starts fresh.
CREATE TABLE provider_sessions (
    channel    TEXT    NOT NULL,
    sender_id  TEXT    NOT NULL,
    provider   TEXT    NOT NULL,
    session_id TEXT    NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (channel, sender_id, provider)
);
