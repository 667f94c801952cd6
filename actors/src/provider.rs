//! The Provider actor: one per configured AI backend.
//!
//! It owns the client and enforces the global limit on concurrent calls (a semaphore shared by
//! every provider actor, so `provider.max_concurrent` holds across all of them), and counts
//! what a call cost when the backend reports no usage (`omega_providers::estimate`). Calls run
//! concurrently inside the actor's context: a call that panics takes the actor down, every caller
//! waiting on it gets `MailboxError`, and the supervisor starts a fresh actor.

use actix::prelude::*;
use omega_providers::{ChatRequest, ChatResponse, DeltaSink, Provider, ProviderError};
use std::sync::Arc;
use tokio::sync::Semaphore;

use crate::guard::ChildGuard;

/// Ask the model.
#[derive(Message, Debug, Clone)]
#[rtype(result = "Result<ChatResponse, ProviderError>")]
pub struct Complete {
    pub request: ChatRequest,
    /// Streamed text, when the caller shows progress.
    pub deltas: Option<DeltaSink>,
}

/// Check that the provider is configured and reachable.
#[derive(Message)]
#[rtype(result = "Result<(), ProviderError>")]
pub struct CheckProvider;

pub struct ProviderActor {
    client: Arc<dyn Provider>,
    limit: Arc<Semaphore>,
    _guard: ChildGuard,
}

impl ProviderActor {
    pub fn new(client: Arc<dyn Provider>, limit: Arc<Semaphore>, guard: ChildGuard) -> Self {
        Self { client, limit, _guard: guard }
    }
}

impl Actor for ProviderActor {
    type Context = Context<Self>;
}

impl Handler<Complete> for ProviderActor {
    type Result = ResponseActFuture<Self, Result<ChatResponse, ProviderError>>;

    fn handle(&mut self, msg: Complete, _: &mut Context<Self>) -> Self::Result {
        let client = self.client.clone();
        let limit = self.limit.clone();
        Box::pin(
            async move {
                // Waiting here is the queue for the global concurrency limit.
                let _permit = limit.acquire_owned().await.map_err(|_| ProviderError::Interrupted {
                    provider: client.name().to_owned(),
                    detail: "shutting down".into(),
                })?;
                // A request called off stops here: dropping the call drops its stream (and kills
                // a CLI's process group).
                let cancel = msg.request.cancel.clone();
                // Counted before it is sent, for a provider that reports no usage of its own.
                let sent = omega_providers::estimate::request_tokens(&msg.request);
                // Called off already: no request is made at all.
                let mut response = tokio::select! {
                    biased;
                    () = cancel.cancelled() => Err(ProviderError::Cancelled { provider: client.name().to_owned() }),
                    r = client.complete(msg.request, msg.deltas) => r,
                }?;
                omega_providers::estimate::fill_in(sent, &mut response);
                Ok(response)
            }
            .into_actor(self),
        )
    }
}

impl Handler<CheckProvider> for ProviderActor {
    type Result = ResponseFuture<Result<(), ProviderError>>;

    fn handle(&mut self, _: CheckProvider, _: &mut Context<Self>) -> Self::Result {
        let client = self.client.clone();
        Box::pin(async move { client.check().await })
    }
}

/// A backend reached through its actor: what the router's fallback chain holds. Its name and
/// capabilities are the backend's own; its calls go through the actor, so a panic in one backend
/// restarts that backend alone and the chain moves on to the next.
#[derive(Debug)]
pub struct RoutedProvider {
    meta: Arc<dyn Provider>,
    route: crate::route::Route<Complete>,
}

impl RoutedProvider {
    pub fn new(meta: Arc<dyn Provider>, route: crate::route::Route<Complete>) -> Self {
        Self { meta, route }
    }
}

#[async_trait::async_trait]
impl Provider for RoutedProvider {
    omega_providers::forward_capabilities!(meta);

    async fn complete(
        &self,
        request: ChatRequest,
        deltas: Option<DeltaSink>,
    ) -> Result<ChatResponse, ProviderError> {
        match self.route.send(Complete { request, deltas }).await {
            Ok(r) => r,
            Err(e) => Err(ProviderError::Interrupted {
                provider: self.meta.name().to_owned(),
                detail: format!("the provider actor stopped while answering ({e})"),
            }),
        }
    }

    async fn check(&self) -> Result<(), ProviderError> {
        self.meta.check().await
    }
}

/// The fallback chain over the backends' actors: `[provider] default` first, then each of
/// `[provider] fallback` when the one before cannot answer.
pub struct ProviderRouter {
    chain: Arc<omega_providers::fallback::Fallback>,
    _guard: ChildGuard,
}

impl ProviderRouter {
    pub fn new(chain: Vec<Arc<dyn Provider>>, guard: ChildGuard) -> Self {
        Self { chain: Arc::new(omega_providers::fallback::Fallback::new(chain)), _guard: guard }
    }
}

impl Actor for ProviderRouter {
    type Context = Context<Self>;
}

impl Handler<Complete> for ProviderRouter {
    type Result = ResponseActFuture<Self, Result<ChatResponse, ProviderError>>;

    fn handle(&mut self, msg: Complete, _: &mut Context<Self>) -> Self::Result {
        let chain = self.chain.clone();
        Box::pin(async move { chain.complete(msg.request, msg.deltas).await }.into_actor(self))
    }
}

/// What `/api/health` reports about the provider; the runtime updates it.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct ProviderStatus {
    pub name: String,
    /// `ok`, `unavailable`, or `unknown` before the first check.
    pub status: String,
    pub detail: Option<String>,
    /// The `[provider] fallback` chain, each checked the same way.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fallbacks: Vec<ProviderStatus>,
}

pub type SharedProviderStatus = std::sync::Arc<parking_lot::RwLock<ProviderStatus>>;
