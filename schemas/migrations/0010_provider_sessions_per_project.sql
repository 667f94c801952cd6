-- One provider session per sender *and* project: switching projects must not continue the other
-- project's CLI conversation. '' = no project is active.
CREATE TABLE provider_sessions_new (
    channel    TEXT    NOT NULL,
    sender_id  TEXT    NOT NULL,
    project    TEXT    NOT NULL DEFAULT '',
    provider   TEXT    NOT NULL,
    session_id TEXT    NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (channel, sender_id, project, provider)
);
INSERT INTO provider_sessions_new (channel, sender_id, project, provider, session_id, updated_at)
    SELECT channel, sender_id, '', provider, session_id, updated_at FROM provider_sessions;
DROP TABLE provider_sessions;
ALTER TABLE provider_sessions_new RENAME TO provider_sessions;
