//! The real `omega` binary, run the way a user runs it.

use omega_testkit::peers::free_port;
use omega_testkit::{FakeOpenAi, Script, TempHome, wait_until};
use serde_json::{Value, json};
use std::io::Write;
use std::process::Stdio;
use std::time::Duration;

use crate::support::{Daemon, http_get, omega, reqwest};

fn provider_config(fake: &FakeOpenAi, port: u16) -> String {
    format!(
        "[provider]\ndefault = \"openai\"\n\n[provider.openai]\nbase_url = \"{}\"\napi_key = \"sk-test-secret-4711\"\nmodel = \"test-model\"\ntimeout_secs = 30\n\n[api]\nport = {port}\n",
        fake.base_url()
    )
}

#[test]
fn kill_dash_nine_mid_answer_loses_nothing_and_duplicates_nothing() {
    let (home, fake) = (TempHome::new(), FakeOpenAi::start());
    fake.require_api_key("sk-test-secret-4711");
    fake.set_default(Script::Echo, Duration::from_secs(30));
    let port = free_port();
    home.write_config(&provider_config(&fake, port));
    let mut daemon = Daemon::start(&home, port, 1);

    let mut ids = Vec::new();
    for (sender, text) in [("ann", "a1"), ("ben", "b1"), ("ann", "a2"), ("cat", "c1"), ("ben", "b2")] {
        let (status, body) = reqwest::blocking_post(
            format!("{}/api/messages", daemon.base()),
            &json!({"sender": sender, "text": text, "wait": false}),
        );
        assert_eq!(status, 202, "{body}");
        ids.push((body["id"].as_i64().unwrap(), sender, text));
    }
    // Three senders' first messages are at the provider, the rest wait behind them.
    wait_until(Duration::from_secs(10), "calls in flight", || fake.request_count() >= 3);
    daemon.kill9();
    let log1 = daemon.log();

    fake.set_default(Script::Echo, Duration::ZERO);
    let daemon = Daemon::start(&home, port, 2);
    for (id, sender, text) in &ids {
        let path = format!("/api/messages/{id}?sender={sender}");
        wait_until(Duration::from_secs(20), "every message answered after the restart", || {
            http_get(port, &path).is_some_and(|v| v["status"] == "answered")
        });
        let v = http_get(port, &path).unwrap();
        let outcomes: Vec<&Value> = v["replies"].as_array().unwrap().iter().collect();
        assert_eq!(outcomes.len(), 1, "exactly one reply for message {id}: {v}");
        assert_eq!(outcomes[0]["text"], format!("echo: {text}"));
    }
    // Per-sender order survived the crash: ann's a1 was answered before a2.
    let order: Vec<String> = fake.requests().iter().skip(3).filter_map(|r| r.last_user_message()).collect();
    let pos = |m: &str| order.iter().position(|x| x == m).unwrap();
    assert!(pos("a1") < pos("a2") && pos("b1") < pos("b2"), "{order:?}");
    for log in [log1, daemon.log()] {
        assert!(!log.contains("sk-test-secret-4711"), "a secret reached the log:\n{log}");
    }
    assert!(daemon.log().contains("recovering messages left unfinished"), "{}", daemon.log());
}

#[test]
fn without_credentials_omega_comes_up_and_says_what_to_configure() {
    let home = TempHome::new();
    let port = free_port();
    home.write_config(&format!("[api]\nport = {port}\n"));
    let mut daemon = Daemon::start(&home, port, 1);
    wait_until(Duration::from_secs(10), "the provider check", || {
        http_get(port, "/api/health").is_some_and(|h| h["provider"]["status"] == "unavailable")
    });
    let (status, body) = reqwest::blocking_post(
        format!("{}/api/messages", daemon.base()),
        &json!({"sender": "me", "text": "hello?"}),
    );
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["status"], "failed");
    let text = body["reply"]["text"].as_str().unwrap();
    assert!(
        text.contains("provider claude-code is not configured") && text.contains("@anthropic-ai/claude-code"),
        "the default provider says what is missing and how to fix it: {text}"
    );
    assert!(daemon.child.try_wait().unwrap().is_none(), "still running");
    assert!(daemon.log().contains("provider is not usable"), "{}", daemon.log());
}

