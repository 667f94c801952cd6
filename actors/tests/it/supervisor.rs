//! The Supervisor alone: a tree with a backend that panics on every call. It is restarted within
//! its budget (five a minute), then left down with its route unbound, and nothing else is touched.

use async_trait::async_trait;
use omega_actors::gateway::GatewaySettings;
use omega_actors::pipeline::SessionSettings;
use omega_actors::provider::Complete;
use omega_actors::supervisor::{Child, RestartCounts, Spec, Supervisor};
use omega_memory::Store;
use omega_providers::{ChatRequest, ChatResponse, DeltaSink, Provider, ProviderError};
use omega_testkit::{TempHome, wait_until_async};
use std::sync::Arc;
use std::time::Duration;

#[derive(Debug)]
struct Broken;

#[async_trait]
impl Provider for Broken {
    fn name(&self) -> &str {
        "broken"
    }
    fn default_model(&self) -> &str {
        "m"
    }
    async fn complete(&self, _: ChatRequest, _: Option<DeltaSink>) -> Result<ChatResponse, ProviderError> {
        panic!("a bug in the client")
    }
    async fn check(&self) -> Result<(), ProviderError> {
        Ok(())
    }
}

#[actix_rt::test]
async fn a_child_that_keeps_crashing_is_restarted_within_its_budget_then_left_down_alone() {
    let home = TempHome::new();
    let store = Store::open(&home.db_path()).await.unwrap();
    let spec = Spec {
        store,
        providers: vec![Arc::new(Broken)],
        tools: None,
        scheduler: None,
        action_retry_base: Duration::from_secs(60),
        summarizer: None,
        summarize_on_shutdown: false,
        heartbeat: None,
        max_concurrent: 1,
        gateway: GatewaySettings {
            policy: Default::default(),
            deny_message: String::new(),
            session_budget: Default::default(),
            pairing_channels: Vec::new(),
            pairing_ttl: Duration::from_secs(600),
            jobs: Some(Default::default()),
            live_sessions: Default::default(),
        },
        session: SessionSettings { data_dir: home.data_dir(), ..SessionSettings::default() },
        telegram: None,
        whatsapp: None,
        locals: Vec::new(),
    };
    let (supervisor, tree) = Supervisor::start(spec);
    let restarts = || {
        let s = supervisor.clone();
        async move { s.send(RestartCounts).await.unwrap().get(&Child::Provider(0)).copied().unwrap_or(0) }
    };
    for crash in 1..=6u32 {
        wait_until_async(Duration::from_secs(10), "a live provider actor", || {
            std::future::ready(tree.provider.is_bound())
        })
        .await;
        let answer = tree.provider.send(Complete { request: ChatRequest::default(), deltas: None }).await;
        assert!(answer.is_err(), "crash {crash}: the caller hears the actor is gone, not an answer");
        if crash <= 5 {
            wait_until_async(Duration::from_secs(10), "the restart", || async { restarts().await == crash })
                .await;
        }
    }
    // The sixth crash in a minute is over budget: left down, its route unbound.
    wait_until_async(Duration::from_secs(10), "the provider left down", || {
        std::future::ready(!tree.provider.is_bound())
    })
    .await;
    assert_eq!(restarts().await, 5);
    let counts = supervisor.send(RestartCounts).await.unwrap();
    assert_eq!(counts.len(), 1, "one-for-one: no other child was restarted: {counts:?}");
    let running = tree.running();
    for up in ["Outbox", "Gateway", "Markers"] {
        assert!(running.contains(&up), "{up} is still running: {running:?}");
    }
    assert!(!running.contains(&"Provider"), "{running:?}");
}
