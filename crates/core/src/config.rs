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

use figment::Figment;
use figment::providers::{Format, Serialized, Toml};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::fmt;
use std::path::{Path, PathBuf};

use crate::secret::Secret;

/// The whole configuration. Field docs become the JSON Schema's descriptions.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    pub omega: OmegaConfig,
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
    pub heartbeat: HeartbeatConfig,
    pub routing: RoutingConfig,
    pub mcp: McpConfig,
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
    /// Let tools open TCP connections (blocked otherwise where the kernel supports it).
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
        }
    }
}

/// The providers this build knows, in the order `omega status` lists them.
pub const PROVIDERS: &[&str] = &["openai", "anthropic", "openrouter", "ollama", "gemini", "claude-code"];

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

/// `[session]`: per-sender ordering.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct SessionConfig {
    /// A sender's session stops after this many idle seconds (it restarts on the next message).
    pub idle_timeout_secs: u64,
    /// Sent when a message arrives while the sender's previous one is still being answered;
    /// empty = no acknowledgement.
    pub busy_ack: String,
}

impl Default for SessionConfig {
    fn default() -> Self {
        Self { idle_timeout_secs: 600, busy_ack: "Got it, I'll get to this next.".into() }
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
            self.api.api_key.clone(),
            self.voice.api_key.clone(),
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

// ---------------------------------------------------------------------------------------------
// Loading

/// What the caller knows before loading: the explicit path, the environment, the CLI overrides.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// `--config PATH`; must exist when given.
    pub path: Option<PathBuf>,
    /// The process environment (injected so tests do not touch the real one).
    pub env: Vec<(String, String)>,
    /// Command-line overrides as dotted keys, e.g. `("omega.data_dir", "/tmp/x")`.
    pub overrides: Vec<(String, toml::Value)>,
}

impl LoadOptions {
    /// Options reading this process's environment.
    pub fn from_env() -> Self {
        Self { env: std::env::vars().collect(), ..Self::default() }
    }
}

/// A loaded configuration and the file it came from.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub config: Config,
    /// The file that was read, if any (defaults alone are a valid config).
    pub path: Option<PathBuf>,
}

/// Where a value came from, for error messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    File {
        path: PathBuf,
        line: Option<usize>,
    },
    Env {
        var: String,
    },
    Flag {
        key: String,
    },
    Default,
    /// A value the embedding program set in code.
    Program,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::File { path, line: Some(line) } => write!(f, "{} line {line}", path.display()),
            Origin::File { path, line: None } => write!(f, "{}", path.display()),
            Origin::Env { var } => write!(f, "environment variable {var}"),
            Origin::Flag { key } => write!(f, "command-line flag for {key}"),
            Origin::Default => f.write_str("built-in default"),
            Origin::Program => f.write_str("the configuration built by the program"),
        }
    }
}

/// One thing wrong with the configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// The config file named with `--config` does not exist or cannot be read.
    Unreadable { path: PathBuf, reason: String },
    /// The file is not valid TOML.
    Syntax { path: PathBuf, line: usize, column: usize, reason: String },
    /// A key the model does not have.
    UnknownKey { key: String, origin: Origin, suggestion: Option<String> },
    /// A key whose value has the wrong type or is out of range.
    InvalidValue { key: String, origin: Origin, reason: String },
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::Unreadable { path, reason } => {
                write!(f, "cannot read config file {}: {reason}", path.display())
            }
            Problem::Syntax { path, line, column, reason } => {
                write!(f, "{} line {line} column {column}: invalid TOML: {reason}", path.display())
            }
            Problem::UnknownKey { key, origin, suggestion } => {
                write!(f, "unknown key `{key}` in {origin}")?;
                match suggestion {
                    Some(s) => write!(f, "; did you mean `{s}`?"),
                    None => Ok(()),
                }
            }
            Problem::InvalidValue { key, origin, reason } => {
                write!(f, "invalid value for `{key}` in {origin}: {reason}")
            }
        }
    }
}

/// Everything wrong with a configuration, reported together so one edit can fix them all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ConfigError {
    pub problems: Vec<Problem>,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.problems.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{p}")?;
        }
        Ok(())
    }
}

impl From<Problem> for ConfigError {
    fn from(p: Problem) -> Self {
        Self { problems: vec![p] }
    }
}

