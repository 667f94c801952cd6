-- A linked device's key material (WhatsApp Web: Signal identities, sessions, pre-keys, sender
-- keys, app-state keys, the LID ↔ phone map...). Opaque values by (space, key); `num` is the one
-- number a space is queried by (a time, a version, an "uploaded" flag). Kept with the rest of
-- Omega's data, in the protected data dir, behind the same single writer.
CREATE TABLE device_keys (
    space TEXT    NOT NULL,
    key   TEXT    NOT NULL,
    value BLOB    NOT NULL,
    num   INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (space, key)
) WITHOUT ROWID;

CREATE INDEX device_keys_num ON device_keys (space, num);
