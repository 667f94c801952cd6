//! The Claude Code CLI as a provider: `claude -p --output-format stream-json --verbose`, one
//! subprocess per call.
//!
//! - The prompt goes in through stdin, not argv (one argument is limited to 128 KiB on Linux).
//! - The child gets a minimal environment: `PATH`, `HOME`, `LANG`, and only the credentials this
//!   provider is configured with — never Omega's other keys.
//! - It runs in its own process group; a timeout, or the call being abandoned, kills the whole
//!   group (the CLI starts helpers of its own).
//! - Success is judged by `is_error`, not `subtype` (a CLI that is not logged in reports
//!   `"subtype":"success"` with `"is_error":true`).
//! - `error_max_turns` is resumed (`--resume SESSION`, "continue where you left off") up to
//!   `max_resume_attempts` times with back-off; the cost of every run is added up.
//! - MCP servers are passed per call in a private file (`--mcp-config FILE --strict-mcp-config`,
//!   mode 0600, a fresh name per call, removed afterwards — two calls never share one), with
//!   `--allowedTools mcp__NAME` for each.
//! - With a [`Spawner`] (the runtime passes one built from `[sandbox]`), the CLI runs confined by
//!   the same policy as every tool: its own Bash and file tools inherit it.

use async_trait::async_trait;
use omega_core::config::ClaudeCodeConfig;
use serde::Deserialize;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};

use crate::Provider;
use crate::error::ProviderError;
use crate::types::{ChatRequest, ChatResponse, DeltaSink, Role, Usage};

const NAME: &str = "claude-code";

#[derive(Clone)]
pub struct ClaudeCodeProvider {
    config: ClaudeCodeConfig,
    /// Where the CLI runs (Omega's workspace).
    workdir: PathBuf,
    spawner: Option<Spawner>,
    mcp: Vec<CliMcpServer>,
    /// A private directory for per-call files (the MCP config).
    run_dir: PathBuf,
    /// Why the CLI must not run at all (its sandbox could not be set up): every call and every
    /// check answers with this instead of running it unconfined.
    refusal: Option<String>,
}

impl std::fmt::Debug for ClaudeCodeProvider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClaudeCodeProvider")
            .field("config", &self.config)
            .field("workdir", &self.workdir)
            .field("confined", &self.spawner.is_some())
            .field("refusal", &self.refusal)
            .field("mcp", &self.mcp.iter().map(|m| m.name.as_str()).collect::<Vec<_>>())
            .finish()
    }
}

/// An MCP server the CLI may start during a call.
#[derive(Debug, Clone)]
pub struct CliMcpServer {
    pub name: String,
    /// A streamable-HTTP server's endpoint; empty = a stdio server run with `command`.
    pub url: String,
    pub command: String,
    pub args: Vec<String>,
    pub env: Vec<(String, omega_core::Secret)>,
}

/// What a confined run of the CLI needs.
#[derive(Debug, Clone)]
pub struct Confinement {
    /// The CLI, as an absolute path.
    pub program: PathBuf,
    pub workdir: PathBuf,
    /// The CLI's own home (`~/.claude`, sessions, credentials): read-write.
    pub home: PathBuf,
    /// Private files the CLI must read for this call (its MCP config).
    pub read_files: Vec<PathBuf>,
}

/// Builds the confined command for a run (the runtime's sandbox does this).
pub type Spawner = Arc<dyn Fn(&Confinement) -> std::io::Result<std::process::Command> + Send + Sync>;

/// Unique names for per-call files within this process.
static CALLS: AtomicU64 = AtomicU64::new(0);

/// A per-call private file, removed when dropped.
struct CallFile(PathBuf);

impl Drop for CallFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// One finished run of the CLI.
#[derive(Debug, Deserialize)]
struct RunResult {
    #[serde(default)]
    subtype: String,
    #[serde(default)]
    is_error: bool,
    result: Option<String>,
    session_id: Option<String>,
    total_cost_usd: Option<f64>,
    usage: Option<RunUsage>,
    #[serde(default)]
    errors: Vec<serde_json::Value>,
    /// Model turns the run took; 0 = it never got to the model.
    #[serde(default)]
    num_turns: u32,
}

#[derive(Debug, Deserialize, Default)]
struct RunUsage {
    #[serde(default)]
    input_tokens: u64,
    #[serde(default)]
    output_tokens: u64,
    #[serde(default)]
    cache_read_input_tokens: u64,
    #[serde(default)]
    cache_creation_input_tokens: u64,
}