#[test]
fn config_errors_name_the_key_the_file_and_the_line() {
    let home = TempHome::new();
    let path = home
        .write_config("[api]\nenabled = true\nprot = 8080\n\n[memory]\nmax_context_messages = \"lots\"\n");
    let out = omega(&home, &["start"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("unknown key `api.prot`"), "{err}");
    assert!(err.contains(&format!("{} line 7", path.display())), "{err}");
    assert!(err.contains("did you mean `api.port`?"), "{err}");

    home.write_config("[memory]\nmax_context_messages = \"lots\"\n");
    let out = omega(&home, &["config", "check"]).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("invalid value for `memory.max_context_messages`"), "{err}");
    assert!(err.contains(&format!("{} line 6", path.display())), "{err}");

    let out = omega(&home, &["start"]).env("OMEGA_API__PORT", "http").output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("environment variable OMEGA_API__PORT"), "{err}");
}

#[test]
fn config_check_prints_the_effective_config_without_secrets() {
    let home = TempHome::new();
    home.write_config("[provider.openai]\napi_key = \"sk-live-abcdef\"\n");
    let out = omega(&home, &["config", "check"]).env("OMEGA_API__PORT", "4321").output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!text.contains("sk-live-abcdef"), "{text}");
    assert!(text.contains("api_key = \"<redacted>\""), "{text}");
    assert!(text.contains("port = 4321"), "{text}");
}

#[test]
fn chat_reads_piped_stdin_and_ask_continues_the_same_conversation() {
    let (home, fake) = (TempHome::new(), FakeOpenAi::start());
    home.write_config(&provider_config(&fake, free_port()));
    let mut child = omega(&home, &["chat"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(b"one\n\ntwo\n").unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "echo: one\necho: two\n");

    let out = omega(&home, &["ask", "and", "three"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "echo: and three\n");
    let last = fake.requests().last().unwrap().body["messages"].clone();
    let contents: Vec<&str> =
        last.as_array().unwrap().iter().skip(1).map(|m| m["content"].as_str().unwrap()).collect();
    assert_eq!(contents, ["one", "echo: one", "two", "echo: two", "and three"]);

    let out = omega(&home, &["status"]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("1 conversations, 6 messages"), "{text}");
    assert!(text.contains("provider:  openai (model test-model): ready"), "{text}");
    let abi = omega_sandbox::landlock::kernel_abi();
    assert!(
        text.contains(&format!(
            "sandbox:   level \"sandbox\", enforced by Landlock (ABI {abi}), network closed"
        )),
        "{text}"
    );
    assert!(text.contains("tools:     on"), "{text}");
}

#[test]
fn a_second_daemon_on_the_same_data_dir_is_refused() {
    let home = TempHome::new();
    let port = free_port();
    home.write_config(&format!("[api]\nport = {port}\n"));
    let _daemon = Daemon::start(&home, port, 1);
    let out = omega(&home, &["ask", "hi"]).output().unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("another Omega is already running"), "{err}");
}

#[test]
fn omega_pair_approves_a_code_from_the_command_line() {
    let home = TempHome::new();
    home.write_config("");
    let code = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
        let store = omega::Store::open(&home.db_path()).await.unwrap();
        let code =
            store.pairing_code("telegram", "77", Some("@ana"), "77", Duration::from_secs(600)).await.unwrap();
        store.close().await;
        code
    });
    let out = omega(&home, &["pair", "999999"]).output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("No pending request has code 999999"));
    let out = omega(&home, &["pair", &code]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "Approved @ana (telegram:77): they can talk to Omega now.\n"
    );
    let approved =
        tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
            let store = omega::Store::open(&home.db_path()).await.unwrap();
            let ok = store.is_approved("telegram", "77").await.unwrap();
            store.close().await;
            ok
        });
    assert!(approved);
}

