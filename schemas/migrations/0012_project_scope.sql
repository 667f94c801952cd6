-- Memory per project: a sender's conversations, summaries, lessons and outcomes belong to the
-- project that was active ('' = none), as tasks and provider sessions already do. Switching
-- projects switches context; switching back resumes it.
ALTER TABLE summaries ADD COLUMN project TEXT NOT NULL DEFAULT '';
UPDATE summaries SET project = COALESCE((SELECT project FROM conversations c WHERE c.id = summaries.conversation_id), '');
ALTER TABLE rewards ADD COLUMN project TEXT NOT NULL DEFAULT '';

-- A rule learned in a project is that project's; the same rule may be known in two scopes.
CREATE TABLE lessons_new (
    id         INTEGER PRIMARY KEY,
    sender     TEXT    NOT NULL,
    project    TEXT    NOT NULL DEFAULT '',
    domain     TEXT    NOT NULL,
    rule       TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    UNIQUE (sender, project, domain, rule)
);
INSERT INTO lessons_new (id, sender, project, domain, rule, created_at)
    SELECT id, sender, '', domain, rule, created_at FROM lessons;
DROP TABLE lessons;
ALTER TABLE lessons_new RENAME TO lessons;
CREATE INDEX lessons_by_sender ON lessons (sender, project, created_at);

DROP INDEX rewards_by_sender;
CREATE INDEX rewards_by_sender ON rewards (sender, project, created_at);
DROP INDEX summaries_by_sender;
CREATE INDEX summaries_by_sender ON summaries (channel, sender_id, project, created_at);
DROP INDEX conversations_by_sender;
CREATE INDEX conversations_by_sender ON conversations (channel, sender_id, project, status);
