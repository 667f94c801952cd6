//! The runtime: opens the data dir and database, starts the supervision tree, the channels and
//! the HTTP API, and hands out the handles an embedding program needs.

use actix::prelude::*;
use omega_actors::channel::{AwaitReply, Deliver, LocalChannel, Reply};
use omega_actors::gateway::{Accepted, Gateway, GatewaySettings, Receive, SessionCount};
use omega_actors::http::{HttpDeps, HttpServer, ProviderStatus, SharedProviderStatus};
use omega_actors::outbox::RegisterChannel;
use omega_actors::provider::CheckProvider;
use omega_actors::session::SessionSettings;
use omega_actors::slot::Slot;
use omega_actors::supervisor::{RegisterStopper, Shutdown, Spec, Supervisor, Tree};
use omega_core::auth::{Allowed, AuthPolicy};
use omega_core::supervision::RestartBudget;
use omega_core::{Config, Inbound};
use omega_memory::Store;
use omega_providers::Provider;
use omega_providers::anthropic::AnthropicProvider;
use omega_providers::fallback::Fallback;
use omega_providers::openai::OpenAiProvider;
use omega_providers::retry::{RetryPolicy, Retrying};
use parking_lot::RwLock;
use std::collections::HashMap;
use std::fs::File;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::oneshot;

/// Why the runtime could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("cannot create data directory {path}: {source}")]
    DataDir { path: PathBuf, source: std::io::Error },
    #[error(
        "another Omega is already running with data directory {path} (it holds {path}/omega.lock); stop it first, or talk to it through its HTTP API"
    )]
    Locked { path: PathBuf },
    #[error(transparent)]
    Store(#[from] omega_memory::MemoryError),
    #[error("cannot start the Telegram channel: {0}")]
    Telegram(String),
    #[error(
        "cannot serve the HTTP API on {host}:{port}: {source} (set [api] port, or [api] enabled = false)"
    )]
    Http { host: String, port: u16, source: std::io::Error },
    #[error("invalid configuration:\n{0}")]
    Config(#[from] omega_core::config::ConfigError),
}

/// Why `ask` produced no reply.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum AskError {
    #[error("channel {0} is not a local channel of this runtime")]
    UnknownChannel(String),
    #[error("the sender is not allowed on this channel")]
    Denied,
    #[error("the message was not stored: {0}")]
    NotStored(String),
    #[error("the runtime stopped before answering")]
    Stopped,
}

/// A channel an embedding program runs itself.
type ChannelFactory = Box<dyn FnOnce(GatewayHandle) -> Recipient<Deliver>>;

/// Configures and starts a [`Runtime`].
pub struct RuntimeBuilder {
    config: Config,
    provider: Option<Arc<dyn Provider>>,
    http: bool,
    telegram: bool,
    locals: Vec<(String, Allowed, Option<LocalChannel>)>,
    custom: Vec<(String, Allowed, ChannelFactory)>,
    /// More paths no tool may reach (the config file).
    protected: Vec<PathBuf>,
    /// Summarize open conversations at shutdown (default `[memory] summarize_on_shutdown`).
    summarize_on_shutdown: bool,
    summarizer_idle: Option<Duration>,
    heartbeat_every: Option<Duration>,
    action_retry_base: Option<Duration>,
    session_panic_on: Option<String>,
    tool_panic_on: Option<String>,
    channel_panic_on: Option<String>,
    /// "Now" for the Sessions, Scheduler, Summarizer and Heartbeat.
    clock: omega_core::clock::SharedClock,
}

impl RuntimeBuilder {
    /// Use this provider instead of the one `[provider] default` names.
    pub fn provider(mut self, provider: Arc<dyn Provider>) -> Self {
        self.provider = Some(provider);
        self
    }

    /// Serve the HTTP API (default: `[api] enabled`).
    pub fn http(mut self, on: bool) -> Self {
        self.http = on;
        self
    }

    /// Run the Telegram channel (default: `[channel.telegram] enabled`).
    pub fn telegram(mut self, on: bool) -> Self {
        self.telegram = on;
        self
    }

    /// Add an in-process channel named `name`, open to any sender: messages go in with
    /// [`Runtime::ask`] or [`Runtime::gateway`], replies come back to the caller.
    pub fn local_channel(self, name: &str) -> Self {
        self.local_channel_with(name, Allowed::Anyone, LocalChannel::new(name))
    }

    /// An in-process channel with its own auth list and delivery sink.
    pub fn local_channel_with(mut self, name: &str, allowed: Allowed, channel: LocalChannel) -> Self {
        self.locals.push((name.to_owned(), allowed, Some(channel)));
        self
    }

    /// Add a channel the embedding program implements: `start` receives a handle to submit
    /// messages and returns where deliveries go.
    pub fn channel(
        mut self,
        name: &str,
        allowed: Allowed,
        start: impl FnOnce(GatewayHandle) -> Recipient<Deliver> + 'static,
    ) -> Self {
        self.custom.push((name.to_owned(), allowed, Box::new(start)));
        self
    }

    /// Summarize open conversations when this runtime shuts down (default: `[memory]
    /// summarize_on_shutdown`). One-shot runtimes (`omega ask`) turn it off: each run would
    /// otherwise close the conversation it continues.
    pub fn summarize_on_shutdown(mut self, on: bool) -> Self {
        self.summarize_on_shutdown = on;
        self
    }

    /// Test hook: conversations count as idle after `idle` instead of `[memory] idle_minutes`.
    #[cfg(feature = "test-hooks")]
    pub fn summarizer_idle(mut self, idle: Duration) -> Self {
        self.summarizer_idle = Some(idle);
        self
    }

