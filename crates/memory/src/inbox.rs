use omega_core::{Inbound, InboxId};

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
        "id, channel, sender_id, sender_name, reply_target, external_id, text, \
                             status, attempts, received_at, finished_at"
    };
}

impl Store {
    /// Write an inbound message (already sanitized) to the inbox. Returns once it is on disk:
    /// only then may the channel be told the message was received.
    pub async fn record_inbound(&self, msg: &Inbound) -> Result<Recorded, MemoryError> {
        let m = msg.clone();
        let received = crate::millis(m.received_at);
        self.writer
            .write(move |c| {
                Box::pin(async move {
                    if let Some(ext) = &m.external_id {
                        let existing: Option<(i64,)> =
                            sqlx::query_as("SELECT id FROM inbox WHERE channel = ? AND external_id = ?")
                                .bind(&m.channel)
                                .bind(ext)
                                .fetch_optional(&mut *c)
                                .await?;
                        if let Some((id,)) = existing {
                            return Ok(Recorded::Duplicate(InboxId(id)));
                        }
                    }
                    let (id,): (i64,) = sqlx::query_as(
                        "INSERT INTO inbox (channel, sender_id, sender_name, reply_target, external_id, text, received_at)
                         VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
                    )
                    .bind(&m.channel)
                    .bind(&m.sender_id)
                    .bind(&m.sender_name)
                    .bind(&m.reply_target)
                    .bind(&m.external_id)
                    .bind(&m.text)
                    .bind(received)
                    .fetch_one(&mut *c)
                    .await?;
                    Ok(Recorded::New(InboxId(id)))
                })
            })
            .await
    }

    /// Mark a message as being worked on and count the attempt. Returns the attempt number
    /// (1 for the first try); a message that was in progress when the daemon died shows 2.
    pub async fn start_inbound(&self, id: InboxId) -> Result<i64, MemoryError> {
        self.writer
            .write(move |c| {
                Box::pin(async move {
                    let (attempts,): (i64,) = sqlx::query_as(
                        "UPDATE inbox SET status = 'processing', attempts = attempts + 1
                         WHERE id = ? RETURNING attempts",
                    )
                    .bind(id.0)
                    .fetch_one(&mut *c)
                    .await?;
                    Ok(attempts)
                })
            })
            .await
    }

    /// Messages that were received but not finished (the daemon stopped or died first), oldest
    /// first.
    pub async fn unfinished_inbound(&self) -> Result<Vec<InboxRow>, MemoryError> {
        let sql = concat!(
            "SELECT ",
            inbox_columns!(),
            " FROM inbox WHERE status IN ('pending', 'processing') ORDER BY id"
        );
        Ok(sqlx::query_as(sql).fetch_all(&self.read).await?)
    }

    /// Unfinished messages of one sender, oldest first.
    pub async fn unfinished_inbound_for(
        &self,
        channel: &str,
        sender_id: &str,
    ) -> Result<Vec<InboxRow>, MemoryError> {
        let sql = concat!("SELECT ", inbox_columns!(), " FROM inbox
             WHERE channel = ? AND sender_id = ? AND status IN ('pending', 'processing') ORDER BY id");
        Ok(sqlx::query_as(sql)
            .bind(channel)
            .bind(sender_id)
            .fetch_all(&self.read)
            .await?)
    }

    pub async fn inbound(&self, id: InboxId) -> Result<Option<InboxRow>, MemoryError> {
        let sql = concat!("SELECT ", inbox_columns!(), " FROM inbox WHERE id = ?");
        Ok(sqlx::query_as(sql)
            .bind(id.0)
            .fetch_optional(&self.read)
            .await?)
    }
}
