use crate::error::MemoryError;
use crate::open::Store;
use crate::rows::ToolCallRow;

/// One tool call to record. Arguments and outcome must already be redacted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ToolCallRecord {
    pub channel: String,
    pub sender_id: String,
    pub inbox_id: Option<i64>,
    pub tool: String,
    /// JSON.
    pub arguments: String,
    pub ok: bool,
    /// What the tool returned; cut to [`OUTCOME_CHARS`] characters.
    pub outcome: String,
    pub duration_ms: i64,
}

/// How much of a tool's output the audit keeps.
pub const OUTCOME_CHARS: usize = 2_000;

impl Store {
    /// Record the tool calls made while answering one message, in one transaction.
    pub async fn record_tool_calls(&self, calls: Vec<ToolCallRecord>) -> Result<(), MemoryError> {
        if calls.is_empty() {
            return Ok(());
        }
        let at = self.now_ms();
        self.writer
            .write_touching(crate::writer::Touch::Nothing, (calls, at), |c, (calls, at)| {
                Box::pin(async move {
                    for t in calls {
                        let outcome: String = t.outcome.chars().take(OUTCOME_CHARS).collect();
                        sqlx::query(
                            "INSERT INTO tool_calls (created_at, channel, sender_id, inbox_id, tool, arguments, ok,
                                                     outcome, duration_ms)
                             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        )
                        .bind(*at)
                        .bind(&t.channel)
                        .bind(&t.sender_id)
                        .bind(t.inbox_id)
                        .bind(&t.tool)
                        .bind(&t.arguments)
                        .bind(t.ok)
                        .bind(outcome)
                        .bind(t.duration_ms)
                        .execute(&mut *c)
                        .await?;
                    }
                    Ok(())
                })
            })
            .await
    }

    /// The most recent tool calls, newest first.
    pub async fn recent_tool_calls(&self, limit: u32) -> Result<Vec<ToolCallRow>, MemoryError> {
        Ok(sqlx::query_as(
            "SELECT id, created_at, channel, sender_id, inbox_id, tool, arguments, ok, outcome, duration_ms
             FROM tool_calls ORDER BY id DESC LIMIT ?",
        )
        .bind(i64::from(limit))
        .fetch_all(&self.read)
        .await?)
    }
}
