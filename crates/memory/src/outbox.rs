use omega_core::{InboxId, Outbound, OutboxId};

use crate::error::MemoryError;
use crate::open::Store;
use crate::rows::OutboxRow;

macro_rules! outbox_columns {
    () => {
        "id, inbox_id, channel, recipient, kind, text, status, attempts, created_at, delivered_at, file_path, file_name, file_mime"
    };
}

impl Store {
    /// The files (`send_file` copies) still needed: those of undelivered rows, and the HTTP API's
    /// (its clients download them) made since `http_since_ms`.
    pub async fn outgoing_files_in_use(&self, http_since_ms: i64) -> Result<Vec<String>, MemoryError> {
        let rows: Vec<(String,)> = sqlx::query_as(
            "SELECT file_path FROM outbox WHERE file_path IS NOT NULL
               AND (status = 'pending' OR (channel = 'http' AND created_at >= ?))",
        )
        .bind(http_since_ms)
        .fetch_all(&self.read)
        .await?;
        Ok(rows.into_iter().map(|r| r.0).collect())
    }

    /// One outbox row.
    pub async fn outbox_row(&self, id: OutboxId) -> Result<Option<OutboxRow>, MemoryError> {
        Ok(sqlx::query_as(concat!("SELECT ", outbox_columns!(), " FROM outbox WHERE id = ?"))
            .bind(id.0)
            .fetch_optional(&self.read)
            .await?)
    }

    /// Queue a message that is not written as part of an exchange.
    pub async fn enqueue(&self, out: &Outbound) -> Result<OutboxRow, MemoryError> {
        self.enqueue_keyed(out, None).await.map(|(row, _)| row)
    }

    /// [`Store::enqueue`], once per `key`: a second call with the same key stores nothing and
    /// returns the first call's row (`false`: it was there already).
    pub async fn enqueue_once(&self, out: &Outbound, key: &str) -> Result<(OutboxRow, bool), MemoryError> {
        self.enqueue_keyed(out, Some(key.to_owned())).await
    }

    async fn enqueue_keyed(
        &self,
        out: &Outbound,
        key: Option<String>,
    ) -> Result<(OutboxRow, bool), MemoryError> {
        self.writer
            .write_touching(
                crate::writer::Touch::Nothing,
                (out.clone(), key, self.now_ms()),
                |c, (o, key, at)| {
                    Box::pin(async move {
                        // No key never conflicts (the unique index skips NULLs).
                        let new: Option<OutboxRow> = sqlx::query_as(concat!(
                        "INSERT INTO outbox (inbox_id, channel, recipient, kind, text, created_at, dedup_key)
                         VALUES (?, ?, ?, ?, ?, ?, ?)
                         ON CONFLICT (dedup_key) WHERE dedup_key IS NOT NULL DO NOTHING RETURNING ",
                        outbox_columns!()
                    ))
                        .bind(o.in_reply_to.map(|i| i.0))
                        .bind(&o.channel)
                        .bind(&o.recipient)
                        .bind(o.kind.as_str())
                        .bind(&o.text)
                        .bind(*at)
                        .bind(key.as_deref())
                        .fetch_optional(&mut *c)
                        .await?;
                        if let Some(row) = new {
                            return Ok((row, true));
                        }
                        let row = sqlx::query_as(concat!(
                            "SELECT ",
                            outbox_columns!(),
                            " FROM outbox WHERE dedup_key = ?"
                        ))
                        .bind(key.as_deref())
                        .fetch_one(&mut *c)
                        .await?;
                        Ok((row, false))
                    })
                },
            )
            .await
    }

    /// Notices (reminders, approvals) and background jobs' results sent to `recipient` on
    /// `channel` after outbox id `after`, oldest first: how a channel without push (the HTTP
    /// API) lets clients fetch them.
    pub async fn notices_for(
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
               AND (kind = 'notice' OR inbox_id IN (SELECT inbox_id FROM jobs)) ORDER BY id LIMIT ?"
        );
        Ok(sqlx::query_as(sql)
            .bind(channel)
            .bind(recipient)
            .bind(after)
            .bind(i64::from(limit))
            .fetch_all(&self.read)
            .await?)
    }

    /// Replies not yet confirmed by their channel, oldest first.
    pub async fn undelivered(&self) -> Result<Vec<OutboxRow>, MemoryError> {
        let sql = concat!("SELECT ", outbox_columns!(), " FROM outbox WHERE status = 'pending' ORDER BY id");
        Ok(sqlx::query_as(sql).fetch_all(&self.read).await?)
    }

    /// The channel confirmed delivery. Idempotent.
    pub async fn mark_delivered(&self, id: OutboxId) -> Result<(), MemoryError> {
        self.mark_delivered_many(vec![id]).await
    }

    /// Several confirmations in one statement. Idempotent.
    pub async fn mark_delivered_many(&self, ids: Vec<OutboxId>) -> Result<(), MemoryError> {
        if ids.is_empty() {
            return Ok(());
        }
        let list = serde_json::to_string(&ids.iter().map(|i| i.0).collect::<Vec<_>>()).unwrap_or_default();
        self.writer
            .write_touching(crate::writer::Touch::Nothing, (list, self.now_ms()), |c, (list, at)| {
                Box::pin(async move {
                    sqlx::query(
                        "UPDATE outbox SET status = 'delivered', delivered_at = ?, attempts = attempts + 1
                         WHERE status = 'pending' AND id IN (SELECT value FROM json_each(?))",
                    )
                    .bind(at)
                    .bind(list)
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
        self.writer
            .write_touching(
                crate::writer::Touch::Nothing,
                (id, error.to_owned(), give_up),
                |c, (id, error, give_up)| {
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
                },
            )
            .await
    }

    /// Every outbox row answering one inbound message.
    pub async fn replies_to(&self, id: InboxId) -> Result<Vec<OutboxRow>, MemoryError> {
        let sql = concat!("SELECT ", outbox_columns!(), " FROM outbox WHERE inbox_id = ? ORDER BY id");
        Ok(sqlx::query_as(sql).bind(id.0).fetch_all(&self.read).await?)
    }
}
