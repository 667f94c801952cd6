//! A provider's own concurrency limit (`[provider.NAME] max_concurrent`), on top of the global
//! one: a local Ollama may serve one call at a time while a hosted API takes ten.

use async_trait::async_trait;
use std::sync::Arc;
use tokio::sync::Semaphore;

use crate::Provider;
use crate::error::ProviderError;
use crate::types::{ChatRequest, ChatResponse, DeltaSink};

#[derive(Debug)]
pub struct Limited {
    inner: Arc<dyn Provider>,
    permits: Arc<Semaphore>,
}

impl Limited {
    /// `max == 0` returns `inner` unchanged.
    pub fn wrap(inner: Arc<dyn Provider>, max: u32) -> Arc<dyn Provider> {
        if max == 0 {
            return inner;
        }
        Arc::new(Self { inner, permits: Arc::new(Semaphore::new(max as usize)) })
    }
}

#[async_trait]
impl Provider for Limited {
    crate::forward_capabilities!(inner);

    async fn complete(
        &self,
        request: ChatRequest,
        deltas: Option<DeltaSink>,
    ) -> Result<ChatResponse, ProviderError> {
        let _permit = self.permits.acquire().await.map_err(|_| ProviderError::Interrupted {
            provider: self.inner.name().to_owned(),
            detail: "shutting down".into(),
        })?;
        self.inner.complete(request, deltas).await
    }

    async fn check(&self) -> Result<(), ProviderError> {
        self.inner.check().await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    #[derive(Debug, Default)]
    struct Slow {
        now: AtomicUsize,
        max: AtomicUsize,
    }

    #[async_trait]
    impl Provider for Slow {
        fn name(&self) -> &str {
            "slow"
        }
        fn default_model(&self) -> &str {
            "m"
        }
        async fn complete(
            &self,
            _: ChatRequest,
            _: Option<DeltaSink>,
        ) -> Result<ChatResponse, ProviderError> {
            let n = self.now.fetch_add(1, Ordering::SeqCst) + 1;
            self.max.fetch_max(n, Ordering::SeqCst);
            tokio::time::sleep(Duration::from_millis(20)).await;
            self.now.fetch_sub(1, Ordering::SeqCst);
            Ok(ChatResponse::default())
        }
        async fn check(&self) -> Result<(), ProviderError> {
            Ok(())
        }
    }

    #[tokio::test]
    async fn at_most_max_calls_run_at_once() {
        let slow = Arc::new(Slow::default());
        let limited = Limited::wrap(slow.clone(), 2);
        let calls = (0..6).map(|_| limited.complete(ChatRequest::default(), None));
        futures::future::join_all(calls).await;
        assert_eq!(slow.max.load(Ordering::SeqCst), 2);
    }
}
