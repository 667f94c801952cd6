use omega_core::{Inbound, InboxId};
use sqlx::SqliteConnection;

use crate::error::MemoryError;
use crate::open::Store;
use crate::rows::InboxRow;

/// What happened when an inbound message was recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recorded {
    /// A new row; the message must be handled.
    New(InboxId),
    /// The channel delivered this message before (same `external_id`); it is already handled or
    /// on its way, and must not be handled twice.
    Duplicate(InboxId),
}

impl Recorded {
    pub fn id(self) -> InboxId {
        match self {
            Self::New(id) | Self::Duplicate(id) => id,
        }
    }
}

macro_rules! inbox_columns {
    () => {
        "id, channel, sender_id, sender_name, reply_target, external_id, text, status, attempts, received_at, finished_at, attachments_json"
    };
}

async fn record(c: &mut SqliteConnection, m: &Inbound) -> Result<Recorded, sqlx::Error> {
    // One round trip in the common case: the insert does nothing on a duplicate, and only then
    // is the existing row looked up.
    let inserted: Option<(i64,)> = sqlx::query_as(
        "INSERT INTO inbox (channel, sender_id, sender_name, reply_target, external_id, text, received_at, attachments_json)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (channel, external_id) WHERE external_id IS NOT NULL DO NOTHING
         RETURNING id",
    )
    .bind(&m.channel)
    .bind(&m.sender_id)
    .bind(&m.sender_name)
    .bind(&m.reply_target)
    .bind(&m.external_id)
    .bind(&m.text)
    .bind(crate::millis(m.received_at))
    .bind((!m.attachments.is_empty()).then(|| serde_json::to_string(&m.attachments).unwrap_or_default()))
    .fetch_optional(&mut *c)
    .await?;
    if let Some((id,)) = inserted {
        return Ok(Recorded::New(InboxId(id)));
    }
    let (id,): (i64,) = sqlx::query_as("SELECT id FROM inbox WHERE channel = ? AND external_id = ?")
        .bind(&m.channel)
        .bind(&m.external_id)
        .fetch_one(&mut *c)
        .await?;
    Ok(Recorded::Duplicate(InboxId(id)))
}

/// A sender's messages are answered one at a time, oldest first: after an interruption only the
/// oldest unfinished one can have been under way, so only it counts one more attempt. The rest
/// were waiting their turn; counting them too gave up on messages never tried (after three
/// restarts in a row, everything queued behind was "abandoned").
async fn resume(c: &mut SqliteConnection, key: &(String, String)) -> Result<Vec<InboxRow>, sqlx::Error> {
    macro_rules! unfinished {
        () => {
            "channel = ? AND sender_id = ? AND status = 'pending' AND (external_id IS NULL OR external_id NOT LIKE 'job:%')"
        };
    }
    sqlx::query(concat!(
        "UPDATE inbox SET attempts = attempts + 1 WHERE id = (SELECT MIN(id) FROM inbox WHERE ",
        unfinished!(),
        ")"
    ))
    .bind(&key.0)
    .bind(&key.1)
    .execute(&mut *c)
    .await?;
    sqlx::query_as(concat!("SELECT ", inbox_columns!(), " FROM inbox WHERE ", unfinished!(), " ORDER BY id"))
        .bind(&key.0)
        .bind(&key.1)
        .fetch_all(&mut *c)
        .await
}

impl Store {
    /// Write an inbound message (already sanitized) to the inbox. Returns once it is on disk:
    /// only then may the channel be told the message was received.
    pub async fn record_inbound(&self, msg: &Inbound) -> Result<Recorded, MemoryError> {
        self.writer
            .write_touching(crate::writer::Touch::Nothing, msg.clone(), |c, m| Box::pin(record(c, m)))
            .await
    }

    /// Take over a sender's unfinished messages after an interruption (a restart of the daemon or
    /// of the sender's session), oldest first. The oldest, the one that may have been under way,
    /// counts one more attempt, so a message that keeps bringing Omega down can be given up on.
    pub async fn resume_inbound(&self, channel: &str, sender_id: &str) -> Result<Vec<InboxRow>, MemoryError> {
        let mut rows = self
            .writer
            .write_touching(
                crate::writer::Touch::Nothing,
                (channel.to_owned(), sender_id.to_owned()),
                |c, k| Box::pin(resume(c, k)),
            )
            .await?;
        rows.sort_by_key(|r| r.id);
        Ok(rows)
    }

    /// Messages that were received but not finished (the daemon stopped or died first), oldest
    /// first; background jobs are not among them ([`Store::resume_jobs`]).
    pub async fn unfinished_inbound(&self) -> Result<Vec<InboxRow>, MemoryError> {
        let sql = concat!(
            "SELECT ",
            inbox_columns!(),
            " FROM inbox WHERE status = 'pending' AND (external_id IS NULL OR external_id NOT LIKE 'job:%') ORDER BY id"
        );
        Ok(sqlx::query_as(sql).fetch_all(&self.read).await?)
    }

    /// Unfinished messages of one sender, oldest first.
    pub async fn unfinished_inbound_for(
        &self,
        channel: &str,
        sender_id: &str,
    ) -> Result<Vec<InboxRow>, MemoryError> {
        let sql = concat!(
            "SELECT ",
            inbox_columns!(),
            "
             FROM inbox WHERE channel = ? AND sender_id = ? AND status = 'pending'
               AND (external_id IS NULL OR external_id NOT LIKE 'job:%') ORDER BY id"
        );
        Ok(sqlx::query_as(sql).bind(channel).bind(sender_id).fetch_all(&self.read).await?)
    }

    pub async fn inbound(&self, id: InboxId) -> Result<Option<InboxRow>, MemoryError> {
        let sql = concat!("SELECT ", inbox_columns!(), " FROM inbox WHERE id = ?");
        Ok(sqlx::query_as(sql).bind(id.0).fetch_optional(&self.read).await?)
    }
}
