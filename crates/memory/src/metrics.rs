//! What `/metrics` reports, read from the store (a few grouped reads per scrape; nothing on the
//! message path counts anything).

use crate::error::MemoryError;
use crate::open::Store;

/// The upper bounds (seconds) of the answer-latency histogram's buckets.
pub const LATENCY_BUCKETS: &[f64] = &[0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0];

/// Counts and sums since the database began.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Snapshot {
    /// (channel, inbox status, count): messages received, by what became of them.
    pub inbox: Vec<(String, String, i64)>,
    /// (channel, outbox status, count): replies and notices, by delivery state.
    pub outbox: Vec<(String, String, i64)>,
    /// Per provider: calls by status, tokens, cost.
    pub providers: Vec<ProviderTotals>,
    /// (tool, ok, count).
    pub tools: Vec<(String, bool, i64)>,
    /// Answer latency of calls that reported one: cumulative counts per bucket of
    /// [`LATENCY_BUCKETS`], then the count and the sum (seconds).
    pub latency_buckets: Vec<i64>,
    pub latency_count: i64,
    pub latency_sum: f64,
    /// Pending tasks, and how late the most overdue one is (seconds; 0 = none overdue).
    pub tasks_pending: i64,
    pub scheduler_lag_secs: f64,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ProviderTotals {
    pub provider: String,
    pub ok: i64,
    pub error: i64,
    pub input_tokens: i64,
    pub output_tokens: i64,
    pub cache_read_tokens: i64,
    pub cache_write_tokens: i64,
    pub cost_usd: f64,
}

impl Store {
    /// Everything `/metrics` shows; `now_ms` for the scheduler's lag.
    pub async fn metrics(&self, now_ms: i64) -> Result<Snapshot, MemoryError> {
        let inbox: Vec<(String, String, i64)> = sqlx::query_as(
            "SELECT channel, status, COUNT(*) FROM inbox GROUP BY channel, status ORDER BY 1, 2",
        )
        .fetch_all(&self.read)
        .await?;
        let outbox: Vec<(String, String, i64)> = sqlx::query_as(
            "SELECT channel, status, COUNT(*) FROM outbox GROUP BY channel, status ORDER BY 1, 2",
        )
        .fetch_all(&self.read)
        .await?;
        type Row = (String, i64, i64, i64, i64, i64, i64, f64);
        let rows: Vec<Row> = sqlx::query_as(
            "SELECT provider,
                    SUM(status = 'ok'), SUM(status = 'error'),
                    COALESCE(SUM(input_tokens), 0), COALESCE(SUM(output_tokens), 0),
                    COALESCE(SUM(cache_read_tokens), 0), COALESCE(SUM(cache_write_tokens), 0),
                    COALESCE(SUM(cost_usd), 0.0)
             FROM audit_log WHERE provider IS NOT NULL GROUP BY provider ORDER BY provider",
        )
        .fetch_all(&self.read)
        .await?;
        let providers = rows
            .into_iter()
            .map(|r| ProviderTotals {
                provider: r.0,
                ok: r.1,
                error: r.2,
                input_tokens: r.3,
                output_tokens: r.4,
                cache_read_tokens: r.5,
                cache_write_tokens: r.6,
                cost_usd: r.7,
            })
            .collect();
        let tools: Vec<(String, bool, i64)> =
            sqlx::query_as("SELECT tool, ok != 0, COUNT(*) FROM tool_calls GROUP BY tool, ok ORDER BY 1, 2")
                .fetch_all(&self.read)
                .await?;
        // One pass over the calls that have a latency: a count per bucket bound (the bounds of
        // LATENCY_BUCKETS, in ms).
        let row = sqlx::query(
            "SELECT SUM(latency_ms <= 250), SUM(latency_ms <= 500), SUM(latency_ms <= 1000),
                    SUM(latency_ms <= 2500), SUM(latency_ms <= 5000), SUM(latency_ms <= 10000),
                    SUM(latency_ms <= 30000), SUM(latency_ms <= 60000), SUM(latency_ms <= 120000),
                    COUNT(*), COALESCE(SUM(latency_ms), 0)
             FROM audit_log WHERE latency_ms IS NOT NULL",
        )
        .fetch_one(&self.read)
        .await?;
        use sqlx::Row as _;
        let n = LATENCY_BUCKETS.len();
        let latency_buckets =
            (0..n).map(|i| row.try_get::<Option<i64>, _>(i).ok().flatten().unwrap_or(0)).collect();
        let latency_count: i64 = row.try_get(n).unwrap_or(0);
        let latency_ms: i64 = row.try_get(n + 1).unwrap_or(0);
        let (tasks_pending, oldest_due): (i64, Option<i64>) = sqlx::query_as(
            "SELECT COUNT(*), MIN(due_at) FROM scheduled_tasks WHERE status IN ('pending', 'claimed')",
        )
        .fetch_one(&self.read)
        .await?;
        let scheduler_lag_secs = oldest_due.map(|d| ((now_ms - d).max(0)) as f64 / 1000.0).unwrap_or(0.0);
        Ok(Snapshot {
            inbox,
            outbox,
            providers,
            tools,
            latency_buckets,
            latency_count,
            latency_sum: latency_ms as f64 / 1000.0,
            tasks_pending,
            scheduler_lag_secs,
        })
    }
}
