-- A file sent with a reply (send_file): Omega's own copy, its name and type. The row's text is
-- its caption.
ALTER TABLE outbox ADD COLUMN file_path TEXT;
ALTER TABLE outbox ADD COLUMN file_name TEXT;
ALTER TABLE outbox ADD COLUMN file_mime TEXT;
