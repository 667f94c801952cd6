//! The runtime: opens the data dir and database, starts the supervision tree, the channels and
//! the HTTP API, and hands out the handles an embedding program needs.

use actix::prelude::*;
use omega_actors::channel::{Deliver, LocalChannel, Reply};
use omega_actors::gateway::{Accepted, GatewaySettings, Receive, SessionCount};
#[cfg(feature = "http")]
use omega_actors::http::{HttpDeps, HttpServer};
use omega_actors::outbox::RegisterChannel;
use omega_actors::provider::CheckProvider;
use omega_actors::provider::{ProviderStatus, SharedProviderStatus};
use omega_actors::session::SessionSettings;
use omega_actors::slot::Slot;
use omega_actors::supervisor::{Shutdown, Spec, Supervisor, Tree};
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

/// The handle and the running runtime.
mod handle;
/// Provider health checks.
mod health;
/// Building the providers.
mod providers;
/// The sandbox policy and the tools.
mod tools;

#[cfg(feature = "test-hooks")]
pub use handle::Liveness;
pub use handle::{GatewayHandle, Runtime};
use health::{spawn_fallback_checks, spawn_provider_check};
pub use providers::{build_provider, build_provider_protecting};
use tools::build_tools;

/// Who `POST /api/webhook` reaches, in the order it prefers: the owner's Telegram, then their
/// WhatsApp (each channel's allowed people, when it is on).
#[cfg(feature = "http")]
fn webhook_owners(config: &Config) -> omega_actors::http::webhook::Owners {
    let tg = &config.channel.telegram;
    let wa = &config.channel.whatsapp;
    let mut owners = Vec::new();
    if tg.enabled && !tg.allowed_users.is_empty() {
        let ids = tg.allowed_users.iter().map(i64::to_string).collect();
        owners.push((omega_channels::telegram::CHANNEL.to_owned(), ids));
    }
    if wa.enabled && !wa.allowed_users.is_empty() {
        owners.push((omega_channels::whatsapp::CHANNEL.to_owned(), wa.allowed_users.clone()));
    }
    owners
}

