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
    /// Of `input_tokens`: read from the provider's prompt cache, and written to it.
    pub cache_read_tokens: Option<i64>,
    pub cache_write_tokens: Option<i64>,
    /// The token counts are Omega's estimate: the provider reported none.
    pub usage_estimated: bool,
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
    /// Omega's own words sent before the reply (the local model's first-answer note): the
    /// person and the audit log see them, the conversation keeps only the reply, so a model
    /// never reads them back as something it said.
    pub note: Option<String>,
    /// `Reply` stores both sides in the conversation; `Error` stores neither, only audit + outbox.
    pub kind: OutboundKind,
    /// A reply that is not part of the conversation (a slash command's answer): audited and
    /// delivered, but never fed back to the model as history.
    pub off_the_record: bool,
    /// For an error: what went wrong, for the audit log (never shown to the model).
    pub error: Option<String>,
    pub call: CallRecord,
    /// The project the turn ran in (`None`: the sender's active one, read in the same
    /// transaction).
    pub project: Option<String>,
    /// Files sent with a reply, with their captions (each its own outbox row, after the
    /// reply's).
    pub files: Vec<(omega_core::OutFile, String)>,
    pub at: DateTime<Utc>,
}

/// What the person is sent: Omega's `note`, if any, before the reply.
pub fn with_note<'a>(note: Option<&str>, reply: &'a str) -> std::borrow::Cow<'a, str> {
    match note {
        Some(note) => format!("{note}\n\n{reply}").into(),
        None => reply.into(),
    }
}

impl Store {
    /// Finish a message in one transaction: the conversation (for a reply), the audit row, the
    /// outbox row, and the inbox row marked done or failed. Either all of it is stored or none.
    ///
    /// Exactly once: the whole exchange is a no-op, and `Ok(None)` comes back, when the inbox row
    /// is no longer pending (two sessions answering one message write one outcome, not two).
    pub async fn finish_exchange(&self, x: Exchange) -> Result<Option<OutboxRow>, MemoryError> {
        Ok(self.finish_exchange_with_files(x).await?.map(|(reply, _)| reply))
    }

    /// [`finish_exchange`](Self::finish_exchange), with the outbox rows of the reply's files.
    pub async fn finish_exchange_with_files(
        &self,
        x: Exchange,
    ) -> Result<Option<(OutboxRow, Vec<OutboxRow>)>, MemoryError> {
        let touch = crate::writer::Touch::Sender(format!("{}:{}", x.channel, x.sender_id));
        self.writer.write_audited(touch, x, |c, x| Box::pin(finish(c, x))).await
    }

    /// The last `limit` messages of the sender's active conversation in their active project,
    /// oldest first.
    pub async fn history(
        &self,
        channel: &str,
        sender_id: &str,
        limit: u32,
    ) -> Result<Vec<HistoryMessage>, MemoryError> {
        self.history_in(channel, sender_id, None, limit).await
    }

    /// The last `limit` messages of the sender's active conversation in `project` (`None`: their
    /// active project), oldest first; messages already compacted into its summary are left out.
    pub async fn history_in(
        &self,
        channel: &str,
        sender_id: &str,
        project: Option<&str>,
        limit: u32,
    ) -> Result<Vec<HistoryMessage>, MemoryError> {
        let mut rows: Vec<HistoryMessage> = sqlx::query_as(concat!(
            "SELECT m.id, m.role, m.content, m.created_at FROM messages m
             JOIN conversations c ON c.id = m.conversation_id
             WHERE c.channel = ?1 AND c.sender_id = ?2 AND c.status = 'active' AND m.id > c.compacted_through
               AND c.project = ",
            scope_sql!("?5", "?4"),
            " ORDER BY m.id DESC LIMIT ?3"
        ))
        .bind(channel)
        .bind(sender_id)
        .bind(i64::from(limit))
        .bind(project)
        .bind(format!("{channel}:{sender_id}"))
        .fetch_all(&self.read)
        .await?;
        rows.reverse();
        Ok(rows)
    }
}

/// The project a turn is stored in: the one bound (NULL: the sender's active one). Binds, in
/// order: the project, the session key, the session key again.
macro_rules! turn_scope {
    () => {
        scope_sql!("?", "?")
    };
}

/// The turn's conversation: the sender's active one in the turn's project. Binds: channel,
/// sender id, then [`turn_scope`]'s.
macro_rules! turn_conversation {
    () => {
        concat!(
            "(SELECT id FROM conversations WHERE channel = ? AND sender_id = ? AND status = 'active' AND project = ",
            turn_scope!(),
            " ORDER BY id DESC LIMIT 1)"
        )
    };
}

/// Whether the message is still unanswered; every statement of an exchange tests it. Binds: the
/// inbox id.
macro_rules! pending {
    () => {
        "EXISTS (SELECT 1 FROM inbox WHERE id = ? AND status = 'pending')"
    };
}

