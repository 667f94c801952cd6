//! Add your own channel: an actix actor that hands messages to the Gateway and delivers what
//! Omega sends back.
//!
//! `cargo run --example custom_channel` runs a "pager" channel that only lets `on-call` in.

use actix::prelude::*;
use async_trait::async_trait;
use omega::actors::channel::{Deliver, DeliveryError};
use omega::actors::gateway::Accepted;
use omega::{ChatRequest, ChatResponse, Config, GatewayHandle, Inbound, Provider, ProviderError};
use omega_core::auth::Allowed;
use omega_providers::DeltaSink;
use std::sync::Arc;

/// The channel: I/O only. Here, "sending" prints to stdout.
struct Pager;

impl Actor for Pager {
    type Context = Context<Self>;
}

impl Handler<Deliver> for Pager {
    type Result = Result<(), DeliveryError>;

    fn handle(&mut self, msg: Deliver, _: &mut Context<Self>) -> Self::Result {
        println!("[pager -> {}] ({:?}) {}", msg.recipient, msg.kind, msg.text);
        Ok(())
    }
}

#[derive(Debug)]
struct Echo;

#[async_trait]
impl Provider for Echo {
    fn name(&self) -> &str {
        "echo"
    }
    fn default_model(&self) -> &str {
        "echo"
    }
    async fn complete(&self, req: ChatRequest, _: Option<DeltaSink>) -> Result<ChatResponse, ProviderError> {
        let last = req.messages.last().map(|m| m.content.clone()).unwrap_or_default();
        Ok(ChatResponse {
            text: format!("ack: {last}"),
            model: "echo".into(),
            usage: None,
            finish_reason: None,
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
    config.auth.deny_message = "This pager is for the on-call engineer only.".into();

    let gateway: Arc<parking_lot::Mutex<Option<GatewayHandle>>> = Default::default();
    let slot = gateway.clone();
    let runtime = omega::Runtime::builder(config)
        .http(false)
        .provider(Arc::new(Echo))
        .channel("pager", Allowed::Only(vec!["on-call".into()]), move |handle| {
            *slot.lock() = Some(handle);
            Pager.start().recipient()
        })
        .start()
        .await?;
    let handle = gateway.lock().clone().expect("channel started");

    for (sender, text) in [("on-call", "disk 91% on nas"), ("intruder", "let me in")] {
        match handle.submit(Inbound::text("pager", sender, text)).await {
            Accepted::Queued(id) => println!("[pager] stored message {id} from {sender}"),
            other => println!("[pager] {sender}: {other:?}"),
        }
    }
    // Give the answer a moment to travel back through the outbox.
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    runtime.shutdown().await;
    Ok(())
}