    /// Test hook: the heartbeat beats every `every` (not clock-aligned, no active hours).
    #[cfg(feature = "test-hooks")]
    pub fn heartbeat_every(mut self, every: Duration) -> Self {
        self.heartbeat_every = Some(every);
        self
    }

    /// Test hook: a failed scheduled action is retried after `base` (then 2×, 4×...) instead of
    /// a minute.
    #[cfg(feature = "test-hooks")]
    pub fn action_retry_base(mut self, base: Duration) -> Self {
        self.action_retry_base = Some(base);
        self
    }

    /// Keep tools away from `path` too (at every sandbox level), e.g. the config file the
    /// runtime was loaded from. The data dir and the database are always protected.
    pub fn protect(mut self, path: impl Into<PathBuf>) -> Self {
        self.protected.push(path.into());
        self
    }

    /// Read "now" from `clock` (default: the system clock) in the Sessions, the Scheduler, the
    /// Summarizer and the Heartbeat, e.g. a [`omega_core::clock::ManualClock`] in tests, moved by
    /// hand instead of waiting. Timers still run on real time: after moving a manual clock, poke
    /// the actor that should notice ([`Runtime::rearm_scheduler`]).
    pub fn clock(mut self, clock: omega_core::clock::SharedClock) -> Self {
        self.clock = clock;
        self
    }

    /// Test hook: the Telegram poller panics, once per process, on a message containing `marker`.
    #[cfg(feature = "test-hooks")]
    pub fn inject_channel_panic(mut self, marker: &str) -> Self {
        self.channel_panic_on = Some(marker.to_owned());
        self
    }

    /// Test hook: a call of the tool `name` panics inside the Sandbox actor.
    #[cfg(feature = "test-hooks")]
    pub fn inject_tool_panic(mut self, name: &str) -> Self {
        self.tool_panic_on = Some(name.to_owned());
        self
    }

    /// Test hook: sessions panic on messages containing `marker`.
    #[cfg(feature = "test-hooks")]
    pub fn inject_session_panic(mut self, marker: &str) -> Self {
        self.session_panic_on = Some(marker.to_owned());
        self
    }

