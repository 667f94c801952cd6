use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    System,
    User,
    Assistant,
}

impl Role {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "system" => Some(Self::System),
            "user" => Some(Self::User),
            "assistant" => Some(Self::Assistant),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatMessage {
    pub role: Role,
    pub content: String,
    /// Images shown with this message (vision models only).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub images: Vec<Image>,
    /// On an assistant message: the tools the model asked to run.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tool_calls: Vec<ToolCall>,
    /// On a user message: the results of those tools, handed back.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tool_results: Vec<ToolResult>,
}

/// A tool the model may call: a name, what it does, and a JSON Schema for its arguments.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ToolSpec {
    pub name: String,
    pub description: String,
    /// Shared, not copied: every turn offers the same tools, so a schema is built once and each
    /// request in flight holds a reference to it.
    pub parameters: std::sync::Arc<serde_json::Value>,
}

/// A call the model asked for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ToolCall {
    /// The provider's id for the call, echoed back with its result.
    pub id: String,
    pub name: String,
    pub arguments: serde_json::Value,
}

/// What a tool call produced. Tool output is untrusted data, never instructions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ToolResult {
    pub call_id: String,
    pub name: String,
    pub content: String,
    pub is_error: bool,
}

/// An image, inline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Image {
    pub mime: String,
    pub data: Vec<u8>,
}

impl Image {
    /// `data:<mime>;base64,...`, the form OpenAI-style APIs accept.
    pub fn data_url(&self) -> String {
        format!("data:{};base64,{}", self.mime, base64(&self.data))
    }
}

/// Standard base64 with padding.
pub fn base64(data: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        out.push(T[(n >> 18) as usize & 63] as char);
        out.push(T[(n >> 12) as usize & 63] as char);
        out.push(if chunk.len() > 1 { T[(n >> 6) as usize & 63] as char } else { '=' });
        out.push(if chunk.len() > 2 { T[n as usize & 63] as char } else { '=' });
    }
    out
}

impl ChatMessage {
    pub fn new(role: Role, content: impl Into<String>) -> Self {
        Self {
            role,
            content: content.into(),
            images: Vec::new(),
            tool_calls: Vec::new(),
            tool_results: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn base64_matches_the_rfc_vectors() {
        let vectors = [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ];
        for (i, o) in vectors {
            assert_eq!(super::base64(i.as_bytes()), o);
        }
    }
}

/// An MCP server for one call only: a skill's, started by its command (stdio).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TurnMcpServer {
    /// Unique among the call's servers: `[A-Za-z0-9_-]`.
    pub name: String,
    pub command: String,
    pub args: Vec<String>,
    pub env: Vec<(String, String)>,
}

/// One call to a model.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ChatRequest {
    /// Empty = the provider's default model.
    pub model: String,
    pub system: String,
    /// History then the new message, oldest first.
    pub messages: Vec<ChatMessage>,
    /// `None` = the provider's configured limit.
    pub max_tokens: Option<u32>,
    /// A provider-side session to continue (providers that keep sessions). `messages` still holds
    /// the whole history: a provider that resumes sends only the new message, and falls back to
    /// the history when its session is gone; every other provider (a fallback) uses the history.
    pub resume: Option<String>,
    /// Tools the model may call (native tool calling); empty = none.
    pub tools: Vec<ToolSpec>,
    /// Files the provider may read during this call, and only during it: a photo handed to a
    /// provider that reads images from files (the Claude Code CLI gets read access to exactly
    /// these paths in its sandbox; the files stay in Omega's protected data dir).
    pub files: Vec<std::path::PathBuf>,
    /// MCP servers for this call only, beside the configured ones (the skills it called for).
    pub mcp: Vec<TurnMcpServer>,
    /// Byte offsets into `system` where a prefix that stays the same across turns ends (see
    /// `omega_core::prompt::SystemPrompt`): where a provider with explicit prompt caching
    /// (Anthropic) puts its cache breakpoints.
    pub cache_points: Vec<usize>,
    /// How the caller calls the request off (a background job's `/cancel`).
    pub cancel: Cancel,
}

/// A request's off switch, shared by everyone working on it. A call whose request is cancelled
/// stops where it is — its stream dropped, a CLI's process group killed — and ends in
/// [`crate::ProviderError::Cancelled`]. The default never fires. Not part of what a request
/// *is*: two requests that differ only in it are equal.
#[derive(Clone, Default)]
pub struct Cancel(Option<std::sync::Arc<tokio::sync::watch::Sender<bool>>>);

impl Cancel {
    /// A switch that can fire.
    pub fn new() -> Self {
        Self(Some(std::sync::Arc::new(tokio::sync::watch::channel(false).0)))
    }

    pub fn cancel(&self) {
        if let Some(tx) = &self.0 {
            tx.send_replace(true);
        }
    }

    pub fn is_cancelled(&self) -> bool {
        self.0.as_ref().is_some_and(|tx| *tx.borrow())
    }

    /// Resolves once cancelled (never, for the default).
    pub async fn cancelled(&self) {
        match &self.0 {
            None => std::future::pending().await,
            Some(tx) => {
                let mut rx = tx.subscribe();
                let _ = rx.wait_for(|c| *c).await;
            }
        }
    }
}

impl PartialEq for Cancel {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Eq for Cancel {}

impl std::fmt::Debug for Cancel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.0 {
            None => f.write_str("Cancel(never)"),
            Some(_) => write!(f, "Cancel(cancelled: {})", self.is_cancelled()),
        }
    }
}

/// Token counts of one call, as the provider reported them (or, when it reported none, as
/// [`crate::estimate`] counted them: `estimated`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Usage {
    /// All prompt tokens, cached ones included.
    pub input_tokens: u64,
    pub output_tokens: u64,
    /// Prompt tokens served from the provider's cache (billed cheaper).
    #[serde(default)]
    pub cached_tokens: u64,
    /// Prompt tokens written to the provider's cache (Anthropic bills them 25% above input).
    #[serde(default)]
    pub cache_write_tokens: u64,
    /// The counts are Omega's estimate: the provider reported none (of this call, or of one of
    /// the calls summed here).
    #[serde(default)]
    pub estimated: bool,
}

/// The usage of several calls together (estimated if any of them was).
impl std::ops::AddAssign for Usage {
    fn add_assign(&mut self, u: Self) {
        self.input_tokens += u.input_tokens;
        self.output_tokens += u.output_tokens;
        self.cached_tokens += u.cached_tokens;
        self.cache_write_tokens += u.cache_write_tokens;
        self.estimated |= u.estimated;
    }
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct ChatResponse {
    /// The provider that answered (with fallbacks, not always the first one asked); empty = the
    /// one that was called.
    pub provider: String,
    pub text: String,
    /// The model that answered, as the server named it.
    pub model: String,
    pub usage: Option<Usage>,
    /// Why generation stopped (`stop`, `length`, ...), when the server says.
    pub finish_reason: Option<String>,
    /// What the call cost, when the provider reports it (the Claude Code CLI does); otherwise it
    /// is computed from usage and the price table.
    pub cost_usd: Option<f64>,
    /// The provider-side session this answer belongs to, to resume next time.
    pub session_id: Option<String>,
    /// Tools the model asked to run before it can answer (the text may be empty then).
    pub tool_calls: Vec<ToolCall>,
}

/// Where streamed text goes while a reply is generated.
pub type DeltaSink = tokio::sync::mpsc::UnboundedSender<String>;
