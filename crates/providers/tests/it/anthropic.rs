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

/// Prompt caching on the wire: the system prompt split at its cache points, each stable part a
/// breakpoint, and the last message one too, as llmock's grader of the Anthropic API accepts.
#[tokio::test]
async fn cache_breakpoints_go_at_the_stable_boundaries_and_the_last_message() {
    let mock = tokio::task::spawn_blocking(Llmock::start).await.unwrap();
    mock.script(serde_json::json!([{"type": "reply", "text": "Noted.", "times": null}]));
    let system = "EVERYONE: identity and rules.PERSON: Ana, vegetarian.TURN: 09:46.".to_owned();
    let everyone = system.find("PERSON").unwrap();
    let person = system.find("TURN").unwrap();
    let req = ChatRequest {
        system: system.clone(),
        cache_points: vec![everyone, person],
        messages: vec![
            ChatMessage::new(Role::User, "hi"),
            ChatMessage::new(Role::Assistant, "hello"),
            ChatMessage::new(Role::User, "what now?"),
        ],
        ..ChatRequest::default()
    };
    let r = provider(&mock, false).complete(req, None).await.unwrap();
    assert_eq!(r.text, "Noted.");
    let sent: serde_json::Value = serde_json::from_str(&mock.model_requests()[0]).unwrap();
    let blocks = sent["system"].as_array().unwrap();
    let texts: Vec<&str> = blocks.iter().map(|b| b["text"].as_str().unwrap()).collect();
    assert_eq!(texts, ["EVERYONE: identity and rules.", "PERSON: Ana, vegetarian.", "TURN: 09:46."]);
    let marked: Vec<bool> = blocks.iter().map(|b| b.get("cache_control").is_some()).collect();
    assert_eq!(marked, [true, true, false], "the turn's own part is not a breakpoint");
    let last = sent["messages"].as_array().unwrap().last().unwrap();
    assert_eq!(last["content"][0]["text"], "what now?");
    assert_eq!(last["content"][0]["cache_control"]["type"], "ephemeral", "the conversation so far is cached");
    mock.assert_verdict_passes();
}