/// Environment variables that carry a credential, and the key each fills when no layer set it.
/// This one table drives loading, the docs' promises (a test checks README.md and omega.toml name
/// every variable) and the tests that run the binary with each variable.
pub const CREDENTIAL_VARS: &[(&str, &str)] = &[
    ("OPENAI_API_KEY", "provider.openai.api_key"),
    ("OPENAI_API_KEY", "voice.api_key"),
    ("ANTHROPIC_API_KEY", "provider.anthropic.api_key"),
    // The CLI honours ANTHROPIC_API_KEY itself when run from a shell; Omega runs it with a clean
    // environment, so it passes the variable on explicitly.
    ("ANTHROPIC_API_KEY", "provider.claude-code.api_key"),
    ("CLAUDE_CODE_OAUTH_TOKEN", "provider.claude-code.oauth_token"),
    ("OPENROUTER_API_KEY", "provider.openrouter.api_key"),
    ("GEMINI_API_KEY", "provider.gemini.api_key"),
    ("TELEGRAM_BOT_TOKEN", "channel.telegram.bot_token"),
];

/// The secret a [`CREDENTIAL_VARS`] key names.
fn credential_slot<'c>(config: &'c mut Config, key: &str) -> Option<&'c mut Secret> {
    Some(match key {
        "provider.openai.api_key" => &mut config.provider.openai.api_key,
        "voice.api_key" => &mut config.voice.api_key,
        "provider.anthropic.api_key" => &mut config.provider.anthropic.api_key,
        "provider.claude-code.api_key" => &mut config.provider.claude_code.api_key,
        "provider.claude-code.oauth_token" => &mut config.provider.claude_code.oauth_token,
        "provider.openrouter.api_key" => &mut config.provider.openrouter.api_key,
        "provider.gemini.api_key" => &mut config.provider.gemini.api_key,
        "channel.telegram.bot_token" => &mut config.channel.telegram.bot_token,
        _ => return None,
    })
}

/// `OMEGA_CONFIG` names the config file; it is not a key.
pub const CONFIG_PATH_VAR: &str = "OMEGA_CONFIG";

/// Load and validate the configuration.
pub fn load(opts: &LoadOptions) -> Result<Loaded, ConfigError> {
    let env = |name: &str| opts.env.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
    let path = match &opts.path {
        Some(p) => Some(p.clone()),
        None => env(CONFIG_PATH_VAR).map(PathBuf::from).or_else(default_config_path),
    };
    let file = match &path {
        Some(p) => Some(read_file(p)?),
        None => None,
    };

    let keys = KeyTree::of_config();
    let mut problems = Vec::new();
    let mut figment = Figment::from(Serialized::defaults(Config::default()));

    if let Some((path, text, doc)) = &file {
        check_table(&keys, "", doc.as_table(), path, text, &mut problems);
        figment = figment.merge(Toml::string(text));
    }

    // OMEGA_SECTION__KEY=value. Variables without `__` are not keys (every key has a section), so
    // an unrelated OMEGA_SOMETHING in the environment is left alone.
    let mut env_sources: Vec<(String, String)> = Vec::new();
    for (var, value) in &opts.env {
        let Some(rest) = var.strip_prefix("OMEGA_") else {
            continue;
        };
        if !rest.contains("__") {
            continue;
        }
        let key = keys.from_env(&rest.to_ascii_lowercase().split("__").collect::<Vec<_>>().join("."));
        if !keys.contains(&key) {
            problems.push(Problem::UnknownKey {
                suggestion: keys.suggest(&key),
                key,
                origin: Origin::Env { var: var.clone() },
            });
            continue;
        }
        let parsed = parse_env_value(value);
        figment = figment.merge(Serialized::global(&key, parsed));
        env_sources.push((key, var.clone()));
    }

    for (key, value) in &opts.overrides {
        if !keys.contains(key) {
            problems.push(Problem::UnknownKey {
                suggestion: keys.suggest(key),
                key: key.clone(),
                origin: Origin::Flag { key: key.clone() },
            });
            continue;
        }
        figment = figment.merge(Serialized::global(key, value.clone()));
    }

    if !problems.is_empty() {
        return Err(ConfigError { problems });
    }

    let mut config: Config = match figment.extract() {
        Ok(c) => c,
        Err(err) => {
            let problems = err
                .into_iter()
                .map(|e| {
                    let key = e.path.join(".");
                    let origin = origin_of(&key, &env_sources, file.as_ref(), opts);
                    Problem::InvalidValue { key, origin, reason: e.kind.to_string() }
                })
                .collect();
            return Err(ConfigError { problems });
        }
    };

    for (var, key) in CREDENTIAL_VARS {
        let Some(value) = env(var).filter(|v| !v.trim().is_empty()) else {
            continue;
        };
        match credential_slot(&mut config, key) {
            Some(slot) if slot.is_empty() => *slot = Secret::new(value),
            // Set by a layer already, or (never: a test checks the table) a key without a slot.
            Some(_) | None => {}
        }
    }

    let problems: Vec<Problem> = validate(&config)
        .into_iter()
        .map(|(key, reason)| {
            let origin = origin_of(&key, &env_sources, file.as_ref(), opts);
            Problem::InvalidValue { key, origin, reason }
        })
        .collect();
    if !problems.is_empty() {
        return Err(ConfigError { problems });
    }

    Ok(Loaded { config, path })
}

