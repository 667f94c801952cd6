use omega_core::Secret;
use omega_core::config::OpenAiConfig;
use omega_providers::openai::OpenAiProvider;
use omega_providers::{ChatMessage, ChatRequest, Provider, ProviderError, Role};
use omega_testkit::{FakeOpenAi, Script};
use std::time::Duration;

fn provider(fake: &FakeOpenAi, stream: bool) -> OpenAiProvider {
    OpenAiProvider::new(OpenAiConfig {
        base_url: fake.base_url(),
        model: "test-model".into(),
        stream,
        timeout_secs: 5,
        ..OpenAiConfig::default()
    })
}

fn request(text: &str) -> ChatRequest {
    ChatRequest {
        system: "You are a test.".into(),
        messages: vec![ChatMessage::new(Role::User, text)],
        ..ChatRequest::default()
    }
}

#[tokio::test]
async fn plain_completion_round_trip() {
    let fake = FakeOpenAi::start();
    let p = provider(&fake, false);
    let r = p.complete(request("hello there"), None).await.unwrap();
    assert_eq!(r.text, "echo: hello there");
    assert_eq!(r.model, "test-model");
    assert_eq!(r.finish_reason.as_deref(), Some("stop"));
    assert!(r.usage.unwrap().input_tokens > 0);
    let sent = &fake.requests()[0];
    assert_eq!(sent.path, "/v1/chat/completions");
    assert_eq!(sent.system_prompt().as_deref(), Some("You are a test."));
    assert_eq!(sent.body["stream"], false);
    assert_eq!(sent.authorization, None, "no key configured, no header sent");
}

#[tokio::test]
async fn streaming_delivers_deltas_and_the_whole_text() {
    let fake = FakeOpenAi::start();
    let long = "The quick brown fox jumps over the lazy dog. ".repeat(5);
    fake.push(Script::Text(long.clone()));
    let p = provider(&fake, true);
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let r = p.complete(request("x"), Some(tx)).await.unwrap();
    assert_eq!(r.text, long);
    let mut pieces = Vec::new();
    while let Ok(d) = rx.try_recv() {
        pieces.push(d);
    }
    assert!(pieces.len() > 5, "arrived in pieces: {}", pieces.len());
    assert_eq!(pieces.concat(), long);
    assert_eq!(r.usage.unwrap().output_tokens, 45);
    assert_eq!(fake.requests()[0].body["stream_options"]["include_usage"], true);
}

#[tokio::test]
async fn a_truncated_stream_is_an_error_not_a_short_answer() {
    let fake = FakeOpenAi::start();
    fake.push(Script::Truncate("one two three four five six seven eight nine ten".into()));
    let (tx, _rx) = tokio::sync::mpsc::unbounded_channel();
    let err = provider(&fake, true).complete(request("x"), Some(tx)).await.unwrap_err();
    assert!(matches!(err, ProviderError::Truncated { .. }), "{err}");
    assert!(err.to_string().contains("cut off"), "{err}");
}

#[tokio::test]
async fn a_mid_stream_disconnect_is_an_error() {
    let fake = FakeOpenAi::start();
    fake.push(Script::Disconnect("one two three four five six seven eight nine ten".into()));
    let (tx, _rx) = tokio::sync::mpsc::unbounded_channel();
    let err = provider(&fake, true).complete(request("x"), Some(tx)).await.unwrap_err();
    assert!(matches!(err, ProviderError::Truncated { .. }), "{err}");
}

#[tokio::test]
async fn errors_name_the_endpoint_and_the_cause() {
    let fake = FakeOpenAi::start();
    let p = provider(&fake, false);
    fake.push(Script::Status { code: 429, message: "slow down".into(), retry_after: Some(7) });
    let e = p.complete(request("x"), None).await.unwrap_err();
    assert_eq!(
        e,
        ProviderError::RateLimited {
            provider: "openai".into(),
            endpoint: format!("{}/chat/completions", fake.base_url()),
            retry_after: Some(Duration::from_secs(7)),
        }
    );
    fake.push(Script::Status { code: 503, message: "overloaded".into(), retry_after: None });
    let e = p.complete(request("x"), None).await.unwrap_err().to_string();
    assert!(e.contains("HTTP 503") && e.contains("overloaded") && e.contains("/v1/chat/completions"), "{e}");
    fake.push(Script::Garbage("<html>oops</html>".into()));
    let e = p.complete(request("x"), None).await.unwrap_err();
    assert!(matches!(e, ProviderError::Malformed { .. }), "{e}");
    assert!(e.to_string().contains("<html>oops</html>"), "{e}");
}

