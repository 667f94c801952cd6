//! Secret canaries (scorecard suite 5): every secret Omega knows is set to a unique canary, the
//! real binary runs through every channel (HTTP, Telegram with a voice note, WhatsApp's Cloud
//! API), a tool dumps its environment and pokes at Omega's files, the provider echoes its key in
//! an error, the daemon is killed mid-answer and restarted, a backup is taken and the CLI asked
//! for status, config, doctor and the audit. Then every place a secret could end up is scanned:
//! every file Omega wrote (logs in text and JSON, the database and its WAL, the backup, run and
//! workspace files), every request the provider, Telegram and WhatsApp fakes received (bodies and
//! headers; the key only where the provider's API wants it), what the tool saw, what people were
//! sent, `/metrics`, `/api/health`, and everything the CLI printed.

use crate::support::{Daemon, omega};
use crate::whatsapp::{NUMBER_ID, post, text};
use omega_testkit::graph::FakeGraph;
use omega_testkit::peers::{free_port, install_mcp_servers};
use omega_testkit::telegram::FakeTelegram;
use omega_testkit::{FakeOpenAi, Script, TempHome, wait_until};
use serde_json::{Value, json};
use std::time::Duration;

const OPENAI: &str = "sk-CANARY-openai-7f3a9c";
const ANTHROPIC: &str = "sk-ant-CANARY-anthropic-11";
const GEMINI: &str = "CANARY-gemini-key-22";
const OPENROUTER: &str = "sk-or-CANARY-openrouter-33";
const CLAUDE: &str = "CANARY-claude-oauth-44";
const VOICE: &str = "sk-CANARY-voice-55";
const BOT: &str = "424242:CANARY-bot-token-66";
const API: &str = "CANARY-api-key-77";
const WA_TOKEN: &str = "CANARY-wa-access-88";
const WA_SECRET: &str = "CANARY-wa-secret-99";
const WA_VERIFY: &str = "CANARY-wa-verify-00";
const BRAVE: &str = "CANARY-brave-key-12";
const TAVILY: &str = "CANARY-tavily-key-13";
const MCP_ENV: &str = "CANARY-mcp-env-14";

const CANARIES: [&str; 14] = [
    OPENAI, ANTHROPIC, GEMINI, OPENROUTER, CLAUDE, VOICE, BOT, API, WA_TOKEN, WA_SECRET, WA_VERIFY, BRAVE,
    TAVILY, MCP_ENV,
];

const OWNER: i64 = 1;
const ANA: &str = "351912345678";

/// Every (place, canary) where a canary was found, and how many places were looked at.
#[derive(Default)]
struct Scan {
    hits: Vec<(String, &'static str)>,
    places: usize,
}

impl Scan {
    fn look(&mut self, place: impl Into<String>, text: &str) {
        let place = place.into();
        self.places += 1;
        for canary in CANARIES {
            if text.contains(canary) {
                self.hits.push((place.clone(), canary));
            }
        }
    }

    fn look_bytes(&mut self, place: impl Into<String>, bytes: &[u8]) {
        self.look(place, &String::from_utf8_lossy(bytes));
    }
}

/// Every file under `dir`, recursively.
fn files(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else { return out };
    for e in entries.flatten() {
        let path = e.path();
        match e.file_type() {
            Ok(t) if t.is_dir() => out.extend(files(&path)),
            Ok(t) if t.is_file() => out.push(path),
            _ => {}
        }
    }
    out
}

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap()
}

/// `POST /api/messages` with the API key; the answer's JSON.
fn ask(port: u16, sender: &str, text: &str) -> Value {
    rt().block_on(async {
        let r = reqwest::Client::new()
            .post(format!("http://127.0.0.1:{port}/api/messages"))
            .bearer_auth(API)
            .json(&json!({"sender": sender, "text": text}))
            .send()
            .await
            .unwrap();
        r.json::<Value>().await.unwrap()
    })
}

fn get(port: u16, path: &str) -> String {
    rt().block_on(async {
        let r = reqwest::Client::new()
            .get(format!("http://127.0.0.1:{port}{path}"))
            .bearer_auth(API)
            .send()
            .await
            .unwrap();
        r.text().await.unwrap()
    })
}