impl Config {
    /// Check the rules the types cannot express (a known provider name, a time zone that exists,
    /// a key before binding beyond loopback, ...). [`load`] runs this; a program that builds a
    /// `Config` in code gets the same checks from the runtime builder.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let problems: Vec<Problem> = validate(self)
            .into_iter()
            .map(|(key, reason)| Problem::InvalidValue { key, origin: Origin::Program, reason })
            .collect();
        if problems.is_empty() { Ok(()) } else { Err(ConfigError { problems }) }
    }
}

/// Parse a config file's text alone (no environment), e.g. to check a reference file.
pub fn load_file(path: &Path) -> Result<Loaded, ConfigError> {
    load(&LoadOptions { path: Some(path.to_owned()), ..LoadOptions::default() })
}

fn default_config_path() -> Option<PathBuf> {
    let local = PathBuf::from("omega.toml");
    if local.is_file() {
        return Some(local);
    }
    let home = expand_home("~/.omega/omega.toml");
    home.is_file().then_some(home)
}

type ParsedFile = (PathBuf, String, toml_edit::ImDocument<String>);

fn read_file(path: &Path) -> Result<ParsedFile, ConfigError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Problem::Unreadable { path: path.to_owned(), reason: e.to_string() })?;
    match toml_edit::ImDocument::parse(text.clone()) {
        Ok(doc) => Ok((path.to_owned(), text, doc)),
        Err(e) => {
            let (line, column) = e.span().map(|s| line_col(&text, s.start)).unwrap_or((1, 1));
            let reason = e.message().trim().to_owned();
            Err(Problem::Syntax { path: path.to_owned(), line, column, reason }.into())
        }
    }
}

fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

fn check_table(
    keys: &KeyTree,
    prefix: &str,
    table: &dyn toml_edit::TableLike,
    path: &Path,
    text: &str,
    problems: &mut Vec<Problem>,
) {
    for (key, item) in table.iter() {
        let dotted = if prefix.is_empty() { key.to_owned() } else { format!("{prefix}.{key}") };
        if !keys.contains(&dotted) {
            let line = table
                .get_key_value(key)
                .and_then(|(k, v)| k.span().or_else(|| v.span()))
                .map(|s| line_col(text, s.start).0);
            problems.push(Problem::UnknownKey {
                suggestion: keys.suggest(&dotted),
                key: dotted,
                origin: Origin::File { path: path.to_owned(), line },
            });
            continue;
        }
        if keys.is_section(&dotted)
            && let Some(sub) = item.as_table_like()
        {
            check_table(keys, &dotted, sub, path, text, problems);
        }
    }
}

fn origin_of(
    key: &str,
    env_sources: &[(String, String)],
    file: Option<&ParsedFile>,
    opts: &LoadOptions,
) -> Origin {
    if opts.overrides.iter().any(|(k, _)| k == key) {
        return Origin::Flag { key: key.to_owned() };
    }
    if let Some((_, var)) = env_sources.iter().rev().find(|(k, _)| k == key) {
        return Origin::Env { var: var.clone() };
    }
    if let Some((path, text, doc)) = file
        && let Some(line) = line_of_key(doc, text, key)
    {
        return Origin::File { path: path.clone(), line: Some(line) };
    }
    Origin::Default
}