#[tokio::test]
async fn a_rejected_key_says_so() {
    let fake = FakeOpenAi::start();
    fake.require_api_key("sk-right");
    let mut cfg = OpenAiConfig { base_url: fake.base_url(), stream: false, ..OpenAiConfig::default() };
    cfg.api_key = Secret::new("sk-wrong");
    let e = OpenAiProvider::new(cfg.clone()).complete(request("x"), None).await.unwrap_err();
    assert!(e.to_string().starts_with("the API key for openai was rejected"), "{e}");
    assert!(!e.to_string().contains("sk-wrong"), "the key itself is never printed");
    cfg.api_key = Secret::new("sk-right");
    let r = OpenAiProvider::new(cfg).complete(request("x"), None).await.unwrap();
    assert_eq!(r.text, "echo: x");
    assert_eq!(fake.requests()[1].authorization.as_deref(), Some("Bearer sk-right"));
}

/// Found by the secret canaries (`secrets.rs` in the binary's tests): a server that quoted the
/// key in its error put it in the log, the audit and the person's reply.
#[tokio::test]
async fn a_server_that_quotes_the_key_in_its_error_does_not_get_it_repeated() {
    let fake = FakeOpenAi::start();
    let key = "sk-quoted-key-0123456789";
    for (code, stream) in [(401, false), (500, true), (400, false)] {
        fake.push(Script::Status {
            code,
            message: format!("Incorrect API key provided: {key}."),
            retry_after: None,
        });
        let mut cfg = OpenAiConfig { base_url: fake.base_url(), stream, ..OpenAiConfig::default() };
        cfg.api_key = Secret::new(key);
        let e = OpenAiProvider::new(cfg).complete(request("x"), None).await.unwrap_err();
        assert!(!e.to_string().contains(key), "{e}");
        assert!(e.to_string().contains("Incorrect API key provided: <redacted>"), "{e}");
    }
}

#[tokio::test]
async fn an_unreachable_server_is_named() {
    let port = omega_testkit::peers::free_port();
    let p = OpenAiProvider::new(OpenAiConfig {
        base_url: format!("http://127.0.0.1:{port}/v1"),
        ..OpenAiConfig::default()
    });
    let e = p.complete(request("x"), None).await.unwrap_err();
    assert!(matches!(e, ProviderError::Unreachable { .. }), "{e}");
    assert!(e.to_string().contains(&format!("127.0.0.1:{port}/v1/chat/completions")), "{e}");
    assert!(p.check().await.is_err());
}

#[tokio::test]
async fn a_slow_server_times_out() {
    let fake = FakeOpenAi::start();
    fake.push_delayed(Script::Text("late".into()), Duration::from_secs(3));
    let p = OpenAiProvider::new(OpenAiConfig {
        base_url: fake.base_url(),
        timeout_secs: 1,
        stream: false,
        ..OpenAiConfig::default()
    });
    let e = p.complete(request("x"), None).await.unwrap_err();
    assert!(matches!(e, ProviderError::Timeout { secs: 1, .. }), "{e}");
}

#[tokio::test]
async fn official_endpoint_without_key_is_not_configured() {
    let p = OpenAiProvider::new(OpenAiConfig::default());
    let e = p.complete(request("x"), None).await.unwrap_err();
    assert!(matches!(e, ProviderError::NotConfigured { .. }));
    assert!(e.user_message().contains("OPENAI_API_KEY"), "{}", e.user_message());
}

#[tokio::test]
async fn openrouter_speaks_the_openai_wire_with_its_headers_and_needs_a_key() {
    let fake = FakeOpenAi::start();
    let cfg = OpenAiConfig {
        base_url: fake.base_url(),
        model: "openai/gpt-4o-mini".into(),
        ..OpenAiConfig::default()
    };
    let e = OpenAiProvider::openrouter(cfg.clone()).complete(request("x"), None).await.unwrap_err();
    assert!(e.user_message().contains("OPENROUTER_API_KEY"), "{}", e.user_message());
    let p = OpenAiProvider::openrouter(OpenAiConfig { api_key: Secret::new("sk-or-test"), ..cfg });
    let r = p.complete(request("via openrouter"), None).await.unwrap();
    assert_eq!(r.text, "echo: via openrouter");
    assert_eq!(r.provider, "openrouter");
    let sent = &fake.requests()[0];
    assert_eq!(sent.authorization.as_deref(), Some("Bearer sk-or-test"));
    assert_eq!(sent.header("x-title"), Some("Omega"));
    assert!(sent.header("http-referer").is_some());
    assert_eq!(sent.body["model"], "openai/gpt-4o-mini");
}
