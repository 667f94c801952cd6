use chrono::{DateTime, Utc};
use omega_core::{InboxId, OutboundKind};
use sqlx::SqliteConnection;

use crate::error::MemoryError;
use crate::open::Store;
use crate::rows::{HistoryMessage, OutboxRow};

/// What the provider said, and what it cost. Written to the audit log.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CallRecord {
    pub provider: Option<String>,
    pub model: Option<String>,
    pub input_tokens: Option<i64>,
    pub output_tokens: Option<i64>,
    pub cost_usd: Option<f64>,
    pub latency_ms: Option<i64>,
}

/// A handled message: everything written when it is answered.
#[derive(Debug, Clone, PartialEq)]
pub struct Exchange {
    pub inbox_id: InboxId,
    pub channel: String,
    pub sender_id: String,
    pub sender_name: Option<String>,
    pub reply_target: String,
    /// The person's message, sanitized.
    pub user_text: String,
    /// What the person is sent: the reply (markers stripped) or the error explanation.
    pub reply_text: String,
    /// `Reply` stores both sides in the conversation; `Error` stores neither, only audit + outbox.
    pub kind: OutboundKind,
    /// For an error: what went wrong, for the audit log (never shown to the model).
    pub error: Option<String>,
    pub call: CallRecord,
    pub at: DateTime<Utc>,
}

impl Store {
    /// Finish a message in one transaction: the conversation (for a reply), the audit row, the
    /// outbox row, and the inbox row marked done or failed. Either all of it is stored or none.
    pub async fn finish_exchange(&self, x: Exchange) -> Result<OutboxRow, MemoryError> {
        self.writer
            .write(move |c| Box::pin(async move { finish(c, &x).await }))
            .await
    }

    /// The last `limit` messages of the sender's active conversation, oldest first.
    pub async fn history(
        &self,
        channel: &str,
        sender_id: &str,
        limit: u32,
    ) -> Result<Vec<HistoryMessage>, MemoryError> {
        let mut rows: Vec<HistoryMessage> = sqlx::query_as(
            "SELECT m.role, m.content, m.created_at FROM messages m
             JOIN conversations c ON c.id = m.conversation_id
             WHERE c.channel = ? AND c.sender_id = ? AND c.status = 'active'
             ORDER BY m.id DESC LIMIT ?",
        )
        .bind(channel)
        .bind(sender_id)
        .bind(i64::from(limit))
        .fetch_all(&self.read)
        .await?;
        rows.reverse();
        Ok(rows)
    }

    /// Close the sender's active conversation. Returns whether there was one.
    pub async fn close_conversation(
        &self,
        channel: &str,
        sender_id: &str,
        summary: Option<String>,
    ) -> Result<bool, MemoryError> {
        let (ch, s) = (channel.to_owned(), sender_id.to_owned());
        self.writer
            .write(move |c| {
                Box::pin(async move {
                    let r = sqlx::query(
                        "UPDATE conversations SET status = 'closed', summary = COALESCE(?, summary)
                         WHERE channel = ? AND sender_id = ? AND status = 'active'",
                    )
                    .bind(summary)
                    .bind(&ch)
                    .bind(&s)
                    .execute(&mut *c)
                    .await?;
                    Ok(r.rows_affected() > 0)
                })
            })
            .await
    }
}

async fn finish(c: &mut SqliteConnection, x: &Exchange) -> Result<OutboxRow, sqlx::Error> {
    let at = crate::millis(x.at);
    let reply = x.kind == OutboundKind::Reply;
    if reply {
        let conversation = active_conversation(c, &x.channel, &x.sender_id, at).await?;
        for (role, content) in [("user", &x.user_text), ("assistant", &x.reply_text)] {
            sqlx::query(
                "INSERT INTO messages (conversation_id, role, content, inbox_id, created_at)
                 VALUES (?, ?, ?, ?, ?)",
            )
            .bind(conversation)
            .bind(role)
            .bind(content)
            .bind(x.inbox_id.0)
            .bind(at)
            .execute(&mut *c)
            .await?;
        }
    }
    let status = if reply { "ok" } else { "error" };
    sqlx::query(
        "INSERT INTO audit_log (created_at, channel, sender_id, sender_name, inbox_id, input_text,
            output_text, provider, model, input_tokens, output_tokens, cost_usd, latency_ms, status, error)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(at)
    .bind(&x.channel)
    .bind(&x.sender_id)
    .bind(&x.sender_name)
    .bind(x.inbox_id.0)
    .bind(&x.user_text)
    .bind(&x.reply_text)
    .bind(&x.call.provider)
    .bind(&x.call.model)
    .bind(x.call.input_tokens)
    .bind(x.call.output_tokens)
    .bind(x.call.cost_usd)
    .bind(x.call.latency_ms)
    .bind(status)
    .bind(&x.error)
    .execute(&mut *c)
    .await?;
    let row: OutboxRow = sqlx::query_as(
        "INSERT INTO outbox (inbox_id, channel, recipient, kind, text, created_at)
         VALUES (?, ?, ?, ?, ?, ?)
         RETURNING id, inbox_id, channel, recipient, kind, text, status, attempts, created_at, delivered_at",
    )
    .bind(x.inbox_id.0)
    .bind(&x.channel)
    .bind(&x.reply_target)
    .bind(x.kind.as_str())
    .bind(&x.reply_text)
    .bind(at)
    .fetch_one(&mut *c)
    .await?;
    sqlx::query("UPDATE inbox SET status = ?, finished_at = ? WHERE id = ?")
        .bind(if reply { "done" } else { "failed" })
        .bind(at)
        .bind(x.inbox_id.0)
        .execute(&mut *c)
        .await?;
    Ok(row)
}

/// The sender's active conversation, created if there is none. Its activity time is bumped.
async fn active_conversation(
    c: &mut SqliteConnection,
    channel: &str,
    sender_id: &str,
    at: i64,
) -> Result<i64, sqlx::Error> {
    let existing: Option<(i64,)> = sqlx::query_as(
        "UPDATE conversations SET last_activity = ?
         WHERE id = (SELECT id FROM conversations
                     WHERE channel = ? AND sender_id = ? AND status = 'active'
                     ORDER BY id DESC LIMIT 1)
         RETURNING id",
    )
    .bind(at)
    .bind(channel)
    .bind(sender_id)
    .fetch_optional(&mut *c)
    .await?;
    if let Some((id,)) = existing {
        return Ok(id);
    }
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO conversations (channel, sender_id, started_at, last_activity)
         VALUES (?, ?, ?, ?) RETURNING id",
    )
    .bind(channel)
    .bind(sender_id)
    .bind(at)
    .bind(at)
    .fetch_one(&mut *c)
    .await?;
    Ok(id)
}
