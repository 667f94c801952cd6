use crate::error::MemoryError;
use crate::open::Store;

impl Store {
    /// A channel's saved value for `key` (a cursor, an offset).
    pub async fn channel_state(&self, channel: &str, key: &str) -> Result<Option<String>, MemoryError> {
        let row: Option<(String,)> =
            sqlx::query_as("SELECT value FROM channel_state WHERE channel = ? AND key = ?")
                .bind(channel)
                .bind(key)
                .fetch_optional(&self.read)
                .await?;
        Ok(row.map(|r| r.0))
    }

    pub async fn set_channel_state(&self, channel: &str, key: &str, value: &str) -> Result<(), MemoryError> {
        let data = (channel.to_owned(), key.to_owned(), value.to_owned(), self.now_ms());
        self.writer
            .write_touching(crate::writer::Touch::Nothing, data, |c, (ch, k, v, at)| {
                Box::pin(async move {
                    sqlx::query(
                        "INSERT INTO channel_state (channel, key, value, updated_at) VALUES (?, ?, ?, ?)
                         ON CONFLICT (channel, key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
                    )
                    .bind(ch)
                    .bind(k)
                    .bind(v)
                    .bind(at)
                    .execute(&mut *c)
                    .await?;
                    Ok(())
                })
            })
            .await
    }
}
