//! A real local LLM on CPU (llama.cpp's server with SmolLM2-135M) through the OpenAI and the
//! Anthropic providers: the wire works end to end. The model is tiny, so only the shape of the
//! answer is checked, not its sense.

use omega::OutboundKind;
use omega_testkit::TempHome;
use omega_testkit::peers::LocalLlm;

#[actix_rt::test]
async fn a_real_local_model_answers_through_the_openai_and_anthropic_wires() {
    let llm = tokio::task::spawn_blocking(LocalLlm::start).await.unwrap();
    for provider in ["openai", "anthropic"] {
        let home = TempHome::new();
        let mut c = omega::Config::default();
        c.omega.data_dir = home.data_dir().display().to_string();
        c.provider.default = provider.into();
        c.provider.max_attempts = 1;
        c.provider.openai.base_url = format!("http://127.0.0.1:{}/v1", llm.port);
        c.provider.openai.model = "smollm2".into();
        c.provider.openai.max_tokens = 16;
        c.provider.anthropic.base_url = format!("http://127.0.0.1:{}", llm.port);
        c.provider.anthropic.api_key = omega_core::Secret::new("local");
        c.provider.anthropic.model = "smollm2".into();
        c.provider.anthropic.max_tokens = 16;
        let rt = omega::Runtime::builder(c).http(false).local_channel("app").start().await.unwrap();
        let r = rt.ask("app", "pia", "Say hello in one word.").await.unwrap();
        assert_eq!(r.kind, OutboundKind::Reply, "{provider}: {}", r.text);
        assert!(!r.text.trim().is_empty(), "{provider}");
        let audit = rt.store().recent_audit(1).await.unwrap();
        assert_eq!(audit[0].provider.as_deref(), Some(provider));
        assert!(
            audit[0].output_tokens.is_some_and(|t| t > 0 && t <= 16),
            "{provider}: {:?}",
            audit[0].output_tokens
        );
        rt.shutdown().await;
    }
}
