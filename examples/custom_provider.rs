//! Plug in your own AI backend: anything that implements `omega::Provider`.
//!
//! `cargo run --example custom_provider` answers with a rule-based "model" that still goes
//! through the whole pipeline: auth, sanitizing, memory, markers, audit, outbox.

use async_trait::async_trait;
use omega::{ChatRequest, ChatResponse, Config, DeltaSink, Provider, ProviderError};
use std::sync::Arc;

/// Counts the conversation so far and, once asked, switches the reply language with a marker.
#[derive(Debug)]
struct Rules;

#[async_trait]
impl Provider for Rules {
    fn name(&self) -> &str {
        "rules"
    }

    fn default_model(&self) -> &str {
        "rules-v1"
    }

    async fn complete(
        &self,
        req: ChatRequest,
        _deltas: Option<DeltaSink>,
    ) -> Result<ChatResponse, ProviderError> {
        let last = req.messages.last().map(|m| m.content.as_str()).unwrap_or("");
        let mut text = format!("This is message {} of our conversation.", req.messages.len().div_ceil(2));
        if last.to_lowercase().contains("french") {
            // A marker: Omega strips it from the reply and stores the language as a fact.
            text.push_str("\nLANG_SWITCH: French");
        }
        Ok(ChatResponse {
            text,
            model: "rules-v1".into(),
            usage: None,
            finish_reason: Some("stop".into()),
            ..Default::default()
        })
    }

    async fn check(&self) -> Result<(), ProviderError> {
        Ok(())
    }
}

#[actix_rt::main]
async fn main() -> anyhow::Result<()> {
    let data = tempfile::tempdir()?;
    let mut config = Config::default();
    config.omega.data_dir = data.path().display().to_string();

    let runtime = omega::Runtime::builder(config)
        .http(false)
        .local_channel("demo")
        .provider(Arc::new(Rules))
        .start()
        .await?;
    for text in ["hi", "please answer in French from now on", "and now?"] {
        let reply = runtime.ask("demo", "ana", text).await?;
        println!("> {text}\n{}\n", reply.text);
    }
    let facts = runtime.store().facts("demo:ana").await?;
    println!("facts about ana: {facts:?}");
    runtime.shutdown().await;
    Ok(())
}