    /// Start everything. Must run inside an actix system.
    pub async fn start(self) -> Result<Runtime, StartError> {
        let config = self.config;
        // A config built in code gets the checks a loaded one got (an unknown provider name is
        // an error, not silently another provider).
        config.validate()?;
        let data_dir = config.data_dir();
        omega_memory::open::create_private_dir(&data_dir)
            .map_err(|source| StartError::DataDir { path: data_dir.clone(), source })?;
        let lock = lock_data_dir(&data_dir)?;
        let store = Store::open(&config.db_path()).await?;

        let policy = RetryPolicy { max_attempts: config.provider.max_attempts, ..RetryPolicy::default() };
        let retrying =
            |p: Arc<dyn Provider>| -> Arc<dyn Provider> { Arc::new(Retrying::new(p, policy.clone())) };
        // Every provider is built once, with the protected paths (the config file too), and the
        // same clients answer and are health-checked.
        let primary = match self.provider {
            Some(p) => p,
            None => build_provider_protecting(&config, &config.provider.default, &self.protected),
        };
        let fallbacks: Vec<Arc<dyn Provider>> = config
            .provider
            .fallback
            .iter()
            .map(|name| build_provider_protecting(&config, name, &self.protected))
            .collect();
        let mut chain = vec![retrying(primary)];
        chain.extend(fallbacks.iter().cloned().map(retrying));
        // One actor per backend answers; the chain's head speaks for it (name, capabilities).
        let provider: Arc<dyn Provider> =
            if chain.len() == 1 { chain[0].clone() } else { Arc::new(Fallback::new(chain.clone())) };
        let mut policy = AuthPolicy::new(config.auth.enabled);
        if config.channel.terminal.enabled {
            // The terminal is the machine's owner.
            policy.set(omega_actors::terminal::CHANNEL, Allowed::Anyone);
        }
        let http_allowed = if config.api.allowed_senders.is_empty() {
            Allowed::Anyone
        } else {
            Allowed::Only(config.api.allowed_senders.clone())
        };
        policy.set(omega_channels::http_api::CHANNEL, http_allowed);
        let telegram_users: Vec<String> =
            config.channel.telegram.allowed_users.iter().map(|u| u.to_string()).collect();
        policy.set(omega_actors::telegram::CHANNEL, Allowed::Only(telegram_users.clone()));
        // The owner: verified identities only (see `AuthPolicy`). An HTTP sender is a claimed
        // name, the owner only when `[api] owner_senders` names it.
        policy.set_owners(omega_actors::telegram::CHANNEL, Allowed::Only(telegram_users));
        if config.channel.terminal.enabled {
            policy.set_owners(omega_actors::terminal::CHANNEL, Allowed::Anyone);
        }
        policy.set_owners(omega_channels::http_api::CHANNEL, Allowed::Only(config.api.owner_senders.clone()));
        // An embedding program's channels identify their senders themselves.
        let embedded =
            self.locals.iter().map(|(n, a, _)| (n, a)).chain(self.custom.iter().map(|(n, a, _)| (n, a)));
        for (name, allowed) in embedded {
            policy.set(name, allowed.clone());
            policy.set_owners(name, allowed.clone());
        }

        write_default_prompts(&data_dir);
        let tools = if config.tools.enabled { build_tools(&config, &self.protected)? } else { None };
        if let Some(why) = tools.as_ref().and_then(|f| f().refusal().map(str::to_owned)) {
            tracing::warn!("{why}");
        }
        let tools =
            match (tools, self.tool_panic_on) {
                (Some(f), Some(name)) => Some(Arc::new(move || f().panicking_on(Some(name.clone())))
                    as omega_actors::sandbox::ToolsFactory),
                (tools, _) => tools,
            };
        let session = SessionSettings {
            agent_name: config.omega.name.clone(),
            timezone: omega_core::tz::resolve(&config.omega.timezone),
            busy_ack: config.session.busy_ack.clone(),
            idle_timeout: Duration::from_secs(config.session.idle_timeout_secs.max(1)),
            max_context_messages: config.memory.max_context_messages,
            context_chars: config.memory.context_tokens as usize * 4,
            recall_messages: config.memory.recall_messages,
            max_resumes: 2,
            model: provider.default_model().to_owned(),
            vision: provider.supports_vision(),
            keeps_sessions: provider.keeps_sessions(),
            auth: policy.clone(),
            reads_image_files: provider.reads_image_files(),
            prices: config.prices.clone(),
            budget: config.budget.clone(),
            tools: tools.is_some().then_some(omega_providers::toolloop::LoopLimits {
                max_turns: config.tools.max_turns,
                max_repeats: config.tools.max_repeats.max(1),
                result_cap: config.tools.max_output_bytes.max(1_000),
            }),
            provider_tools: provider.supports_tools(),
            secrets: config.secrets(),
            data_dir: data_dir.clone(),
            routing: config.routing.enabled.then(|| {
                let p = &config.provider;
                let (model, complex) = match config.provider.default.as_str() {
                    "anthropic" => (&p.anthropic.model, &p.anthropic.model_complex),
                    "openrouter" => (&p.openrouter.model, &p.openrouter.model_complex),
                    "ollama" => (&p.ollama.model, &p.ollama.model_complex),
                    "gemini" => (&p.gemini.model, &p.gemini.model_complex),
                    "claude-code" => (&p.claude_code.model, &p.claude_code.model_complex),
                    _ => (&p.openai.model, &p.openai.model_complex),
                };
                let pick = |set: &str, default: &str| {
                    if set.is_empty() { default.to_owned() } else { set.to_owned() }
                };
                omega_actors::routing::RoutingSettings {
                    fast_model: pick(&config.routing.fast_model, model),
                    complex_model: pick(&config.routing.complex_model, complex),
                    min_chars: config.routing.min_chars,
                    max_steps: config.routing.max_steps.clamp(2, 10),
                }
            }),
            preview_channels: if self.telegram
                && config.channel.telegram.enabled
                && config.channel.telegram.stream
            {
                vec![omega_actors::telegram::CHANNEL.to_owned()]
            } else {
                Vec::new()
            },
            panic_on: self.session_panic_on,
            clock: self.clock.clone(),
        };
        // Telegram, both halves supervised by the tree; its config is checked here, so a bad URL
        // fails the start with a clear error instead of a child that cannot start.
        let telegram = if self.telegram && config.channel.telegram.enabled {
            let _ =
                omega_actors::telegram::bot_for(&config.channel.telegram).map_err(StartError::Telegram)?;
            let media_dir = data_dir.join("media");
            omega_memory::open::create_private_dir(&media_dir)
                .map_err(|source| StartError::DataDir { path: media_dir.clone(), source })?;
            Some(omega_actors::supervisor::TelegramSpec {
                config: config.channel.telegram.clone(),
                voice: config.voice.clone(),
                media_dir,
                panic_once_on: self.channel_panic_on.clone(),
            })
        } else {
            None
        };
        let spec = Spec {
            store: store.clone(),
            providers: chain,
            tools,
            summarizer: (config.memory.idle_minutes > 0).then(|| {
                omega_actors::summarizer::SummarizerSettings {
                    idle: self
                        .summarizer_idle
                        .unwrap_or(Duration::from_secs(u64::from(config.memory.idle_minutes) * 60)),
                    provider_name: provider.name().to_owned(),
                    prices: config.prices.clone(),
                    clock: self.clock.clone(),
                }
            }),
            summarize_on_shutdown: self.summarize_on_shutdown,
            heartbeat: config.heartbeat.enabled.then(|| omega_actors::heartbeat::HeartbeatSettings {
                agent_name: config.omega.name.clone(),
                data_dir: data_dir.clone(),
                timezone: omega_core::tz::resolve(&config.omega.timezone),
                interval_minutes: config.heartbeat.interval_minutes,
                every: self.heartbeat_every,
                active: omega_core::config::hours_range(&config.heartbeat.active_hours),
                channel: config.heartbeat.channel.clone(),
                recipient: config.heartbeat.recipient.clone(),
                provider_name: provider.name().to_owned(),
                prices: config.prices.clone(),
                clock: self.clock.clone(),
            }),
            action_retry_base: self.action_retry_base.unwrap_or(Duration::from_secs(60)),
            scheduler: config.scheduler.enabled.then(|| omega_memory::schedule::FirePolicy {
                skip_missed: config.scheduler.missed == omega_core::config::Missed::Skip,
                quiet: config.scheduler.quiet(),
                ..Default::default()
            }),
            max_concurrent: config.provider.max_concurrent as usize,
            gateway: GatewaySettings {
                policy,
                deny_message: config.auth.deny_message.clone(),
                session_budget: RestartBudget::default(),
                pairing_channels: if config.channel.telegram.pairing {
                    vec![omega_actors::telegram::CHANNEL.to_owned()]
                } else {
                    Vec::new()
                },
                pairing_ttl: Duration::from_secs(600),
            },
            session,
            telegram,
        };
        let (supervisor, tree) = Supervisor::start(spec);
        // The Supervisor starts its children in `started()`, which runs before it handles any
        // message: once this answers, every slot is bound.
        let _ = supervisor.send(omega_actors::supervisor::RestartCounts).await;

        let gateway = GatewayHandle { slot: tree.gateway.clone() };
        let mut locals = HashMap::new();
        for (name, _, channel) in self.locals {
            let addr = channel.unwrap_or_else(|| LocalChannel::new(&name)).start();
            supervisor.do_send(RegisterChannel { name: name.clone(), recipient: addr.clone().recipient() });
            supervisor.do_send(RegisterStopper(addr.clone().recipient()));
            locals.insert(name, addr);
        }
        for (name, _, start) in self.custom {
            let recipient = start(gateway.clone());
            supervisor.do_send(RegisterChannel { name, recipient });
        }

        let provider_status: SharedProviderStatus = Arc::new(RwLock::new(ProviderStatus {
            name: provider.name().to_owned(),
            status: "unknown".into(),
            detail: None,
            fallbacks: Vec::new(),
        }));
        spawn_provider_check(tree.clone(), provider_status.clone(), provider.name().to_owned());
        let fallback_checks =
            (!fallbacks.is_empty()).then(|| spawn_fallback_checks(provider_status.clone(), fallbacks));

        let mut tasks = Vec::new();
        let started = Instant::now();
        let http = if self.http {
            let local = LocalChannel::new(omega_channels::http_api::CHANNEL).start();
            supervisor.do_send(RegisterStopper(local.clone().recipient()));
            supervisor.do_send(RegisterChannel {
                name: omega_channels::http_api::CHANNEL.into(),
                recipient: local.clone().recipient(),
            });
            let deps = HttpDeps {
                gateway: tree.gateway.clone(),
                local,
                store: store.clone(),
                api_key: config.api.api_key.clone(),
                deny_message: config.auth.deny_message.clone(),
                reply_timeout: Duration::from_secs(config.api.reply_timeout_secs.max(1)),
                max_body_bytes: config.api.max_body_bytes,
                started,
                provider: provider_status.clone(),
                tools: serde_json::to_value(tools_report(&config)).unwrap_or_default(),
            };
            let server =
                omega_actors::http::serve(&config.api.host, config.api.port, deps).map_err(|source| {
                    StartError::Http { host: config.api.host.clone(), port: config.api.port, source }
                })?;
            tracing::info!(addr = %server.addr, "HTTP API listening");
            Some(server)
        } else {
            None
        };

        tasks.extend(fallback_checks);
        Ok(Runtime {
            tree,
            supervisor,
            locals,
            http,
            tasks,
            provider_status,
            started,
            lock: Some(lock),
            stopped: false,
        })
    }
}