/// A conversation longer than `[memory] context_tokens`: its older part is compacted into a
/// rolling summary (one call, in the background) instead of being dropped, the next prompts carry
/// that summary, and what was compacted is still found by recall. Through `omega start`.
#[test]
fn a_long_conversation_keeps_its_gist_instead_of_forgetting_its_start() {
    let (home, fake) = (TempHome::new(), FakeOpenAi::start());
    fake.set_default(Script::Echo, Duration::ZERO);
    let port = free_port();
    home.write_config(&format!("{}\n[memory]\ncontext_tokens = 1500\n", provider_config(&fake, port)));
    let daemon = Daemon::start(&home, port, 1);
    let say = |text: String| {
        let (status, body) = reqwest::blocking_post(
            format!("{}/api/messages", daemon.base()),
            &json!({"sender": "ana", "text": text}),
        );
        assert_eq!((status, body["status"].as_str()), (200, Some("answered")), "{body}");
    };
    let filler =
        |n: usize| format!("Note {n}: {}", "the garden needs water and the roses need pruning. ".repeat(20));
    say(format!("My favourite fruit is plums. {}", filler(0)));
    let compactions = || {
        fake.requests()
            .into_iter()
            .filter(|r| r.system_prompt().is_some_and(|s| s.starts_with("You keep the running summary")))
            .collect::<Vec<_>>()
    };
    let mut n = 1;
    while compactions().is_empty() {
        assert!(n < 12, "no compaction after {n} long turns");
        say(filler(n));
        n += 1;
    }
    let first = &compactions()[0];
    assert!(first.last_user_message().unwrap().contains("plums"), "the oldest messages were compacted");
    // Once it is stored, the next prompt carries it; the first message itself is not in the history.
    wait_until(Duration::from_secs(10), "a prompt with the summary", || {
        say("What fruit do I like?".into());
        let last = fake
            .requests()
            .into_iter()
            .rev()
            .find(|r| r.system_prompt().is_some_and(|s| !s.starts_with("You keep the running summary")));
        last.is_some_and(|r| {
            let system = r.system_prompt().unwrap();
            // The history: every message but the system prompt (the first, on this wire).
            let history =
                serde_json::Value::from(r.body["messages"].as_array().unwrap()[1..].to_vec()).to_string();
            system.contains("Earlier in this conversation (a summary")
                && system.contains(
                    "From earlier conversations (may be relevant):\n- user: My favourite fruit is plums",
                )
                && !history.contains("My favourite fruit is plums")
        })
    });
    drop(daemon);
}

/// `omega backup` while the daemon runs, then `omega restore` with it stopped: the conversation,
/// the prompts and the skills are as they were at the backup; restoring is refused while Omega
/// runs, and what was there before the restore is kept.
#[test]
fn a_backup_taken_while_omega_runs_restores_what_was_there() {
    let (home, fake) = (TempHome::new(), FakeOpenAi::start());
    let port = free_port();
    home.write_config(&provider_config(&fake, port));
    let mut daemon = Daemon::start(&home, port, 1);
    let ask = |text: &str| {
        let body = json!({"sender": "ana", "text": text});
        reqwest::blocking_post(format!("http://127.0.0.1:{port}/api/messages"), &body).1
    };
    assert_eq!(ask("my cat is Tom")["reply"]["text"], "echo: my cat is Tom");
    std::fs::write(home.data_dir().join("prompts").join("SYSTEM.md"), "You are Omega, terse.").unwrap();
    let backup = home.path().join("backup-1");
    let out = omega(&home, &["backup", backup.to_str().unwrap()]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let said = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(said.contains("the database (checked: ok), prompts/, skills/"), "{said}");
    // After the backup: more talk, an edited prompt, and a refused restore while running.
    assert_eq!(ask("and my dog is Rex")["reply"]["text"], "echo: and my dog is Rex");
    std::fs::write(home.data_dir().join("prompts").join("SYSTEM.md"), "changed").unwrap();
    let refused = omega(&home, &["restore", backup.to_str().unwrap()]).output().unwrap();
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("Omega is running"), "refused while running");
    daemon.kill9();
    let out = omega(&home, &["restore", backup.to_str().unwrap()]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("what was there is kept in"));
    let prompt = std::fs::read_to_string(home.data_dir().join("prompts").join("SYSTEM.md")).unwrap();
    assert_eq!(prompt, "You are Omega, terse.");
    let _daemon = Daemon::start(&home, port, 2);
    ask("what do you know?");
    let last = fake.requests().last().unwrap().body.to_string();
    assert!(last.contains("my cat is Tom"), "the conversation from the backup");
    assert!(!last.contains("my dog is Rex"), "not what came after it");
    assert!(last.contains("You are Omega, terse."), "the prompt from the backup");
}

