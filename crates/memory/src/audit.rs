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

/// What was spent in a period.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Spend {
    pub usd: f64,
    pub tokens: i64,
    pub calls: i64,
    /// Prompt (input) tokens, and how many of them came from the provider's cache.
    pub prompt_tokens: i64,
    pub cache_read_tokens: i64,
    /// Calls whose tokens are Omega's estimate (the provider reported none).
    pub estimated_calls: i64,
}

impl Store {
    /// Spend recorded in the audit log since `since_ms`: of one sender (`Some((channel, sender))`)
    /// or of everyone (`None`).
    pub async fn spend_since(&self, who: Option<(&str, &str)>, since_ms: i64) -> Result<Spend, MemoryError> {
        type Sums = (Option<f64>, Option<i64>, i64, Option<i64>, Option<i64>, i64);
        let (usd, tokens, calls, prompt, cached, estimated): Sums = match who {
            Some((channel, sender)) => {
                sqlx::query_as(
                    "SELECT SUM(cost_usd), SUM(COALESCE(input_tokens, 0) + COALESCE(output_tokens, 0)), COUNT(*),
                            SUM(input_tokens), SUM(cache_read_tokens), COUNT(usage_estimated)
                     FROM audit_log WHERE created_at >= ? AND channel = ? AND sender_id = ? AND status != 'denied'",
                )
                .bind(since_ms)
                .bind(channel)
                .bind(sender)
                .fetch_one(&self.read)
                .await?
            }
            None => {
                sqlx::query_as(
                    "SELECT SUM(cost_usd), SUM(COALESCE(input_tokens, 0) + COALESCE(output_tokens, 0)), COUNT(*),
                            SUM(input_tokens), SUM(cache_read_tokens), COUNT(usage_estimated)
                     FROM audit_log WHERE created_at >= ? AND status != 'denied'",
                )
                .bind(since_ms)
                .fetch_one(&self.read)
                .await?
            }
        };
        Ok(Spend {
            usd: usd.unwrap_or(0.0),
            tokens: tokens.unwrap_or(0),
            calls,
            prompt_tokens: prompt.unwrap_or(0),
            cache_read_tokens: cached.unwrap_or(0),
            estimated_calls: estimated,
        })
    }

    /// Prompt tokens read from providers' caches since `since_ms`, per model (everyone's).
    pub async fn cache_reads_by_model(&self, since_ms: i64) -> Result<Vec<(String, i64)>, MemoryError> {
        Ok(sqlx::query_as(
            "SELECT COALESCE(model, ''), SUM(cache_read_tokens) FROM audit_log
             WHERE created_at >= ? AND cache_read_tokens > 0 GROUP BY model",
        )
        .bind(since_ms)
        .fetch_all(&self.read)
        .await?)
    }

    /// Record a denied message. Nothing else about it is stored.
    pub async fn audit_denied(&self, d: Denial) -> Result<(), MemoryError> {
        let at = self.now_ms();
        self.writer
            .write_audited(crate::writer::Touch::Nothing, (d, at), |c, (d, at)| {
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
                    provider, model, input_tokens, output_tokens, cost_usd, latency_ms, status, error,
                    cache_read_tokens, cache_write_tokens
             FROM audit_log ORDER BY id DESC LIMIT ?",
        )
        .bind(i64::from(limit))
        .fetch_all(&self.read)
        .await?)
    }
}
