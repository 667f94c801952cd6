-- One person on several channels, linked only by their own explicit command (/link): the alias
-- session key uses the canonical key's facts, lessons and outcomes. Never guessed.
CREATE TABLE user_aliases (
    alias      TEXT    PRIMARY KEY,
    canonical  TEXT    NOT NULL,
    created_at INTEGER NOT NULL
);

CREATE TABLE link_codes (
    code       TEXT    PRIMARY KEY,
    sender     TEXT    NOT NULL,
    expires_at INTEGER NOT NULL
);
