use crate::error::MemoryError;
use crate::open::Store;
use crate::rows::Fact;

impl Store {
    /// Set a fact about `sender` (a session key, `channel:sender_id`). Upserts.
    pub async fn set_fact(&self, sender: &str, key: &str, value: &str) -> Result<(), MemoryError> {
        let data = (sender.to_owned(), key.to_owned(), value.to_owned(), self.now_ms());
        self.writer
            .write(data, |c, (s, k, v, at)| {
                Box::pin(async move {
                    sqlx::query(
                        "INSERT INTO facts (sender, key, value, created_at, updated_at) VALUES (?, ?, ?, ?, ?)
                         ON CONFLICT (sender, key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
                    )
                    .bind(s)
                    .bind(k)
                    .bind(v)
                    .bind(at)
                    .bind(at)
                    .execute(&mut *c)
                    .await?;
                    Ok(())
                })
            })
            .await
    }

    /// Delete one fact. Returns whether it existed.
    pub async fn delete_fact(&self, sender: &str, key: &str) -> Result<bool, MemoryError> {
        self.writer
            .write((sender.to_owned(), key.to_owned()), |c, (s, k)| {
                Box::pin(async move {
                    let r = sqlx::query("DELETE FROM facts WHERE sender = ? AND key = ?")
                        .bind(s)
                        .bind(k)
                        .execute(&mut *c)
                        .await?;
                    Ok(r.rows_affected() > 0)
                })
            })
            .await
    }

    /// All facts about one sender, by key. Never another sender's.
    pub async fn facts(&self, sender: &str) -> Result<Vec<Fact>, MemoryError> {
        Ok(sqlx::query_as("SELECT key, value, updated_at FROM facts WHERE sender = ? ORDER BY key")
            .bind(sender)
            .fetch_all(&self.read)
            .await?)
    }
}