/// The configured client for provider `name` (validated by config loading).
pub fn build_provider(config: &Config, name: &str) -> Arc<dyn Provider> {
    build_provider_protecting(config, name, &[])
}

/// [`build_provider`], with more paths kept from the Claude Code CLI's reach.
pub fn build_provider_protecting(config: &Config, name: &str, protected: &[PathBuf]) -> Arc<dyn Provider> {
    let p = &config.provider;
    let (client, max): (Arc<dyn Provider>, u32) = match name {
        "anthropic" => (Arc::new(AnthropicProvider::new(p.anthropic.clone())), p.anthropic.max_concurrent),
        "openrouter" => {
            (Arc::new(OpenAiProvider::openrouter(p.openrouter.clone())), p.openrouter.max_concurrent)
        }
        "ollama" => (
            Arc::new(omega_providers::ollama::OllamaProvider::new(p.ollama.clone())),
            p.ollama.max_concurrent,
        ),
        "gemini" => (
            Arc::new(omega_providers::gemini::GeminiProvider::new(p.gemini.clone())),
            p.gemini.max_concurrent,
        ),
        "claude-code" => (Arc::new(claude_code(config, protected)), p.claude_code.max_concurrent),
        _ => (Arc::new(OpenAiProvider::new(p.openai.clone())), p.openai.max_concurrent),
    };
    omega_providers::limit::Limited::wrap(client, max)
}

