-- What the AI learns and reports, per sender (`sender` is the session key, channel:sender_id):
-- behavioural rules (LESSON, SKILL_IMPROVE with domain "skill:NAME"), outcomes (REWARD) and bug
-- reports (BUG_REPORT). Shown by /learning; lessons go into the system prompt.
CREATE TABLE lessons (
    id         INTEGER PRIMARY KEY,
    sender     TEXT    NOT NULL,
    domain     TEXT    NOT NULL,
    rule       TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    UNIQUE (sender, domain, rule)
);
CREATE INDEX lessons_by_sender ON lessons (sender, created_at);

CREATE TABLE rewards (
    id         INTEGER PRIMARY KEY,
    sender     TEXT    NOT NULL,
    score      INTEGER NOT NULL CHECK (score IN (-1, 0, 1)),
    domain     TEXT    NOT NULL,
    lesson     TEXT    NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX rewards_by_sender ON rewards (sender, created_at);

CREATE TABLE bug_reports (
    id          INTEGER PRIMARY KEY,
    sender      TEXT    NOT NULL,
    description TEXT    NOT NULL,
    created_at  INTEGER NOT NULL
);
