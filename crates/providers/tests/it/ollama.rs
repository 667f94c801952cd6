//! The Ollama client against the fake written from Ollama's API documentation.

use omega_core::config::OllamaConfig;
use omega_providers::ollama::OllamaProvider;
use omega_providers::{ChatMessage, ChatRequest, Provider, ProviderError, Role};
use omega_testkit::ollama::FakeOllama;

fn provider(fake: &FakeOllama, stream: bool) -> OllamaProvider {
    OllamaProvider::new(OllamaConfig {
        base_url: fake.base_url(),
        stream,
        timeout_secs: 10,
        ..OllamaConfig::default()
    })
}

fn request(text: &str) -> ChatRequest {
    ChatRequest {
        system: "Be brief.".into(),
        messages: vec![ChatMessage::new(Role::User, text)],
        ..ChatRequest::default()
    }
}

#[tokio::test]
async fn plain_and_streamed_answers_with_usage() {
    let fake = FakeOllama::start();
    let r = provider(&fake, false).complete(request("hello there"), None).await.unwrap();
    assert_eq!(r.text, "echo: hello there");
    assert_eq!(r.usage.unwrap().output_tokens, 3);
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let r = provider(&fake, true).complete(request("one two three four"), Some(tx)).await.unwrap();
    assert_eq!(r.text, "echo: one two three four");
    let mut pieces = Vec::new();
    while let Ok(d) = rx.try_recv() {
        pieces.push(d);
    }
    assert!(pieces.len() >= 4, "{pieces:?}");
    assert_eq!(r.finish_reason.as_deref(), Some("stop"));
    let sent = &fake.requests()[1];
    assert_eq!(sent["messages"][0]["role"], "system");
    assert_eq!(sent["options"]["num_predict"], 4096);
    provider(&fake, true).check().await.unwrap();
}

#[tokio::test]
async fn a_stream_without_done_is_cut_off_and_a_missing_model_is_named() {
    let fake = FakeOllama::start();
    fake.truncate_next();
    let e = provider(&fake, true).complete(request("a b c d e f g h"), None).await.unwrap_err();
    assert!(matches!(e, ProviderError::Truncated { .. }), "{e}");
    let p = OllamaProvider::new(OllamaConfig {
        base_url: fake.base_url(),
        model: "mistral".into(),
        ..OllamaConfig::default()
    });
    let e = p.complete(request("x"), None).await.unwrap_err();
    assert!(e.to_string().contains("model \"mistral\" not found"), "{e}");
}
