//! What the Summarizer needs: idle conversations, their transcripts, closing them with a summary
//! only if nothing was said meanwhile, and the audit of its own (paid) calls.

use chrono::Utc;
use serde::Serialize;

use crate::error::MemoryError;
use crate::open::Store;

/// An active conversation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct ActiveConversation {
    pub id: i64,
    pub channel: String,
    pub sender_id: String,
    /// The project it belongs to (`""`: none).
    pub project: String,
    pub last_activity: i64,
}

/// A model call made by Omega itself (summaries), for the audit log and the budgets.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct BackgroundCall {
    pub channel: String,
    pub sender_id: String,
    /// What the call was for, e.g. "summary of conversation 12".
    pub purpose: String,
    pub provider: Option<String>,
    pub model: Option<String>,
    pub input_tokens: Option<i64>,
    pub output_tokens: Option<i64>,
    pub cost_usd: Option<f64>,
    /// Of `input_tokens`: read from the provider's prompt cache, and written to it.
    pub cache_read_tokens: Option<i64>,
    pub cache_write_tokens: Option<i64>,
    /// The token counts are Omega's estimate: the provider reported none.
    pub usage_estimated: bool,
    pub error: Option<String>,
    /// When it happened (the caller's clock, so a day's spend is counted on the right day);
    /// `None` = now.
    pub at: Option<chrono::DateTime<Utc>>,
}

impl Store {
    /// Active conversations whose last message is older than `before_ms`, oldest first.
    pub async fn idle_conversations(&self, before_ms: i64) -> Result<Vec<ActiveConversation>, MemoryError> {
        Ok(sqlx::query_as(
            "SELECT id, channel, sender_id, project, last_activity FROM conversations
             WHERE status = 'active' AND last_activity < ? ORDER BY last_activity LIMIT 100",
        )
        .bind(before_ms)
        .fetch_all(&self.read)
        .await?)
    }

    /// The oldest last activity among active conversations (when the next one can go idle).
    pub async fn oldest_activity(&self) -> Result<Option<i64>, MemoryError> {
        let (t,): (Option<i64>,) =
            sqlx::query_as("SELECT MIN(last_activity) FROM conversations WHERE status = 'active'")
                .fetch_one(&self.read)
                .await?;
        Ok(t)
    }

    /// A conversation's messages as (role, content), oldest first.
    pub async fn transcript(&self, conversation_id: i64) -> Result<Vec<(String, String)>, MemoryError> {
        Ok(sqlx::query_as("SELECT role, content FROM messages WHERE conversation_id = ? ORDER BY id")
            .bind(conversation_id)
            .fetch_all(&self.read)
            .await?)
    }

    /// Close conversation `id` with `summary` and `facts` (about its sender), in one transaction,
    /// but only if it is still active and nothing was said since `seen_activity`. Returns whether
    /// it was closed.
    pub async fn close_idle(
        &self,
        c: &ActiveConversation,
        summary: &str,
        facts: Vec<(String, String)>,
    ) -> Result<bool, MemoryError> {
        let data = (c.clone(), summary.to_owned(), facts, self.now_ms());
        self.writer
            .write(data, |conn, (c, summary, facts, at)| {
                Box::pin(async move {
                    let r = sqlx::query(
                        "UPDATE conversations SET status = 'closed', summary = ?
                         WHERE id = ? AND status = 'active' AND last_activity = ?",
                    )
                    .bind(summary)
                    .bind(c.id)
                    .bind(c.last_activity)
                    .execute(&mut *conn)
                    .await?;
                    if r.rows_affected() == 0 {
                        return Ok(false);
                    }
                    sqlx::query(
                        "INSERT INTO summaries (conversation_id, channel, sender_id, project, summary, created_at)
                         VALUES (?, ?, ?, ?, ?, ?)",
                    )
                    .bind(c.id)
                    .bind(&c.channel)
                    .bind(&c.sender_id)
                    .bind(&c.project)
                    .bind(summary)
                    .bind(at)
                    .execute(&mut *conn)
                    .await?;
                    crate::sessions::end_sessions(conn, &c.channel, &c.sender_id, &c.project).await?;
                    let key = format!("{}:{}", c.channel, c.sender_id);
                    let sender: String =
                        sqlx::query_as::<_, (String,)>("SELECT canonical FROM user_aliases WHERE alias = ?")
                            .bind(&key)
                            .fetch_optional(&mut *conn)
                            .await?
                            .map(|r| r.0)
                            .unwrap_or(key);
                    for (k, v) in facts {
                        sqlx::query(
                            "INSERT INTO facts (sender, key, value, created_at, updated_at) VALUES (?, ?, ?, ?, ?)
                             ON CONFLICT (sender, key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
                        )
                        .bind(&sender)
                        .bind(k)
                        .bind(v)
                        .bind(at)
                        .bind(at)
                        .execute(&mut *conn)
                        .await?;
                    }
                    Ok(true)
                })
            })
            .await
    }

    /// Record a call Omega made on its own (it counts against the budgets like any other).
    pub async fn audit_background(&self, call: BackgroundCall) -> Result<(), MemoryError> {
        let at = call.at.map(crate::millis).unwrap_or_else(|| self.now_ms());
        self.writer
            .write_audited(crate::writer::Touch::Nothing, (call, at), |c, (call, at)| {
                Box::pin(async move {
                    sqlx::query(
                        "INSERT INTO audit_log (created_at, channel, sender_id, input_text, provider, model,
                            input_tokens, output_tokens, cost_usd, status, error, cache_read_tokens, cache_write_tokens,
                            usage_estimated)
                         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    )
                    .bind(at)
                    .bind(&call.channel)
                    .bind(&call.sender_id)
                    .bind(&call.purpose)
                    .bind(&call.provider)
                    .bind(&call.model)
                    .bind(call.input_tokens)
                    .bind(call.output_tokens)
                    .bind(call.cost_usd)
                    .bind(if call.error.is_some() { "error" } else { "ok" })
                    .bind(&call.error)
                    .bind(call.cache_read_tokens)
                    .bind(call.cache_write_tokens)
                    .bind(call.usage_estimated.then_some(1))
                    .execute(&mut *c)
                    .await?;
                    Ok(())
                })
            })
            .await
    }
}
