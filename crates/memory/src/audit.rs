use chrono::Utc;

use crate::error::MemoryError;
use crate::open::Store;
use crate::rows::AuditRow;

/// A message that was refused before it reached anything else.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Denial {
    pub channel: String,
    pub sender_id: String,
    pub sender_name: Option<String>,
    /// The message as received (sanitized); kept so the owner can see who tried what.
    pub input_text: String,
    pub reason: String,
}

impl Store {
    /// Record a denied message. Nothing else about it is stored.
    pub async fn audit_denied(&self, d: Denial) -> Result<(), MemoryError> {
        let at = crate::millis(Utc::now());
        self.writer
            .write((d, at), |c, (d, at)| {
                Box::pin(async move {
                    sqlx::query(
                        "INSERT INTO audit_log (created_at, channel, sender_id, sender_name, input_text, status, error)
                         VALUES (?, ?, ?, ?, ?, 'denied', ?)",
                    )
                    .bind(at)
                    .bind(&d.channel)
                    .bind(&d.sender_id)
                    .bind(&d.sender_name)
                    .bind(&d.input_text)
                    .bind(&d.reason)
                    .execute(&mut *c)
                    .await?;
                    Ok(())
                })
            })
            .await
    }

    /// The most recent audit rows, newest first.
    pub async fn recent_audit(&self, limit: u32) -> Result<Vec<AuditRow>, MemoryError> {
        Ok(sqlx::query_as(
            "SELECT id, created_at, channel, sender_id, sender_name, inbox_id, input_text, output_text,
                    provider, model, input_tokens, output_tokens, cost_usd, latency_ms, status, error
             FROM audit_log ORDER BY id DESC LIMIT ?",
        )
        .bind(i64::from(limit))
        .fetch_all(&self.read)
        .await?)
    }
}