/// The line where `a.b.c` is written in the file, if it is.
fn line_of_key(doc: &toml_edit::ImDocument<String>, text: &str, key: &str) -> Option<usize> {
    let mut table: &dyn toml_edit::TableLike = doc.as_table();
    let parts: Vec<&str> = key.split('.').collect();
    for (i, part) in parts.iter().enumerate() {
        let (k, item) = table.get_key_value(part)?;
        if i + 1 == parts.len() {
            let span = k.span().or_else(|| item.span())?;
            return Some(line_col(text, span.start).0);
        }
        table = item.as_table_like()?;
    }
    None
}

/// Environment values are strings; read them as TOML scalars/arrays when they parse as such
/// (`8080`, `true`, `["a","b"]`), otherwise as plain strings.
fn parse_env_value(value: &str) -> toml::Value {
    let probe = format!("v = {value}");
    match probe.parse::<toml::Table>() {
        Ok(mut t) => t.remove("v").unwrap_or_else(|| toml::Value::String(value.to_owned())),
        Err(_) => toml::Value::String(value.to_owned()),
    }
}

/// Rules serde cannot express. Returns (key, reason) pairs.
fn validate(c: &Config) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut bad = |k: &str, r: String| out.push((k.to_owned(), r));
    if c.omega.data_dir.trim().is_empty() {
        bad("omega.data_dir", "must not be empty".into());
    }
    if !c.omega.timezone.is_empty() && c.omega.timezone.parse::<chrono_tz::Tz>().is_err() {
        bad(
            "omega.timezone",
            format!(
                "`{}` is not an IANA time zone (for example \"Europe/Lisbon\" or \"UTC\")",
                c.omega.timezone
            ),
        );
    }
    if !["error", "warn", "info", "debug", "trace"].contains(&c.omega.log_level.as_str()) {
        bad(
            "omega.log_level",
            format!("`{}` is not one of error, warn, info, debug, trace", c.omega.log_level),
        );
    }
    if !PROVIDERS.contains(&c.provider.default.as_str()) {
        let hint = strsim_closest(&c.provider.default, PROVIDERS.iter().copied())
            .map(|s| format!("; did you mean \"{s}\"?"))
            .unwrap_or_default();
        bad(
            "provider.default",
            format!(
                "unknown provider \"{}\" (this build has: {}){hint}",
                c.provider.default,
                PROVIDERS.join(", ")
            ),
        );
    }
    for (i, name) in c.provider.fallback.iter().enumerate() {
        if !PROVIDERS.contains(&name.as_str()) {
            bad(
                "provider.fallback",
                format!("unknown provider \"{name}\" (this build has: {})", PROVIDERS.join(", ")),
            );
        } else if *name == c.provider.default || c.provider.fallback[..i].contains(name) {
            bad(
                "provider.fallback",
                format!("\"{name}\" is listed twice (the default provider is tried first anyway)"),
            );
        }
    }
    for (key, v) in [
        ("budget.daily_usd_per_sender", c.budget.daily_usd_per_sender),
        ("budget.daily_usd_total", c.budget.daily_usd_total),
    ] {
        if !(v.is_finite() && v >= 0.0) {
            bad(key, "must be 0 (no cap) or a positive amount of USD".into());
        }
    }
    for (model, p) in &c.prices {
        if [p.input_per_mtok, p.output_per_mtok, p.cached_input_per_mtok.unwrap_or(0.0)]
            .iter()
            .any(|x| !(x.is_finite() && *x >= 0.0))
        {
            bad(&format!("prices.{model}"), "prices must be zero or positive".into());
        }
    }
    for (name, server) in &c.mcp.servers {
        let key = format!("mcp.servers.{name}");
        if name.is_empty() || !name.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '-' || ch == '_') {
            bad(&key, "server names may use letters, digits, `-` and `_` only".into());
        }
        match (server.command.trim().is_empty(), server.url.trim().is_empty()) {
            (true, true) => {
                bad(&key, "needs `command` (a stdio server) or `url` (a streamable-HTTP server)".into())
            }
            (false, false) => bad(&key, "has both `command` and `url`; keep one".into()),
            (true, false) if !(server.url.starts_with("http://") || server.url.starts_with("https://")) => {
                bad(&format!("{key}.url"), format!("`{}` is not an http:// or https:// URL", server.url))
            }
            _ => {}
        }
    }
    if !c.scheduler.quiet_hours.trim().is_empty() && c.scheduler.quiet().is_none() {
        bad(
            "scheduler.quiet_hours",
            format!("`{}` is not a range like \"22:00-07:00\"", c.scheduler.quiet_hours),
        );
    }
    let hb = &c.heartbeat;
    if !hb.active_hours.trim().is_empty() && hours_range(&hb.active_hours).is_none() {
        bad("heartbeat.active_hours", format!("`{}` is not a range like \"08:00-22:00\"", hb.active_hours));
    }
    if hb.enabled && (hb.channel.trim().is_empty() || hb.recipient.trim().is_empty()) {
        bad(
            "heartbeat",
            "the heartbeat is enabled but has nowhere to report: set heartbeat.channel and heartbeat.recipient".into(),
        );
    }
    if hb.interval_minutes == 0 || hb.interval_minutes > 1440 {
        bad("heartbeat.interval_minutes", "must be between 1 and 1440".into());
    }
    if c.tools.max_turns == 0 {
        bad("tools.max_turns", "must be at least 1 (set tools.enabled = false to turn tools off)".into());
    }
    if c.tools.timeout_secs == 0 {
        bad("tools.timeout_secs", "must be at least 1".into());
    }
    if c.provider.max_attempts == 0 || c.provider.max_attempts > 10 {
        bad("provider.max_attempts", "must be between 1 and 10".into());
    }
    if c.provider.max_concurrent == 0 {
        bad("provider.max_concurrent", "must be at least 1".into());
    }
    let oa = &c.provider.openai;
    if !(oa.base_url.starts_with("http://") || oa.base_url.starts_with("https://")) {
        bad("provider.openai.base_url", format!("`{}` is not an http:// or https:// URL", oa.base_url));
    }
    if oa.timeout_secs == 0 {
        bad("provider.openai.timeout_secs", "must be at least 1".into());
    }
    let an = &c.provider.anthropic;
    if !(an.base_url.starts_with("http://") || an.base_url.starts_with("https://")) {
        bad("provider.anthropic.base_url", format!("`{}` is not an http:// or https:// URL", an.base_url));
    }
    if an.timeout_secs == 0 {
        bad("provider.anthropic.timeout_secs", "must be at least 1".into());
    }
    if oa.model.trim().is_empty() {
        bad("provider.openai.model", "must not be empty".into());
    }
    if c.api.enabled {
        let loopback = matches!(c.api.host.as_str(), "127.0.0.1" | "::1" | "localhost");
        if !loopback && c.api.api_key.is_empty() {
            bad(
                "api.api_key",
                format!(
                    "api.host is {} (reachable from other machines) but api.api_key is empty; set a key or bind 127.0.0.1",
                    c.api.host
                ),
            );
        }
        if c.api.host.parse::<std::net::IpAddr>().is_err() && c.api.host != "localhost" {
            bad("api.host", format!("`{}` is not an IP address", c.api.host));
        }
    }
    if c.memory.max_context_messages == 0 {
        bad("memory.max_context_messages", "must be at least 1".into());
    }
    if !(c.voice.base_url.starts_with("http://") || c.voice.base_url.starts_with("https://")) {
        bad("voice.base_url", format!("`{}` is not an http:// or https:// URL", c.voice.base_url));
    }
    let tg = &c.channel.telegram;
    if tg.enabled && tg.bot_token.is_empty() {
        bad(
            "channel.telegram.bot_token",
            "the Telegram channel is enabled but has no bot token; set TELEGRAM_BOT_TOKEN or [channel.telegram] bot_token (from @BotFather)".into(),
        );
    }
    if !(tg.api_url.starts_with("http://") || tg.api_url.starts_with("https://")) {
        bad("channel.telegram.api_url", format!("`{}` is not an http:// or https:// URL", tg.api_url));
    }
    if tg.poll_timeout_secs > 50 {
        bad("channel.telegram.poll_timeout_secs", "must be at most 50 (Telegram's limit)".into());
    }
    if c.channel.terminal.sender_id.trim().is_empty() {
        bad("channel.terminal.sender_id", "must not be empty".into());
    }
    out
}

