-- Omega's first schema. Times are INTEGER milliseconds since the Unix epoch, UTC.
-- A sender is identified by channel + sender_id; facts use the session key "channel:sender_id".

-- Conversations: the messages exchanged with one sender on one channel until closed.
CREATE TABLE conversations (
    id            INTEGER PRIMARY KEY,
    channel       TEXT    NOT NULL,
    sender_id     TEXT    NOT NULL,
    project       TEXT    NOT NULL DEFAULT '',
    status        TEXT    NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'closed')),
    summary       TEXT,
    started_at    INTEGER NOT NULL,
    last_activity INTEGER NOT NULL
);
CREATE INDEX conversations_by_sender ON conversations (channel, sender_id, status);
CREATE INDEX conversations_by_activity ON conversations (status, last_activity);

-- Inbox: every inbound message that passed auth, written before the channel is acknowledged.
CREATE TABLE inbox (
    id           INTEGER PRIMARY KEY,
    channel      TEXT    NOT NULL,
    sender_id    TEXT    NOT NULL,
    sender_name  TEXT,
    reply_target TEXT    NOT NULL,
    external_id  TEXT,
    text         TEXT    NOT NULL,          -- sanitized
    status       TEXT    NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'done', 'failed')),
    attempts     INTEGER NOT NULL DEFAULT 0,   -- interruptions (restarts) it was resumed after
    received_at  INTEGER NOT NULL,
    finished_at  INTEGER
);
CREATE UNIQUE INDEX inbox_dedup ON inbox (channel, external_id) WHERE external_id IS NOT NULL;
CREATE INDEX inbox_unfinished ON inbox (status) WHERE status = 'pending';
CREATE INDEX inbox_by_sender ON inbox (channel, sender_id, id);

-- Messages of conversations. Content is what the model saw: the sanitized text.
CREATE TABLE messages (
    id              INTEGER PRIMARY KEY,
    conversation_id INTEGER NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    role            TEXT    NOT NULL CHECK (role IN ('user', 'assistant')),
    content         TEXT    NOT NULL,
    inbox_id        INTEGER REFERENCES inbox (id) ON DELETE SET NULL,
    created_at      INTEGER NOT NULL,
    metadata_json   TEXT
);
CREATE INDEX messages_by_conversation ON messages (conversation_id, id);

-- Facts about a person, scoped per sender: one sender never sees another's facts.
CREATE TABLE facts (
    id         INTEGER PRIMARY KEY,
    sender     TEXT    NOT NULL,
    key        TEXT    NOT NULL,
    value      TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    UNIQUE (sender, key)
);

-- Summaries of closed conversations.
CREATE TABLE summaries (
    id              INTEGER PRIMARY KEY,
    conversation_id INTEGER NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    channel         TEXT    NOT NULL,
    sender_id       TEXT    NOT NULL,
    summary         TEXT    NOT NULL,
    created_at      INTEGER NOT NULL
);
CREATE INDEX summaries_by_sender ON summaries (channel, sender_id, created_at);

-- Scheduled tasks. due_at is UTC; timezone is the user's zone the time was meant in.
CREATE TABLE scheduled_tasks (
    id           TEXT    PRIMARY KEY,
    channel      TEXT    NOT NULL,
    sender_id    TEXT    NOT NULL,
    reply_target TEXT    NOT NULL,
    kind         TEXT    NOT NULL DEFAULT 'reminder' CHECK (kind IN ('reminder', 'action')),
    description  TEXT    NOT NULL,
    due_at       INTEGER NOT NULL,
    timezone     TEXT    NOT NULL DEFAULT 'UTC',
    repeat       TEXT,
    project      TEXT    NOT NULL DEFAULT '',
    status       TEXT    NOT NULL DEFAULT 'pending'
                 CHECK (status IN ('pending', 'claimed', 'done', 'cancelled', 'failed')),
    retry_count  INTEGER NOT NULL DEFAULT 0,
    last_error   TEXT,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
);
CREATE INDEX tasks_due ON scheduled_tasks (status, due_at);
CREATE INDEX tasks_by_sender ON scheduled_tasks (channel, sender_id, status);

-- The audit log: one row per handled message (and per denial).
CREATE TABLE audit_log (
    id            INTEGER PRIMARY KEY,
    created_at    INTEGER NOT NULL,
    channel       TEXT    NOT NULL,
    sender_id     TEXT    NOT NULL,
    sender_name   TEXT,
    inbox_id      INTEGER,
    input_text    TEXT    NOT NULL,
    output_text   TEXT,
    provider      TEXT,
    model         TEXT,
    input_tokens  INTEGER,
    output_tokens INTEGER,
    cost_usd      REAL,
    latency_ms    INTEGER,
    status        TEXT    NOT NULL CHECK (status IN ('ok', 'error', 'denied')),
    error         TEXT
);
CREATE INDEX audit_by_time ON audit_log (created_at);
CREATE INDEX audit_by_sender ON audit_log (channel, sender_id);

-- Outbox: every reply, kept until its channel confirms delivery.
CREATE TABLE outbox (
    id           INTEGER PRIMARY KEY,
    inbox_id     INTEGER REFERENCES inbox (id) ON DELETE SET NULL,
    channel      TEXT    NOT NULL,
    recipient    TEXT    NOT NULL,
    kind         TEXT    NOT NULL CHECK (kind IN ('reply', 'error', 'notice')),
    text         TEXT    NOT NULL,
    status       TEXT    NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts     INTEGER NOT NULL DEFAULT 0,
    last_error   TEXT,
    created_at   INTEGER NOT NULL,
    delivered_at INTEGER
);
CREATE INDEX outbox_pending ON outbox (channel, status) WHERE status = 'pending';
CREATE INDEX outbox_by_inbox ON outbox (inbox_id);
CREATE INDEX outbox_by_recipient ON outbox (channel, recipient, id);

-- Per-channel state that must survive restarts (e.g. the Telegram update offset).
CREATE TABLE channel_state (
    channel    TEXT    NOT NULL,
    key        TEXT    NOT NULL,
    value      TEXT    NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (channel, key)
);