/// The Claude Code CLI: confined by the `[sandbox]` policy (Linux), with the `[mcp.servers]`
/// it may start.
fn claude_code(config: &Config, protected: &[PathBuf]) -> omega_providers::claude_code::ClaudeCodeProvider {
    use omega_providers::claude_code::{ClaudeCodeProvider, CliMcpServer};
    let workspace = config.data_dir().join("workspace");
    let servers = config
        .mcp
        .servers
        .iter()
        .filter(|(_, s)| s.enabled)
        .map(|(name, s)| CliMcpServer {
            name: name.clone(),
            url: if s.command.trim().is_empty() { s.url.clone() } else { String::new() },
            command: s.command.clone(),
            args: s.args.clone(),
            env: s.env.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
        })
        .collect();
    let provider = ClaudeCodeProvider::new(config.provider.claude_code.clone(), workspace)
        .with_mcp(servers, config.data_dir().join("run"));
    #[cfg(target_os = "linux")]
    let policy = match sandbox_policy(config, protected) {
        Ok(p) => p,
        // Fail closed: without its policy the CLI (and its Bash) would run unconfined.
        Err(e) => {
            let why = format!(
                "the [sandbox] policy for the Claude Code CLI cannot be built ({e}), so it is not run"
            );
            tracing::error!("{why}");
            return provider.refusing(why);
        }
    };
    #[cfg(target_os = "linux")]
    {
        let require = policy.level != omega_sandbox::Level::Rwx && !config.sandbox.allow_unenforced;
        let sb = config.sandbox.clone();
        let enabled = || config.mcp.servers.values().filter(|s| s.enabled);
        let paths = |f: fn(&omega_core::config::McpServerConfig) -> &Vec<String>| -> Vec<PathBuf> {
            enabled().flat_map(|s| f(s).iter().map(|r| omega_core::config::expand_home(r))).collect()
        };
        let mcp_reads = paths(|s| &s.read_paths);
        let mcp_writes = paths(|s| &s.write_paths);
        let spawner: omega_providers::claude_code::Spawner =
            Arc::new(move |c| {
                let mut p = policy.clone();
                // The CLI is the provider: it must reach its API, and its own home.
                p.network = true;
                // A dedicated home ([provider.claude-code] home) is the CLI's alone: tools never
                // reach it, the CLI gets all of it. In the user's own home it gets only its files.
                if !c.home.exists() {
                    omega_memory::open::create_private_dir(&c.home)?;
                }
                let home = std::fs::canonicalize(&c.home).unwrap_or_else(|_| c.home.clone());
                if p.protected.contains(&home) {
                    p.protected.retain(|x| *x != home);
                    p.read_write.push(home);
                } else {
                    // The CLI keeps its sessions in ~/.claude: it must exist before the policy is
                    // built (a rule needs the directory), or a fresh user's sessions are never
                    // saved and every `--resume` fails.
                    let dir = home.join(".claude");
                    if !dir.exists() {
                        omega_memory::open::create_private_dir(&dir)?;
                    }
                    p.read_write.push(dir);
                    p.exact.push(omega_sandbox::Rule {
                        path: home.join(".claude.json"),
                        access: omega_sandbox::Access::Full,
                    });
                }
                // Its package (an npm install keeps the real binary beside its dependencies), and
                // the MCP servers it starts (their children inherit this policy).
                p.read_exec.push(package_dir(&c.program));
                p.read_exec.extend(mcp_reads.iter().cloned());
                p.read_write.extend(mcp_writes.iter().cloned());
                p.exact.extend(c.read_files.iter().map(|f| omega_sandbox::Rule {
                    path: f.clone(),
                    access: omega_sandbox::Access::ReadExec,
                }));
                let rules = omega_sandbox::plan(&p, &omega_sandbox::policy::list_dir);
                let limits = omega_sandbox::spawn::Limits {
                    // A long agentic run may use minutes of CPU; the timeout bounds it instead.
                    cpu_secs: 0,
                    memory_bytes: sb.memory_mb << 20,
                    processes: sb.max_processes,
                };
                let program = c.program.to_string_lossy().into_owned();
                omega_sandbox::spawn::command(&program, &c.workdir, rules, true, limits, require)
                    .map_err(std::io::Error::other)
            });
        provider.confined(spawner)
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = protected;
        // No kernel sandbox is wired here yet (Seatbelt is rendered, not run): refuse unless the
        // owner chose to run unconfined.
        if config.sandbox.level != omega_core::config::SandboxLevel::Rwx && !config.sandbox.allow_unenforced {
            return provider.refusing(
                "this OS has no kernel sandbox Omega can enforce yet, so the Claude Code CLI is not run \
                 (sandbox.allow_unenforced = true runs it unconfined)",
            );
        }
        provider
    }
}

/// The directory a program's package lives in: the nearest `node_modules` above it, else its
/// own directory.
#[cfg(target_os = "linux")]
fn package_dir(program: &std::path::Path) -> PathBuf {
    let real = std::fs::canonicalize(program).unwrap_or_else(|_| program.to_owned());
    real.ancestors()
        .find(|a| a.file_name().is_some_and(|n| n == "node_modules"))
        .or_else(|| real.parent())
        .map(|p| p.to_owned())
        .unwrap_or(real)
}

/// Write `prompts/SYSTEM.md` with the default identity when it does not exist (never over the
/// owner's edits).
fn write_default_prompts(data_dir: &std::path::Path) {
    let dir = data_dir.join("prompts");
    let file = dir.join("SYSTEM.md");
    if file.exists() {
        return;
    }
    let text = format!(
        "<!-- Who Omega is: the first paragraph of every system prompt. Edit freely; {{name}} is \
         [omega] name. The time, what Omega knows about the person, their tasks and the actions it \
         can take are added after this. Delete the file to get the default back. -->\n{}\n",
        omega_core::prompt::DEFAULT_IDENTITY
    );
    if let Err(e) = std::fs::create_dir_all(&dir).and_then(|()| std::fs::write(&file, text)) {
        tracing::warn!(path = %file.display(), error = %e, "cannot write the default prompt file");
    }
}

/// How tools are confined here, for `omega status` and `/api/health`.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ToolsReport {
    /// `[sandbox] level`.
    pub level: String,
    /// The running kernel's Landlock ABI; 0 = none.
    pub landlock_abi: i32,
    /// The kernel enforces the policy (or the level needs no enforcement to be safe).
    pub enforced: bool,
    /// TCP allowed to tools.
    pub network: bool,
    /// `"on"`, or why tools are off.
    pub tools: String,
    /// Configured MCP servers (enabled ones).
    pub mcp_servers: Vec<String>,
}