fn strsim_closest<'a>(word: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .map(|c| (strsim::jaro_winkler(word, c), c))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

// ---------------------------------------------------------------------------------------------
// The key tree, read off the JSON Schema so it can never disagree with the model.

/// Every valid dotted key, and which of them are sections (tables).
#[derive(Debug, Clone)]
pub struct KeyTree {
    keys: BTreeSet<String>,
    sections: BTreeSet<String>,
    /// Sections whose keys are free names (maps), e.g. `prices`.
    maps: BTreeSet<String>,
}

impl KeyTree {
    pub fn of_config() -> Self {
        let schema = serde_json::to_value(schemars::schema_for!(Config)).expect("schema");
        let mut tree = Self { keys: BTreeSet::new(), sections: BTreeSet::new(), maps: BTreeSet::new() };
        tree.walk(&schema, &schema, "");
        tree
    }

    fn walk(&mut self, root: &serde_json::Value, node: &serde_json::Value, prefix: &str) {
        let node = resolve(root, node);
        // A map (`[prices."gpt-4o"]`): any name is a valid key, and its value has the shape of
        // `additionalProperties`.
        if let Some(values) = node.get("additionalProperties").filter(|v| v.is_object()) {
            self.sections.insert(prefix.to_owned());
            self.maps.insert(prefix.to_owned());
            self.keys.insert(format!("{prefix}.*"));
            let mut shape = Self { keys: BTreeSet::new(), sections: BTreeSet::new(), maps: BTreeSet::new() };
            shape.walk(root, values, "*");
            for k in shape.keys {
                self.keys.insert(format!("{prefix}.{k}"));
            }
            for k in shape.sections {
                self.sections.insert(format!("{prefix}.{k}"));
            }
            for k in shape.maps {
                self.maps.insert(format!("{prefix}.{k}"));
            }
            return;
        }
        let Some(props) = node.get("properties").and_then(|p| p.as_object()) else {
            return;
        };
        if !prefix.is_empty() {
            self.sections.insert(prefix.to_owned());
        }
        for (name, sub) in props {
            let key = if prefix.is_empty() { name.clone() } else { format!("{prefix}.{name}") };
            self.keys.insert(key.clone());
            self.walk(root, sub, &key);
        }
    }