/// `omega doctor` on a working setup passes every check; on a broken one it names each problem
/// and what to do, and exits 1; a config that does not load is its first line, not a crash.
#[test]
fn doctor_checks_everything_for_real_and_says_what_to_do() {
    use omega_testkit::telegram::FakeTelegram;
    const TOKEN: &str = "123456:TEST-token";
    let (home, fake, tg) = (TempHome::new(), FakeOpenAi::start(), FakeTelegram::start(TOKEN));
    let port = free_port();
    let telegram = |token: &str| {
        format!(
            "[channel.telegram]\nenabled = true\nbot_token = \"{token}\"\napi_url = \"{}\"\nallowed_users = [4242]\n",
            tg.api_url()
        )
    };
    home.write_config(&format!("{}\n{}", provider_config(&fake, port), telegram(TOKEN)));
    let doctor = |home: &TempHome| {
        let out = omega(home, &["doctor"]).output().unwrap();
        (out.status.code(), String::from_utf8_lossy(&out.stdout).into_owned())
    };
    let (code, said) = doctor(&home);
    assert_eq!(code, Some(0), "{said}");
    for line in [
        "✓ config:",
        "✓ provider openai: answers",
        "✓ telegram: the bot @",
        "✓ database:",
        "✓ disk:",
        "✓ skills:",
    ] {
        assert!(said.contains(line), "{line} in {said}");
    }
    assert!(said.ends_with("All checks passed.\n"), "{said}");

    // Broken: a token Telegram refuses, a provider that is not there, a skill with bad frontmatter.
    let dead = free_port();
    home.write_config(&format!(
        "[provider]\ndefault = \"openai\"\n\n[provider.openai]\nbase_url = \"http://127.0.0.1:{dead}/v1\"\nmodel = \"m\"\n\n{}",
        telegram("999:wrong")
    ));
    let skill = home.data_dir().join("skills").join("broken");
    std::fs::create_dir_all(&skill).unwrap();
    std::fs::write(skill.join("SKILL.md"), "---\nname: [unclosed\n---\nbody\n").unwrap();
    let (code, said) = doctor(&home);
    assert_eq!(code, Some(1), "{said}");
    assert!(said.contains("✗ provider openai:") && said.contains("cannot reach"), "{said}");
    assert!(
        said.contains("✗ telegram: Telegram refused the bot token — get the token again from @BotFather"),
        "{said}"
    );
    assert!(said.contains("✗ skills: 1 broken:") && said.contains("SKILL.md"), "{said}");
    assert!(said.contains("3 checks failed."), "{said}");
    assert!(!said.contains("999:wrong"), "the token is never printed");

    std::fs::write(home.config_path(), "[provider]\ndefault = 42\n").unwrap();
    let (code, said) = doctor(&home);
    assert_eq!(code, Some(1));
    assert!(said.starts_with("✗ config:") && said.contains("provider.default"), "{said}");
}