/// What the sandbox and tools look like with this config on this machine.
pub fn tools_report(config: &Config) -> ToolsReport {
    #[cfg(target_os = "linux")]
    let abi = omega_sandbox::landlock::kernel_abi();
    #[cfg(not(target_os = "linux"))]
    let abi = 0;
    let level = serde_json::to_value(config.sandbox.level)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default();
    let needs = config.sandbox.level != omega_core::config::SandboxLevel::Rwx;
    let tools = if !config.tools.enabled {
        "off ([tools] enabled = false)".to_owned()
    } else if abi == 0 && needs && !config.sandbox.allow_unenforced {
        format!(
            "off: this kernel has no Landlock, so level \"{level}\" cannot be enforced (sandbox.allow_unenforced = true runs them unconfined)"
        )
    } else if abi == 0 {
        "on, UNCONFINED (no Landlock in this kernel)".to_owned()
    } else {
        "on".to_owned()
    };
    ToolsReport {
        level,
        landlock_abi: abi,
        enforced: abi > 0,
        network: config.sandbox.network,
        tools,
        mcp_servers: config.mcp.servers.iter().filter(|(_, s)| s.enabled).map(|(n, _)| n.clone()).collect(),
    }
}

/// Paths no tool may reach, at any level: the data dir (the workspace inside it is granted on
/// its own), the database, and whatever the caller adds (the config file).
pub fn protected_paths(config: &Config, extra: &[PathBuf]) -> Vec<PathBuf> {
    let mut out = vec![config.data_dir(), config.db_path()];
    if !config.provider.claude_code.home.trim().is_empty() {
        out.push(omega_core::config::expand_home(&config.provider.claude_code.home));
    }
    out.extend(extra.iter().cloned());
    // Compare real paths: the sandbox sees the file system, not the spelling in the config.
    let mut out: Vec<PathBuf> = out.into_iter().map(|p| std::fs::canonicalize(&p).unwrap_or(p)).collect();
    out.sort();
    out.dedup();
    out
}

/// The sandbox policy from `[sandbox]`, with the workspace created (private).
#[cfg(target_os = "linux")]
pub fn sandbox_policy(
    config: &Config,
    extra_protected: &[PathBuf],
) -> Result<omega_sandbox::Policy, StartError> {
    let workspace = config.data_dir().join("workspace");
    omega_memory::open::create_private_dir(&workspace)
        .map_err(|source| StartError::DataDir { path: workspace.clone(), source })?;
    let workspace = std::fs::canonicalize(&workspace).unwrap_or(workspace);
    let level = match config.sandbox.level {
        omega_core::config::SandboxLevel::Sandbox => omega_sandbox::Level::Sandbox,
        omega_core::config::SandboxLevel::Rx => omega_sandbox::Level::Rx,
        omega_core::config::SandboxLevel::Rwx => omega_sandbox::Level::Rwx,
    };
    let mut policy = omega_sandbox::Policy::new(level, &workspace, protected_paths(config, extra_protected));
    policy.network = config.sandbox.network;
    // The skills the prompt points at: readable at every level, never writable by tools.
    let skills = config.data_dir().join("skills");
    omega_memory::open::create_private_dir(&skills)
        .map_err(|source| StartError::DataDir { path: skills.clone(), source })?;
    policy.read_only.push(std::fs::canonicalize(&skills).unwrap_or(skills));
    Ok(policy)
}

/// The tools: built-ins under the `[sandbox]` policy, and the `[mcp.servers]` started as
/// sandboxed children.
#[cfg(target_os = "linux")]
fn build_tools(
    config: &Config,
    extra_protected: &[PathBuf],
) -> Result<Option<omega_actors::sandbox::ToolsFactory>, StartError> {
    use omega_sandbox::spawn::Limits;
    let policy = sandbox_policy(config, extra_protected)?;
    let sb = &config.sandbox;
    let limits =
        Limits { cpu_secs: sb.cpu_secs, memory_bytes: sb.memory_mb << 20, processes: sb.max_processes };
    let require = policy.level != omega_sandbox::Level::Rwx && !sb.allow_unenforced;
    let settings = omega_sandbox::tools::Settings {
        timeout: Duration::from_secs(config.tools.timeout_secs),
        bash_output_cap: config.tools.max_output_bytes.max(1_000),
        read_cap: config.tools.max_output_bytes.max(50_000),
        limits,
        allow_unenforced: sb.allow_unenforced,
    };
    let mut servers = Vec::new();
    for (name, server) in config.mcp.servers.iter().filter(|(_, s)| s.enabled) {
        if server.command.trim().is_empty() {
            servers.push(omega_providers::mcp::ServerSpec {
                name: name.clone(),
                transport: omega_providers::mcp::Transport::Http(server.url.clone()),
                roots: vec![policy.workspace.clone()],
            });
            continue;
        }
        let mut p = policy.clone();
        p.read_exec.extend(server.read_paths.iter().map(|r| omega_core::config::expand_home(r)));
        p.read_write.extend(server.write_paths.iter().map(|r| omega_core::config::expand_home(r)));
        p.network = policy.network || server.network;
        let server = server.clone();
        // A server lives long: no CPU-time cap (it would end a healthy server after a while).
        let limits = Limits { cpu_secs: 0, ..limits };
        let roots = vec![policy.workspace.clone()];
        let command: omega_providers::mcp::CommandFactory = Arc::new(move || {
            let rules = omega_sandbox::plan(&p, &omega_sandbox::policy::list_dir);
            let mut cmd = omega_sandbox::spawn::command(
                &server.command,
                &p.workspace,
                rules,
                p.network,
                limits,
                require,
            )
            .map_err(std::io::Error::other)?;
            cmd.args(&server.args);
            for (k, v) in &server.env {
                cmd.env(k, v.expose());
            }
            Ok(cmd)
        });
        servers.push(omega_providers::mcp::ServerSpec {
            name: name.clone(),
            transport: omega_providers::mcp::Transport::Stdio(command),
            roots,
        });
    }
    let timeout = Duration::from_secs(config.mcp.call_timeout_secs.max(1));
    let builtins = omega_sandbox::tools::Builtins::new(policy, settings);
    // Every (re)start of the Sandbox actor gets its own hub: no MCP connection outlives a crash.
    Ok(Some(Arc::new(move || {
        omega_actors::sandbox::ToolBox::new(
            Some(builtins.clone()),
            omega_providers::mcp::McpHub::new(servers.clone(), timeout),
        )
    })))
}