    pub fn contains(&self, key: &str) -> bool {
        self.keys.contains(key) || self.keys.contains(&self.pattern(key))
    }

    /// Environment variables cannot carry `-`: `provider.claude_code.model` means
    /// `provider.claude-code.model` when only the latter exists.
    pub fn from_env(&self, key: &str) -> String {
        if self.contains(key) {
            return key.to_owned();
        }
        let mut out: Vec<String> = Vec::new();
        for part in key.split('.') {
            let plain = [out.join("."), part.to_owned()]
                .iter()
                .filter(|s| !s.is_empty())
                .cloned()
                .collect::<Vec<_>>()
                .join(".");
            let dashed_part = part.replace('_', "-");
            let dashed = [out.join("."), dashed_part.clone()]
                .iter()
                .filter(|s| !s.is_empty())
                .cloned()
                .collect::<Vec<_>>()
                .join(".");
            if !self.keys.contains(&plain) && self.keys.contains(&dashed) {
                out.push(dashed_part);
            } else {
                out.push(part.to_owned());
            }
        }
        out.join(".")
    }

    /// `prices.gpt-4o.input_per_mtok` → `prices.*.input_per_mtok` when `prices` is a map (and
    /// `mcp.servers.x.env.TOKEN` → `mcp.servers.*.env.*`: maps nest).
    fn pattern(&self, key: &str) -> String {
        let mut out = String::with_capacity(key.len());
        for part in key.split('.') {
            let in_map = !out.is_empty() && self.maps.contains(&out);
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(if in_map { "*" } else { part });
        }
        out
    }

    pub fn is_section(&self, key: &str) -> bool {
        self.sections.contains(key) || self.sections.contains(&self.pattern(key))
    }

    /// All valid keys that hold values (not sections), map entries excluded.
    pub fn leaves(&self) -> impl Iterator<Item = &str> {
        self.keys.iter().filter(|k| !self.sections.contains(*k) && !k.contains('*')).map(String::as_str)
    }

    /// The closest valid key: a sibling with a similar name, else any key with the same last
    /// segment (e.g. `[openai]` at the top level → `provider.openai`).
    pub fn suggest(&self, key: &str) -> Option<String> {
        // Inside a map (`mcp.servers.x.commandd`) the siblings are the map's value keys.
        let (real_parent, last) = key.rsplit_once('.').unwrap_or(("", key));
        let pattern = self.pattern(key);
        let (parent, _) = pattern.rsplit_once('.').unwrap_or(("", &pattern));
        let siblings = self.keys.iter().filter(|k| {
            let (p, _) = k.rsplit_once('.').unwrap_or(("", k));
            p == parent
        });
        let best = siblings
            .map(|k| {
                let name = k.rsplit('.').next().unwrap_or(k);
                (strsim::jaro_winkler(last, name), k)
            })
            .filter(|(s, _)| *s >= 0.75)
            .max_by(|a, b| a.0.total_cmp(&b.0))
            .map(|(_, k)| match k.rsplit_once('.') {
                Some((_, name)) if !real_parent.is_empty() => format!("{real_parent}.{name}"),
                _ => k.clone(),
            });
        best.or_else(|| self.keys.iter().find(|k| k.rsplit('.').next() == Some(last) && *k != key).cloned())
    }
}