/// `omega service install` writes a systemd user unit that `systemd-analyze verify` accepts
/// without a warning (rendered into a temp home), refuses to run as root unless asked, and
/// `uninstall` takes the unit away again.
#[test]
fn the_service_unit_is_valid_systemd_and_root_is_refused_unless_asked() {
    let (home, fake) = (TempHome::new(), FakeOpenAi::start());
    home.write_config(&provider_config(&fake, free_port()));
    let service = |args: &[&str]| {
        let out = omega(&home, &[&["service"], args].concat())
            .env("HOME", home.path())
            .env_remove("XDG_CONFIG_HOME")
            .output()
            .unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let unit = home.path().join(".config/systemd/user/omega.service");
    // SAFETY: geteuid has no preconditions.
    #[allow(unsafe_code)]
    let root = unsafe { libc::geteuid() } == 0;
    if root {
        let (code, _, err) = service(&["install", "--no-start"]);
        assert_eq!(code, Some(1));
        assert!(err.contains("refusing to install the service as root"), "{err}");
        assert!(!unit.exists());
    }
    let (code, out, err) = service(&["install", "--no-start", "--allow-root"]);
    assert_eq!(code, Some(0), "{out}{err}");
    assert!(out.contains("loginctl enable-linger"), "how to keep it running after logout: {out}");
    let text = std::fs::read_to_string(&unit).unwrap();
    let config = std::fs::canonicalize(home.config_path()).unwrap();
    assert!(text.contains(&format!("--config {} start", config.display())), "{text}");
    assert!(text.contains("Restart=on-failure") && text.contains("WantedBy=default.target"), "{text}");
    if std::path::Path::new("/usr/bin/systemd-analyze").exists() {
        let v = std::process::Command::new("systemd-analyze").arg("verify").arg(&unit).output().unwrap();
        let said = String::from_utf8_lossy(&v.stderr);
        assert!(v.status.success() && said.trim().is_empty(), "systemd-analyze verify: {said}");
    }
    let (_, out, _) = service(&["status"]);
    assert!(out.contains("installed: "), "{out}");
    let (code, out, _) = service(&["uninstall"]);
    assert_eq!(code, Some(0), "{out}");
    assert!(!unit.exists());
}

/// `[log] format = "json"` with a log file: every line is one JSON object, in the file and on
/// stderr; and canary secrets (the provider's key, the bot token, the API key) appear in neither,
/// nor in the database — also when the provider refuses the key and Telegram the token.
#[test]
fn json_logs_go_to_a_file_and_no_secret_reaches_them() {
    let (home, fake) = (TempHome::new(), FakeOpenAi::start());
    fake.require_api_key("the-right-key");
    let port = free_port();
    let log = home.path().join("logs").join("omega.log");
    const KEY: &str = "sk-CANARY-provider-1f9a";
    const BOT: &str = "424242:CANARY-bot-token-77";
    const API: &str = "CANARY-api-key-5150";
    let tg = omega_testkit::telegram::FakeTelegram::start("1:other-token");
    home.write_config(&format!(
        "[log]\nformat = \"json\"\nfile = \"{}\"\nrotation = \"never\"\n\n\
         [provider]\ndefault = \"openai\"\n\n[provider.openai]\nbase_url = \"{}\"\napi_key = \"{KEY}\"\nmodel = \"m\"\n\n\
         [api]\nport = {port}\napi_key = \"{API}\"\n\n\
         [channel.telegram]\nenabled = true\nbot_token = \"{BOT}\"\napi_url = \"{}\"\nallowed_users = [1]\npoll_timeout_secs = 1\n",
        log.display(),
        fake.base_url(),
        tg.api_url()
    ));
    let daemon = Daemon::start(&home, port, 1);
    let said = reqwest::rt_block(async {
        let r = ::reqwest::Client::new()
            .post(format!("http://127.0.0.1:{port}/api/messages"))
            .bearer_auth(API)
            .json(&json!({"sender": "ana", "text": "hello"}))
            .send()
            .await
            .unwrap();
        r.json::<Value>().await.unwrap()
    });
    assert_eq!(said["status"], "failed", "the provider refused the key: {said}");
    wait_until(Duration::from_secs(20), "the refusal in the log file", || {
        std::fs::read_to_string(&log).is_ok_and(|t| t.contains("provider call failed"))
    });
    drop(daemon);
    let file = std::fs::read_to_string(&log).unwrap();
    let stderr = std::fs::read_to_string(home.path().join("daemon-1.log")).unwrap();
    for (name, text) in [("the log file", &file), ("stderr", &stderr)] {
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            let v: Value =
                serde_json::from_str(line).unwrap_or_else(|e| panic!("{name}: not JSON ({e}): {line}"));
            assert!(v["level"].is_string() && v["fields"].is_object(), "{name}: {line}");
        }
        for canary in [KEY, BOT, API, "CANARY"] {
            assert!(!text.contains(canary), "{canary} in {name}");
        }
    }
    let mut db = std::fs::read(home.db_path()).unwrap();
    db.extend(std::fs::read(format!("{}-wal", home.db_path().display())).unwrap_or_default());
    let db = String::from_utf8_lossy(&db);
    assert!(!db.contains("CANARY"), "a secret in the database");
}

