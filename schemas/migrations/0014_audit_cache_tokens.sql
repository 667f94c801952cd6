-- Prompt-cache use per call: tokens read from the provider's cache and written to it (both are
-- part of input_tokens). /usage shows the day's hit rate and what it saved.
ALTER TABLE audit_log ADD COLUMN cache_read_tokens INTEGER;
ALTER TABLE audit_log ADD COLUMN cache_write_tokens INTEGER;
