//! Add your own channel: an actix actor that hands messages to the Gateway and delivers what
//! Omega sends back.
//!
//! `cargo run --example custom_channel` runs a "pager" channel that only lets `on-call` in.

use actix::prelude::*;
use async_trait::async_trait;
use omega::{
    Accepted, Allowed, ChatRequest, ChatResponse, Config, Deliver, DeliveryError, DeltaSink, Inbound,
    Provider, ProviderError,
};
use std::sync::Arc;
use tokio::sync::mpsc;

/// The channel: I/O only. Here, "sending" prints to stdout and tells `main` what went out.
struct Pager {
    sent: mpsc::UnboundedSender<Deliver>,
}

impl Actor for Pager {
    type Context = Context<Self>;
}

impl Handler<Deliver> for Pager {
    type Result = Result<(), DeliveryError>;

    fn handle(&mut self, msg: Deliver, _: &mut Context<Self>) -> Self::Result {
        println!("[pager -> {}] ({:?}) {}", msg.recipient, msg.kind, msg.text);
        let _ = self.sent.send(msg);
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

    let (sent, mut outgoing) = mpsc::unbounded_channel();
    let runtime = omega::Runtime::builder(config)
        .http(false)
        .provider(Arc::new(Echo))
        // The closure gets a handle to submit messages (a real channel would keep it in its
        // receiving loop); this example submits through `runtime.gateway()` below instead.
        .channel("pager", Allowed::Only(vec!["on-call".into()]), move |_gateway| {
            Pager { sent }.start().recipient()
        })
        .start()
        .await?;

    for (sender, text) in [("on-call", "disk 91% on nas"), ("intruder", "let me in")] {
        match runtime.gateway().submit(Inbound::text("pager", sender, text)).await {
            Accepted::Queued(id) => println!("[pager] stored message {id} from {sender}"),
            other => println!("[pager] {sender}: {other:?}"),
        }
    }
    // Two deliveries come back: the intruder's deny message and the answer to on-call.
    for _ in 0..2 {
        outgoing.recv().await.ok_or_else(|| anyhow::anyhow!("the runtime stopped before delivering"))?;
    }
    runtime.shutdown().await;
    Ok(())
}
