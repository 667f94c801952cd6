-- A message a client asked to send once (`POST /api/webhook` with an `id`): a retried request
-- finds the row it made instead of sending the text again.
ALTER TABLE outbox ADD COLUMN dedup_key TEXT;
CREATE UNIQUE INDEX outbox_dedup ON outbox (dedup_key) WHERE dedup_key IS NOT NULL;
