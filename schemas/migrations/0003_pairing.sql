-- Senders let in by pairing, beyond a channel's configured allowed list.
CREATE TABLE approved_senders (
    channel     TEXT    NOT NULL,
    sender_id   TEXT    NOT NULL,
    sender_name TEXT,
    approved_at INTEGER NOT NULL,
    PRIMARY KEY (channel, sender_id)
);

-- One-time codes handed to unknown senders; the owner approves a code to let its sender in.
CREATE TABLE pairing_codes (
    code         TEXT    PRIMARY KEY,
    channel      TEXT    NOT NULL,
    sender_id    TEXT    NOT NULL,
    sender_name  TEXT,
    reply_target TEXT    NOT NULL,
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL
);
CREATE UNIQUE INDEX pairing_codes_by_sender ON pairing_codes (channel, sender_id);
