//! Conformance against llmock, a third-party server speaking OpenAI's wire format.

use omega_core::config::OpenAiConfig;
use omega_providers::openai::OpenAiProvider;
use omega_providers::{ChatMessage, ChatRequest, Provider, Role};
use omega_testkit::peers::Llmock;

#[tokio::test]
async fn plain_and_streaming_completions_against_llmock() {
    let mock = tokio::task::spawn_blocking(Llmock::start).await.unwrap();
    for stream in [false, true] {
        let p = OpenAiProvider::new(OpenAiConfig {
            base_url: mock.openai_base_url(),
            api_key: omega_core::Secret::new("sk-test"),
            model: "gpt-4o-mini".into(),
            stream,
            timeout_secs: 30,
            ..OpenAiConfig::default()
        });
        let req = ChatRequest {
            system: "Be brief.".into(),
            messages: vec![ChatMessage::new(Role::User, "Say hello")],
            ..ChatRequest::default()
        };
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let r = p.complete(req, stream.then_some(tx)).await.unwrap();
        assert!(!r.text.trim().is_empty(), "llmock answered with text (stream={stream})");
        if stream {
            let mut streamed = String::new();
            while let Ok(d) = rx.try_recv() {
                streamed.push_str(&d);
            }
            assert_eq!(streamed, r.text, "deltas add up to the answer");
            assert!(r.usage.is_some(), "llmock sends a usage chunk when asked");
        }
        p.check().await.unwrap();
    }
    let log = mock.get("/_llmock/requests").unwrap_or_default();
    assert!(log.contains("Say hello"), "llmock recorded our requests: {log}");
}
