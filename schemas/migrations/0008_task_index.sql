-- One sender's pending tasks, soonest first, without scanning everyone's: every message's prompt
-- lists them (measured: 15 ms with 100,000 pending tasks before, see BENCHMARKS.md).
DROP INDEX IF EXISTS tasks_by_sender;
CREATE INDEX tasks_by_sender_due ON scheduled_tasks (channel, sender_id, status, due_at);