/// `omega status` asks the running daemon itself; `omega stop` stops it gracefully (the process
/// ends on its own, the data dir is free again) and has nothing to do the second time.
#[test]
fn status_asks_the_running_daemon_and_stop_stops_it() {
    let (home, fake) = (TempHome::new(), FakeOpenAi::start());
    let port = free_port();
    home.write_config(&provider_config(&fake, port));
    let mut daemon = Daemon::start(&home, port, 1);
    let out = omega(&home, &["status"]).output().unwrap();
    let said = String::from_utf8_lossy(&out.stdout).into_owned();
    let pid = daemon.child.id();
    assert!(
        said.contains(&format!(
            "daemon:    running (process {pid}, up 0h 0m; 0 live sessions; provider openai"
        )),
        "{said}"
    );
    assert!(said.contains("next task: none scheduled"), "{said}");
    // Someone talks to Omega and asks for a reminder: a live session, a call, a task.
    let day = chrono::Utc::now().date_naive() + chrono::Days::new(1);
    fake.push(Script::Text(format!("Sure.\nSCHEDULE: call mom | {}T09:00 | once", day.format("%Y-%m-%d"))));
    let (status, body) = reqwest::blocking_post(
        format!("{}/api/messages", daemon.base()),
        &json!({"sender": "ana", "text": "remind me to call mom tomorrow at 9", "wait": true}),
    );
    assert_eq!((status, body["status"].as_str()), (200, Some("answered")), "{body}");
    let out = omega(&home, &["status"]).output().unwrap();
    let said = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(said.contains("; 1 live session; provider openai"), "{said}");
    assert!(said.contains("tokens spent in 1 call since midnight (UTC)"), "{said}");
    assert!(said.contains("09:00 (UTC) — call mom (a reminder, for http:ana)"), "{said}");
    let out = omega(&home, &["stop"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).ends_with("stopped\n"));
    let status = daemon.child.wait().unwrap();
    assert!(status.success(), "a graceful stop: {status}");
    assert!(!daemon.log().contains("ERROR"), "{}", daemon.log());
    let again = omega(&home, &["stop"]).output().unwrap();
    assert!(String::from_utf8_lossy(&again.stdout).starts_with("Omega is not running"));
}

