//! Summaries of closed conversations, per sender.

use serde::Serialize;

use crate::error::MemoryError;
use crate::open::Store;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Summary {
    pub conversation_id: i64,
    pub summary: String,
    pub created_at: i64,
}

impl Store {
    /// Close the sender's active conversation with `summary`, in one transaction. Returns the
    /// conversation id, or `None` when there was no active conversation.
    pub async fn summarize_and_close(
        &self,
        channel: &str,
        sender_id: &str,
        summary: &str,
    ) -> Result<Option<i64>, MemoryError> {
        let data = (channel.to_owned(), sender_id.to_owned(), summary.to_owned(), self.now_ms());
        self.writer
            .write(data, |c, (ch, s, text, at)| {
                Box::pin(async move {
                    let closed: Option<(i64,)> = sqlx::query_as(
                        "UPDATE conversations SET status = 'closed', summary = ?
                         WHERE channel = ? AND sender_id = ? AND status = 'active' RETURNING id",
                    )
                    .bind(text)
                    .bind(ch)
                    .bind(s)
                    .fetch_optional(&mut *c)
                    .await?;
                    let Some((id,)) = closed else { return Ok(None) };
                    sqlx::query("DELETE FROM provider_sessions WHERE channel = ? AND sender_id = ?")
                        .bind(ch)
                        .bind(s)
                        .execute(&mut *c)
                        .await?;
                    sqlx::query(
                        "INSERT INTO summaries (conversation_id, channel, sender_id, summary, created_at)
                         VALUES (?, ?, ?, ?, ?)",
                    )
                    .bind(id)
                    .bind(ch)
                    .bind(s)
                    .bind(text)
                    .bind(at)
                    .execute(&mut *c)
                    .await?;
                    Ok(Some(id))
                })
            })
            .await
    }

    /// The sender's most recent summaries, newest first.
    pub async fn recent_summaries(
        &self,
        channel: &str,
        sender_id: &str,
        limit: u32,
    ) -> Result<Vec<Summary>, MemoryError> {
        Ok(sqlx::query_as(
            "SELECT conversation_id, summary, created_at FROM summaries
             WHERE channel = ? AND sender_id = ? ORDER BY created_at DESC, id DESC LIMIT ?",
        )
        .bind(channel)
        .bind(sender_id)
        .bind(i64::from(limit))
        .fetch_all(&self.read)
        .await?)
    }
}
