-- A call whose provider reported no usage is counted by Omega's estimate (four characters a
-- token); its audit row says so: `usage_estimated` = 1. NULL for counts the provider reported,
-- and for every row before this migration. Hashed into the audit chain only when set, so the
-- hashes of rows from before it are unchanged.
ALTER TABLE audit_log ADD COLUMN usage_estimated INTEGER;
