//! The Gemini client against llmock's Gemini wire format.

use omega_core::config::GeminiConfig;
use omega_providers::gemini::GeminiProvider;
use omega_providers::{ChatMessage, ChatRequest, Provider, ProviderError, Role};
use omega_testkit::peers::Llmock;

fn provider(mock: &Llmock, stream: bool) -> GeminiProvider {
    GeminiProvider::new(GeminiConfig {
        base_url: format!("http://127.0.0.1:{}/gemini", mock.port),
        api_key: omega_core::Secret::new("gm-test"),
        model: "gemini-2.5-flash".into(),
        stream,
        timeout_secs: 30,
        ..GeminiConfig::default()
    })
}

fn request() -> ChatRequest {
    ChatRequest {
        system: "Be brief.".into(),
        messages: vec![
            ChatMessage::new(Role::User, "hi"),
            ChatMessage::new(Role::Assistant, "hello"),
            ChatMessage::new(Role::User, "what's new?"),
        ],
        ..ChatRequest::default()
    }
}

#[tokio::test]
async fn plain_and_streaming_against_llmock() {
    let mock = tokio::task::spawn_blocking(Llmock::start).await.unwrap();
    for stream in [false, true] {
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let r = provider(&mock, stream).complete(request(), Some(tx)).await.unwrap();
        assert!(!r.text.trim().is_empty(), "stream={stream}");
        assert!(r.finish_reason.is_some());
        if stream {
            let mut s = String::new();
            while let Ok(d) = rx.try_recv() {
                s.push_str(&d);
            }
            assert_eq!(s, r.text);
        }
    }
    let log = mock.get("/_llmock/requests").unwrap_or_default();
    assert!(log.contains("systemInstruction") && log.contains("streamGenerateContent"), "{log}");
}

#[tokio::test]
async fn a_cut_stream_is_an_error() {
    let mock = tokio::task::spawn_blocking(Llmock::start).await.unwrap();
    mock.post(
        "/_llmock/scenario",
        r#"{"behaviors":[{"type":"stream_fault","kind":"truncate","after_chunks":1,"times":1}]}"#,
    )
    .expect("scenario");
    let e = provider(&mock, true).complete(request(), None).await.unwrap_err();
    assert!(matches!(e, ProviderError::Truncated { .. }), "{e}");
}
