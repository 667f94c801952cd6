use omega::{Config, Runtime};
use omega_testkit::{FakeOpenAi, TempHome};

/// A config for tests: data in `home`, the provider at `fake`, the API on a free port.
pub fn config(home: &TempHome, fake: &FakeOpenAi) -> Config {
    let mut c = Config::default();
    c.omega.data_dir = home.data_dir().display().to_string();
    c.omega.timezone = "UTC".into();
    c.provider.default = "openai".into();
    c.provider.openai.base_url = fake.base_url();
    c.provider.openai.model = "test-model".into();
    // One attempt: tests of failures see them directly; retries have tests of their own.
    c.provider.max_attempts = 1;
    c.provider.openai.timeout_secs = 10;
    c.api.port = 0;
    // Restart tests look at the conversation itself; summaries have tests of their own.
    c.memory.summarize_on_shutdown = false;
    c
}

/// Prompts free, each answer word (as the fake counts tokens) a dollar: "echo: hello" costs $2.
pub fn a_dollar_an_answer_word(c: &mut Config) {
    let price = omega_core::config::Price {
        input_per_mtok: 0.0,
        output_per_mtok: 1_000_000.0,
        cached_input_per_mtok: None,
    };
    c.prices.insert("test-model".into(), price);
}

/// Start a runtime with a local channel "app" and the HTTP API on a free port.
pub async fn start(c: Config) -> Runtime {
    Runtime::builder(c).http(true).local_channel("app").start().await.expect("runtime starts")
}

pub fn http_base(rt: &Runtime) -> String {
    format!("http://{}", rt.http_addr().expect("http enabled"))
}

use omega_testkit::{TempHome as Home, wait_until};
use serde_json::Value;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

const BIN: &str = env!("CARGO_BIN_EXE_omega");

/// `omega --config <home>/omega.toml <args>`, with no credential variable of the developer's.
pub fn omega(home: &Home, args: &[&str]) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.arg("--config").arg(home.config_path()).args(args);
    cmd.env_remove("RUST_LOG").env_remove("OMEGA_CONFIG");
    for (var, _) in omega_core::config::CREDENTIAL_VARS {
        cmd.env_remove(var);
    }
    cmd
}

/// Replies not yet confirmed by their channel, read from the database beside a running daemon.
pub fn undelivered(home: &Home) -> usize {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(async {
        let store = omega::Store::open(&home.db_path()).await.unwrap();
        let n = store.undelivered().await.unwrap().len();
        store.close().await;
        n
    })
}

pub struct Daemon {
    pub child: Child,
    pub port: u16,
    log: std::path::PathBuf,
}

impl Daemon {
    pub fn start(home: &Home, port: u16, run: u32) -> Self {
        let log = home.path().join(format!("daemon-{run}.log"));
        let child = omega(home, &["start"])
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .expect("spawn omega start");
        let d = Self { child, port, log };
        wait_until(Duration::from_secs(20), "the daemon's HTTP API", || {
            http_get(port, "/api/health").is_some()
        });
        d
    }

    pub fn base(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub fn kill9(&mut self) {
        self.child.kill().expect("SIGKILL");
        self.child.wait().unwrap();
    }

    /// Stop gracefully, as `omega stop` does, and wait until the process is gone.
    pub fn stop(&mut self, home: &Home) {
        let out = omega(home, &["stop"]).output().unwrap();
        assert!(out.status.success(), "omega stop: {}", String::from_utf8_lossy(&out.stderr));
        self.child.wait().unwrap();
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn http_get(port: u16, path: &str) -> Option<Value> {
    let resp = reqwest::blocking_get(format!("http://127.0.0.1:{port}{path}"))?;
    Some(resp)
}

pub mod reqwest {
    //! Tiny blocking helpers over the async client, for tests that drive a child process.
    use serde_json::Value;

    fn rt() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap()
    }

    /// Run `f` to completion on a runtime of its own.
    pub fn rt_block<T>(f: impl std::future::Future<Output = T>) -> T {
        rt().block_on(f)
    }

    pub fn blocking_get(url: String) -> Option<Value> {
        rt().block_on(async {
            let r = ::reqwest::get(url).await.ok()?;
            r.json().await.ok()
        })
    }

    pub fn blocking_post(url: String, body: &Value) -> (u16, Value) {
        rt().block_on(async {
            let r = ::reqwest::Client::new().post(url).json(body).send().await.unwrap();
            (r.status().as_u16(), r.json().await.unwrap_or(Value::Null))
        })
    }
}
