use serde::Serialize;

use crate::error::MemoryError;
use crate::open::Store;

/// What `omega status` shows about the database.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Stats {
    pub size_bytes: i64,
    pub conversations: i64,
    pub messages: i64,
    pub facts: i64,
    pub pending_tasks: i64,
    pub audit_rows: i64,
    pub inbox_unfinished: i64,
    pub outbox_undelivered: i64,
}

impl Store {
    pub async fn stats(&self) -> Result<Stats, MemoryError> {
        let count = |sql: &'static str| async move {
            sqlx::query_as::<_, (i64,)>(sql).fetch_one(&self.read).await.map(|r| r.0)
        };
        let (pages,) = sqlx::query_as::<_, (i64,)>("PRAGMA page_count").fetch_one(&self.read).await?;
        let (page_size,) = sqlx::query_as::<_, (i64,)>("PRAGMA page_size").fetch_one(&self.read).await?;
        Ok(Stats {
            size_bytes: pages * page_size,
            conversations: count("SELECT COUNT(*) FROM conversations").await?,
            messages: count("SELECT COUNT(*) FROM messages").await?,
            facts: count("SELECT COUNT(*) FROM facts").await?,
            pending_tasks: count("SELECT COUNT(*) FROM scheduled_tasks WHERE status = 'pending'").await?,
            audit_rows: count("SELECT COUNT(*) FROM audit_log").await?,
            inbox_unfinished: count("SELECT COUNT(*) FROM inbox WHERE status = 'pending'").await?,
            outbox_undelivered: count("SELECT COUNT(*) FROM outbox WHERE status = 'pending'").await?,
        })
    }
}
