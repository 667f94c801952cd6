//! Retries: any provider, wrapped, tries again after failures that can pass.
//!
//! Retried: connection failures, timeouts, 429, 5xx and "overloaded" errors. Not retried: 4xx
//! errors that cannot succeed (a rejected key, a bad request) — trying again only costs money.
//! The wait is exponential with full jitter, unless the server said how long to wait
//! (`retry-after`), which is then honoured exactly; a wait longer than
//! [`RetryPolicy::max_retry_after`] is not sat out, the error is returned instead.
//!
//! A streamed answer that fails after part of it reached the caller is not retried: the caller
//! has already shown that part, and a second attempt would show different words after it.

use async_trait::async_trait;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use crate::Provider;
use crate::error::ProviderError;
use crate::types::{ChatRequest, ChatResponse, DeltaSink};

/// How hard to try.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included.
    pub max_attempts: u32,
    /// The first back-off; each later one doubles, up to `max_delay`.
    pub base_delay: Duration,
    pub max_delay: Duration,
    /// The longest `retry-after` that is waited out.
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 4,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(20),
            max_retry_after: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// The back-off before attempt `attempt + 1` (attempt counts from 1): full jitter over an
    /// exponentially growing window.
    pub fn backoff(&self, attempt: u32) -> Duration {
        let window =
            self.base_delay.saturating_mul(1u32 << attempt.saturating_sub(1).min(16)).min(self.max_delay);
        window.mul_f64(jitter())
    }
}

/// A number in [0.5, 1.0): half the window is guaranteed, so retries never bunch at zero.
fn jitter() -> f64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default().as_nanos(),
    );
    0.5 + (h.finish() % 1_000_000) as f64 / 2_000_000.0
}

/// A provider that retries another.
#[derive(Debug)]
pub struct Retrying {
    inner: Arc<dyn Provider>,
    policy: RetryPolicy,
}

impl Retrying {
    pub fn new(inner: Arc<dyn Provider>, policy: RetryPolicy) -> Self {
        Self { inner, policy }
    }
}

#[async_trait]
impl Provider for Retrying {
    crate::forward_capabilities!(inner);

    async fn complete(
        &self,
        request: ChatRequest,
        deltas: Option<DeltaSink>,
    ) -> Result<ChatResponse, ProviderError> {
        let mut attempt = 0;
        loop {
            attempt += 1;
            // Forward deltas through a relay that notes whether any reached the caller.
            let shown = Arc::new(AtomicBool::new(false));
            let (relay, forwarding) = match &deltas {
                Some(sink) => {
                    let (tx, task) = relay(sink.clone(), shown.clone());
                    (Some(tx), Some(task))
                }
                None => (None, None),
            };
            let result = self.inner.complete(request.clone(), relay).await;
            // The provider has dropped its sender: once the relay has drained, `shown` is final.
            if let Some(task) = forwarding {
                let _ = task.await;
            }
            let err = match result {
                Ok(r) => return Ok(r),
                Err(e) => e,
            };
            let partial = shown.load(Ordering::SeqCst);
            if !err.is_transient() || partial || attempt >= self.policy.max_attempts {
                return Err(err);
            }
            let wait = match err.retry_after() {
                Some(w) if w > self.policy.max_retry_after => return Err(err),
                Some(w) => w,
                None => self.policy.backoff(attempt),
            };
            tracing::info!(provider = self.inner.name(), attempt, wait_ms = wait.as_millis() as u64, error = %err, "retrying");
            crate::counters::retried(self.inner.name());
            tokio::time::sleep(wait).await;
        }
    }

    async fn check(&self) -> Result<(), ProviderError> {
        self.inner.check().await
    }
}

/// A sink that forwards to `to` and records that something was forwarded; the task ends when
/// every sender is dropped.
fn relay(to: DeltaSink, shown: Arc<AtomicBool>) -> (DeltaSink, tokio::task::JoinHandle<()>) {
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<String>();
    let task = tokio::spawn(async move {
        while let Some(d) = rx.recv().await {
            shown.store(true, Ordering::SeqCst);
            let _ = to.send(d);
        }
    });
    (tx, task)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_is_capped_with_jitter() {
        let p = RetryPolicy {
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_secs(1),
            ..Default::default()
        };
        for _ in 0..50 {
            let d1 = p.backoff(1);
            assert!(d1 >= Duration::from_millis(50) && d1 < Duration::from_millis(100), "{d1:?}");
            let d3 = p.backoff(3);
            assert!(d3 >= Duration::from_millis(200) && d3 < Duration::from_millis(400), "{d3:?}");
            assert!(p.backoff(30) < Duration::from_secs(1));
        }
    }
}
