//! Omega: a personal AI agent runtime.
//!
//! This crate is both the `omega` binary and the library another Rust program embeds to run the
//! whole system in-process:
//!
//! ```no_run
//! # async fn demo() -> anyhow::Result<()> {
//! let config = omega::config::load(&omega::config::LoadOptions::from_env())?.config;
//! let runtime = omega::Runtime::builder(config).http(false).local_channel("app").start().await?;
//! let reply = runtime.ask("app", "alice", "hello").await?;
//! println!("{}", reply.text);
//! runtime.shutdown().await;
//! # Ok(()) }
//! ```
//!
//! The runtime must be started inside an actix system (`#[actix_rt::main]` or
//! `actix_rt::System::new().block_on(..)`). Read on:

/// Building and running the actor system.
pub mod runtime;

pub use omega_actors as actors;
pub use omega_core::config;
pub use omega_core::{Config, Inbound, OutboundKind};
pub use omega_memory::Store;
pub use omega_providers::{ChatRequest, ChatResponse, Provider, ProviderError};
pub use runtime::{AskError, GatewayHandle, Runtime, RuntimeBuilder, StartError};

// What an embedding program names, from one place: who may talk, how a provider streams and
// answers, what a channel delivers and receives, and time.
pub use omega_actors::channel::{Deliver, DeliveryError, LocalChannel, Reply};
pub use omega_actors::gateway::Accepted;
pub use omega_core::auth::Allowed;
pub use omega_core::clock::{Clock, ManualClock, SharedClock, SystemClock};
pub use omega_providers::{ChatMessage, DeltaSink, Role, Usage};
