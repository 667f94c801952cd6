//! Summaries of closed conversations, per sender.

use serde::Serialize;

use crate::error::MemoryError;
use crate::open::Store;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Summary {
    pub conversation_id: i64,
    /// The project the conversation was in (`""`: none).
    pub project: String,
    pub summary: String,
    pub created_at: i64,
}

impl Store {
    /// Close the sender's active conversation (in their active project) with `summary`, in one
    /// transaction; that project's provider session ends with it. Returns the conversation id,
    /// or `None` when there was no active conversation.
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
                    let closed: Option<(i64, String)> = sqlx::query_as(concat!(
                        "UPDATE conversations SET status = 'closed', summary = ?1
                         WHERE channel = ?2 AND sender_id = ?3 AND status = 'active' AND project = ",
                        scope_sql!("?4", "NULL"),
                        " RETURNING id, project"
                    ))
                    .bind(text)
                    .bind(ch)
                    .bind(s)
                    .bind(format!("{ch}:{s}"))
                    .fetch_optional(&mut *c)
                    .await?;
                    let Some((id, project)) = closed else { return Ok(None) };
                    crate::sessions::end_sessions(c, ch, s, &project).await?;
                    sqlx::query(
                        "INSERT INTO summaries (conversation_id, channel, sender_id, project, summary, created_at)
                         VALUES (?, ?, ?, ?, ?, ?)",
                    )
                    .bind(id)
                    .bind(ch)
                    .bind(s)
                    .bind(&project)
                    .bind(text)
                    .bind(at)
                    .execute(&mut *c)
                    .await?;
                    Ok(Some(id))
                })
            })
            .await
    }

    /// The sender's most recent summaries in their active project, newest first.
    pub async fn recent_summaries(
        &self,
        channel: &str,
        sender_id: &str,
        limit: u32,
    ) -> Result<Vec<Summary>, MemoryError> {
        Ok(sqlx::query_as(concat!(
            "SELECT conversation_id, project, summary, created_at FROM summaries
             WHERE channel = ?1 AND sender_id = ?2 AND project = ",
            scope_sql!("?4", "NULL"),
            " ORDER BY created_at DESC, id DESC LIMIT ?3"
        ))
        .bind(channel)
        .bind(sender_id)
        .bind(i64::from(limit))
        .bind(format!("{channel}:{sender_id}"))
        .fetch_all(&self.read)
        .await?)
    }

    /// Replace conversation `id`'s rolling summary with `summary`, covering its messages up to
    /// `through`, but only if it still covers up to `expected` (no other compaction came first)
    /// and is still active. Returns whether it was stored. `owner` (`channel:sender_id`) is whose
    /// conversation it is: only their prompts change.
    pub async fn store_compaction(
        &self,
        owner: &str,
        id: i64,
        expected: i64,
        through: i64,
        summary: &str,
    ) -> Result<bool, MemoryError> {
        let touch = crate::writer::Touch::Sender(owner.to_owned());
        self.writer
            .write_touching(touch, (id, expected, through, summary.to_owned()), |c, (id, expected, through, summary)| {
                Box::pin(async move {
                    let r = sqlx::query(
                        "UPDATE conversations SET compacted = ?, compacted_through = ?
                         WHERE id = ? AND compacted_through = ? AND status = 'active' AND ? > compacted_through",
                    )
                    .bind(summary)
                    .bind(*through)
                    .bind(*id)
                    .bind(*expected)
                    .bind(*through)
                    .execute(&mut *c)
                    .await?;
                    Ok(r.rows_affected() > 0)
                })
            })
            .await
    }

    /// The messages of conversation `id` after `after` and up to `through`, oldest first.
    pub async fn messages_between(
        &self,
        id: i64,
        after: i64,
        through: i64,
    ) -> Result<Vec<(String, String)>, MemoryError> {
        Ok(sqlx::query_as(
            "SELECT role, content FROM messages WHERE conversation_id = ? AND id > ? AND id <= ? ORDER BY id",
        )
        .bind(id)
        .bind(after)
        .bind(through)
        .fetch_all(&self.read)
        .await?)
    }
}