fn resolve<'a>(root: &'a serde_json::Value, node: &'a serde_json::Value) -> &'a serde_json::Value {
    if let Some(r) = node.get("$ref").and_then(|r| r.as_str())
        && let Some(name) = r.strip_prefix("#/$defs/")
        && let Some(def) = root.get("$defs").and_then(|d| d.get(name))
    {
        return def;
    }
    node
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn write(text: &str) -> tempfile::NamedTempFile {
        let mut f = tempfile::NamedTempFile::new().unwrap();
        f.write_all(text.as_bytes()).unwrap();
        f
    }

    fn opts(path: &Path, env: &[(&str, &str)]) -> LoadOptions {
        LoadOptions {
            path: Some(path.to_owned()),
            env: env.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect(),
            overrides: vec![],
        }
    }

    fn err(text: &str, env: &[(&str, &str)]) -> String {
        let f = write(text);
        load(&opts(f.path(), env)).unwrap_err().to_string()
    }

    #[test]
    fn defaults_alone_are_valid() {
        // An empty file, not whatever omega.toml the working directory or ~/.omega holds.
        let f = write("");
        let c = load(&opts(f.path(), &[])).unwrap().config;
        assert_eq!(c, Config::default());
    }

    #[test]
    fn unknown_key_names_key_line_and_suggestion() {
        let e = err("[api]\nenabled = true\nprot = 8080\n", &[]);
        assert!(e.contains("unknown key `api.prot`"), "{e}");
        assert!(e.contains("line 3"), "{e}");
        assert!(e.contains("did you mean `api.port`?"), "{e}");
    }

    #[test]
    fn map_sections_take_any_name_and_check_what_is_inside() {
        let f = write(
            "[prices.\"gpt-x\"]\ninput_per_mtok = 1.0\noutput_per_mtok = 2.0\n\n\
             [mcp.servers.files]\ncommand = \"node\"\nargs = [\"server.js\"]\nenv = { TOKEN = \"s3cret\" }\n\n\
             [sandbox]\nlevel = \"rx\"\n",
        );
        let c = load(&opts(f.path(), &[])).unwrap().config;
        assert_eq!(c.prices["gpt-x"].output_per_mtok, 2.0);
        assert_eq!(c.mcp.servers["files"].env["TOKEN"].expose(), "s3cret");
        assert!(c.mcp.servers["files"].enabled);
        assert_eq!(c.sandbox.level, SandboxLevel::Rx);
        assert!(!c.to_redacted_toml().contains("s3cret"), "server environments are secrets");

        let e = err("[mcp.servers.files]\ncommandd = \"node\"\n", &[]);
        assert!(e.contains("did you mean `mcp.servers.files.command`?"), "{e}");
        let e = err("[mcp.servers.files]\nargs = []\n", &[]);
        assert!(e.contains("needs `command`"), "{e}");
        let e = err("[sandbox]\nlevel = \"open\"\n", &[]);
        assert!(e.contains("sandbox.level"), "{e}");
    }

    #[test]
    fn misplaced_section_suggests_its_real_home() {
        let e = err("[openai]\nmodel = \"x\"\n", &[]);
        assert!(e.contains("unknown key `openai`"), "{e}");
        assert!(e.contains("did you mean `provider.openai`?"), "{e}");
    }

    #[test]
    fn wrong_type_names_key_file_and_line() {
        let f = write("[omega]\nname = \"x\"\n\n[api]\nport = \"eighty\"\n");
        let e = load(&opts(f.path(), &[])).unwrap_err().to_string();
        assert!(e.contains("invalid value for `api.port`"), "{e}");
        assert!(e.contains(&format!("{} line 5", f.path().display())), "{e}");
    }

    #[test]
    fn syntax_error_names_line() {
        let e = err("[api\nport = 1\n", &[]);
        assert!(e.contains("line 1"), "{e}");
        assert!(e.contains("invalid TOML"), "{e}");
    }

    #[test]
    fn env_vars_reach_dashed_keys() {
        let f = write("");
        let c = load(&opts(f.path(), &[("OMEGA_PROVIDER__CLAUDE_CODE__MAX_TURNS", "7")])).unwrap().config;
        assert_eq!(c.provider.claude_code.max_turns, 7);
    }

    #[test]
    fn env_overrides_file_and_unknown_env_key_is_named() {
        let f = write("[api]\nport = 4000\n");
        let c = load(&opts(f.path(), &[("OMEGA_API__PORT", "5000")])).unwrap().config;
        assert_eq!(c.api.port, 5000);
        let e = load(&opts(f.path(), &[("OMEGA_API__PROT", "5000")])).unwrap_err().to_string();
        assert!(e.contains("OMEGA_API__PROT"), "{e}");
        assert!(e.contains("did you mean `api.port`?"), "{e}");
        let e = load(&opts(f.path(), &[("OMEGA_API__PORT", "many")])).unwrap_err().to_string();
        assert!(e.contains("environment variable OMEGA_API__PORT"), "{e}");
    }

    #[test]
    fn unrelated_omega_variables_are_ignored() {
        let f = write("");
        assert!(load(&opts(f.path(), &[("OMEGA_HOME_HINT", "x")])).is_ok());
    }

    #[test]
    fn flags_override_env() {
        let f = write("");
        let mut o = opts(f.path(), &[("OMEGA_OMEGA__NAME", "env")]);
        o.overrides.push(("omega.name".into(), toml::Value::String("flag".into())));
        assert_eq!(load(&o).unwrap().config.omega.name, "flag");
    }

    #[test]
    fn every_credential_variable_fills_its_key_and_is_documented() {
        let readme =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md")).unwrap();
        let reference =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../omega.toml")).unwrap();
        for (var, key) in CREDENTIAL_VARS {
            let f = write("");
            let value = format!("secret-from-{var}");
            let mut c = load(&opts(f.path(), &[(var, &value)])).unwrap().config;
            let slot = credential_slot(&mut c, key).unwrap_or_else(|| panic!("{key} has no slot"));
            assert_eq!(slot.expose(), value, "{var} fills {key}");
            assert!(readme.contains(var), "README.md does not mention {var}");
            assert!(reference.contains(var), "omega.toml does not mention {var}");
        }
    }

    #[test]
    fn openai_key_from_env_only_fills_an_empty_key() {
        let f = write("");
        let c = load(&opts(f.path(), &[("OPENAI_API_KEY", "sk-env")])).unwrap().config;
        assert_eq!(c.provider.openai.api_key.expose(), "sk-env");
        let f = write("[provider.openai]\napi_key = \"sk-file\"\n");
        let c = load(&opts(f.path(), &[("OPENAI_API_KEY", "sk-env")])).unwrap().config;
        assert_eq!(c.provider.openai.api_key.expose(), "sk-file");
    }

    #[test]
    fn semantic_errors_name_the_key() {
        let e = err("[omega]\ntimezone = \"Mars/Olympus\"\n", &[]);
        assert!(e.contains("`omega.timezone`") && e.contains("line 2"), "{e}");
        let e = err("[provider]\ndefault = \"opnai\"\n", &[]);
        assert!(e.contains("did you mean \"openai\"?"), "{e}");
        let e = err("[api]\nhost = \"0.0.0.0\"\n", &[]);
        assert!(e.contains("api.api_key"), "{e}");
    }

    #[test]
    fn missing_explicit_file_is_an_error() {
        let e = load(&LoadOptions { path: Some("/nonexistent/omega.toml".into()), ..LoadOptions::default() })
            .unwrap_err()
            .to_string();
        assert!(e.contains("cannot read config file /nonexistent/omega.toml"), "{e}");
    }

    #[test]
    fn redacted_dump_hides_secrets() {
        let mut c = Config::default();
        c.provider.openai.api_key = Secret::new("sk-very-secret");
        let dump = c.to_redacted_toml();
        assert!(!dump.contains("sk-very-secret"));
        assert!(dump.contains("<redacted>"));
    }

    #[test]
    fn several_problems_are_reported_together() {
        let e = err("[api]\nprot = 1\n[memory]\ndb_pth = \"x\"\n", &[]);
        assert!(e.contains("api.prot") && e.contains("memory.db_pth"), "{e}");
    }
}
