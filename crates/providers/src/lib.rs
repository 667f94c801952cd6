//! AI providers: one [`Provider`] trait, one client per wire format.
//!
//! A provider turns a [`ChatRequest`] (system prompt, history, the new message) into a
//! [`ChatResponse`] (text, usage), optionally streaming text deltas as they arrive. Providers are
//! plain async code; the actor layer adds concurrency limits and supervision.

/// Anthropic's Messages API.
pub mod anthropic;
/// The Claude Code CLI as a subprocess.
pub mod claude_code;
/// Retries and fallback answers, counted for `/metrics`.
pub mod counters;
/// What can go wrong, in terms a caller can act on and a person can read.
pub mod error;
/// What a call costs when the provider does not say.
pub mod estimate;
/// Failover to the next provider.
pub mod fallback;
/// Google's Gemini API.
pub mod gemini;
/// A provider's own concurrency limit.
pub mod limit;
/// `local`: a small model Omega runs itself (llama.cpp's server as a child process).
pub mod local;
/// The MCP client (Model Context Protocol servers' tools).
pub mod mcp;
/// Ollama's native chat API.
pub mod ollama;
/// OpenAI chat completions, and every server that speaks it.
pub mod openai;
/// What a call cost.
pub mod pricing;
/// Retries with back-off for any provider.
pub mod retry;
/// Server-sent events, as OpenAI-style streaming uses them.
pub mod sse;
/// The agentic tool loop.
pub mod toolloop;
/// Speech to text for voice messages.
pub mod transcribe;
/// Request and response types shared by every provider.
pub mod types;
/// The web tools: fetch through egress rules, search through a backend.
pub mod web;
/// The HTTP client and error mapping every provider shares.
mod wire;

/// The capability methods of a [`Provider`] that wraps another (a limit, retries, a chain, an
/// actor): each answers what the wrapped provider answers. `forward_capabilities!(inner)` in an
/// `impl Provider` forwards to `self.inner`; any field path works (`chain[0]`).
#[macro_export]
macro_rules! forward_capabilities {
    ($($field:tt)+) => {
        fn name(&self) -> &str {
            self.$($field)+.name()
        }

        fn default_model(&self) -> &str {
            self.$($field)+.default_model()
        }

        fn supports_vision(&self) -> bool {
            self.$($field)+.supports_vision()
        }

        fn keeps_sessions(&self) -> bool {
            self.$($field)+.keeps_sessions()
        }

        fn reads_image_files(&self) -> bool {
            self.$($field)+.reads_image_files()
        }

        fn supports_tools(&self) -> bool {
            self.$($field)+.supports_tools()
        }
    };
}

pub use error::ProviderError;
pub use types::{
    Cancel, ChatMessage, ChatRequest, ChatResponse, DeltaSink, Image, Role, ToolCall, ToolResult, ToolSpec,
    TurnMcpServer, Usage,
};

use async_trait::async_trait;

/// An AI backend.
#[async_trait]
pub trait Provider: Send + Sync + std::fmt::Debug {
    /// The config name, e.g. `openai`.
    fn name(&self) -> &str;

    /// The model used when a request does not name one.
    fn default_model(&self) -> &str;

    /// Whether the model can look at images.
    fn supports_vision(&self) -> bool {
        false
    }

    /// Whether the provider keeps the conversation itself (`resume` a session instead of being
    /// sent the history).
    fn keeps_sessions(&self) -> bool {
        false
    }

    /// Whether the provider reads images from files it is pointed at (the Claude Code CLI's
    /// Read tool): an image is then saved where its tools can reach it and named in the message.
    fn reads_image_files(&self) -> bool {
        false
    }

    /// Whether the provider speaks native tool calling (the tool loop can drive it). The Claude
    /// Code CLI runs its own tools and says no.
    fn supports_tools(&self) -> bool {
        false
    }

    /// Answer one request. With `deltas`, text is sent there as it is generated; the returned
    /// response still carries the whole text.
    async fn complete(
        &self,
        request: ChatRequest,
        deltas: Option<DeltaSink>,
    ) -> Result<ChatResponse, ProviderError>;

    /// A cheap check that the provider is configured and reachable, for start-up and `omega status`.
    async fn check(&self) -> Result<(), ProviderError>;
}