/// `omega init` from flags, as a script would run it: a wrong key or token is caught live and
/// nothing is written; the right ones give a 0600 config that loads, and the daemon it sets up
/// answers on Telegram; an existing config is kept unless `--force`.
#[test]
fn init_checks_the_key_and_token_live_and_writes_a_config_that_works() {
    use omega_testkit::telegram::FakeTelegram;
    const TOKEN: &str = "123456:TEST-token";
    let (home, fake, tg) = (TempHome::new(), FakeOpenAi::start(), FakeTelegram::start(TOKEN));
    fake.require_api_key("sk-good");
    let config = home.path().join("fresh").join("omega.toml");
    let init = |extra: &[&str]| {
        let mut args =
            vec!["--config", config.to_str().unwrap(), "--provider", "openai", "init", "--non-interactive"];
        args.extend_from_slice(extra);
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_omega"))
            .args(&args)
            .env_remove("OPENAI_API_KEY")
            .output()
            .unwrap();
        (
            out.status.code(),
            format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr)),
        )
    };
    let base = fake.base_url();
    let tg_api = tg.api_url();
    let common = [
        "--base-url",
        &base,
        "--model",
        "m",
        "--telegram-api-url",
        &tg_api,
        "--telegram-user",
        "4242",
        "--timezone",
        "Europe/Lisbon",
    ];
    let (code, said) = init(&[&["--api-key", "sk-wrong", "--telegram-token", TOKEN][..], &common].concat());
    assert_eq!(code, Some(1), "{said}");
    assert!(said.contains("nothing was written"), "{said}");
    assert!(!config.exists());
    let (code, said) =
        init(&[&["--api-key", "sk-good", "--telegram-token", "1:wrong"][..], &common].concat());
    assert_eq!(code, Some(1), "{said}");
    assert!(said.contains("Telegram refused the bot token"), "{said}");
    assert!(!config.exists());
    let (code, said) = init(&[&["--no-verify", "--whatsapp", "web"][..], &common].concat());
    assert_eq!(code, Some(1), "{said}");
    assert!(said.contains("--whatsapp-user is needed"), "{said}");
    // The right answers, with WhatsApp Web and the secrets kept in a file of their own.
    let wa = ["--whatsapp", "web", "--whatsapp-user", "351912345678", "--secrets-file"];
    let (code, said) =
        init(&[&["--api-key", "sk-good", "--telegram-token", TOKEN][..], &common, &wa].concat());
    assert_eq!(code, Some(0), "{said}");
    assert!(said.contains("✓ openai: it answers") && said.contains("✓ telegram: the bot is @"), "{said}");
    assert!(said.contains("whatsapp pair"), "how to link WhatsApp is said: {said}");
    use std::os::unix::fs::PermissionsExt as _;
    assert_eq!(std::fs::metadata(&config).unwrap().permissions().mode() & 0o777, 0o600);
    let text = std::fs::read_to_string(&config).unwrap();
    assert!(
        text.contains("allowed_users = [4242]") && text.contains("timezone = \"Europe/Lisbon\""),
        "{text}"
    );
    assert!(text.contains("mode = \"web\"") && text.contains("allowed_users = [\"351912345678\"]"), "{text}");
    assert!(!text.contains("sk-good") && !text.contains(TOKEN), "no secret in omega.toml: {text}");
    let secrets = config.parent().unwrap().join("omega.env");
    assert_eq!(std::fs::metadata(&secrets).unwrap().permissions().mode() & 0o777, 0o600);
    let held = std::fs::read_to_string(&secrets).unwrap();
    assert!(held.contains("OPENAI_API_KEY=sk-good") && held.contains(&format!("TELEGRAM_BOT_TOKEN={TOKEN}")));
    let (code, said) = init(&["--no-verify", "--api-key", "x"]);
    assert_eq!(code, Some(1));
    assert!(said.contains("exists already; pass --force"), "{said}");

    // The config it wrote runs Omega, with the key and the token from the secrets file (none in
    // the environment): a Telegram message is answered.
    let port = free_port();
    std::fs::write(&config, format!("{text}\n[api]\nport = {port}\n")).unwrap();
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_omega"))
        .args(["--config", config.to_str().unwrap(), "start"])
        .env_remove("OPENAI_API_KEY")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    struct Kill(std::process::Child);
    impl Drop for Kill {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
    let _child = Kill(child);
    tg.send_text(4242, "hello from init");
    wait_until(Duration::from_secs(20), "the answer on Telegram", || {
        tg.sent_to(4242).iter().any(|m| m.text == "echo: hello from init")
    });
}

/// `omega config import`: an original Omega config.toml becomes an omega.toml that loads, and
/// what cannot come along is named.
#[test]
fn an_original_omega_config_is_imported_and_what_is_left_is_named() {
    let home = TempHome::new();
    let original = home.path().join("config.toml");
    std::fs::write(
        &original,
        format!(
            "[omega]\ndata_dir = \"{}\"\n[channel.telegram]\nenabled = true\nbot_token = \"1:t\"\nallowed_users = [42]\n\
             whisper_api_key = \"sk-w\"\n[scheduler]\npoll_interval_secs = 60\n[heartbeat]\nactive_start = \"08:00\"\n\
             active_end = \"22:00\"\n",
            home.data_dir().display()
        ),
    )
    .unwrap();
    let out = omega(&home, &["config", "import", original.to_str().unwrap()]).output().unwrap();
    let said = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "{said}{}", String::from_utf8_lossy(&out.stderr));
    assert!(said.contains("scheduler.poll_interval_secs: the Scheduler keeps one timer"), "{said}");
    let check = omega(&home, &["config", "check"]).output().unwrap();
    let shown = String::from_utf8_lossy(&check.stdout).into_owned();
    assert!(check.status.success(), "{shown}");
    assert!(shown.contains("active_hours = \"08:00-22:00\""), "{shown}");
    let again = omega(&home, &["config", "import", original.to_str().unwrap()]).output().unwrap();
    assert!(!again.status.success() && String::from_utf8_lossy(&again.stderr).contains("--force"));
}