#[cfg(target_os = "linux")]
pub use tools::sandbox_policy;
pub use tools::{ToolsReport, protected_paths, tools_report};

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
    #[error(
        "{what} is turned on ({key}), but this build of Omega was made without it (the `{feature}` cargo feature)"
    )]
    NotBuiltIn { what: &'static str, key: &'static str, feature: &'static str },
    #[error(
        "the WhatsApp Cloud API channel receives messages by webhook, which the HTTP API serves; turn it on ([api] enabled = true)"
    )]
    WhatsAppNeedsHttp,
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
    whatsapp: bool,
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
    /// How WhatsApp Web connects (default: whatsapp-rust).
    #[cfg(feature = "whatsapp")]
    whatsapp_connector: Option<Arc<dyn omega_actors::whatsapp::web::Connector>>,
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

    /// Run the WhatsApp channel (default: `[channel.whatsapp] enabled`). `omega chat` and
    /// `omega ask` turn it off: one process talks to WhatsApp, the daemon.
    pub fn whatsapp(mut self, on: bool) -> Self {
        self.whatsapp = on;
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

    /// Connect WhatsApp Web through `connector` instead of whatsapp-rust (an embedder's own
    /// transport; a fake in tests).
    #[cfg(feature = "whatsapp")]
    pub fn whatsapp_connector(mut self, connector: Arc<dyn omega_actors::whatsapp::web::Connector>) -> Self {
        self.whatsapp_connector = Some(connector);
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
        let mut config = config;
        config.channel.whatsapp.enabled &= self.whatsapp;
        not_built_in(&config, self.http, self.telegram)?;
        let data_dir = config.data_dir();
        omega_memory::open::create_private_dir(&data_dir)
            .map_err(|source| StartError::DataDir { path: data_dir.clone(), source })?;
        let lock = lock_data_dir(&data_dir)?;
        // The skills that ship with Omega, written once (never over a person's edits).
        let skills_dir = data_dir.join("skills");
        omega_memory::open::create_private_dir(&skills_dir)
            .map_err(|source| StartError::DataDir { path: skills_dir.clone(), source })?;
        match omega_actors::skills::deploy_bundled(&skills_dir) {
            Ok(written) if !written.is_empty() => tracing::info!(skills = ?written, "bundled skills written"),
            Ok(_) => {}
            Err(e) => {
                tracing::warn!(error = %e, dir = %skills_dir.display(), "cannot write the bundled skills")
            }
        }
        let store = Store::open(&config.db_path()).await?.with_clock(self.clock.clone());
        sweep_outgoing_files(&store, &data_dir, self.clock.now()).await;

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
        policy.set(omega_channels::telegram::CHANNEL, Allowed::Only(telegram_users.clone()));
        // The owner: verified identities only (see `AuthPolicy`). An HTTP sender is a claimed
        // name, the owner only when `[api] owner_senders` names it.
        policy.set_owners(omega_channels::telegram::CHANNEL, Allowed::Only(telegram_users));
        let whatsapp_users = config.channel.whatsapp.allowed_users.clone();
        policy.set(omega_channels::whatsapp::CHANNEL, Allowed::Only(whatsapp_users.clone()));
        policy.set_owners(omega_channels::whatsapp::CHANNEL, Allowed::Only(whatsapp_users));
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
        let local_model = String::from(omega_providers::local::MODEL);
        let on_local = config.provider.default == "local";
        // A small local model's window is small: the history gets half of it.
        let context_tokens = match on_local {
            true => config.memory.context_tokens.min(config.provider.local.context_tokens / 2),
            false => config.memory.context_tokens,
        };
        let session = SessionSettings {
            agent_name: config.omega.name.clone(),
            timezone: omega_core::tz::resolve(&config.omega.timezone),
            busy_ack: config.session.busy_ack.clone(),
            idle_timeout: Duration::from_secs(config.session.idle_timeout_secs.max(1)),
            max_context_messages: config.memory.max_context_messages,
            context_chars: context_tokens as usize * 4,
            local_note: on_local && config.provider.local.model_path.trim().is_empty(),
            recall_messages: config.memory.recall_messages,
            max_resumes: 2,
            jobs: config.jobs.enabled,
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
                // Half the context budget for tool results; the prompt and history have the rest.
                results_budget: (context_tokens as usize * 4 / 2).max(config.tools.max_output_bytes),
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
                    "local" => (&local_model, &local_model),
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
                vec![omega_channels::telegram::CHANNEL.to_owned()]
            } else {
                Vec::new()
            },
            voice: config.voice.clone(),
            panic_on: self.session_panic_on,
            clock: self.clock.clone(),
        };
        // Telegram, both halves supervised by the tree; its config is checked here, so a bad URL
        // fails the start with a clear error instead of a child that cannot start.
        // WhatsApp: its sending half is a child of the tree; the Cloud API's webhook is the HTTP
        // API's, WhatsApp Web's connection another child; photos wait in the media dir like
        // Telegram's.
        #[cfg(feature = "whatsapp")]
        let whatsapp_slot = omega_actors::whatsapp::web::ClientSlot::default();
        let whatsapp = if config.channel.whatsapp.enabled {
            let media_dir = data_dir.join("media");
            omega_memory::open::create_private_dir(&media_dir)
                .map_err(|source| StartError::DataDir { path: media_dir.clone(), source })?;
            Some(media_dir)
        } else {
            None
        };
        let telegram = if self.telegram && config.channel.telegram.enabled {
            #[cfg(feature = "telegram")]
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
        let live_sessions = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
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
                    budget: config.budget.clone(),
                    timezone: omega_core::tz::resolve(&config.omega.timezone),
                    model: provider.default_model().to_owned(),
                }
            }),
            summarize_on_shutdown: self.summarize_on_shutdown,
            // The Heartbeat owns the checklist even while its beats are off, so the owner (and the
            // model) can prepare the checklist before turning it on.
            heartbeat: Some(omega_actors::heartbeat::HeartbeatSettings {
                beats: config.heartbeat.enabled,
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
                budget: config.budget.clone(),
                model: provider.default_model().to_owned(),
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
                pairing_channels: [
                    (config.channel.telegram.pairing, omega_channels::telegram::CHANNEL),
                    (config.channel.whatsapp.pairing, omega_channels::whatsapp::CHANNEL),
                ]
                .into_iter()
                .filter(|(on, _)| *on)
                .map(|(_, name)| name.to_owned())
                .collect(),
                pairing_ttl: Duration::from_secs(600),
                jobs: config.jobs.enabled.then(|| omega_actors::jobs::JobLimits {
                    max_running: config.jobs.max_running,
                    per_sender: config.jobs.per_sender,
                    max_pending_per_sender: config.jobs.max_pending_per_sender,
                    timeout: Duration::from_secs(config.jobs.timeout_mins.saturating_mul(60)),
                }),
                live_sessions: live_sessions.clone(),
            },
            session,
            telegram,
            whatsapp: whatsapp.as_ref().map(|media_dir| omega_actors::supervisor::WhatsAppSpec {
                config: config.channel.whatsapp.clone(),
                owner: whatsapp_owner(&config),
                media_dir: media_dir.clone(),
                #[cfg(feature = "whatsapp")]
                slot: whatsapp_slot.clone(),
                #[cfg(feature = "whatsapp")]
                connector: self
                    .whatsapp_connector
                    .clone()
                    .unwrap_or_else(|| Arc::new(omega_actors::whatsapp::web::RealConnector)),
            }),
            locals: self
                .locals
                .into_iter()
                .map(|(name, _, channel)| channel.unwrap_or_else(|| LocalChannel::new(&name)))
                .chain(self.http.then(|| LocalChannel::new(omega_channels::http_api::CHANNEL)))
                .collect(),
        };
        let (supervisor, tree) = Supervisor::start(spec);
        // The Supervisor starts its children in `started()`, which runs before it handles any
        // message: once this answers, every slot is bound.
        let _ = supervisor.send(omega_actors::supervisor::RestartCounts).await;

        let gateway = GatewayHandle { receive: tree.gateway_receive.clone() };
        let locals: HashMap<String, Slot<LocalChannel>> = tree.locals.iter().cloned().collect();
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
        #[cfg(feature = "http")]
        let http = if self.http {
            let web = config.channel.whatsapp.mode == omega_core::config::WhatsAppMode::Web;
            let local = locals.get(omega_channels::http_api::CHANNEL).cloned().unwrap_or_default();
            let deps = HttpDeps {
                gateway: tree.gateway_receive.clone(),
                local,
                store: store.clone(),
                api_key: config.api.api_key.clone(),
                deny_message: config.auth.deny_message.clone(),
                reply_timeout: Duration::from_secs(config.api.reply_timeout_secs.max(1)),
                max_body_bytes: config.api.max_body_bytes,
                started,
                live_sessions: live_sessions.clone(),
                provider: provider_status.clone(),
                tools: serde_json::to_value(tools_report(&config)).unwrap_or_default(),
                channels: channels_report(
                    &tree,
                    &config,
                    #[cfg(feature = "whatsapp")]
                    whatsapp_slot.clone(),
                ),
                whatsapp: whatsapp.clone().filter(|_| !web).map(|media_dir| {
                    omega_actors::http::WhatsAppWebhook {
                        config: config.channel.whatsapp.clone(),
                        media_dir,
                        #[cfg(feature = "whatsapp")]
                        read: tree.whatsapp_read.clone(),
                    }
                }),
                owners: webhook_owners(&config),
                outbox: tree.outbox_routes.dispatch.clone(),
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
        #[cfg(not(feature = "http"))]
        let http = None;

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

/// A part the config turns on that this build leaves out is an error, never silently off.
fn not_built_in(config: &Config, http: bool, telegram: bool) -> Result<(), StartError> {
    let off = |what, key, feature| Err(StartError::NotBuiltIn { what, key, feature });
    if !cfg!(feature = "http") && http {
        return off("the HTTP API", "[api] enabled = true", "http");
    }
    if !cfg!(feature = "telegram") && telegram && config.channel.telegram.enabled {
        return off("the Telegram channel", "[channel.telegram] enabled = true", "telegram");
    }
    let wa = &config.channel.whatsapp;
    if !cfg!(feature = "whatsapp") && wa.enabled {
        return off("the WhatsApp channel", "[channel.whatsapp] enabled = true", "whatsapp");
    }
    if wa.enabled && wa.mode == omega_core::config::WhatsAppMode::Cloud && !http {
        return Err(StartError::WhatsAppNeedsHttp);
    }
    if !cfg!(feature = "mcp") && config.mcp.servers.values().any(|s| s.enabled) {
        return off("an MCP server", "[mcp.servers.NAME] enabled", "mcp");
    }
    Ok(())
}

/// Where WhatsApp's watchdog reaches the owner: Telegram (the first of `allowed_users`) when it
/// runs, else `[heartbeat] channel`/`recipient` when that is another channel; else nobody (the
/// log only).
fn whatsapp_owner(config: &Config) -> Option<(String, String)> {
    let tg = &config.channel.telegram;
    if tg.enabled
        && let Some(first) = tg.allowed_users.first()
    {
        return Some((omega_channels::telegram::CHANNEL.to_owned(), first.to_string()));
    }
    let hb = &config.heartbeat;
    (!hb.channel.is_empty() && hb.channel != omega_channels::whatsapp::CHANNEL && !hb.recipient.is_empty())
        .then(|| (hb.channel.clone(), hb.recipient.clone()))
}

/// What `/api/health` says of the channels, read at each request.
#[cfg(feature = "http")]
fn channels_report(
    tree: &Tree,
    config: &Config,
    #[cfg(feature = "whatsapp")] slot: omega_actors::whatsapp::web::ClientSlot,
) -> Arc<dyn Fn() -> serde_json::Value + Send + Sync> {
    let (telegram, whatsapp) = (tree.telegram_media.clone(), tree.whatsapp_media.clone());
    let (tg_on, wa) = (config.channel.telegram.enabled, config.channel.whatsapp.clone());
    Arc::new(move || {
        let mut out = serde_json::Map::new();
        if tg_on {
            out.insert("telegram".into(), serde_json::json!({"running": telegram.is_bound()}));
        }
        if wa.enabled && wa.mode == omega_core::config::WhatsAppMode::Web {
            #[cfg(feature = "whatsapp")]
            let connected = slot.read().is_some();
            #[cfg(not(feature = "whatsapp"))]
            let connected = false;
            out.insert(
                "whatsapp".into(),
                serde_json::json!({"mode": "web", "running": whatsapp.is_bound(), "connected": connected}),
            );
        } else if wa.enabled {
            out.insert(
                "whatsapp".into(),
                serde_json::json!({
                    "mode": "cloud",
                    "running": whatsapp.is_bound(),
                    "webhook": "/webhook/whatsapp",
                    "phone_number_id": wa.phone_number_id,
                }),
            );
        }
        serde_json::Value::Object(out)
    })
}

/// The running HTTP API; in a build without it there is never one.
#[cfg(not(feature = "http"))]
pub struct HttpServer {
    pub addr: SocketAddr,
    pub handle: NoServer,
}

#[cfg(not(feature = "http"))]
pub struct NoServer;

#[cfg(not(feature = "http"))]
impl NoServer {
    pub async fn stop(&self, _graceful: bool) {}
}

/// Hold `dir/omega.lock` while this runtime lives; it says the holder's pid (for `omega stop`).
/// Opened without truncating: a refused second start must not clobber the holder's pid.
fn lock_data_dir(dir: &std::path::Path) -> Result<File, StartError> {
    use std::io::Write as _;
    let path = dir.join("omega.lock");
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|source| StartError::DataDir { path: path.clone(), source })?;
    match file.try_lock() {
        Ok(()) => {
            let _ = file.set_len(0);
            let _ = (&file).write_all(format!("{}\n", std::process::id()).as_bytes());
            Ok(file)
        }
        Err(std::fs::TryLockError::WouldBlock) => Err(StartError::Locked { path: dir.to_owned() }),
        Err(std::fs::TryLockError::Error(source)) => Err(StartError::DataDir { path, source }),
    }
}

/// Delete the copies of sent files no longer needed: left by a turn that never finished (a crash
/// before its reply was stored), or kept for the HTTP API longer than a week.
async fn sweep_outgoing_files(store: &Store, data_dir: &std::path::Path, now: chrono::DateTime<chrono::Utc>) {
    let dir = data_dir.join("outbox");
    let Ok(entries) = std::fs::read_dir(&dir) else { return };
    let week_ago = omega_memory::millis(now) - 7 * 24 * 3600 * 1000;
    let keep: std::collections::HashSet<std::path::PathBuf> =
        match store.outgoing_files_in_use(week_ago).await {
            Ok(paths) => paths.into_iter().map(std::path::PathBuf::from).collect(),
            Err(e) => {
                tracing::warn!(error = %e, "cannot tell which sent files are still needed; keeping them all");
                return;
            }
        };
    let mut removed = 0;
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_file() && !keep.contains(&path) && std::fs::remove_file(&path).is_ok() {
            removed += 1;
        }
    }
    if removed > 0 {
        tracing::info!(files = removed, "copies of sent files no longer needed were deleted");
    }
}
