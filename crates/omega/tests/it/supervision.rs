//! Real panics inside actors: the message in flight still gets an error reply, the actor is
//! replaced, and the next message is answered.

use crate::support::config;
use async_trait::async_trait;
use omega::{ChatRequest, ChatResponse, OutboundKind, Provider, ProviderError};
use omega_actors::supervisor::{Child, RestartCounts};
use omega_core::config::OpenAiConfig;
use omega_providers::DeltaSink;
use omega_providers::openai::OpenAiProvider;
use omega_testkit::{FakeOpenAi, TempHome};
use std::sync::Arc;

/// A real provider that panics when asked about "boom".
#[derive(Debug)]
struct Fragile(OpenAiProvider);

#[async_trait]
impl Provider for Fragile {
    fn name(&self) -> &str {
        "fragile"
    }
    fn default_model(&self) -> &str {
        self.0.default_model()
    }
    async fn complete(
        &self,
        req: ChatRequest,
        deltas: Option<DeltaSink>,
    ) -> Result<ChatResponse, ProviderError> {
        if req.messages.last().is_some_and(|m| m.content.contains("boom")) {
            panic!("provider bug triggered by the message");
        }
        self.0.complete(req, deltas).await
    }
    async fn check(&self) -> Result<(), ProviderError> {
        Ok(())
    }
}

#[actix_rt::test]
async fn a_panicking_provider_is_restarted_and_the_message_gets_an_error() {
    let (home, fake) = (TempHome::new(), FakeOpenAi::start());
    let c = config(&home, &fake);
    let inner = OpenAiProvider::new(OpenAiConfig { stream: false, ..c.provider.openai.clone() });
    let rt = omega::Runtime::builder(c)
        .http(false)
        .local_channel("app")
        .provider(Arc::new(Fragile(inner)))
        .start()
        .await
        .unwrap();
    let r = rt.ask("app", "gil", "boom").await.unwrap();
    assert_eq!(r.kind, OutboundKind::Error);
    assert!(r.text.contains("internal error"), "{}", r.text);
    assert_eq!(rt.ask("app", "gil", "are you back?").await.unwrap().text, "echo: are you back?");
    let restarts = rt.supervisor().send(RestartCounts).await.unwrap();
    assert_eq!(restarts.get(&Child::Provider), Some(&1));
    let row = rt.store().recent_audit(2).await.unwrap();
    assert_eq!(row[1].status, "error");
    rt.shutdown().await;
}

#[actix_rt::test]
async fn a_panicking_session_answers_with_an_error_and_the_sender_carries_on() {
    let (home, fake) = (TempHome::new(), FakeOpenAi::start());
    fake.set_default(omega_testkit::Script::Echo, std::time::Duration::from_millis(200));
    let rt = omega::Runtime::builder(config(&home, &fake))
        .http(false)
        .local_channel("app")
        .inject_session_panic("PANIC-NOW")
        .start()
        .await
        .unwrap();
    // A message is being answered, a crashing one waits behind it, and one more behind that.
    let (a, b, c) = futures::join!(
        rt.ask("app", "hal", "first"),
        rt.ask("app", "hal", "PANIC-NOW please"),
        rt.ask("app", "hal", "third"),
    );
    assert_eq!(a.unwrap().text, "echo: first");
    let b = b.unwrap();
    assert_eq!(b.kind, OutboundKind::Error);
    assert!(b.text.contains("internal error"), "{}", b.text);
    assert_eq!(c.unwrap().text, "echo: third", "the message queued behind the crash is still answered");
    assert_eq!(rt.ask("app", "hal", "fourth").await.unwrap().text, "echo: fourth");
    let requests: Vec<_> = fake.requests().iter().filter_map(|r| r.last_user_message()).collect();
    assert!(
        !requests.iter().any(|m| m.contains("PANIC-NOW")),
        "the crashing message never reached the provider"
    );
    rt.shutdown().await;
}