/// `omega init` in a terminal, answered key by key as a person would (through a pseudo-terminal):
/// the provider from the list, its key and address, Telegram, WhatsApp declined, the secrets kept
/// apart, the time zone and the sandbox level; the person's id is found by their message to the
/// bot; what it writes runs.
#[test]
fn init_asks_in_a_terminal_what_no_flag_gave() {
    use omega_testkit::telegram::FakeTelegram;
    const TOKEN: &str = "123456:TEST-token";
    let (home, fake, tg) = (TempHome::new(), FakeOpenAi::start(), FakeTelegram::start(TOKEN));
    fake.require_api_key("sk-typed");
    let config = home.path().join("asked").join("omega.toml");
    let (down, enter) = ("\u{1b}[B", "\r");
    let script = json!([
        ["Which AI should answer?", format!("{down}{down}{enter}")],
        ["openai API key", "sk-typed\r", "secret"],
        ["Its address", format!("{}\r", fake.base_url())],
        ["Talk to Omega on Telegram?", "y"],
        ["The bot token from @BotFather", format!("{TOKEN}\r"), "secret"],
        ["Talk to Omega on WhatsApp?", "n"],
        ["Keep the keys and tokens in a separate file", "y"],
        ["Your time zone", "Europe/Lisbon\r"],
        ["What may tools touch?", enter],
        ["Now send any message to @", ""],
        ["Install Omega as a service", "n"],
    ]);
    let script_file = home.path().join("keys.json");
    std::fs::write(&script_file, script.to_string()).unwrap();
    // The person's message to the bot, which init reads to learn their id.
    tg.send_text(4242, "it's me");
    let out = std::process::Command::new("python3")
        .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/crates/omega/tests/it/terminal.py"))
        .arg(&script_file)
        .arg("--")
        .arg(env!("CARGO_BIN_EXE_omega"))
        .args(["--config", config.to_str().unwrap(), "init", "--telegram-api-url", &tg.api_url()])
        .env_remove("OPENAI_API_KEY")
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{said}");
    assert!(said.contains("✓ openai: it answers") && said.contains("✓ telegram: the bot is @"), "{said}");
    let text = std::fs::read_to_string(&config).unwrap();
    assert!(text.contains("default = \"openai\"") && text.contains("allowed_users = [4242]"), "{text}");
    assert!(text.contains("timezone = \"Europe/Lisbon\"") && text.contains("level = \"sandbox\""), "{text}");
    assert!(!text.contains("sk-typed") && !text.contains(TOKEN), "{text}");
    let held = std::fs::read_to_string(config.parent().unwrap().join("omega.env")).unwrap();
    assert!(
        held.contains("OPENAI_API_KEY=sk-typed") && held.contains(&format!("TELEGRAM_BOT_TOKEN={TOKEN}"))
    );
    // It loads, with the secrets from their file.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_omega"))
        .args(["--config", config.to_str().unwrap(), "config", "check"])
        .env_remove("OPENAI_API_KEY")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

/// `omega status | head -1`: the reader goes away before the report is written, and the report
/// ends quietly instead of panicking on the closed pipe.
#[test]
fn a_report_piped_into_a_reader_that_stops_early_ends_without_a_panic() {
    let home = TempHome::new();
    home.write_config("");
    for args in [&["status"][..], &["doctor"], &["config", "check"], &["audit", "verify"]] {
        let mut child = omega(&home, args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!err.contains("panicked") && !err.contains("Broken pipe"), "omega {}: {err}", args.join(" "));
    }
}
