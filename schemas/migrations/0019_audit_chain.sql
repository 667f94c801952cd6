-- A tamper-evident audit log: each row carries its place in a hash chain (`chain_seq`, 1, 2, 3…)
-- and a SHA-256 over the previous row's hash and its own columns (`row_hash`), written in the
-- same transaction as the row. Rows from before this migration are chained at the next start.
ALTER TABLE audit_log ADD COLUMN chain_seq INTEGER;
ALTER TABLE audit_log ADD COLUMN row_hash BLOB;
CREATE UNIQUE INDEX audit_chain ON audit_log (chain_seq);
CREATE INDEX audit_unchained ON audit_log (id) WHERE chain_seq IS NULL;