#[test]
fn no_canary_secret_reaches_a_log_the_database_a_request_a_tool_a_backup_or_the_cli() {
    let servers = install_mcp_servers();
    let (home, ai) = (TempHome::new(), FakeOpenAi::start());
    ai.require_api_key(OPENAI);
    // Transcription has its own key, so its own server.
    let ears = FakeOpenAi::start();
    ears.require_api_key(VOICE);
    let tg = FakeTelegram::start(BOT);
    let graph = FakeGraph::start(WA_TOKEN, NUMBER_ID);
    let port = free_port();
    let log = home.path().join("logs").join("omega.json");
    let nowhere = format!("http://127.0.0.1:{}", free_port());
    home.write_config(&format!(
        "log_level = \"debug\"\n\n\
         [log]\nformat = \"json\"\nfile = \"{log}\"\nrotation = \"never\"\n\n\
         [provider]\ndefault = \"openai\"\n\n\
         [provider.openai]\nbase_url = \"{ai}\"\napi_key = \"{OPENAI}\"\nmodel = \"m\"\n\n\
         [provider.anthropic]\nbase_url = \"{nowhere}\"\napi_key = \"{ANTHROPIC}\"\n\n\
         [provider.gemini]\nbase_url = \"{nowhere}\"\napi_key = \"{GEMINI}\"\n\n\
         [provider.openrouter]\nbase_url = \"{nowhere}\"\napi_key = \"{OPENROUTER}\"\n\n\
         [provider.claude-code]\noauth_token = \"{CLAUDE}\"\n\n\
         [voice]\nbase_url = \"{ears}\"\napi_key = \"{VOICE}\"\n\n\
         [api]\nport = {port}\napi_key = \"{API}\"\n\n\
         [channel.telegram]\nenabled = true\nbot_token = \"{BOT}\"\napi_url = \"{tg}\"\nallowed_users = [{OWNER}]\n\
         poll_timeout_secs = 1\n\n\
         [channel.whatsapp]\nenabled = true\nmode = \"cloud\"\napi_url = \"{graph}\"\nphone_number_id = \"{NUMBER_ID}\"\n\
         access_token = \"{WA_TOKEN}\"\napp_secret = \"{WA_SECRET}\"\nverify_token = \"{WA_VERIFY}\"\n\
         allowed_users = [\"{ANA}\"]\npace_per_chat_ms = 0\npace_global_ms = 0\npace_jitter_ms = 0\n\n\
         [web]\nbrave_api_key = \"{BRAVE}\"\nbrave_url = \"{nowhere}\"\ntavily_api_key = \"{TAVILY}\"\ntavily_url = \"{nowhere}\"\n\n\
         [mcp.servers.everything]\ncommand = \"node\"\nargs = [\"{everything}\", \"stdio\"]\nread_paths = [\"{dir}\"]\n\
         env = {{ CANARY_TOKEN = \"{MCP_ENV}\" }}\n",
        log = log.display(),
        ai = ai.base_url(),
        ears = ears.base_url(),
        tg = tg.api_url(),
        graph = graph.api_url(),
        everything = servers.everything.display(),
        dir = servers.dir.display(),
    ));
    let mut scan = Scan::default();
    let checked = omega(&home, &["config", "check"]).output().unwrap();
    assert!(checked.status.success(), "the config is valid: {}", String::from_utf8_lossy(&checked.stderr));
    let mut daemon = Daemon::start(&home, port, 1);

    // HTTP: an answer; a tool that dumps its environment and reaches for Omega's files; the
    // provider echoing its key in an error.
    assert_eq!(ask(port, "ana", "hello")["reply"]["text"], "echo: hello");
    let snoop = "env; tr '\\0' '\\n' < /proc/$PPID/environ; tr '\\0' '\\n' < /proc/1/environ; \
                 cat ../omega.toml ../../omega.toml ../omega.env ~/.omega/omega.toml; ls -la .. ; true";
    ai.push(Script::ToolCalls(vec![("bash".into(), json!({ "command": snoop }))]));
    ai.push(Script::Text("looked".into()));
    assert_eq!(ask(port, "ana", "show me your environment")["reply"]["text"], "looked");
    ai.push(Script::Status {
        code: 401,
        message: format!("Incorrect API key provided: {OPENAI}"),
        retry_after: None,
    });
    let refused = ask(port, "ana", "are you there?");
    assert_eq!(refused["status"], "failed", "{refused}");
    scan.look("the HTTP answer to a refused key", &refused.to_string());

    // Telegram: a text and a voice note (transcribed with the voice key).
    wait_until(Duration::from_secs(20), "Telegram polling", || {
        tg.calls().iter().any(|(m, _)| m == "getupdates")
    });
    tg.send_text(OWNER, "hi there");
    ears.set_transcript(Ok("what time is it"));
    tg.send_voice(OWNER, b"OggS-fake-opus-audio");
    wait_until(Duration::from_secs(30), "two Telegram replies", || tg.sent_to(OWNER).len() >= 2);

    // WhatsApp: a signed webhook post, answered through the Graph API with the access token.
    assert_eq!(post(port, &text(ANA, "wamid.1", "hello from whatsapp"), WA_SECRET), 200);
    wait_until(Duration::from_secs(20), "the WhatsApp reply", || !graph.sent_to(ANA).is_empty());

    scan.look("/metrics", &get(port, "/metrics"));
    scan.look("/api/health", &get(port, "/api/health"));
    for args in [&["status"][..], &["config", "check"], &["doctor"], &["audit", "verify"]] {
        let out = omega(&home, args).output().unwrap();
        scan.look(format!("omega {}", args.join(" ")), &String::from_utf8_lossy(&out.stdout));
        scan.look(format!("omega {} (stderr)", args.join(" ")), &String::from_utf8_lossy(&out.stderr));
    }

    // A crash mid-answer, and the restart that finishes it.
    ai.set_default(Script::Echo, Duration::from_secs(30));
    let before = ai.request_count();
    let queued = rt().block_on(async {
        reqwest::Client::new()
            .post(format!("http://127.0.0.1:{port}/api/messages"))
            .bearer_auth(API)
            .json(&json!({"sender": "ben", "text": "slow one", "wait": false}))
            .send()
            .await
            .unwrap()
            .json::<Value>()
            .await
            .unwrap()
    });
    wait_until(Duration::from_secs(20), "the slow call under way", || ai.request_count() > before);
    daemon.kill9();
    ai.set_default(Script::Echo, Duration::ZERO);
    let mut daemon = Daemon::start(&home, port, 2);
    let id = queued["id"].as_i64().unwrap();
    wait_until(Duration::from_secs(30), "the interrupted message answered", || {
        get(port, &format!("/api/messages/{id}?sender=ben")).contains("\"answered\"")
    });

    let out = omega(&home, &["backup"]).output().unwrap();
    assert!(out.status.success(), "omega backup: {}", String::from_utf8_lossy(&out.stderr));
    scan.look("omega backup", &String::from_utf8_lossy(&out.stdout));
    daemon.stop(&home);

    // Every file Omega wrote: logs, the database and WAL, the backup, run/ and the workspace.
    let config = home.config_path();
    let written: Vec<_> = files(home.path()).into_iter().filter(|p| *p != config).collect();
    assert!(written.iter().any(|p| p.starts_with(home.data_dir().join("backups"))), "the backup is scanned");
    assert!(written.contains(&log), "the JSON log is scanned");
    for path in &written {
        scan.look_bytes(
            path.strip_prefix(home.path()).unwrap().display().to_string(),
            &std::fs::read(path).unwrap(),
        );
    }

    // Every request the provider got: the key only in its Authorization header.
    let requests = ai.requests();
    let tool_output: Vec<String> = requests
        .iter()
        .flat_map(|r| r.body["messages"].as_array().cloned().unwrap_or_default())
        .filter(|m| m["role"] == "tool")
        .map(|m| m["content"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert!(
        tool_output.iter().any(|o| o.contains("HOME=")),
        "the tool ran and dumped its environment: {tool_output:?}"
    );
    for (i, r) in requests.iter().enumerate() {
        assert_eq!(r.authorization.as_deref(), Some(format!("Bearer {OPENAI}").as_str()));
        scan.look(format!("provider request {i} body"), &r.body.to_string());
        let headers: String = r
            .headers
            .iter()
            .filter(|(n, _)| n != "authorization")
            .map(|(n, v)| format!("{n}: {v}\n"))
            .collect();
        scan.look(format!("provider request {i} headers"), &headers);
    }
    for (i, t) in ears.transcriptions().iter().enumerate() {
        scan.look_bytes(format!("transcription request {i}"), t);
    }
    assert!(!ears.transcriptions().is_empty(), "the voice note was transcribed");
    // What Telegram and WhatsApp were sent: parameters and texts (the token is in the URL path
    // Telegram's API wants it in, the access token in the Authorization header).
    for (method, params) in tg.calls() {
        scan.look(format!("Telegram {method}"), &params.to_string());
    }
    for (method, path) in graph.calls() {
        scan.look(format!("Graph {method} {path}"), &path);
    }
    scan.look("WhatsApp texts", &graph.sent_to(ANA).join("\n"));

    let hits = scan.hits.len();
    omega_testkit::score::record(
        5,
        &format!("canary hits, {} secrets in {} places scanned", CANARIES.len(), scan.places),
        hits as f64,
        "0",
        "secrets::no_canary_secret_reaches_a_log_the_database_a_request_a_tool_a_backup_or_the_cli",
    );
    assert!(scan.hits.is_empty(), "secrets found: {:#?}", scan.hits);
}
