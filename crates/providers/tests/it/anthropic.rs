//! The Anthropic client against llmock's Anthropic wire format.

use omega_core::config::AnthropicConfig;
use omega_providers::anthropic::AnthropicProvider;
use omega_providers::{ChatMessage, ChatRequest, Image, Provider, ProviderError, Role};
use omega_testkit::peers::Llmock;

fn provider(mock: &Llmock, stream: bool) -> AnthropicProvider {
    AnthropicProvider::new(AnthropicConfig {
        base_url: format!("http://127.0.0.1:{}/anthropic", mock.port),
        api_key: omega_core::Secret::new("sk-ant-test"),
        model: "claude-sonnet-4-6".into(),
        stream,
        timeout_secs: 30,
        ..AnthropicConfig::default()
    })
}

#[tokio::test]
async fn plain_and_streaming_messages_against_llmock() {
    let mock = tokio::task::spawn_blocking(Llmock::start).await.unwrap();
    for stream in [false, true] {
        let mut msg = ChatMessage::new(Role::User, "Describe this picture");
        msg.images.push(Image { mime: "image/png".into(), data: b"\x89PNG fake".to_vec() });
        let req = ChatRequest {
            system: "You are terse.".into(),
            messages: vec![
                ChatMessage::new(Role::User, "hi"),
                ChatMessage::new(Role::Assistant, "hello"),
                msg,
            ],
            ..ChatRequest::default()
        };
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let r = provider(&mock, stream).complete(req, Some(tx)).await.unwrap();
        assert!(!r.text.trim().is_empty(), "stream={stream}");
        assert!(
            r.usage.is_some_and(|u| u.output_tokens > 0),
            "usage reported (stream={stream}): {:?}",
            r.usage
        );
        if stream {
            let mut streamed = String::new();
            while let Ok(d) = rx.try_recv() {
                streamed.push_str(&d);
            }
            assert_eq!(streamed, r.text);
        }
    }
    let log = mock.get("/_llmock/requests").unwrap_or_default();
    assert!(
        log.contains("cache_control") && log.contains("ephemeral"),
        "the system prompt is cacheable: {log}"
    );
    assert!(log.contains("base64"), "the image went along: {log}");
}

#[tokio::test]
async fn overload_and_cut_streams_are_errors_not_short_answers() {
    let mock = tokio::task::spawn_blocking(Llmock::start).await.unwrap();
    let scenario = r#"{"behaviors":[{"type":"fail","status":529,"times":1},{"type":"stream_fault","kind":"truncate","after_chunks":2,"times":1}]}"#;
    mock.post("/_llmock/scenario", scenario).expect("scenario");
    let req = ChatRequest { messages: vec![ChatMessage::new(Role::User, "hi")], ..ChatRequest::default() };
    let p = provider(&mock, true);
    let e = p.complete(req.clone(), None).await.unwrap_err();
    assert!(matches!(e, ProviderError::Server { status: 529, .. }), "{e}");
    assert!(e.is_transient());
    let e = p.complete(req, None).await.unwrap_err();
    assert!(matches!(e, ProviderError::Truncated { .. }), "{e}");
}

#[tokio::test]
async fn a_missing_key_says_how_to_set_it() {
    let p = AnthropicProvider::new(AnthropicConfig::default());
    let e = p.complete(ChatRequest::default(), None).await.unwrap_err();
    assert!(e.user_message().contains("ANTHROPIC_API_KEY"), "{}", e.user_message());
}