impl ClaudeCodeProvider {
    pub fn new(config: ClaudeCodeConfig, workdir: PathBuf) -> Self {
        let run_dir = std::env::temp_dir().join(format!("omega-claude-{}", std::process::id()));
        Self { config, workdir, spawner: None, mcp: Vec::new(), run_dir, refusal: None }
    }

    /// Never run the CLI: answer every call with `why` (fail closed when its confinement cannot
    /// be built).
    pub fn refusing(mut self, why: impl Into<String>) -> Self {
        self.refusal = Some(why.into());
        self
    }

    fn refused(&self) -> Result<(), ProviderError> {
        match &self.refusal {
            Some(why) => Err(ProviderError::NotConfigured {
                provider: NAME.into(),
                what: why.clone(),
                hint: "fix the [sandbox] problem named here (see `omega status`); Omega does not run the CLI unconfined"
                    .into(),
            }),
            None => Ok(()),
        }
    }

    /// Run the CLI through `spawner` (confined by the sandbox policy).
    pub fn confined(mut self, spawner: Spawner) -> Self {
        self.spawner = Some(spawner);
        self
    }

    /// Offer these MCP servers to the CLI; per-call files go in `run_dir` (created private).
    pub fn with_mcp(mut self, servers: Vec<CliMcpServer>, run_dir: PathBuf) -> Self {
        self.mcp = servers;
        self.run_dir = run_dir;
        self
    }

    /// The CLI's home: `[provider.claude-code] home`, else the user's.
    fn home(&self) -> PathBuf {
        if self.config.home.is_empty() {
            PathBuf::from(std::env::var("HOME").unwrap_or_default())
        } else {
            omega_core::config::expand_home(&self.config.home)
        }
    }