/// The conversation part of a reply: make sure an active conversation exists in the turn's
/// project, bump it, and add both messages. Binds: see `finish`.
macro_rules! conversation_sql {
    () => {
        concat!(
            "INSERT INTO conversations (channel, sender_id, project, started_at, last_activity) SELECT ?, ?, ",
            turn_scope!(),
            ", ?, ? WHERE NOT EXISTS ",
            turn_conversation!(),
            " AND ",
            pending!(),
            ";\nUPDATE conversations SET last_activity = ? WHERE id = ",
            turn_conversation!(),
            " AND ",
            pending!(),
            ";\nINSERT INTO messages (conversation_id, role, content, inbox_id, created_at) SELECT ",
            turn_conversation!(),
            ", 'user', ?, ?, ? WHERE ",
            pending!(),
            ";\nINSERT INTO messages (conversation_id, role, content, inbox_id, created_at) SELECT ",
            turn_conversation!(),
            ", 'assistant', ?, ?, ? WHERE ",
            pending!(),
            ";\n"
        )
    };
}

/// Audit, outbox and inbox, each only while the inbox row is still pending. The inbox update is
/// last (the statements before it test its status); the outbox insert's RETURNING row is the
/// result, and no row means the message had an outcome already.
macro_rules! outcome_sql {
    () => {
        concat!(
            "INSERT INTO audit_log (created_at, channel, sender_id, sender_name, inbox_id, input_text,
    output_text, provider, model, input_tokens, output_tokens, cost_usd, latency_ms, status, error,
    cache_read_tokens, cache_write_tokens, usage_estimated)
    SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ? WHERE ",
            pending!(),
            ";\nINSERT INTO outbox (inbox_id, channel, recipient, kind, text, created_at) SELECT ?, ?, ?, ?, ?, ? WHERE ",
            pending!(),
            "\n    RETURNING id, inbox_id, channel, recipient, kind, text, status, attempts, created_at, delivered_at, file_path, file_name, file_mime;
UPDATE inbox SET status = ?, finished_at = ? WHERE id = ? AND status = 'pending';\n"
        )
    };
}

/// One round trip to the database: every statement of the exchange goes in one query. `None`
/// when the inbox row is no longer pending (another session answered it): nothing is written.
/// A reply's files follow, each in a statement of its own in the same transaction.
async fn finish(
    c: &mut SqliteConnection,
    x: &Exchange,
) -> Result<Option<(OutboxRow, Vec<OutboxRow>)>, sqlx::Error> {
    let at = crate::millis(x.at);
    let reply = x.kind == OutboundKind::Reply;
    let remember = reply && !x.off_the_record;
    let sql = if remember { concat!(conversation_sql!(), outcome_sql!()) } else { outcome_sql!() };
    let id = x.inbox_id.0;
    let (ch, s, key) = (&x.channel, &x.sender_id, format!("{}:{}", x.channel, x.sender_id));
    let mut q = sqlx::query_as::<_, OutboxRow>(sql);
    if remember {
        // Positional binds only: sqlx binds numbered ones wrongly across the statements of one
        // query when a statement skips a number.
        macro_rules! scope {
            ($q:expr) => {
                $q.bind(&x.project).bind(&key).bind(&key)
            };
        }
        macro_rules! turn {
            ($q:expr) => {
                scope!($q.bind(ch).bind(s))
            };
        }
        q = turn!(scope!(q.bind(ch).bind(s)).bind(at).bind(at)).bind(id);
        q = turn!(q.bind(at)).bind(id);
        q = turn!(q).bind(&x.user_text).bind(id).bind(at).bind(id);
        q = turn!(q).bind(&x.reply_text).bind(id).bind(at).bind(id);
    }
    let sent = with_note(x.note.as_deref(), &x.reply_text);
    q = q
        .bind(at)
        .bind(ch)
        .bind(s)
        .bind(&x.sender_name)
        .bind(id)
        .bind(&x.user_text)
        .bind(&*sent)
        .bind(&x.call.provider)
        .bind(&x.call.model)
        .bind(x.call.input_tokens)
        .bind(x.call.output_tokens)
        .bind(x.call.cost_usd)
        .bind(x.call.latency_ms)
        .bind(if reply { "ok" } else { "error" })
        .bind(&x.error)
        .bind(x.call.cache_read_tokens)
        .bind(x.call.cache_write_tokens)
        .bind(x.call.usage_estimated.then_some(1))
        .bind(id);
    q = q.bind(id).bind(ch).bind(&x.reply_target).bind(x.kind.as_str()).bind(&*sent).bind(at).bind(id);
    q = q.bind(if reply { "done" } else { "failed" }).bind(at).bind(id);
    let Some(row) = q.fetch_all(&mut *c).await?.pop() else { return Ok(None) };
    let mut files = Vec::new();
    for (f, caption) in x.files.iter().filter(|_| reply) {
        files.push(
            sqlx::query_as::<_, OutboxRow>(concat!(
                "INSERT INTO outbox (inbox_id, channel, recipient, kind, text, created_at, file_path, file_name, file_mime)
                 VALUES (?, ?, ?, 'reply', ?, ?, ?, ?, ?) RETURNING ",
                "id, inbox_id, channel, recipient, kind, text, status, attempts, created_at, delivered_at, file_path, file_name, file_mime"
            ))
            .bind(id)
            .bind(ch)
            .bind(&x.reply_target)
            .bind(caption)
            .bind(at)
            .bind(f.path.to_string_lossy().into_owned())
            .bind(&f.name)
            .bind(&f.mime)
            .fetch_one(&mut *c)
            .await?,
        );
    }
    Ok(Some((row, files)))
}
