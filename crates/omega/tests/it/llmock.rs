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
