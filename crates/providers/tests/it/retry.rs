//! Retries around a real client, against the fake and against llmock's fault injection.

use omega_core::config::OpenAiConfig;
use omega_providers::openai::OpenAiProvider;
use omega_providers::retry::{RetryPolicy, Retrying};
use omega_providers::{ChatMessage, ChatRequest, Provider, ProviderError, Role};
use omega_testkit::peers::Llmock;
use omega_testkit::{FakeOpenAi, Script};
use std::sync::Arc;
use std::time::Duration;

fn fast() -> RetryPolicy {
    RetryPolicy { base_delay: Duration::from_millis(10), ..RetryPolicy::default() }
}

fn request() -> ChatRequest {
    ChatRequest { messages: vec![ChatMessage::new(Role::User, "hi")], ..ChatRequest::default() }
}

fn client(base_url: String, stream: bool) -> Arc<dyn Provider> {
    Arc::new(OpenAiProvider::new(OpenAiConfig {
        base_url,
        api_key: omega_core::Secret::new("sk-test"),
        model: "gpt-4o-mini".into(),
        stream,
        timeout_secs: 20,
        ..OpenAiConfig::default()
    }))
}

#[tokio::test]
async fn transient_failures_are_retried_until_an_answer() {
    let fake = FakeOpenAi::start();
    fake.push(Script::Status { code: 503, message: "overloaded".into(), retry_after: None });
    fake.push(Script::Status { code: 429, message: "slow down".into(), retry_after: Some(1) });
    let p = Retrying::new(client(fake.base_url(), false), fast());
    let r = p.complete(request(), None).await.unwrap();
    assert_eq!(r.text, "echo: hi");
    assert_eq!(fake.request_count(), 3);
}

#[tokio::test]
async fn failures_that_cannot_pass_are_not_retried() {
    let fake = FakeOpenAi::start();
    fake.push(Script::Status { code: 400, message: "bad request".into(), retry_after: None });
    let p = Retrying::new(client(fake.base_url(), false), fast());
    let e = p.complete(request(), None).await.unwrap_err();
    assert!(matches!(e, ProviderError::Rejected { status: 400, .. }), "{e}");
    assert_eq!(fake.request_count(), 1);
    fake.require_api_key("another-key");
    let e = p.complete(request(), None).await.unwrap_err();
    assert!(e.to_string().starts_with("the API key for openai was rejected"), "{e}");
    assert_eq!(fake.request_count(), 2);
}

#[tokio::test]
async fn attempts_are_bounded_and_the_last_error_is_reported() {
    let fake = FakeOpenAi::start();
    fake.set_default(
        Script::Status { code: 502, message: "bad gateway".into(), retry_after: None },
        Duration::ZERO,
    );
    let p = Retrying::new(client(fake.base_url(), false), RetryPolicy { max_attempts: 3, ..fast() });
    let e = p.complete(request(), None).await.unwrap_err();
    assert!(e.to_string().contains("HTTP 502"), "{e}");
    assert_eq!(fake.request_count(), 3);
}

#[tokio::test]
async fn a_long_retry_after_is_not_sat_out() {
    let fake = FakeOpenAi::start();
    fake.push(Script::Status { code: 429, message: "come back tomorrow".into(), retry_after: Some(86_400) });
    let p = Retrying::new(client(fake.base_url(), false), fast());
    let e = p.complete(request(), None).await.unwrap_err();
    assert_eq!(e.retry_after(), Some(Duration::from_secs(86_400)));
    assert_eq!(fake.request_count(), 1);
}

#[tokio::test]
async fn a_stream_that_broke_after_showing_text_is_not_replayed() {
    let fake = FakeOpenAi::start();
    fake.push(Script::Disconnect("one two three four five six seven eight nine ten eleven".into()));
    let p = Retrying::new(client(fake.base_url(), true), fast());
    let (tx, _rx) = tokio::sync::mpsc::unbounded_channel();
    let e = p.complete(request(), Some(tx)).await.unwrap_err();
    assert!(matches!(e, ProviderError::Truncated { .. }), "{e}");
    assert_eq!(fake.request_count(), 1, "part of the answer was already shown");
}

#[tokio::test]
async fn llmock_faults_are_survived_and_its_verdict_is_clean() {
    let mock = tokio::task::spawn_blocking(Llmock::start).await.unwrap();
    let scenario = r#"{"behaviors":[{"type":"fail","status":429,"retry_after":1,"times":1},{"type":"fail","status":529,"times":1}]}"#;
    assert!(mock.post("/_llmock/scenario", scenario).is_some(), "llmock took the scenario");
    let p = Retrying::new(client(mock.openai_base_url(), true), fast());
    let (tx, _rx) = tokio::sync::mpsc::unbounded_channel();
    let r = p.complete(request(), Some(tx)).await.unwrap();
    assert!(!r.text.is_empty());
    mock.assert_verdict_passes();
    let verdict: serde_json::Value =
        serde_json::from_str(&mock.get("/_llmock/verdict").expect("llmock's verdict")).unwrap();
    assert_eq!(verdict["faults_injected"], 2, "both faults were injected and survived: {verdict}");
}
