-- A conversation that outgrew the context budget: its older messages (ids up to
-- compacted_through) are carried in the prompt as one rolling summary instead of being dropped.
-- They stay in `messages` (and searchable by recall).
ALTER TABLE conversations ADD COLUMN compacted TEXT;
ALTER TABLE conversations ADD COLUMN compacted_through INTEGER NOT NULL DEFAULT 0;
