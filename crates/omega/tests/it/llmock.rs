//! The whole runtime against llmock, a third-party server speaking OpenAI's wire format.

use omega::OutboundKind;
use omega_testkit::TempHome;
use omega_testkit::peers::Llmock;

#[actix_rt::test]
async fn omega_answers_through_llmock_end_to_end() {
    let mock = tokio::task::spawn_blocking(Llmock::start).await.unwrap();
    let home = TempHome::new();
    let mut c = omega::Config::default();
    c.omega.data_dir = home.data_dir().display().to_string();
    c.provider.default = "openai".into();
    c.provider.openai.base_url = mock.openai_base_url();
    c.provider.openai.api_key = omega_core::Secret::new("sk-test");
    c.provider.openai.model = "gpt-4o-mini".into();
    let rt = omega::Runtime::builder(c).http(false).local_channel("app").start().await.unwrap();
    for text in ["Hello there", "And a second question"] {
        let r = rt.ask("app", "zoe", text).await.unwrap();
        assert_eq!(r.kind, OutboundKind::Reply, "{}", r.text);
        assert!(!r.text.trim().is_empty());
    }
    let audit = rt.store().recent_audit(2).await.unwrap();
    assert!(audit.iter().all(|a| a.status == "ok" && a.input_tokens.is_some()), "{audit:?}");
    assert_eq!(rt.store().history("app", "zoe", 10).await.unwrap().len(), 4);
    let log = mock.get("/_llmock/requests").unwrap_or_default();
    assert!(log.contains("And a second question"), "{log}");
    let verdict = mock.get("/_llmock/verdict?format=text").unwrap_or_default();
    assert!(!verdict.to_lowercase().contains("fail"), "llmock's verdict on our client: {verdict}");
    rt.shutdown().await;
}

#[actix_rt::test]
async fn switching_the_default_provider_to_anthropic_needs_one_line() {
    let mock = tokio::task::spawn_blocking(Llmock::start).await.unwrap();
    let home = TempHome::new();
    let mut c = omega::Config::default();
    c.omega.data_dir = home.data_dir().display().to_string();
    c.provider.default = "anthropic".into();
    c.provider.anthropic.base_url = format!("http://127.0.0.1:{}/anthropic", mock.port);
    c.provider.anthropic.api_key = omega_core::Secret::new("sk-ant-test");
    let rt = omega::Runtime::builder(c).http(false).local_channel("app").start().await.unwrap();
    let r = rt.ask("app", "yan", "Hello Claude").await.unwrap();
    assert_eq!(r.kind, OutboundKind::Reply, "{}", r.text);
    let audit = rt.store().recent_audit(1).await.unwrap();
    assert_eq!(audit[0].provider.as_deref(), Some("anthropic"));
    assert!(audit[0].output_tokens.is_some_and(|t| t > 0));
    let log = mock.get("/_llmock/requests").unwrap_or_default();
    assert!(log.contains("/anthropic/v1/messages") || log.contains("anthropic"), "{log}");
    rt.shutdown().await;
}

#[actix_rt::test]
async fn when_the_default_provider_is_down_the_fallback_answers_and_the_audit_says_so() {
    let mock = tokio::task::spawn_blocking(Llmock::start).await.unwrap();
    let home = TempHome::new();
    let mut c = omega::Config::default();
    c.omega.data_dir = home.data_dir().display().to_string();
    c.provider.max_attempts = 1;
    c.provider.default = "openai".into();
    c.provider.openai.base_url = format!("http://127.0.0.1:{}/v1", omega_testkit::peers::free_port());
    c.provider.fallback = vec!["anthropic".into()];
    c.provider.anthropic.base_url = format!("http://127.0.0.1:{}/anthropic", mock.port);
    c.provider.anthropic.api_key = omega_core::Secret::new("sk-ant-test");
    let rt = omega::Runtime::builder(c).http(false).local_channel("app").start().await.unwrap();
    let r = rt.ask("app", "zed", "anyone home?").await.unwrap();
    assert_eq!(r.kind, OutboundKind::Reply, "{}", r.text);
    let audit = rt.store().recent_audit(1).await.unwrap();
    assert_eq!(audit[0].provider.as_deref(), Some("anthropic"), "the audit names who answered");
    // Health shows each provider of the chain: the default down, the fallback up.
    omega_testkit::wait_until_async(std::time::Duration::from_secs(20), "provider checks", || {
        let s = rt.provider_status();
        async move { s.status != "unknown" && !s.fallbacks.is_empty() }
    })
    .await;
    let s = rt.provider_status();
    assert_eq!((s.name.as_str(), s.status.as_str()), ("openai", "unavailable"), "{s:?}");
    assert_eq!((s.fallbacks[0].name.as_str(), s.fallbacks[0].status.as_str()), ("anthropic", "ok"), "{s:?}");
    rt.shutdown().await;
}

#[actix_rt::test]
async fn claude_code_is_resumed_per_sender_instead_of_being_sent_the_history() {
    let mock = tokio::task::spawn_blocking(Llmock::start).await.unwrap();
    let claude = tokio::task::spawn_blocking(omega_testkit::peers::install_claude).await.unwrap();
    let home = TempHome::new();
    let cli_home = tempfile::tempdir().unwrap();
    let mut c = omega::Config::default();
    c.omega.data_dir = home.data_dir().display().to_string();
    assert_eq!(c.provider.default, "claude-code");
    let cc = &mut c.provider.claude_code;
    cc.binary = claude.display().to_string();
    cc.base_url = format!("http://127.0.0.1:{}/anthropic", mock.port);
    cc.api_key = omega_core::Secret::new("sk-ant-test");
    cc.home = cli_home.path().display().to_string();
    cc.max_turns = 5;
    let rt = omega::Runtime::builder(c).http(false).local_channel("app").start().await.unwrap();
    let first = rt.ask("app", "ivo", "My name is Ivo and I like plums").await.unwrap();
    assert_eq!(first.kind, OutboundKind::Reply, "{}", first.text);
    let sid = rt.store().provider_session("app", "ivo", "claude-code").await.unwrap();
    assert!(sid.is_some(), "the CLI's session id is kept for this sender");
    let second = rt.ask("app", "ivo", "What fruit do I like?").await.unwrap();
    assert_eq!(second.kind, OutboundKind::Reply, "{}", second.text);
    let log = mock.get("/_llmock/requests").unwrap_or_default();
    assert!(log.contains("What fruit do I like?"));
    assert!(
        !log.contains("[Earlier in this conversation]"),
        "the history was not re-sent: the CLI resumed its session"
    );
    assert!(log.matches("I like plums").count() >= 2, "the resumed session carried the first message");
    let audit = rt.store().recent_audit(1).await.unwrap();
    assert!(audit[0].cost_usd.is_some_and(|c| c > 0.0), "the CLI's own cost is recorded");
    rt.shutdown().await;
}
