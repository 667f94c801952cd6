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
    /// A reply that is not part of the conversation (a slash command's answer): audited and
    /// delivered, but never fed back to the model as history.
    pub off_the_record: bool,
    /// For an error: what went wrong, for the audit log (never shown to the model).
    pub error: Option<String>,
    pub call: CallRecord,
    pub at: DateTime<Utc>,
}

impl Store {
    /// Finish a message in one transaction: the conversation (for a reply), the audit row, the
    /// outbox row, and the inbox row marked done or failed. Either all of it is stored or none.
    ///
    /// Exactly once: the whole exchange is a no-op, and `Ok(None)` comes back, when the inbox row
    /// is no longer pending (two sessions answering one message write one outcome, not two).
    pub async fn finish_exchange(&self, x: Exchange) -> Result<Option<OutboxRow>, MemoryError> {
        self.writer.write(x, |c, x| Box::pin(finish(c, x))).await
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
}

/// The conversation part of a reply: make sure an active conversation exists, bump it, and add
/// both messages. Binds, in order: see `finish`.
macro_rules! conversation_sql {
    () => {
        "
INSERT INTO conversations (channel, sender_id, started_at, last_activity)
    SELECT ?, ?, ?, ? WHERE NOT EXISTS
    (SELECT 1 FROM conversations WHERE channel = ? AND sender_id = ? AND status = 'active')
    AND EXISTS (SELECT 1 FROM inbox WHERE id = ? AND status = 'pending');
UPDATE conversations SET last_activity = ? WHERE id =
    (SELECT id FROM conversations WHERE channel = ? AND sender_id = ? AND status = 'active' ORDER BY id DESC LIMIT 1)
    AND EXISTS (SELECT 1 FROM inbox WHERE id = ? AND status = 'pending');
INSERT INTO messages (conversation_id, role, content, inbox_id, created_at)
    SELECT id, 'user', ?, ?, ? FROM conversations
    WHERE channel = ? AND sender_id = ? AND status = 'active'
    AND EXISTS (SELECT 1 FROM inbox WHERE id = ? AND status = 'pending') ORDER BY id DESC LIMIT 1;
INSERT INTO messages (conversation_id, role, content, inbox_id, created_at)
    SELECT id, 'assistant', ?, ?, ? FROM conversations
    WHERE channel = ? AND sender_id = ? AND status = 'active'
    AND EXISTS (SELECT 1 FROM inbox WHERE id = ? AND status = 'pending') ORDER BY id DESC LIMIT 1;
"
    };
}

/// Audit, outbox and inbox, each only while the inbox row is still pending. The inbox update is
/// last (the statements before it test its status); the outbox insert's RETURNING row is the
/// result, and no row means the message had an outcome already.
macro_rules! outcome_sql {
    () => {
        "
INSERT INTO audit_log (created_at, channel, sender_id, sender_name, inbox_id, input_text,
    output_text, provider, model, input_tokens, output_tokens, cost_usd, latency_ms, status, error)
    SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?
    WHERE EXISTS (SELECT 1 FROM inbox WHERE id = ? AND status = 'pending');
INSERT INTO outbox (inbox_id, channel, recipient, kind, text, created_at)
    SELECT ?, ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM inbox WHERE id = ? AND status = 'pending')
    RETURNING id, inbox_id, channel, recipient, kind, text, status, attempts, created_at, delivered_at;
UPDATE inbox SET status = ?, finished_at = ? WHERE id = ? AND status = 'pending';
"
    };
}

/// One round trip to the database: every statement of the exchange goes in one query. `None`
/// when the inbox row is no longer pending (another session answered it): nothing is written.
async fn finish(c: &mut SqliteConnection, x: &Exchange) -> Result<Option<OutboxRow>, sqlx::Error> {
    let at = crate::millis(x.at);
    let reply = x.kind == OutboundKind::Reply;
    let remember = reply && !x.off_the_record;
    let sql = if remember { concat!(conversation_sql!(), outcome_sql!()) } else { outcome_sql!() };
    let id = x.inbox_id.0;
    let mut q = sqlx::query_as::<_, OutboxRow>(sql);
    if remember {
        let (ch, s) = (&x.channel, &x.sender_id);
        q = q.bind(ch).bind(s).bind(at).bind(at).bind(ch).bind(s).bind(id);
        q = q.bind(at).bind(ch).bind(s).bind(id);
        q = q.bind(&x.user_text).bind(id).bind(at).bind(ch).bind(s).bind(id);
        q = q.bind(&x.reply_text).bind(id).bind(at).bind(ch).bind(s).bind(id);
    }
    q = q
        .bind(at)
        .bind(&x.channel)
        .bind(&x.sender_id)
        .bind(&x.sender_name)
        .bind(id)
        .bind(&x.user_text)
        .bind(&x.reply_text)
        .bind(&x.call.provider)
        .bind(&x.call.model)
        .bind(x.call.input_tokens)
        .bind(x.call.output_tokens)
        .bind(x.call.cost_usd)
        .bind(x.call.latency_ms)
        .bind(if reply { "ok" } else { "error" })
        .bind(&x.error)
        .bind(id);
    q = q
        .bind(id)
        .bind(&x.channel)
        .bind(&x.reply_target)
        .bind(x.kind.as_str())
        .bind(&x.reply_text)
        .bind(at)
        .bind(id);
    q = q.bind(if reply { "done" } else { "failed" }).bind(at).bind(id);
    Ok(q.fetch_all(&mut *c).await?.pop())
}
