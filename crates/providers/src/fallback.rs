//! Failover: when the first provider cannot answer, the next one in `[provider] fallback` is
//! asked, and so on. The response names the provider that answered, for the audit log.

use async_trait::async_trait;
use std::sync::Arc;

use crate::Provider;
use crate::error::ProviderError;
use crate::types::{ChatRequest, ChatResponse, DeltaSink};

/// Providers in order of preference (each usually wrapped in [`crate::retry::Retrying`]).
#[derive(Debug)]
pub struct Fallback {
    chain: Vec<Arc<dyn Provider>>,
}

impl Fallback {
    /// `chain` must not be empty; the first is the primary.
    pub fn new(chain: Vec<Arc<dyn Provider>>) -> Self {
        assert!(!chain.is_empty(), "a fallback chain needs a provider");
        Self { chain }
    }
}

#[async_trait]
impl Provider for Fallback {
    crate::forward_capabilities!(chain[0]);

    async fn complete(
        &self,
        request: ChatRequest,
        deltas: Option<DeltaSink>,
    ) -> Result<ChatResponse, ProviderError> {
        let mut last = None;
        for (i, p) in self.chain.iter().enumerate() {
            if request.messages.iter().any(|m| !m.images.is_empty()) && !p.supports_vision() {
                continue;
            }
            // The primary's model name means nothing to the others: they use their own.
            // A session of the primary means nothing to the others either; the request carries
            // the whole history, so a fallback answers in context without it.
            let mut req = request.clone();
            if i > 0 {
                req.model.clear();
                req.resume = None;
            }
            match p.complete(req, deltas.clone()).await {
                Ok(mut r) => {
                    if r.provider.is_empty() {
                        r.provider = p.name().to_owned();
                    }
                    if i > 0 {
                        tracing::warn!(answered_by = p.name(), "answered by a fallback provider");
                        crate::counters::answered_by_fallback(p.name());
                    }
                    return Ok(r);
                }
                // Called off, or over a budget: the next provider must not take it up.
                Err(e @ (ProviderError::Cancelled { .. } | ProviderError::OverBudget { .. })) => {
                    return Err(e);
                }
                Err(e) => {
                    if i + 1 < self.chain.len() {
                        tracing::warn!(provider = p.name(), error = %e, "provider failed; trying the next one");
                    }
                    last = Some(e);
                }
            }
        }
        Err(last.unwrap_or_else(|| ProviderError::NotConfigured {
            provider: self.name().to_owned(),
            what: "no provider in the chain can look at images".into(),
            hint: "set vision = true on a provider whose model can see".into(),
        }))
    }

    async fn check(&self) -> Result<(), ProviderError> {
        self.chain[0].check().await
    }
}