    /// Write this call's MCP config: a fresh private file no other call can touch. `extra` are
    /// this call's own servers (a skill's); a configured server of the same name wins.
    fn write_mcp_config(&self, extra: &[crate::TurnMcpServer]) -> Result<Option<CallFile>, ProviderError> {
        if self.mcp.is_empty() && extra.is_empty() {
            return Ok(None);
        }
        use std::io::Write as _;
        use std::os::unix::fs::{DirBuilderExt as _, OpenOptionsExt as _};
        let fail = |what: &str, e: std::io::Error| self.error(format!("cannot {what} the MCP config: {e}"));
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(&self.run_dir)
            .map_err(|e| fail("create a directory for", e))?;
        let n = CALLS.fetch_add(1, Ordering::Relaxed);
        let path = self.run_dir.join(format!("mcp-{}-{n}.json", std::process::id()));
        let mut servers: serde_json::Map<String, serde_json::Value> = self
            .mcp
            .iter()
            .map(|m| {
                let env: serde_json::Map<String, serde_json::Value> =
                    m.env.iter().map(|(k, v)| (k.clone(), v.expose().into())).collect();
                let entry = if m.url.is_empty() {
                    serde_json::json!({"command": m.command, "args": m.args, "env": env})
                } else {
                    serde_json::json!({"type": "http", "url": m.url})
                };
                (m.name.clone(), entry)
            })
            .collect();
        for m in extra {
            if servers.contains_key(&m.name) {
                continue;
            }
            let env: serde_json::Map<String, serde_json::Value> =
                m.env.iter().map(|(k, v)| (k.clone(), v.clone().into())).collect();
            servers.insert(
                m.name.clone(),
                serde_json::json!({"command": m.command, "args": m.args, "env": env}),
            );
        }
        let body = serde_json::json!({ "mcpServers": servers }).to_string();
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&path)
            .map_err(|e| fail("write", e))?;
        let guard = CallFile(path);
        file.write_all(body.as_bytes()).map_err(|e| fail("write", e))?;
        Ok(Some(guard))
    }

    fn error(&self, detail: impl Into<String>) -> ProviderError {
        ProviderError::Server {
            provider: NAME.into(),
            endpoint: self.config.binary.clone(),
            status: 0,
            message: detail.into(),
            retry_after: None,
        }
    }

    fn spawn_error(&self, e: std::io::Error) -> ProviderError {
        if e.kind() == std::io::ErrorKind::NotFound {
            let mut hint = "install it (npm install -g @anthropic-ai/claude-code) and log in by running `claude`, \
                            set [provider.claude-code] binary, or choose another [provider] default in omega.toml"
                .to_owned();
            if !self.config.api_key.is_empty() {
                // The person has an Anthropic key: the API works without the CLI.
                hint.push_str(
                    "; with ANTHROPIC_API_KEY set, OMEGA_PROVIDER__DEFAULT=anthropic (or [provider] default = \"anthropic\") uses the key directly",
                );
            }
            return ProviderError::NotConfigured {
                provider: NAME.into(),
                what: format!("the `{}` CLI was not found", self.config.binary),
                hint,
            };
        }
        ProviderError::Unreachable {
            provider: NAME.into(),
            endpoint: self.config.binary.clone(),
            reason: format!("cannot start it: {e}"),
        }
    }

    /// The whole conversation as one prompt (a fresh CLI session knows nothing of it).
    fn prompt(req: &ChatRequest) -> String {
        let (history, current) = match req.messages.split_last() {
            Some((last, rest)) => (rest, last.content.as_str()),
            None => (&[][..], ""),
        };
        if history.is_empty() {
            return current.to_owned();
        }
        let mut p = String::from("[Earlier in this conversation]\n");
        for m in history {
            let who = if m.role == Role::Assistant { "Assistant" } else { "User" };
            p.push_str(&format!("{who}: {}\n", m.content));
        }
        p.push_str("\n[Current message]\n");
        p.push_str(current);
        p
    }

    /// Run the CLI once; `resume` continues an earlier session.
    /// `grants` says what this call alone may use: its files and its MCP servers.
    async fn run(
        &self,
        model: &str,
        system: &str,
        prompt: &str,
        resume: Option<&str>,
        grants: &ChatRequest,
        deltas: Option<&DeltaSink>,
    ) -> Result<RunResult, ProviderError> {
        self.refused()?;
        let (files, extra_mcp) = (&grants.files, &grants.mcp);
        let mcp_file = self.write_mcp_config(extra_mcp)?;
        let home = self.home();
        let mut cmd = match &self.spawner {
            Some(spawn) => {
                let program = resolve(&self.config.binary)
                    .ok_or_else(|| self.spawn_error(std::io::Error::from(std::io::ErrorKind::NotFound)))?;
                let confinement = Confinement {
                    program,
                    workdir: self.workdir.clone(),
                    home: home.clone(),
                    read_files: mcp_file.iter().map(|f| f.0.clone()).chain(files.iter().cloned()).collect(),
                };
                tokio::process::Command::from(spawn(&confinement).map_err(|e| self.spawn_error(e))?)
            }
            None => {
                let mut cmd = tokio::process::Command::new(&self.config.binary);
                cmd.env_clear();
                for var in ["PATH", "LANG", "LC_ALL", "TZ"] {
                    if let Ok(v) = std::env::var(var) {
                        cmd.env(var, v);
                    }
                }
                cmd
            }
        };
        cmd.arg("-p").args(["--output-format", "stream-json", "--verbose"]);
        if deltas.is_some() {
            // Token-level text deltas (`stream_event` lines) for live previews.
            cmd.arg("--include-partial-messages");
        }
        cmd.args(["--model", model]).args(["--max-turns", &self.config.max_turns.to_string()]);
        if !system.is_empty() {
            cmd.args(["--append-system-prompt", system]);
        }
        if let Some(sid) = resume {
            cmd.args(["--resume", sid]);
        }
        if let Some(file) = &mcp_file {
            cmd.arg("--mcp-config").arg(&file.0).arg("--strict-mcp-config");
        }
        let mut allowed = self.config.allowed_tools.clone();
        allowed.extend(self.mcp.iter().map(|m| format!("mcp__{}", m.name)));
        for m in extra_mcp {
            let tool = format!("mcp__{}", m.name);
            if !allowed.contains(&tool) {
                allowed.push(tool);
            }
        }
        if !allowed.is_empty() {
            cmd.arg("--allowedTools").args(&allowed);
        }
        cmd.env("HOME", &home)
            .env("DISABLE_TELEMETRY", "1")
            .env("CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "1");
        if !self.config.oauth_token.is_empty() {
            cmd.env("CLAUDE_CODE_OAUTH_TOKEN", self.config.oauth_token.expose());
        }
        if !self.config.api_key.is_empty() {
            cmd.env("ANTHROPIC_API_KEY", self.config.api_key.expose());
        }
        if !self.config.base_url.is_empty() {
            cmd.env("ANTHROPIC_BASE_URL", &self.config.base_url);
        }
        std::fs::create_dir_all(&self.workdir)
            .map_err(|e| self.error(format!("cannot create {}: {e}", self.workdir.display())))?;
        cmd.current_dir(&self.workdir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .process_group(0)
            .kill_on_drop(true);
        let mut child = cmd.spawn().map_err(|e| self.spawn_error(e))?;
        let group = GroupGuard(child.id());
        if let Some(mut stdin) = child.stdin.take() {
            let prompt = prompt.to_owned();
            tokio::spawn(async move {
                let _ = stdin.write_all(prompt.as_bytes()).await;
                let _ = stdin.shutdown().await;
            });
        }
        let stdout = child.stdout.take().ok_or_else(|| self.error("no stdout"))?;
        let mut stderr = child.stderr.take().ok_or_else(|| self.error("no stderr"))?;
        let stderr_task = tokio::spawn(async move {
            let mut s = String::new();
            let _ = stderr.read_to_string(&mut s).await;
            s
        });
        let read = async {
            let mut lines = BufReader::new(stdout).lines();
            let mut result = None;
            // Whether this assistant message already streamed as partial deltas (then its whole
            // text must not be sent again).
            let mut partial = false;
            while let Ok(Some(line)) = lines.next_line().await {
                let Ok(v) = serde_json::from_str::<serde_json::Value>(&line) else { continue };
                match v["type"].as_str() {
                    Some("stream_event") => {
                        let event = &v["event"];
                        if event["type"] == "content_block_delta"
                            && event["delta"]["type"] == "text_delta"
                            && let (Some(d), Some(t)) = (deltas, event["delta"]["text"].as_str())
                        {
                            partial = true;
                            let _ = d.send(t.to_owned());
                        }
                    }
                    Some("assistant") if std::mem::take(&mut partial) => {}
                    Some("assistant") => {
                        if let (Some(d), Some(blocks)) = (deltas, v["message"]["content"].as_array()) {
                            for b in blocks.iter().filter(|b| b["type"] == "text") {
                                if let Some(t) = b["text"].as_str() {
                                    let _ = d.send(t.to_owned());
                                }
                            }
                        }
                    }
                    Some("result") => result = serde_json::from_value::<RunResult>(v).ok(),
                    _ => {}
                }
            }
            let status = child.wait().await;
            (result, status)
        };
        let secs = self.config.timeout_secs;
        let (result, status) = match tokio::time::timeout(Duration::from_secs(secs), read).await {
            Ok(r) => r,
            Err(_) => {
                group.kill();
                return Err(ProviderError::Timeout {
                    provider: NAME.into(),
                    endpoint: self.config.binary.clone(),
                    secs,
                });
            }
        };
        drop(group);
        drop(mcp_file);
        let stderr = stderr_task.await.unwrap_or_default();
        match result {
            Some(r) => Ok(r),
            None => Err(self.error(format!(
                "it exited ({}) without a result: {}",
                status.map(|s| s.to_string()).unwrap_or_else(|e| e.to_string()),
                crate::wire::preview(&stderr)
            ))),
        }
    }
}

/// What went wrong in a failed run: its `result` text, else its first error, else its subtype.
fn describe(r: &RunResult) -> String {
    r.result
        .clone()
        .filter(|t| !t.trim().is_empty())
        .or_else(|| r.errors.first().map(|e| e.as_str().map(str::to_owned).unwrap_or_else(|| e.to_string())))
        .unwrap_or_else(|| r.subtype.clone())
}

/// The CLI refused `--resume` because it has no such session ("No conversation found with
/// session ID: …", or an id it cannot parse). Only this falls back to a fresh session: any other
/// failure may have happened after the CLI acted, and running it again would act twice.
fn session_unknown(r: &RunResult) -> bool {
    let lower = describe(r).to_lowercase();
    r.is_error
        && r.num_turns == 0
        && (lower.contains("no conversation found") || lower.contains("requires a valid session id"))
}

/// `binary` as an absolute path: as given when it has a `/`, else searched in `PATH`.
fn resolve(binary: &str) -> Option<PathBuf> {
    if binary.contains('/') {
        return std::fs::canonicalize(binary).ok().or_else(|| Some(PathBuf::from(binary)));
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).map(|d| d.join(binary)).find(|p| is_executable(p))
}

fn is_executable(p: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt as _;
    p.metadata().is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// Kills the child's whole process group when dropped (unless already disarmed by exit).
struct GroupGuard(Option<u32>);

impl GroupGuard {
    fn kill(&self) {
        if let Some(pid) = self.0 {
            kill_group(pid);
        }
    }
}

impl Drop for GroupGuard {
    fn drop(&mut self) {
        // Helpers the CLI started may outlive it; the group goes with it.
        self.kill();
    }
}

#[allow(unsafe_code)]
fn kill_group(pid: u32) {
    if let Ok(pid) = i32::try_from(pid) {
        // SAFETY: kill(2) with a negative pid signals a process group; it touches no memory of
        // ours. The group id is the child's pid (it was started with process_group(0)).
        unsafe {
            libc::kill(-pid, libc::SIGKILL);
        }
    }
}

#[async_trait]
impl Provider for ClaudeCodeProvider {
    fn name(&self) -> &str {
        NAME
    }

    fn default_model(&self) -> &str {
        &self.config.model
    }

    fn supports_vision(&self) -> bool {
        false
    }

    fn keeps_sessions(&self) -> bool {
        true
    }

    fn reads_image_files(&self) -> bool {
        true
    }

    async fn complete(
        &self,
        request: ChatRequest,
        deltas: Option<DeltaSink>,
    ) -> Result<ChatResponse, ProviderError> {
        if !self.config.enabled {
            return Err(ProviderError::Disabled { provider: NAME.into() });
        }
        let model = if request.model.is_empty() { self.config.model.clone() } else { request.model.clone() };
        let full = Self::prompt(&request);
        let fresh = || self.run(&model, &request.system, &full, None, &request, deltas.as_ref());
        let mut result = match request.resume.as_deref() {
            // A stored session: the CLI replays its own transcript, so only the new message goes.
            Some(sid) => {
                let current = request.messages.last().map(|m| m.content.as_str()).unwrap_or_default();
                let r =
                    self.run(&model, &request.system, current, Some(sid), &request, deltas.as_ref()).await?;
                if session_unknown(&r) {
                    // The CLI no longer has that session (a wiped ~/.claude, another machine): it
                    // refused before doing anything, so a fresh session with the whole history
                    // from Omega's memory loses nothing and repeats nothing.
                    tracing::info!(session = %sid, "claude-code no longer knows this session; starting a fresh one with the history");
                    fresh().await?
                } else {
                    r
                }
            }
            None => fresh().await?,
        };
        let mut cost = result.total_cost_usd.unwrap_or(0.0);
        let mut usage = Usage::default();
        let mut add = |u: &Option<RunUsage>| {
            if let Some(u) = u {
                usage.input_tokens +=
                    u.input_tokens + u.cache_read_input_tokens + u.cache_creation_input_tokens;
                usage.output_tokens += u.output_tokens;
                usage.cached_tokens += u.cache_read_input_tokens;
                usage.cache_write_tokens += u.cache_creation_input_tokens;
            }
        };
        add(&result.usage);
        let mut resumes = 0;
        while result.is_error
            && result.subtype == "error_max_turns"
            && resumes < self.config.max_resume_attempts
        {
            let Some(sid) = result.session_id.clone() else { break };
            resumes += 1;
            tokio::time::sleep(Duration::from_millis(500) * (1 << resumes.min(5))).await;
            tracing::info!(session = %sid, resumes, "claude-code hit its turn limit; resuming");
            result = self
                .run(
                    &model,
                    "",
                    "Continue where you left off. Complete the remaining work.",
                    Some(&sid),
                    &request,
                    deltas.as_ref(),
                )
                .await?;
            cost += result.total_cost_usd.unwrap_or(0.0);
            add(&result.usage);
        }
        if result.is_error {
            let detail = describe(&result);
            if result.subtype == "error_max_turns" {
                return Err(ProviderError::Rejected {
                    provider: NAME.into(),
                    endpoint: self.config.binary.clone(),
                    status: 0,
                    message: format!(
                        "stopped after {} turns ({} resumes) without finishing; raise [provider.claude-code] max_turns",
                        self.config.max_turns, resumes
                    ),
                });
            }
            let lower = detail.to_lowercase();
            if lower.contains("login") || lower.contains("api key") || lower.contains("authentication") {
                return Err(ProviderError::AuthRejected {
                    provider: NAME.into(),
                    endpoint: self.config.binary.clone(),
                    status: 401,
                    message: detail,
                });
            }
            return Err(self.error(detail));
        }
        Ok(ChatResponse {
            provider: NAME.into(),
            text: result.result.unwrap_or_default(),
            model,
            usage: Some(usage),
            finish_reason: Some(result.subtype),
            cost_usd: Some(cost),
            session_id: result.session_id,
            tool_calls: Vec::new(),
        })
    }

    async fn check(&self) -> Result<(), ProviderError> {
        self.refused()?;
        let out = tokio::process::Command::new(&self.config.binary)
            .arg("--version")
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .output()
            .await
            .map_err(|e| self.spawn_error(e))?;
        if out.status.success() {
            Ok(())
        } else {
            Err(self.error(String::from_utf8_lossy(&out.stderr).into_owned()))
        }
    }
}
