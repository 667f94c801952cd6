use chrono::Utc;
use omega_core::{InboxId, Outbound, OutboxId};

use crate::error::MemoryError;
use crate::open::Store;
use crate::rows::OutboxRow;

macro_rules! outbox_columns {
    () => {
        "id, inbox_id, channel, recipient, kind, text, status, attempts, created_at, delivered_at"
    };
}

impl Store {
    /// Queue a message that is not the answer to an inbox row (or is, but written on its own).
    pub async fn enqueue(&self, out: &Outbound) -> Result<OutboxRow, MemoryError> {
        let o = out.clone();
        let at = crate::millis(Utc::now());
        self.writer
            .write(move |c| {
                Box::pin(async move {
                    sqlx::query_as(concat!(
                        "INSERT INTO outbox (inbox_id, channel, recipient, kind, text, created_at)
                         VALUES (?, ?, ?, ?, ?, ?) RETURNING ",
                        outbox_columns!(),
                        ""
                    ))
                    .bind(o.in_reply_to.map(|i| i.0))
                    .bind(&o.channel)
                    .bind(&o.recipient)
                    .bind(o.kind.as_str())
                    .bind(&o.text)
                    .bind(at)
                    .fetch_one(&mut *c)
                    .await
                })
            })
            .await
    }

    /// Replies not yet confirmed by their channel, oldest first.
    pub async fn undelivered(&self) -> Result<Vec<OutboxRow>, MemoryError> {
        let sql = concat!(
            "SELECT ",
            outbox_columns!(),
            " FROM outbox WHERE status = 'pending' ORDER BY id"
        );
        Ok(sqlx::query_as(sql).fetch_all(&self.read).await?)
    }

    /// The channel confirmed delivery. Idempotent.
    pub async fn mark_delivered(&self, id: OutboxId) -> Result<(), MemoryError> {
        let at = crate::millis(Utc::now());
        self.writer
            .write(move |c| {
                Box::pin(async move {
                    sqlx::query(
                        "UPDATE outbox SET status = 'delivered', delivered_at = ?, attempts = attempts + 1
                         WHERE id = ? AND status = 'pending'",
                    )
                    .bind(at)
                    .bind(id.0)
                    .execute(&mut *c)
                    .await?;
                    Ok(())
                })
            })
            .await
    }

    /// A delivery attempt failed. With `give_up` the row is marked failed and not retried.
    pub async fn mark_delivery_failed(
        &self,
        id: OutboxId,
        error: &str,
        give_up: bool,
    ) -> Result<(), MemoryError> {
        let error = error.to_owned();
        self.writer
            .write(move |c| {
                Box::pin(async move {
                    sqlx::query(
                        "UPDATE outbox SET attempts = attempts + 1, last_error = ?,
                            status = CASE WHEN ? THEN 'failed' ELSE status END
                         WHERE id = ? AND status = 'pending'",
                    )
                    .bind(error)
                    .bind(give_up)
                    .bind(id.0)
                    .execute(&mut *c)
                    .await?;
                    Ok(())
                })
            })
            .await
    }

    /// Every outbox row answering one inbound message.
    pub async fn replies_to(&self, id: InboxId) -> Result<Vec<OutboxRow>, MemoryError> {
        let sql = concat!(
            "SELECT ",
            outbox_columns!(),
            " FROM outbox WHERE inbox_id = ? ORDER BY id"
        );
        Ok(sqlx::query_as(sql).bind(id.0).fetch_all(&self.read).await?)
    }

    /// Outbox rows for one recipient with an id above `after`, oldest first.
    pub async fn outbox_for(
        &self,
        channel: &str,
        recipient: &str,
        after: i64,
        limit: u32,
    ) -> Result<Vec<OutboxRow>, MemoryError> {
        let sql = concat!(
            "SELECT ",
            outbox_columns!(),
            " FROM outbox WHERE channel = ? AND recipient = ? AND id > ?
             ORDER BY id LIMIT ?"
        );
        Ok(sqlx::query_as(sql)
            .bind(channel)
            .bind(recipient)
            .bind(after)
            .bind(i64::from(limit))
            .fetch_all(&self.read)
            .await?)
    }
}