#[cfg(not(target_os = "linux"))]
fn build_tools(
    config: &Config,
    _: &[PathBuf],
) -> Result<Option<omega_actors::sandbox::ToolsFactory>, StartError> {
    let _ = config;
    Ok(Some(Arc::new(|| {
        omega_actors::sandbox::ToolBox::new(omega_providers::mcp::McpHub::new(
            Vec::new(),
            Duration::from_secs(60),
        ))
    })))
}

/// Check the provider in the background and say plainly what is wrong, if anything.
fn spawn_provider_check(tree: Tree, status: SharedProviderStatus, name: String) {
    actix_rt::spawn(async move {
        let result = tree.provider_check.send(CheckProvider).await;
        let mut s = status.write();
        match result {
            Ok(Ok(())) => {
                tracing::info!(provider = %name, "provider is reachable");
                s.status = "ok".into();
                s.detail = None;
            }
            Ok(Err(e)) => {
                tracing::warn!(
                    provider = %name,
                    "provider is not usable: {e}. Messages will be answered with this error until it is fixed \
                     (configure [provider.{name}] in omega.toml, see `omega config check`)"
                );
                s.status = "unavailable".into();
                s.detail = Some(e.to_string());
            }
            Err(e) => {
                s.status = "unavailable".into();
                s.detail = Some(format!("provider actor not running: {e}"));
            }
        }
    });
}

/// Check every fallback provider at start and then every five minutes (a cheap call each: a
/// model list, `claude --version`), for `/api/health`.
fn spawn_fallback_checks(
    status: SharedProviderStatus,
    fallbacks: Vec<Arc<dyn Provider>>,
) -> actix_rt::task::JoinHandle<()> {
    actix_rt::spawn(async move {
        loop {
            let mut out = Vec::with_capacity(fallbacks.len());
            for p in &fallbacks {
                let (state, detail) = match p.check().await {
                    Ok(()) => ("ok", None),
                    Err(e) => ("unavailable", Some(e.to_string())),
                };
                out.push(ProviderStatus {
                    name: p.name().to_owned(),
                    status: state.into(),
                    detail,
                    fallbacks: Vec::new(),
                });
            }
            status.write().fallbacks = out;
            tokio::time::sleep(Duration::from_secs(300)).await;
        }
    })
}

fn lock_data_dir(dir: &std::path::Path) -> Result<File, StartError> {
    let path = dir.join("omega.lock");
    let file = File::create(&path).map_err(|source| StartError::DataDir { path: path.clone(), source })?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(std::fs::TryLockError::WouldBlock) => Err(StartError::Locked { path: dir.to_owned() }),
        Err(std::fs::TryLockError::Error(source)) => Err(StartError::DataDir { path, source }),
    }
}

/// Submits messages to the Gateway.
#[derive(Clone, Debug)]
pub struct GatewayHandle {
    slot: Slot<Gateway>,
}

impl GatewayHandle {
    /// Hand a message in; resolves once it is stored (or refused).
    pub async fn submit(&self, inbound: Inbound) -> Accepted {
        let (tx, rx) = oneshot::channel();
        if self.slot.send(Receive { inbound, ack: Some(tx) }).await.is_err() {
            return Accepted::Failed("the gateway is not running".into());
        }
        rx.await.unwrap_or_else(|_| Accepted::Failed("the gateway dropped the message".into()))
    }

    pub fn slot(&self) -> Slot<Gateway> {
        self.slot.clone()
    }
}

/// A running Omega.
pub struct Runtime {
    tree: Tree,
    supervisor: Addr<Supervisor>,
    locals: HashMap<String, Addr<LocalChannel>>,
    http: Option<HttpServer>,
    /// Channel loops (Telegram polling) and the fallback health checks, aborted at shutdown.
    tasks: Vec<actix_rt::task::JoinHandle<()>>,
    provider_status: SharedProviderStatus,
    started: Instant,
    /// The data dir's lock: released last, after every actor has stopped and the store is closed.
    lock: Option<File>,
    /// `shutdown` ran (then `Drop` has nothing to do).
    stopped: bool,
}

impl Runtime {
    pub fn builder(config: Config) -> RuntimeBuilder {
        let http = config.api.enabled;
        let telegram = config.channel.telegram.enabled;
        let summarize_on_shutdown = config.memory.summarize_on_shutdown;
        RuntimeBuilder {
            config,
            provider: None,
            http,
            telegram,
            locals: Vec::new(),
            custom: Vec::new(),
            protected: Vec::new(),
            summarize_on_shutdown,
            summarizer_idle: None,
            heartbeat_every: None,
            action_retry_base: None,
            session_panic_on: None,
            tool_panic_on: None,
            channel_panic_on: None,
            clock: omega_core::clock::system(),
        }
    }

    pub fn gateway(&self) -> GatewayHandle {
        GatewayHandle { slot: self.tree.gateway.clone() }
    }

