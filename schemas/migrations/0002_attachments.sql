-- Files that came with an inbound message (JSON array of {kind, mime, path}); NULL = none.
ALTER TABLE inbox ADD COLUMN attachments_json TEXT;