    /// The Scheduler's timer and firings (`None` when the scheduler is off).
    pub async fn scheduler_state(&self) -> Option<omega_actors::scheduler::SchedulerState> {
        self.tree.scheduler_state.send(omega_actors::scheduler::GetState).await.ok()
    }

    /// Tell the actors that keep time that the clock moved (a manual clock in a test, or the
    /// wall clock adjusted): the Scheduler, the Summarizer and the Heartbeat set their timers
    /// again from the clock.
    pub fn clock_moved(&self) {
        self.tree.scheduler.do_send(omega_actors::scheduler::Rearm);
        self.tree.summarizer_recheck.do_send(omega_actors::summarizer::Recheck);
        self.tree.heartbeat_clock.do_send(omega_actors::heartbeat::ClockMoved);
    }

    /// The Heartbeat's beats (`None` when it is off).
    pub async fn heartbeat_state(&self) -> Option<omega_actors::heartbeat::HeartbeatState> {
        self.tree.heartbeat_state.send(omega_actors::heartbeat::GetHeartbeat).await.ok()
    }

    pub fn store(&self) -> &Store {
        &self.tree.store
    }

    pub fn supervisor(&self) -> &Addr<Supervisor> {
        &self.supervisor
    }

    /// The in-process channel registered as `name`.
    pub fn local(&self, name: &str) -> Option<&Addr<LocalChannel>> {
        self.locals.get(name)
    }

    /// Where the HTTP API listens, when it runs.
    pub fn http_addr(&self) -> Option<SocketAddr> {
        self.http.as_ref().map(|h| h.addr)
    }

    pub fn provider_status(&self) -> ProviderStatus {
        self.provider_status.read().clone()
    }

    pub fn uptime(&self) -> Duration {
        self.started.elapsed()
    }

    pub async fn session_count(&self) -> usize {
        self.tree.gateway.send(SessionCount).await.unwrap_or(0)
    }

    /// Send `text` as `sender` on local channel `channel` and wait for its outcome (a reply or an
    /// error explanation).
    pub async fn ask(&self, channel: &str, sender: &str, text: &str) -> Result<Reply, AskError> {
        let local = self.locals.get(channel).ok_or_else(|| AskError::UnknownChannel(channel.into()))?;
        let id = match self.gateway().submit(Inbound::text(channel, sender, text)).await {
            Accepted::Queued(id) | Accepted::Duplicate(id) => id,
            Accepted::Denied => return Err(AskError::Denied),
            Accepted::Failed(e) => return Err(AskError::NotStored(e)),
        };
        let (tx, rx) = oneshot::channel();
        local.do_send(AwaitReply { inbox_id: id, tx });
        rx.await.map_err(|_| AskError::Stopped)
    }

    /// Which actors of this runtime still run (test hook: after [`Runtime::shutdown`], none).
    #[cfg(feature = "test-hooks")]
    pub fn liveness(&self) -> Liveness {
        Liveness { tree: self.tree.clone(), locals: self.locals.values().cloned().collect() }
    }

    /// Stop everything, in order: the channel loops and the HTTP API (nothing new comes in), then
    /// the actor tree (see [`Shutdown`]: sessions first, so messages in flight stay in the inbox
    /// and are resumed by the next start), then the database, and the data-dir lock last.
    pub async fn shutdown(mut self) {
        for task in &self.tasks {
            task.abort();
        }
        if let Some(http) = &self.http {
            http.handle.stop(true).await;
        }
        let _ = self.supervisor.send(Shutdown).await;
        self.tree.store.close().await;
        drop(self.lock.take());
        self.stopped = true;
    }
}

impl Drop for Runtime {
    /// A runtime dropped without [`Runtime::shutdown`] still stops in order, in the background on
    /// the current arbiter, and keeps the data-dir lock until its actors are gone; it says so
    /// loudly, because the embedding program should have called `shutdown().await`.
    fn drop(&mut self) {
        if self.stopped {
            return;
        }
        tracing::error!(
            "omega::Runtime dropped without shutdown(): stopping its actors in the background; \
             call `runtime.shutdown().await` to stop it cleanly"
        );
        for task in &self.tasks {
            task.abort();
        }
        let http = self.http.take().map(|h| h.handle);
        let (supervisor, store) = (self.supervisor.clone(), self.tree.store.clone());
        let lock = self.lock.take();
        let Some(arbiter) = actix_rt::Arbiter::try_current() else {
            // Nothing can run the stop here; the lock must not be released while actors may
            // still write, so it stays held until the process exits.
            tracing::error!(
                "no arbiter to stop the dropped runtime on; its data dir stays locked until exit"
            );
            std::mem::forget(lock);
            return;
        };
        arbiter.spawn(async move {
            if let Some(h) = http {
                h.stop(true).await;
            }
            let _ = supervisor.send(Shutdown).await;
            store.close().await;
            drop(lock);
        });
    }
}

/// What of a runtime still runs; see [`Runtime::liveness`].
#[cfg(feature = "test-hooks")]
pub struct Liveness {
    tree: Tree,
    locals: Vec<Addr<LocalChannel>>,
}

#[cfg(feature = "test-hooks")]
impl Liveness {
    /// The addresses of the tree (to poke an actor in a test).
    pub fn tree(&self) -> &Tree {
        &self.tree
    }

    /// The names of the actors still running.
    pub fn running(&self) -> Vec<&'static str> {
        let mut out = self.tree.running();
        if self.locals.iter().any(|l| l.connected()) {
            out.push("LocalChannel");
        }
        out
    }
}
